package registry

// Integration test against the real registry (AxonOps Schema Registry, Confluent-compatible)
// seeded by testdata/seed: the subjects, versions, references and overrides below are those of
// testdata/seed/estate.go.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func TestCollectRealRegistry(t *testing.T) {
	url := testenv.Registry(t)
	ctx := context.Background()

	start := time.Now()
	reg, err := Collect(ctx, Options{URL: url})
	require.NoError(t, err)
	t.Logf("%d subjects in %s", len(reg.Subjects), time.Since(start).Round(time.Millisecond))

	assert.Equal(t, url, reg.URL)
	assert.Equal(t, "BACKWARD", reg.Compatibility)
	assert.Equal(t, "READWRITE", reg.Mode)

	subject := func(name string) *snapshot.Subject {
		t.Helper()
		s := (&snapshot.Snapshot{Registry: reg}).Subject(name)
		require.NotNil(t, s, "subject %s", name)
		return s
	}
	for _, name := range []string{
		"com.acme.common.Address", "orders.order-placed.v1-key", "orders.order-placed.v1-value",
		"orders.order-shipped.v1-value", "orders.order-cancelled.v1-value",
		"payments.payment-authorized.v1-value", "payments.payment-captured.v1-value",
		"payments.refund-issued.v1-value", "payments.ledger-entries.v1-value",
		"inventory.stock-level.v1-value", "inventory.stock-reserved.v1-value", "inventory.product-catalog.v1-value",
		"com.acme.orders.v1.OrderReturned", "com.acme.common.Money",
		"payments.payment-failed.v1-com.acme.payments.v1.PaymentFailed", "inventory.stock-forecast.v1-value",
		"inventory.warehouse-transfers.v1-value",
	} {
		subject(name)
	}

	t.Run("avro with three versions and an override", func(t *testing.T) {
		s := subject("orders.order-placed.v1-value")
		assert.Equal(t, "FULL", s.Compatibility)
		require.Len(t, s.Versions, 3)
		ids := map[int]bool{}
		for i, v := range s.Versions {
			assert.Equal(t, i+1, v.Version)
			assert.Equal(t, "AVRO", v.Type)
			assert.False(t, v.Deleted)
			assert.Positive(t, v.ID)
			ids[v.ID] = true
			assert.Contains(t, v.Schema, `"name": "OrderPlaced"`)
		}
		assert.Len(t, ids, 3, "each version has its own schema id")
		assert.NotContains(t, s.Versions[0].Schema, "couponCode")
		assert.Contains(t, s.Versions[1].Schema, "couponCode")
		assert.Contains(t, s.Versions[2].Schema, `"channel"`)
		assert.Equal(t, s.Versions[2], *s.Latest())
	})

	t.Run("reference to another subject", func(t *testing.T) {
		s := subject("orders.order-shipped.v1-value")
		assert.Empty(t, s.Compatibility, "no override: the global level applies")
		require.Len(t, s.Versions, 1)
		assert.Equal(t, []snapshot.Reference{{Name: "com.acme.common.Address", Subject: "com.acme.common.Address", Version: 1}}, s.Versions[0].References)
		assert.Contains(t, s.Versions[0].Schema, `"type": "com.acme.common.Address"`)
		assert.Empty(t, subject("com.acme.common.Address").Versions[0].References)
	})

	t.Run("protobuf and json schema", func(t *testing.T) {
		pa := subject("payments.payment-authorized.v1-value")
		require.Len(t, pa.Versions, 2)
		for _, v := range pa.Versions {
			assert.Equal(t, "PROTOBUF", v.Type)
			assert.True(t, strings.HasPrefix(v.Schema, `syntax = "proto3";`), v.Schema)
		}
		assert.Contains(t, pa.Versions[1].Schema, "merchant_id = 7")

		ri := subject("payments.refund-issued.v1-value")
		require.Len(t, ri.Versions, 1)
		assert.Equal(t, "JSON", ri.Versions[0].Type)
		assert.Contains(t, ri.Versions[0].Schema, `"title": "RefundIssued"`)
		assert.Len(t, subject("inventory.stock-level.v1-value").Versions, 2)
	})

	t.Run("compatibility overrides", func(t *testing.T) {
		assert.Equal(t, "NONE", subject("inventory.product-catalog.v1-value").Compatibility)
		assert.Empty(t, subject("orders.order-placed.v1-key").Compatibility)
	})

	t.Run("protobuf import through a reference", func(t *testing.T) {
		s := subject("payments.payment-failed.v1-com.acme.payments.v1.PaymentFailed")
		require.Len(t, s.Versions, 1)
		assert.Equal(t, "PROTOBUF", s.Versions[0].Type)
		assert.Equal(t, []snapshot.Reference{{Name: "com/acme/common/money.proto", Subject: "com.acme.common.Money", Version: 1}}, s.Versions[0].References)
		assert.Contains(t, s.Versions[0].Schema, `import "com/acme/common/money.proto";`)
	})

	t.Run("soft-deleted version", func(t *testing.T) {
		s := subject("inventory.stock-forecast.v1-value")
		require.Len(t, s.Versions, 3)
		assert.Equal(t, []bool{false, true, false}, []bool{s.Versions[0].Deleted, s.Versions[1].Deleted, s.Versions[2].Deleted})
		assert.Contains(t, s.Versions[1].Schema, "horizonDays", "a soft-deleted version keeps its text")
		assert.Equal(t, 3, s.Latest().Version)
		assert.Equal(t, "BACKWARD", s.Compatibility, "an override equal to the global level is still an override")
	})

	t.Run("the registry's verdicts", func(t *testing.T) {
		for _, s := range reg.Subjects {
			for i, v := range s.Versions {
				if i == 0 {
					assert.Nil(t, v.Verdict, "%s v%d: the first version has nothing to be compared with", s.Name, v.Version)
					continue
				}
				require.NotNil(t, v.Verdict, "%s v%d", s.Name, v.Version)
				assert.Equal(t, s.Versions[i-1].Version, v.Verdict.Against, "%s v%d", s.Name, v.Version)
			}
		}
		// The seed registered these under their levels, so the registry accepted them then.
		for _, name := range []string{"orders.order-placed.v1-value", "payments.payment-authorized.v1-value", "inventory.stock-level.v1-value"} {
			s := subject(name)
			for _, v := range s.Versions[1:] {
				assert.Equal(t, &snapshot.Verdict{Against: v.Version - 1, Level: cmp.Or(s.Compatibility, "BACKWARD"), Status: snapshot.VerdictCompatible},
					v.Verdict, "%s v%d", name, v.Version)
			}
		}
		sf := subject("inventory.stock-forecast.v1-value")
		assert.Equal(t, &snapshot.Verdict{Against: 2, Level: "BACKWARD", Status: snapshot.VerdictUnavailable,
			Reason: "version 2 is soft-deleted: the registry compares only with live versions"}, sf.Versions[2].Verdict)
		t.Logf("stock-forecast v2 (soft-deleted) against v1: %+v", sf.Versions[1].Verdict)
		assert.NotEqual(t, snapshot.VerdictUnavailable, sf.Versions[1].Verdict.Status, "a soft-deleted version is still asked about")
	})

	t.Run("deterministic", func(t *testing.T) {
		again, err := Collect(ctx, Options{URL: url})
		require.NoError(t, err)
		assert.Equal(t, reg, again)
	})
}

