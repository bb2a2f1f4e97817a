package render

import (
	"testing"
	texttemplate "text/template"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/templates"
)

func TestTemplateUsesOfTheCluster(t *testing.T) {
	md, err := texttemplate.New("").Funcs(funcs).ParseFS(templates.FS, "*.md.tmpl")
	require.NoError(t, err)
	uses, readsSite := templateUses(md)
	// A topic page reads its cluster's name and three things more, the templates it calls
	// included; a replica's cluster (a link, handed to LinkTo) is not the cluster.
	assert.Equal(t, clusterUse{members: []string{"Name", "Path", "SubjectPath", "TopicConfigsPath"}}, uses["topic.md.tmpl"])
	assert.Equal(t, clusterUse{members: []string{"Name", "Path"}}, uses["group.md.tmpl"])
	assert.Equal(t, clusterUse{members: []string{"Name", "Path"}}, uses["subject.md.tmpl"])
	for name, site := range readsSite {
		assert.False(t, site, "%s reads .Site, which no key covers", name)
	}

	custom := texttemplate.Must(texttemplate.New("").Funcs(funcs).Parse(`
{{define "t1.md.tmpl"}}{{.Data.Cluster.Name}}{{template "part" .}}{{end}}
{{define "part"}}{{with .Data.Cluster}}{{.TakenAt}}{{end}}{{end}}
{{define "t2.md.tmpl"}}{{$c := .Data.Cluster}}{{$c.Name}}{{end}}
{{define "t3.md.tmpl"}}{{$.LinkTo .Data.Cluster}} {{md .Data.Cluster}} {{.Data.Cluster.TopicPath "x"}}{{end}}
{{define "t4.md.tmpl"}}{{.Site.Title}}{{end}}
{{define "t5.md.tmpl"}}{{figure $ .Data.Cluster}}{{end}}`))
	uses, readsSite = templateUses(custom)
	assert.Equal(t, clusterUse{members: []string{"Name"}, whole: true}, uses["t1.md.tmpl"], "through the template it calls")
	assert.True(t, uses["t2.md.tmpl"].whole, "a variable holds the cluster")
	assert.Equal(t, clusterUse{members: []string{"TopicPath"}}, uses["t3.md.tmpl"], "typed parameters take no cluster")
	assert.True(t, readsSite["t4.md.tmpl"])
	assert.True(t, uses["t5.md.tmpl"].whole, "figure takes anything")
}
