package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestSubjectPageVerdicts: the subject page shows the registry's verdict per version beside
// kdocs' explanation, says when kdocs' explanation differs, why a verdict is missing, and that
// an older snapshot recorded none.
func TestSubjectPageVerdicts(t *testing.T) {
	rec := func(fields string) string {
		return `{"type":"record","name":"Order","namespace":"com.acme","fields":[` + fields + `]}`
	}
	id := `{"name":"id","type":"string"}`
	snap := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "prod"},
		Registry: &snapshot.Registry{URL: "http://sr", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{{
			Name: "orders-value", Versions: []snapshot.SchemaVersion{
				{Version: 1, ID: 1, Schema: rec(id)},
				// kdocs: a field without a default breaks BACKWARD; this registry said yes.
				{Version: 2, ID: 2, Schema: rec(id + `,{"name":"total","type":"long"}`),
					Verdict: &snapshot.Verdict{Against: 1, Level: "BACKWARD", Status: "compatible"}},
				{Version: 3, ID: 3, Schema: rec(id + `,{"name":"total","type":"long"},{"name":"x","type":"int"}`),
					Verdict: &snapshot.Verdict{Against: 2, Level: "BACKWARD", Status: "incompatible",
						Messages: []string{"reader field '<b>x</b>' has no default | and is missing"}}},
				{Version: 4, ID: 4, Schema: rec(id),
					Verdict: &snapshot.Verdict{Against: 3, Level: "BACKWARD", Status: "unavailable", Reason: "the registry answered an error: 500 Internal Server Error"}},
				{Version: 5, ID: 5, Schema: rec(id)}, // taken before kdocs asked
			}}}}}
	snap.Normalize()
	s, err := site.Build("x", []*snapshot.Snapshot{snap}, nil)
	require.NoError(t, err)
	p := s.Page("clusters/prod/schemas/orders-value")
	require.NotNil(t, p)

	d := p.Data.(*site.SubjectData)
	assert.Nil(t, d.Versions[0].Registry)
	assert.True(t, d.Versions[1].Registry.Differs, "the registry said compatible, kdocs finds a breaking change")
	assert.False(t, d.Versions[2].Registry.Differs)
	assert.False(t, d.Versions[3].Registry.Differs, "no verdict, nothing to differ from")

	md, err := newRenderer(t).Markdown(s, p)
	require.NoError(t, err)
	page := string(md)
	versions := page[strings.Index(page, "## Versions"):]
	for _, want := range []string{
		"| 2 | 2 | AVRO |  | 1 change, **1 breaking** | compatible (kdocs differs) |  |",
		"| 3 | 3 | AVRO |  | 1 change, **1 breaking** | **incompatible** |  |",
		"| 4 | 4 | AVRO |  | 2 changes | not available |  |",
		"| 5 | 5 | AVRO |  |  | not recorded |  |",
		"**The registry's verdict: compatible** with version 1 under BACKWARD (asked when the snapshot was taken).",
		"> **kdocs' explanation differs:** its own rules find 1 breaking change where the registry says compatible. The registry's verdict is the one that decides",
		"**The registry's verdict: incompatible** with version 2 under BACKWARD (asked when the snapshot was taken):\n\n- reader field '\\<b\\>x\\</b\\>' has no default \\| and is missing",
		"**The registry's verdict: not available.** the registry answered an error: 500 Internal Server Error.",
		"The registry's verdict is not recorded: the snapshot was taken before kdocs asked the registry.",
	} {
		assert.Contains(t, versions, want)
	}
	assert.Equal(t, 1, strings.Count(page, "kdocs' explanation differs"))
}
