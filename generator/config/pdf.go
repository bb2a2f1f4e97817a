package config

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// PDF configures `kdocs pdf`:
//
//	pdf:
//	  memoryBudget: 2GiB   # the most memory a book may take to print (default 2GiB)
type PDF struct {
	// MemoryBudget is the most memory printing one book may take, Chromium's processes and
	// kdocs together; 0 means the default (2 GiB). A larger book is refused before printing,
	// and a print that crosses it is stopped.
	MemoryBudget ByteSize `yaml:"memoryBudget"`
}

// ByteSize is a size in bytes, written in site.yaml and on the command line as a number with an
// optional unit: 2GiB, 1536MiB, 512MB, 3G, 1073741824. K, M, G and T, with or without the B,
// are binary (1024-based), as are KiB, MiB, GiB and TiB; kB, MB, GB and TB are decimal.
type ByteSize uint64

var byteUnits = []struct {
	suffix string
	mult   uint64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40},
	{"b", 1},
}

// ParseByteSize reads a ByteSize (see its doc for the forms).
func ParseByteSize(s string) (ByteSize, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	mult := uint64(1)
	for _, u := range byteUnits {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			v, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 || v == "" {
		return 0, fmt.Errorf("%q is not a size: want a positive number with an optional unit, such as 2GiB, 1536MiB or 512MB", s)
	}
	return ByteSize(f * float64(mult)), nil
}

// UnmarshalYAML reads a ByteSize and names its line when it is not one.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*b = v
	return nil
}

// String writes the size in the largest binary unit that divides it, else in MiB.
func (b ByteSize) String() string {
	for _, u := range []struct {
		name string
		mult uint64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if uint64(b) >= u.mult && uint64(b)%u.mult == 0 {
			return strconv.FormatUint(uint64(b)/u.mult, 10) + u.name
		}
	}
	if b >= 1<<20 {
		return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + "MiB"
	}
	return strconv.FormatUint(uint64(b), 10) + "B"
}

// Set and Type make a ByteSize a command-line flag.
func (b *ByteSize) Set(s string) error {
	v, err := ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// Type names the flag's value in the help.
func (b *ByteSize) Type() string { return "size" }
