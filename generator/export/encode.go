package export

import (
	"bytes"
	"slices"
	"strings"
)

// yaml.v3's emitter holds every event of a document until the end and grows its buffers with
// it: one Marshal of a 10,000-channel document allocates well over a gigabyte. A document is
// therefore written section by section, each map entry of the big sections (channels,
// operations, components.schemas, components.messages) marshalled on its own and indented into
// place. Indenting a whole YAML block is safe: block scalars' indentation indicators are
// relative, and flow scalars ignore leading white space on continuation lines.

// marshal writes the document; the result reads back as the same document as marshalYAML(d).
func (d *document) marshal() ([]byte, error) {
	head := *d
	head.Channels, head.Operations, head.Components = nil, nil, nil
	data, err := marshalYAML(&head)
	if err != nil {
		return nil, err
	}
	b := bytes.NewBuffer(data)
	if err := writeSection(b, "channels", 0, d.Channels); err != nil {
		return nil, err
	}
	if err := writeSection(b, "operations", 0, d.Operations); err != nil {
		return nil, err
	}
	if c := d.Components; c != nil {
		b.WriteString("components:\n")
		if err := writeSection(b, "schemas", 2, c.Schemas); err != nil {
			return nil, err
		}
		if err := writeSection(b, "messages", 2, c.Messages); err != nil {
			return nil, err
		}
		if err := writeSection(b, "securitySchemes", 2, c.SecuritySchemes); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// writeSection writes "key:" at indent and then each entry of m, sorted by key, two deeper.
func writeSection[V any](b *bytes.Buffer, key string, indent int, m map[string]V) error {
	if len(m) == 0 {
		return nil
	}
	pad := strings.Repeat(" ", indent)
	b.WriteString(pad + key + ":\n")
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	inner := pad + "  "
	for _, k := range keys {
		data, err := marshalYAML(map[string]V{k: m[k]})
		if err != nil {
			return err
		}
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if line == "" {
				continue
			}
			if line != "\n" {
				b.WriteString(inner)
			}
			b.WriteString(line)
		}
	}
	return nil
}
