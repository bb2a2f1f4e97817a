package registry

// Schema contexts, against fakes of the two dialects: Confluent (subjects of a context listed
// by a qualified prefix, /contexts/{ctx}/subjects unknown) and AxonOps (listed at
// /contexts/{ctx}/subjects, unqualified); and registries without contexts.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// withStaging adds a context .staging holding one subject, orders-value, whose id collides
// with the default context's (ids are per context).
func withStaging(f fakeRegistry) fakeRegistry {
	const q = "/subjects/:.staging:orders-value"
	f["/contexts"] = `[".",".staging"]`
	f[q+"/versions"] = `[1]`
	f[q+"/versions?deleted=true"] = `[1]`
	f[q+"/versions/1"] = `{"subject":":.staging:orders-value","id":10,"version":1,"schema":"\"bytes\""}`
	f["/config/:.staging:orders-value?defaultToGlobal=false"] = `{"compatibilityLevel":"NONE"}`
	return f
}

var staging = snapshot.Subject{Name: ":.staging:orders-value", Compatibility: "NONE", Versions: []snapshot.SchemaVersion{
	{Version: 1, ID: 10, Type: "AVRO", Schema: `"bytes"`},
}}

func TestContexts(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  func(fakeRegistry)
	}{
		{"confluent: qualified prefix", func(f fakeRegistry) {
			f["/subjects?deleted=true&subjectPrefix=%3A.staging%3A"] = `[":.staging:orders-value"]`
		}},
		{"confluent: /subjects lists every context too", func(f fakeRegistry) {
			f["/subjects?deleted=true"] = `["orders-value","gone","nulls",":.staging:orders-value"]`
			f["/subjects?deleted=true&subjectPrefix=%3A.staging%3A"] = `[":.staging:orders-value"]`
		}},
		{"axonops: context path, unqualified names", func(f fakeRegistry) {
			f["/contexts/.staging/subjects?deleted=true"] = `["orders-value"]`
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := withStaging(baseFake())
			tc.add(f)
			reg, err := Collect(context.Background(), fast(f.serve(t).URL))
			require.NoError(t, err)
			var names []string
			for _, s := range reg.Subjects {
				names = append(names, s.Name)
			}
			assert.Equal(t, []string{":.staging:orders-value", "gone", "nulls", "orders-value"}, names, "qualified names, once each")
			assert.Equal(t, staging, reg.Subjects[0])
			assert.Equal(t, 10, reg.Subjects[3].Versions[0].ID, "the default context's subject of the same name is its own")
		})
	}
}

func TestNoContexts(t *testing.T) {
	for name, answer := range map[string]any{
		"404 (no contexts API)": nil,
		"null":                  `null`,
		"only the default":      `["."]`,
	} {
		t.Run(name, func(t *testing.T) {
			f := baseFake()
			if answer != nil {
				f["/contexts"] = answer
			}
			reg, err := Collect(context.Background(), fast(f.serve(t).URL))
			require.NoError(t, err)
			assert.Len(t, reg.Subjects, 3)
		})
	}
}

func TestContextsFailing(t *testing.T) {
	t.Run("contexts unreadable", func(t *testing.T) {
		f := baseFake()
		f["/contexts"] = status{500, ""}
		srv := f.serve(t)
		reg, err := Collect(context.Background(), fast(srv.URL))
		require.Error(t, err)
		assert.Equal(t, "schema registry "+srv.URL+": list contexts: gave up after 3 attempts: 500 Internal Server Error", err.Error())
		assert.Len(t, reg.Subjects, 3, "the default context is still read")
	})
	t.Run("one context unreadable", func(t *testing.T) {
		f := withStaging(baseFake())
		f["/contexts"] = `[".",".staging",".gone"]`
		f["/contexts/.staging/subjects?deleted=true"] = `["orders-value"]`
		srv := f.serve(t)
		reg, err := Collect(context.Background(), fast(srv.URL))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "schema registry "+srv.URL+`: list subjects of context ".gone": 404 Not Found: Subject not found (error 40401)`)
		assert.Len(t, reg.Subjects, 4)
	})
}
