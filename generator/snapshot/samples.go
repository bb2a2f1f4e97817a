package snapshot

// What the latest records of each topic show without their payloads: which schema ids their
// keys and values are framed with (the Confluent wire format: a zero byte, the schema id in four
// bytes, and for Protobuf the message indexes), which headers they carry, and the values of the
// headers site.yaml names. Taken only when site.yaml's sample: asks for it.

import (
	"cmp"
	"slices"
)

// SampleSection is the sampling of a cluster: what was asked and, per topic, what was seen.
type SampleSection struct {
	// Records is the number of latest offsets read per partition, MaxBytes the bound on the
	// bytes fetched per partition.
	Records  int `json:"records"`
	MaxBytes int `json:"maxBytes"`
	// Headers are the header names whose values are kept.
	Headers []string `json:"headers,omitempty"`
	// Topics are the sampled topics, sorted by name. Internal topics and topics with no
	// records are not sampled.
	Topics []TopicSample `json:"topics,omitempty"`
}

// TopicSample is what the latest records of one topic's partitions show.
type TopicSample struct {
	Topic string `json:"topic"`
	// Partitions is the number of partitions read, Records the records seen and Bytes the
	// bytes the brokers returned for them.
	Partitions int   `json:"partitions"`
	Records    int   `json:"records"`
	Bytes      int64 `json:"bytes"`
	// Key and Value are how the records' keys and values are framed.
	Key   Framing `json:"key"`
	Value Framing `json:"value"`
	// Headers are the header names seen, with their counts and (for the names site.yaml
	// lists) their values, sorted by name.
	Headers []HeaderUse `json:"headers,omitempty"`
	// Error says why some or all of the topic's partitions could not be read (not authorized,
	// leader moved); the counts are then of the partitions that were.
	Error string `json:"error,omitempty"`
}

// Framing counts how a key or a value of the sampled records is framed.
type Framing struct {
	// Schemas are the schema ids seen (with their Protobuf message indexes), sorted by id.
	Schemas []SchemaUse `json:"schemas,omitempty"`
	// Null counts the records without one (a null key; a tombstone's value).
	Null int `json:"null,omitempty"`
	// NotFramed counts those that are not in the Confluent wire format: too short, or not
	// starting with the zero magic byte.
	NotFramed int `json:"notFramed,omitempty"`
}

// SchemaUse is one schema id seen in the framing of sampled records.
type SchemaUse struct {
	ID int `json:"id"`
	// MessageIndexes name the Protobuf message within the schema's file ([0]: the first
	// message). Nil for Avro and JSON Schema, whose framing has none, and when the registry did
	// not say the id is a Protobuf schema.
	MessageIndexes []int `json:"messageIndexes,omitempty"`
	Records        int   `json:"records"`
}

// HeaderUse is one header name seen on sampled records.
type HeaderUse struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	// Values are the values seen, for the headers site.yaml's sample.headers lists, sorted by
	// value; a value that is not text is "(N bytes, not text)".
	Values []HeaderValue `json:"values,omitempty"`
}

// HeaderValue is one value of a kept header and the records that carry it.
type HeaderValue struct {
	Value   string `json:"value"`
	Records int    `json:"records"`
}

func normalizeSamples(s *Snapshot) {
	if s.Samples == nil {
		return
	}
	slices.SortFunc(s.Samples.Topics, func(a, b TopicSample) int { return cmp.Compare(a.Topic, b.Topic) })
	for i := range s.Samples.Topics {
		t := &s.Samples.Topics[i]
		for _, f := range []*Framing{&t.Key, &t.Value} {
			slices.SortFunc(f.Schemas, func(a, b SchemaUse) int {
				return cmp.Or(cmp.Compare(a.ID, b.ID), slices.Compare(a.MessageIndexes, b.MessageIndexes))
			})
		}
		slices.SortFunc(t.Headers, func(a, b HeaderUse) int { return cmp.Compare(a.Name, b.Name) })
		for j := range t.Headers {
			slices.SortFunc(t.Headers[j].Values, func(a, b HeaderValue) int { return cmp.Compare(a.Value, b.Value) })
		}
	}
}

// KeepMessageIndexes keeps the message indexes of the schema ids protobuf says are Protobuf
// and drops all others', merging their counts: the collector reads the bytes after every id as
// indexes, and for Avro or JSON Schema those bytes are the payload's first, not indexes.
func (s *SampleSection) KeepMessageIndexes(protobuf func(id int) bool) {
	if s == nil {
		return
	}
	for i := range s.Topics {
		t := &s.Topics[i]
		for _, f := range []*Framing{&t.Key, &t.Value} {
			merged := map[int]int{}
			var kept []SchemaUse
			for _, u := range f.Schemas {
				if protobuf(u.ID) && u.MessageIndexes != nil {
					kept = append(kept, u)
				} else {
					merged[u.ID] += u.Records
				}
			}
			for id, n := range merged {
				kept = append(kept, SchemaUse{ID: id, Records: n})
			}
			slices.SortFunc(kept, func(a, b SchemaUse) int {
				return cmp.Or(cmp.Compare(a.ID, b.ID), slices.Compare(a.MessageIndexes, b.MessageIndexes))
			})
			f.Schemas = kept
		}
	}
}

// ProtobufIDs returns the ids of the registry's Protobuf schemas.
func (r *Registry) ProtobufIDs() map[int]bool {
	out := map[int]bool{}
	if r == nil {
		return out
	}
	for _, sub := range r.Subjects {
		for _, v := range sub.Versions {
			if v.Type == "PROTOBUF" {
				out[v.ID] = true
			}
		}
	}
	return out
}
