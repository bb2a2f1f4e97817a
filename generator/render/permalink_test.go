package render

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeadingPermalinks(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, newMarkdown().Convert([]byte("# Title\n\n## Data *flow*\n\n### See [the guide](g.md)\n\n## <b>x</b> & y\n"), &out))
	assert.Equal(t, `<h1 id="title">Title</h1>
<h2 id="data-flow"><a href="#data-flow">Data <em>flow</em></a></h2>
<h3 id="see-the-guidegmd">See <a href="g.md">the guide</a></h3>
<h2 id="bxb--y"><a href="#bxb--y"><!-- raw HTML omitted -->x<!-- raw HTML omitted --> &amp; y</a></h2>
`, out.String())
}
