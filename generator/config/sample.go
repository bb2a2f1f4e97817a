package config

// Record sampling, opt-in per cluster: kdocs reads the latest records of each partition to see
// which schema ids the producers really use, never what the records say.
//
//	clusters:
//	  - name: prod
//	    sample: {records: 20, headers: [source], maxBytes: 65536}
//
// Of each record it keeps only the Confluent wire-format framing of key and value (the schema
// id and, for Protobuf, the message indexes), the names of its headers and the values of the
// headers listed here. Payloads never leave the collector.

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Sample is a cluster's sample: block.
type Sample struct {
	// Records is how many of the latest offsets of each partition are read (1–1000).
	Records int `yaml:"records"`
	// MaxBytes bounds the bytes fetched per partition (default DefaultSampleMaxBytes). The
	// broker still returns a first batch larger than the bound whole (KIP-74).
	MaxBytes int `yaml:"maxBytes"`
	// Headers names the headers whose values are kept (for example an app's "source" header);
	// of the others only the names are.
	Headers []string `yaml:"headers"`
	Line    int      `yaml:"-"`
}

// Bounds of sampling.
const (
	DefaultSampleMaxBytes = 64 << 10
	maxSampleRecords      = 1000
	maxSampleBytes        = 16 << 20
)

var sampleKeys = map[string]bool{"records": true, "maxBytes": true, "headers": true}

// UnmarshalYAML decodes the block, records its line, refuses unknown keys and applies defaults.
func (s *Sample) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "sample", "a mapping with records and optionally maxBytes and headers", sampleKeys); err != nil {
		return err
	}
	type fields Sample
	if err := n.Decode((*fields)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	if s.MaxBytes == 0 {
		s.MaxBytes = DefaultSampleMaxBytes
	}
	return nil
}

func (s *Sample) validate(cluster string) []error {
	if s == nil {
		return nil
	}
	at := fmt.Sprintf("line %d: cluster %q: sample", s.Line, cluster)
	var errs []error
	if s.Records < 1 || s.Records > maxSampleRecords {
		errs = append(errs, fmt.Errorf("%s: records %d: want 1 to %d records per partition", at, s.Records, maxSampleRecords))
	}
	if s.MaxBytes < 1024 || s.MaxBytes > maxSampleBytes {
		errs = append(errs, fmt.Errorf("%s: maxBytes %d: want 1024 to %d bytes per partition", at, s.MaxBytes, maxSampleBytes))
	}
	seen := map[string]bool{}
	for _, h := range s.Headers {
		switch {
		case h == "":
			errs = append(errs, fmt.Errorf("%s: headers: a header name may not be empty", at))
		case seen[h]:
			errs = append(errs, fmt.Errorf("%s: headers: %q is listed twice", at, h))
		}
		seen[h] = true
	}
	return errs
}
