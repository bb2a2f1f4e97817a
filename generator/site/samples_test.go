package site

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// The message indexes of a sampled Protobuf record name the message of the registry's schema
// with that id; indexes that point nowhere, schemas with imports and other types keep the
// indexes alone.
func TestNameMessages(t *testing.T) {
	proto := `syntax = "proto3";
package acme.v1;
message Transfer { string id = 1; }
message Events {
  message Started { Transfer transfer = 1; }
  message Done { string id = 1; }
}`
	reg := &snapshot.Registry{Subjects: []snapshot.Subject{
		{Name: "events-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 23, Type: "PROTOBUF", Schema: proto}}},
		{Name: "imported-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 24, Type: "PROTOBUF", Schema: proto,
			References: []snapshot.Reference{{Name: "other.proto", Subject: "other", Version: 1}}}}},
	}}
	obs := func(id int, idx ...int) lineage.SchemaObservation {
		return lineage.SchemaObservation{ID: id, MessageIndexes: idx, Records: 1}
	}
	sampled := map[string]*lineage.SampledTopic{"events": {Value: lineage.SampledFraming{Schemas: []lineage.SchemaObservation{
		obs(23, 0), obs(23, 1, 1), obs(23, 1, 0), obs(23, 5), obs(24, 0), obs(99, 0), {ID: 23, Records: 1},
	}}}}
	nameMessages(sampled, reg)
	var names []string
	for _, o := range sampled["events"].Value.Schemas {
		names = append(names, o.MessageName)
	}
	assert.Equal(t, []string{"acme.v1.Transfer", "acme.v1.Events.Done", "acme.v1.Events.Started", "", "", "", ""}, names)
	nameMessages(sampled, nil) // no registry: nothing to read, nothing to fail
}