// testContext is the schema context the real-registry tests register into. AxonOps v0.2.1
// cannot delete a context (DELETE /contexts/{ctx} is a 404), so every run reuses this one
// rather than leaving a new empty context behind.
const testContext = ".kdocs-test-reg-77"

// TestCollectRealRegistryContexts registers a subject of its own in a context, checks that it
// is collected under its qualified name, and deletes it (soft, then permanently).
func TestCollectRealRegistryContexts(t *testing.T) {
	url := testenv.Registry(t)
	name := fmt.Sprintf(":%s:kdocs-test-reg-%d-ctx", testContext, rand.Uint32())
	testenv.ScratchSubject(t, url, name, `{"type":"record","name":"Ctx","fields":[{"name":"a","type":"string"}]}`)

	reg, err := Collect(context.Background(), Options{URL: url})
	require.NoError(t, err)
	s := (&snapshot.Snapshot{Registry: reg}).Subject(name)
	require.NotNil(t, s, "subject %s in context %s", name, testContext)
	require.Len(t, s.Versions, 1)
	assert.Contains(t, s.Versions[0].Schema, `"name":"Ctx"`)
	assert.NotNil(t, (&snapshot.Snapshot{Registry: reg}).Subject("orders.order-placed.v1-value"), "the default context is still read")
}

