package browsertest

// Diagrams of a big, hostile estate in a real browser: Mermaid replaces a diagram past its
// limits (50,000 characters, 500 edges) with a placeholder or draws its error instead, silently;
// these tests open every kind of diagram page and assert each block became a drawing.

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// diagramSite is two clusters: "big" (300 brokers on 4 racks with a KRaft quorum, 500 topics in
// one domain, a topic read by 2,000 groups, ACLs and quotas with hostile names) and "dr", which
// MirrorMaker 2 copies big's orders to and back.
func diagramSite(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	part := []snapshot.Partition{{ID: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}, LatestOffset: 5}}
	taken := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	big := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", TakenAt: taken,
		Cluster: snapshot.Cluster{Name: "big", ControllerID: -1}}
	for i := range 300 {
		b := snapshot.Broker{ID: int32(i + 1), Host: fmt.Sprintf("kafka-%d.example.com", i+1), Port: 9092, Rack: fmt.Sprintf("rack-%d", i%4)}
		if i < 3 {
			b.Configs = []snapshot.Config{{Name: "process.roles", Value: "broker,controller"},
				{Name: "controller.quorum.voters", Value: "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"}}
		}
		big.Cluster.Brokers = append(big.Cluster.Brokers, b)
	}
	topic := func(name string) snapshot.Topic {
		return snapshot.Topic{Name: name, ReplicationFactor: 1, Partitions: part}
	}
	for i := range 500 {
		big.Topics = append(big.Topics, topic(fmt.Sprintf("orders.region-%d.event-%03d", i%5, i)))
	}
	big.Topics = append(big.Topics, topic("payments.hot"), topic("dr.orders.region-0.event-000"), topic("mm2-offset-syncs.dr.internal"),
		topic(hostileImg+"."+hostileMark))
	for i := range 2000 {
		big.Groups = append(big.Groups, snapshot.Group{ID: fmt.Sprintf("team%d-consumer-%04d", i%9, i), State: "Stable", TotalLag: int64(i),
			Offsets: []snapshot.GroupOffset{{Topic: "payments.hot", Committed: 1, LatestOffset: int64(i + 1), Lag: int64(i)},
				{Topic: fmt.Sprintf("orders.region-%d.event-%03d", i%5, i%500), LatestOffset: 1, Committed: 1}}})
	}
	big.Groups = append(big.Groups, snapshot.Group{ID: hostileImg + " " + hostileMark, State: "Stable",
		Offsets: []snapshot.GroupOffset{{Topic: hostileImg + "." + hostileMark}}})
	big.ACLs = &snapshot.ACLSection{Available: true, Entries: []snapshot.ACL{{ResourceType: "TOPIC", ResourceName: hostileMark,
		PatternType: "PREFIXED", Principal: "User:" + hostileImg, Host: "*", Operation: "READ", Permission: "ALLOW"}}}
	big.Quotas = &snapshot.QuotaSection{Available: true, Entries: []snapshot.Quota{{Entity: []snapshot.QuotaEntity{{Type: "user", Name: hostileImg}},
		Values: []snapshot.QuotaValue{{Key: "producer_byte_rate", Value: 1048576}}}}}
	dr := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", TakenAt: taken,
		Cluster: snapshot.Cluster{Name: "dr", ControllerID: 1, Brokers: []snapshot.Broker{{ID: 1, Host: "dr-1", Port: 9092}}},
		Topics:  []snapshot.Topic{topic("big.orders.region-0.event-000"), topic("big.checkpoints.internal"), topic("heartbeats")}}
	for _, s := range []*snapshot.Snapshot{big, dr} {
		require.NoError(t, snapshot.Save(filepath.Join(dir, s.Cluster.Name+".json"), s))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(`title: Big Estate
clusters:
  - name: big
    snapshot: big.json
    connect: [{name: cdc, url: "http://connect:8083"}]
    ksqldb: [{name: "`+hostileMark+`"}]
  - name: dr
    snapshot: dr.json
replication:
  - {from: big, to: dr, topics: "orders\\..*", mode: active-active}
`), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

func TestDiagramsOfABigEstateDraw(t *testing.T) {
	ctx, home := browseSite(t, diagramSite(t), 2*time.Minute)

	for page, label := range map[string]string{
		"clusters/big/index.html":               "75 brokers",
		"clusters/big/topics/payments.hot.html": "more groups",
		"clusters/big/flows.html":               "topics",
		"clusters/big/acls.html":                "",
		"replication.html":                      "cluster",
	} {
		u := home + page
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(u)))
		waitDiagrams(t, ctx)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Blocks, SVGs, Errors, Placeholders, Injected int
			Text                                         string
			Titles, Descriptions, Tables                 []string
		}](`(() => {
			const blocks = [...document.querySelectorAll('pre.mermaid')];
			const text = document.body.innerText;
			// The text alternative: the SVG's title and description (Mermaid's accTitle and
			// accDescr, which name and describe it), and the table that follows it.
			const named = (b, attr) => {
				const svg = b.querySelector('svg');
				const el = svg && document.getElementById(svg.getAttribute(attr) || '');
				return el ? el.textContent : '';
			};
			const table = (b) => {
				let intro = '';
				for (let e = b.nextElementSibling; e; e = e.nextElementSibling) {
					if (e.matches('p') && !intro) intro = e.textContent;
					const t = e.matches('table') ? e : e.querySelector('table');
					if (t) return t.rows.length + ' rows after ' + intro;
					if (e.matches('pre.mermaid, h2, h3')) break;
				}
				return '';
			};
			return {
				Titles: blocks.map((b) => named(b, 'aria-labelledby')),
				Descriptions: blocks.map((b) => named(b, 'aria-describedby')),
				Tables: blocks.map(table),
				Blocks: blocks.length,
				SVGs: blocks.filter((b) => b.querySelector('svg[aria-roledescription^="flowchart"]')).length,
				Errors: document.querySelectorAll('svg[aria-roledescription="error"]').length + (text.includes('Syntax error in text') ? 1 : 0),
				Injected: document.querySelectorAll('img, [onerror]').length,
				Placeholders: (text.match(/Maximum text size|too many edges|Edge limit exceeded/gi) || []).length,
				Text: [...document.querySelectorAll('pre.mermaid svg')].map((s) => s.textContent).join('\n'),
			};
		})()`))
		require.NoError(t, err, u)
		assert.Equal(t, got.Blocks, got.SVGs, "every diagram drawn as a flowchart on %s", page)
		assert.Zero(t, got.Errors, "Mermaid's error on %s", page)
		assert.Zero(t, got.Placeholders, "Mermaid's size placeholder on %s", page)
		assert.Contains(t, got.Text, label, page)
		assert.Zero(t, got.Injected, "a hostile name became an element on %s", page)
		for i := range got.Titles {
			assert.NotEmpty(t, got.Titles[i], "diagram %d on %s has no accessible title", i, page)
			assert.Regexp(t, `The table after the diagram lists every (box and edge|writer and reader)\.$`, got.Descriptions[i], "diagram %d on %s", i, page)
			assert.Regexp(t, `^\d+ rows after .+, as a table:$`, got.Tables[i], "diagram %d on %s has no table after it", i, page)
		}
		if page == "clusters/big/flows.html" {
			// The hostile domain's title reads as its name, character for character.
			assert.Contains(t, got.Titles, "Data flow of domain "+hostileImg, page)
		}
	}
	assert.Empty(t, ConsoleErrors(ctx))

	// The ACLs page shows hostile names as text.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"clusters/big/acls.html")))
	acl, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Text     string
		Injected int
	}](`({Text: document.body.innerText, Injected: document.querySelectorAll('img, [onerror]').length})`))
	require.NoError(t, err)
	assert.Contains(t, acl.Text, "User:"+hostileImg)
	assert.Zero(t, acl.Injected)
}
