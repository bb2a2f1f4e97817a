package export_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/export"
)

// entities decodes a multi-document catalog file.
func entities(t testing.TB, data []byte) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var e map[string]any
		err := dec.Decode(&e)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, e)
	}
}

func findEntity(t testing.TB, ents []map[string]any, kind, name string) map[string]any {
	t.Helper()
	for _, e := range ents {
		if e["kind"] == kind && at(t, e, "metadata", "name") == name {
			return e
		}
	}
	t.Fatalf("no %s %q", kind, name)
	return nil
}

func TestBackstageExample(t *testing.T) {
	files, err := export.Backstage(example(t))
	require.NoError(t, err)
	require.Equal(t, "catalog-info.yaml", files[0].Path)
	for _, f := range files[1:] {
		assert.True(t, strings.HasPrefix(f.Path, "asyncapi/"), f.Path)
	}
	ents := entities(t, files[0].Data)
	kinds := map[string]int{}
	for _, e := range ents {
		kinds[e["kind"].(string)]++
	}
	assert.Equal(t, map[string]int{"Group": 5, "System": 2, "Resource": 41, "Component": 20, "API": 20}, kinds,
		"acme-dev's 29 topics and acme-dr's 12, an API and a component per application")

	sys := findEntity(t, ents, "System", "acme-dev")
	assert.Equal(t, "acme-dev", at(t, sys, "metadata", "namespace"))
	assert.Equal(t, "group:default/kafka-platform", at(t, sys, "spec", "owner"))

	topic := findEntity(t, ents, "Resource", "orders.order-placed.v1")
	assert.Equal(t, "kafka-topic", at(t, topic, "spec", "type"))
	assert.Equal(t, "group:default/team-orders", at(t, topic, "spec", "owner"))
	assert.Equal(t, "system:acme-dev/acme-dev", at(t, topic, "spec", "system"))
	assert.Equal(t, "orders.order-placed.v1", at(t, topic, "metadata", "annotations", "kdocs.io/topic"))
	assert.Equal(t, []any{"core", "orders", "pii"}, at(t, topic, "metadata", "tags"))

	assert.Equal(t, "consumer-group", at(t, findEntity(t, ents, "Component", "analytics-loader"), "spec", "type"))
	assert.Equal(t, "service", at(t, findEntity(t, ents, "Component", "checkout-service"), "spec", "type"))
	ful := findEntity(t, ents, "Component", "order-fulfilment")
	assert.Equal(t, "group:default/team-fulfilment", at(t, ful, "spec", "owner"))
	assert.Equal(t, []any{"api:acme-dev/order-fulfilment"}, at(t, ful, "spec", "providesApis"))
	assert.Equal(t, []any{"api:acme-dev/checkout-service"}, at(t, ful, "spec", "consumesApis"), "checkout-service writes orders.order-placed.v1")
	assert.Equal(t, []any{"resource:acme-dev/orders.order-cancelled.v1", "resource:acme-dev/orders.order-placed.v1"}, at(t, ful, "spec", "dependsOn"))

	api := findEntity(t, ents, "API", "order-fulfilment")
	assert.Equal(t, "asyncapi", at(t, api, "spec", "type"))
	assert.Equal(t, "./asyncapi/acme-dev/order-fulfilment.yaml", at(t, api, "spec", "definition", "$text"))

	// Backstage's own validators, with $text resolved as the catalog does; every reference
	// names an entity of the file.
	dir := t.TempDir()
	paths := writeAll(t, dir, files)
	validate(t, "validate-backstage.mjs", paths[0])
}

func TestBackstageIsDeterministic(t *testing.T) {
	a, err := export.Backstage(example(t))
	require.NoError(t, err)
	b, err := export.Backstage(example(t))
	require.NoError(t, err)
	require.Equal(t, len(a), len(b))
	for i := range a {
		assert.Equal(t, string(a[i].Data), string(b[i].Data), a[i].Path)
	}
}

func TestBackstageBigEstateValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("the 10,000-topic estate through Backstage's validators takes a while")
	}
	files, err := export.Backstage(bigEstate(t))
	require.NoError(t, err)
	ents := entities(t, files[0].Data)
	assert.Greater(t, len(ents), 10_000)
	validate(t, "validate-backstage.mjs", writeAll(t, t.TempDir(), files)[0])
}
