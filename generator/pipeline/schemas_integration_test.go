package pipeline

// The schema catalog end to end against the real cluster and registry seeded by testdata/seed:
// testdata/demo/live.yaml (with its subject naming overrides) → Kafka and registry collectors →
// snapshot → site model. The facts asserted are those of testdata/seed/README.md.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/registry"
	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// schemaTestContext is the registry context the test registers its hostile subject into; the
// registry cannot delete a context, so every run (and generator/registry's tests) reuses it.
const schemaTestContext = ".kdocs-test-reg-77"

func TestSchemaCatalogRealEstate(t *testing.T) {
	testenv.Kafka(t)
	url := testenv.Registry(t)
	ctx := context.Background()

	// A subject whose name needs a safe file name, in a context, with a doc that would be
	// Markdown, HTML and Mermaid if it were not escaped.
	// No '/': AxonOps v0.2.1 does not decode %2F in a subject path and stores the name escaped
	// (slugs of names with '/' are tested in generator/site).
	hostile := fmt.Sprintf(":%s:orders ünï code <b>%d", schemaTestContext, rand.Uint32())
	testenv.ScratchSubject(t, url, hostile, `{"type":"record","name":"Hostile","namespace":"x","fields":[`+
		`{"name":"a","type":"string","doc":"<script>alert(1)</script> **bold** [x](javascript:y) graph TD; A-->B"}]}`)

	// live.yaml's Connect entry takes its REST credentials from the environment; this test reads
	// no Connect, so any value does where they are unset.
	for _, v := range []string{"KDOCS_CONNECT_USER", "KDOCS_CONNECT_PASSWORD"} {
		if _, ok := os.LookupEnv(v); !ok {
			t.Setenv(v, "unused")
		}
	}
	cfg, err := config.Load("../../testdata/demo/live.yaml")
	require.NoError(t, err)
	c := cfg.Clusters[0]
	// live.yaml names the default ports; the test's services may run elsewhere.
	c.Bootstrap = testenv.KafkaBootstrap()
	snap, err := kafka.Collect(ctx, c)
	require.NoError(t, err)
	snap.Registry, err = registry.Collect(ctx, registry.Options{URL: url})
	require.NoError(t, err)
	snap.Cluster.Name = c.Name
	snap.Normalize()

	model, err := site.BuildEstate(cfg.Title, []*snapshot.Snapshot{snap}, nil, estate(cfg))
	require.NoError(t, err)
	subjects := map[string]*site.SubjectData{}
	topics := map[string]*site.TopicData{}
	var orphans *site.OrphansData
	var catalog *site.SubjectsData
	for _, p := range model.Pages {
		switch d := p.Data.(type) {
		case *site.SubjectData:
			subjects[d.Name] = d
		case *site.TopicData:
			topics[d.Name] = d
		case *site.OrphansData:
			orphans = d
		case *site.SubjectsData:
			catalog = d
		}
	}
	subject := func(name string) *site.SubjectData {
		t.Helper()
		require.Contains(t, subjects, name)
		return subjects[name]
	}
	field := func(d *site.SubjectData, path string) site.FieldRow {
		t.Helper()
		for _, f := range d.Fields {
			if f.Path == path {
				return f
			}
		}
		t.Fatalf("%s has no field %s among %v", d.Name, path, d.Fields)
		return site.FieldRow{}
	}

	t.Run("avro: fields, versions and diffs under a FULL override", func(t *testing.T) {
		d := subject("orders.order-placed.v1-value")
		assert.Equal(t, "com.acme.orders.v1.OrderPlaced", d.Record)
		assert.Equal(t, "FULL", d.Compatibility)
		assert.True(t, d.Override)
		require.Len(t, d.Versions, 3)
		assert.Equal(t, 3, d.Latest.Version)
		assert.Len(t, d.Fields, 7)
		assert.Equal(t, site.FieldRow{Name: "channel", Path: "channel", Type: "string", Default: `"web"`, Doc: "web, mobile or store"}, field(d, "channel"))
		assert.True(t, field(d, "couponCode").Nullable)
		assert.True(t, field(d, "orderId").Required)
		assert.Equal(t, []site.FieldChangeRow{{Path: "couponCode", Kind: "added", New: field(d, "couponCode").Type,
			Reason: d.Versions[1].Changes[0].Reason}}, d.Versions[1].Changes)
		assert.Zero(t, d.Versions[2].Breaking, "v3 adds a field with a default: compatible under FULL")
		// Linked by TopicNameStrategy, key and value.
		assert.Equal(t, []site.TopicUse{{Topic: site.Link{Title: "orders.order-placed.v1", Path: "clusters/acme-dev/topics/orders.order-placed.v1"},
			Role: "value", Strategy: "TopicName"}}, d.Topics)
		tp := topics["orders.order-placed.v1"]
		require.Len(t, tp.Schemas, 2)
		assert.Equal(t, []string{"key", "value"}, []string{tp.Schemas[0].Role, tp.Schemas[1].Role})
		assert.Equal(t, "orders.order-placed.v1-key", tp.KeySchema.Subject.Title)
	})

	t.Run("avro reference both ways", func(t *testing.T) {
		d := subject("orders.order-shipped.v1-value")
		require.Len(t, d.Latest.References, 1)
		assert.Equal(t, "clusters/acme-dev/schemas/"+slugOf(t, model, "com.acme.common.Address"), d.Latest.References[0].Subject.Path)
		assert.Equal(t, "string", field(d, "shipTo.postalCode").Type, "the referenced record's fields are expanded")
		addr := subject("com.acme.common.Address")
		assert.False(t, addr.Override)
		assert.Equal(t, "BACKWARD", addr.Compatibility)
		assert.Equal(t, []site.ReferrerRow{{Subject: site.Link{Title: "orders.order-shipped.v1-value",
			Path: "clusters/acme-dev/schemas/orders.order-shipped.v1-value"}, Versions: []int{1}, Targets: []int{1}}}, addr.ReferencedBy)
	})

	t.Run("protobuf import through a reference, TopicRecordNameStrategy", func(t *testing.T) {
		name := "payments.payment-failed.v1-com.acme.payments.v1.PaymentFailed"
		d := subject(name)
		assert.Equal(t, "com.acme.payments.v1.PaymentFailed", d.Record)
		assert.Equal(t, "int64", field(d, "amount.amount_minor").Type, "Money comes from the imported subject")
		assert.Equal(t, "INSUFFICIENT_FUNDS, CARD_EXPIRED or DO_NOT_HONOR.", field(d, "error_code").Doc)
		require.Len(t, d.Topics, 1)
		assert.Equal(t, "TopicRecordName", d.Topics[0].Strategy)
		assert.Equal(t, "value", d.Topics[0].Role)
		tp := topics["payments.payment-failed.v1"]
		require.NotNil(t, tp.ValueSchema)
		assert.Equal(t, name, tp.ValueSchema.Subject.Title)
		assert.Nil(t, tp.KeySchema)
		money := subject("com.acme.common.Money")
		require.Len(t, money.ReferencedBy, 1)
		assert.Equal(t, name, money.ReferencedBy[0].Subject.Title)
		assert.Equal(t, "protobuf", money.Latest.Language)
	})

	t.Run("RecordNameStrategy from the per-topic override", func(t *testing.T) {
		d := subject("com.acme.orders.v1.OrderReturned")
		assert.Equal(t, d.Name, d.Record)
		require.Len(t, d.Topics, 1)
		assert.Equal(t, site.TopicUse{Topic: site.Link{Title: "orders.order-returned.v1", Path: "clusters/acme-dev/topics/orders.order-returned.v1"},
			Role: "value", Strategy: "RecordName"}, d.Topics[0])
		assert.Equal(t, "enum ReturnReason", field(d, "reason").Type)
	})

	t.Run("json schema", func(t *testing.T) {
		d := subject("inventory.stock-level.v1-value")
		assert.Equal(t, "StockLevel", d.Record)
		assert.Equal(t, "JSON", d.Latest.Type)
		assert.Len(t, d.Fields, 5)
		require.Len(t, d.Versions[1].Changes, 1)
		assert.Equal(t, "reserved", d.Versions[1].Changes[0].Path)
		assert.Equal(t, "added", d.Versions[1].Changes[0].Kind)
		assert.False(t, d.Versions[1].Changes[0].Breaking, "an optional property is compatible under BACKWARD")
	})

	t.Run("soft-deleted version with a breaking change, orphan subject", func(t *testing.T) {
		d := subject("inventory.stock-forecast.v1-value")
		require.Len(t, d.Versions, 3)
		assert.Equal(t, []bool{false, true, false}, []bool{d.Versions[0].Deleted, d.Versions[1].Deleted, d.Versions[2].Deleted})
		assert.Equal(t, 3, d.Latest.Version)
		assert.True(t, d.Override)
		assert.Equal(t, "BACKWARD", d.Compatibility)
		v2 := d.Versions[1]
		require.Len(t, v2.Changes, 1)
		assert.Equal(t, "horizonDays", v2.Changes[0].Path)
		assert.True(t, v2.Changes[0].Breaking, "a field without a default breaks BACKWARD")
		assert.Equal(t, 1, v2.Breaking)
		assert.Empty(t, d.Topics)
		assert.Equal(t, "NONE", subject("inventory.product-catalog.v1-value").Compatibility)
	})

	t.Run("orphans", func(t *testing.T) {
		require.NotNil(t, orphans)
		var subs, tops []string
		for _, s := range orphans.Subjects {
			subs = append(subs, s.Title)
		}
		for _, tp := range orphans.Topics {
			tops = append(tops, tp.Title)
		}
		for _, s := range []string{"inventory.stock-forecast.v1-value", "com.acme.common.Address", "com.acme.common.Money"} {
			assert.Contains(t, subs, s)
		}
		assert.NotContains(t, subs, "orders.order-placed.v1-value")
		assert.NotContains(t, subs, "com.acme.orders.v1.OrderReturned")
		for _, tp := range []string{"orders.cart-events.v1", "orders.order-status.v1", "payments.fraud-scores.v1", "inventory.stock-audit.v1"} {
			assert.Contains(t, tops, tp)
		}
		for _, tp := range []string{"orders.order-returned.v1", "payments.payment-failed.v1", "orders.order-placed.v1", "__consumer_offsets"} {
			assert.NotContains(t, tops, tp)
		}
	})

	t.Run("catalog", func(t *testing.T) {
		require.NotNil(t, catalog)
		for _, r := range catalog.Subjects {
			if r.Title == "orders.order-shipped.v1-value" {
				assert.Equal(t, 9, r.Fields, "5 fields and the 4 of the referenced Address")
				assert.Equal(t, "AVRO", r.Type)
			}
		}
	})

	t.Run("hostile name in a context", func(t *testing.T) {
		d := subject(hostile)
		var path string
		for _, p := range model.Pages {
			if p.Data == any(d) {
				path = p.Path
			}
		}
		assert.Regexp(t, regexp.MustCompile(`^clusters/acme-dev/schemas/[a-z0-9._-]+$`), path)
		assert.Equal(t, "<script>alert(1)</script> **bold** [x](javascript:y) graph TD; A-->B", d.Fields[0].Doc, "kept verbatim for the renderer to escape")
		assert.Empty(t, slices.DeleteFunc(slices.Clone(model.Warnings), func(w string) bool { return !regexp.MustCompile(`Hostile|ünï`).MatchString(w) }))
	})
}

// slugOf is the page path's last segment of the named subject.
func slugOf(t *testing.T, model *site.Site, subject string) string {
	t.Helper()
	for _, p := range model.Pages {
		if d, ok := p.Data.(*site.SubjectData); ok && d.Name == subject {
			return p.Path[len(site.Dir(p.Path))+1:]
		}
	}
	t.Fatalf("no page for subject %s", subject)
	return ""
}
