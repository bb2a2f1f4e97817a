package lineage

// The schemas the records of a topic are framed with, as the sampler saw them (snapshot
// samples), resolved against the registry: schema id → the subjects and versions registered
// with it. It is evidence of what producers really write, to be set beside the subjects the
// naming strategy gives the topic.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// EvidenceSampledSchema: the schema id framing the topic's latest records.
const EvidenceSampledSchema = "sampled-schema"

// SubjectVersion is one registered version a schema id belongs to.
type SubjectVersion struct {
	Subject string
	Version int
}

// SchemaObservation is one schema id seen in the keys or values of a topic's sampled records.
type SchemaObservation struct {
	ID int
	// MessageIndexes name the Protobuf message, nil for other schema types; MessageName is its
	// full name when the site could read it from the registry's schema.
	MessageIndexes []int
	MessageName    string
	// Records are the sampled records framed with it.
	Records int
	// Subjects are the registry's versions with this id, sorted; nil when the registry does not
	// hold it (or the snapshot has no registry).
	Subjects []SubjectVersion
}

// Message reads the message indexes as a reader names them: "[1, 0]", or "" without any.
func (o SchemaObservation) Message() string {
	if o.MessageIndexes == nil {
		return ""
	}
	parts := make([]string, len(o.MessageIndexes))
	for i, v := range o.MessageIndexes {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// SampledFraming is the keys or the values of a topic's sampled records.
type SampledFraming struct {
	Schemas         []SchemaObservation
	Null, NotFramed int
}

// SampledTopic is what the sampled records of one topic show.
type SampledTopic struct {
	// Asked is the number of latest offsets read per partition.
	Asked               int
	Partitions, Records int
	Bytes               int64
	Key, Value          SampledFraming
	Headers             []snapshot.HeaderUse
	Error               string
	registry            bool
}

// Sampled resolves the snapshot's samples by topic; nil when the snapshot has none.
func Sampled(snap *snapshot.Snapshot) map[string]*SampledTopic {
	if snap.Samples == nil {
		return nil
	}
	byID := map[int][]SubjectVersion{}
	if snap.Registry != nil {
		for _, s := range snap.Registry.Subjects {
			for _, v := range s.Versions {
				byID[v.ID] = append(byID[v.ID], SubjectVersion{s.Name, v.Version})
			}
		}
	}
	for _, svs := range byID {
		slices.SortFunc(svs, func(a, b SubjectVersion) int {
			return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Version, b.Version))
		})
	}
	resolve := func(f snapshot.Framing) SampledFraming {
		out := SampledFraming{Null: f.Null, NotFramed: f.NotFramed}
		for _, u := range f.Schemas {
			out.Schemas = append(out.Schemas, SchemaObservation{ID: u.ID, MessageIndexes: u.MessageIndexes, Records: u.Records, Subjects: byID[u.ID]})
		}
		return out
	}
	out := make(map[string]*SampledTopic, len(snap.Samples.Topics))
	for _, t := range snap.Samples.Topics {
		out[t.Topic] = &SampledTopic{Asked: snap.Samples.Records, Partitions: t.Partitions, Records: t.Records, Bytes: t.Bytes,
			Key: resolve(t.Key), Value: resolve(t.Value), Headers: t.Headers, Error: t.Error, registry: snap.Registry != nil}
	}
	return out
}

// Mismatches says, for the keys (role "key") or values of the sampled records, each schema id
// that is not a version of the subjects the topic's naming strategy gives it (expected), or
// that the registry does not hold. Nothing when expected is empty: no expectation to miss.
func (t *SampledTopic) Mismatches(role string, expected []string) []string {
	f := t.Value
	if role == "key" {
		f = t.Key
	}
	if len(expected) == 0 {
		return nil
	}
	var out []string
	for _, o := range f.Schemas {
		if len(o.Subjects) == 0 {
			if t.registry {
				out = append(out, fmt.Sprintf("schema id %d frames the %s in %d of %d sampled records, and the registry does not hold it", o.ID, role, o.Records, t.Records))
			}
			continue
		}
		if slices.ContainsFunc(o.Subjects, func(sv SubjectVersion) bool { return slices.Contains(expected, sv.Subject) }) {
			continue
		}
		names := make([]string, len(o.Subjects))
		for i, sv := range o.Subjects {
			names[i] = fmt.Sprintf("%s v%d", sv.Subject, sv.Version)
		}
		out = append(out, fmt.Sprintf("schema id %d (%s) frames the %s in %d of %d sampled records; it is not a version of %s, the subject the naming strategy gives",
			o.ID, strings.Join(names, ", "), role, o.Records, t.Records, strings.Join(expected, " or ")))
	}
	return out
}

// RoleFraming is the keys or the values of the sampled records, under their role's name.
type RoleFraming struct {
	Role, Label string
	SampledFraming
}

// Roles returns the keys' framing, then the values'.
func (t *SampledTopic) Roles() []RoleFraming {
	return []RoleFraming{{"key", "Key", t.Key}, {"value", "Value", t.Value}}
}