// TestCheckCompatibilityRealRegistry asks a real registry (a private one: its scratch subjects
// must not appear under the tests that collect the shared registry) about candidates: one it
// accepts, one it rejects with its reasons, one with references, one in a schema context, and a
// version it does not have.
func TestCheckCompatibilityRealRegistry(t *testing.T) {
	url := testenv.PrivateRegistry(t)
	ctx := context.Background()
	name := "kdocs-check"
	testenv.ScratchSubject(t, url, name, `{"type":"record","name":"C","fields":[{"name":"a","type":"string"}]}`)

	ok, err := CheckCompatibility(ctx, Options{URL: url}, name, "1", snapshot.SchemaVersion{
		Schema: `{"type":"record","name":"C","fields":[{"name":"a","type":"string"},{"name":"b","type":"int","default":0}]}`})
	require.NoError(t, err)
	assert.Equal(t, &snapshot.Verdict{Status: snapshot.VerdictCompatible}, ok, "AxonOps answers messages null (or leaves them out): none recorded")

	bad, err := CheckCompatibility(ctx, Options{URL: url}, name, "latest", snapshot.SchemaVersion{
		Type: "AVRO", Schema: `{"type":"record","name":"C","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}`})
	require.NoError(t, err)
	assert.Equal(t, snapshot.VerdictIncompatible, bad.Status)
	require.Len(t, bad.Messages, 1)
	assert.Contains(t, bad.Messages[0], "'b' has no default")

	// A schema that imports another subject's is sent with its references. (Registered without
	// cleanup: the private registry goes away with the test, and a referenced subject cannot be
	// deleted first.)
	register := func(subject, schema string, refs []snapshot.Reference) {
		body, err := json.Marshal(map[string]any{"schema": schema, "references": refs})
		require.NoError(t, err)
		resp, err := http.Post(url+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, subject)
	}
	register("com.acme.Money", `{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"cents","type":"long"}]}`, nil)
	uses := `{"type":"record","name":"Price","namespace":"com.acme","fields":[{"name":"amount","type":"com.acme.Money"}]}`
	refs := []snapshot.Reference{{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}}
	register("price-value", uses, refs)
	same, err := CheckCompatibility(ctx, Options{URL: url}, "price-value", "1", snapshot.SchemaVersion{Schema: uses, References: refs})
	require.NoError(t, err)
	assert.Equal(t, snapshot.VerdictCompatible, same.Status, "a version is compatible with itself")
	reg, err := Collect(ctx, Options{URL: url})
	require.NoError(t, err)
	price := (&snapshot.Snapshot{Registry: reg}).Subject("price-value")
	require.NotNil(t, price)
	assert.Equal(t, refs, price.Versions[0].References)

	// A subject in a context is asked about under its qualified name.
	inCtx := ":.kdocs-check:ctx-subject"
	testenv.ScratchSubject(t, url, inCtx, `{"type":"record","name":"C","fields":[{"name":"a","type":"string"}]}`)
	ctxBad, err := CheckCompatibility(ctx, Options{URL: url}, inCtx, "1", snapshot.SchemaVersion{Schema: `{"type":"record","name":"C","fields":[{"name":"a","type":"int"}]}`})
	require.NoError(t, err)
	assert.Equal(t, snapshot.VerdictIncompatible, ctxBad.Status, "%v", ctxBad.Messages)

	_, err = CheckCompatibility(ctx, Options{URL: url}, name, "7", snapshot.SchemaVersion{Schema: `"string"`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), url)
	assert.Contains(t, err.Error(), `check compatibility of subject "`+name+`" against version 7`)
	assert.Contains(t, unavailableReason(err), "the registry does not know the subject or version")
}
