package pdf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

// Names in every script the book must print: Chinese, Japanese, Korean, emoji, Arabic and
// accented Latin, as topic names and as schema field names (JSON Schema allows any property
// name; Avro and Protobuf do not).
var scriptNames = []string{
	"订单.已创建",            // Chinese
	"注文イベント",            // Japanese
	"주문-이벤트",            // Korean
	"orders-🚀-launch",   // emoji
	"الطلبات",           // Arabic
	"café.crème-brûlée", // accented Latin
}

var fieldNames = []string{"价格", "数量🎉", "العميل", "prénom_éàü"}

// TestBookPrintsEveryScript builds a site whose topic and field names are in many scripts,
// prints its book with real Chromium, and checks with poppler that every font is embedded and
// that every name comes back out of the PDF exactly (scripts/deps.sh installs the Noto fonts
// the book's CSS falls back on).
func TestBookPrintsEveryScript(t *testing.T) {
	chrome := testenv.Chrome(t)
	requireFonts(t, "Noto Sans", "Noto Sans CJK SC", "Noto Color Emoji", "Noto Sans Arabic")
	dir := t.TempDir()
	var topics []snapshot.Topic
	for _, n := range scriptNames {
		topics = append(topics, snapshot.Topic{Name: n, ReplicationFactor: 1,
			Partitions: []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}})
	}
	props := []string{}
	for _, f := range fieldNames {
		props = append(props, `"`+f+`": {"type": "string", "description": "`+f+`"}`)
	}
	schema := `{"title": "Order", "type": "object", "properties": {` + strings.Join(props, ", ") + `}}`
	snap := &snapshot.Snapshot{
		Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 12, 1, 3, 17, 0, 0, time.UTC),
		Cluster: snapshot.Cluster{Name: "intl", ID: "c1", Brokers: []snapshot.Broker{{ID: 1, Host: "b1", Port: 9092}}},
		Topics:  topics,
		Registry: &snapshot.Registry{URL: "http://registry:8081", Compatibility: "BACKWARD", Subjects: []snapshot.Subject{{
			Name: scriptNames[0] + "-value", Versions: []snapshot.SchemaVersion{{Version: 1, ID: 1, Type: "JSON", Schema: schema}},
		}}},
	}
	require.NoError(t, snapshot.Save(filepath.Join(dir, "intl.json"), snap))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Scripts-文档-🚀\nclusters:\n  - name: intl\n    snapshot: intl.json\n"), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Print: true})
	require.NoError(t, err)

	book := filepath.Join(dir, "book.pdf")
	require.NoError(t, Print(context.Background(), Options{SiteDir: cfg.Output, Out: book, Chrome: chrome}))

	// Every font is embedded, with a Unicode map (so text can be extracted). Chromium embeds
	// TrueType fonts (Noto Sans, Noto Sans Arabic) by name and the CFF and bitmap ones (Noto
	// Sans CJK, Noto Color Emoji) as unnamed Type 3 fonts.
	fonts := poppler(t, "pdffonts", book)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	require.NotEmpty(t, rows)
	embRE := regexp.MustCompile(`\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$`)
	type3 := 0
	for _, r := range rows {
		m := embRE.FindStringSubmatch(r)
		require.NotNil(t, m, "pdffonts row %q", r)
		assert.Equal(t, "yes", m[1], "font not embedded: %s", r)
		assert.Equal(t, "yes", m[3], "font without a Unicode map: %s", r)
		if strings.Contains(r, "Type 3") {
			type3++
		}
	}
	assert.Contains(t, fonts, "NotoSans-Regular", "the theme's Noto fallback is used:\n%s", fonts)
	assert.Positive(t, type3, "the CJK and emoji glyphs are embedded:\n%s", fonts)

	// Every name comes out of the PDF as it went in.
	text := poppler(t, "pdftotext", "-raw", book, "-")
	for _, n := range append(append([]string{"Scripts-文档-🚀"}, scriptNames...), fieldNames...) {
		assert.Contains(t, text, n, "%q is not extracted from the book", n)
	}
}

// requireFonts fails (skips outside CI) when fontconfig lacks one of the families:
// scripts/deps.sh installs them.
func requireFonts(t *testing.T, families ...string) {
	t.Helper()
	out, err := exec.Command("fc-list", ":", "family").Output()
	if err != nil {
		t.Skipf("fc-list: %v", err)
	}
	for _, f := range families {
		if !strings.Contains(string(out), f) {
			msg := fmt.Sprintf("font %q is not installed: run scripts/deps.sh (fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji)", f)
			if testenv.Strict() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}
