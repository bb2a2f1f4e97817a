package browsertest

// The environments pages in the browser: the matrix filters its logical topics, and a logical
// topic's page links each environment's topic page, which links back.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// environmentsSite is staging (topics named stg.<name>) and prod: orders drifts in partitions
// and in the principals allowed to write it (fraud only in prod), refunds is only in prod, ten
// filler topics are the same in both.
func environmentsSite(t *testing.T) *config.Site {
	t.Helper()
	dir := t.TempDir()
	write := func(name, env, prefix string, orders int, refunds bool) {
		part := func(id int32) snapshot.Partition {
			return snapshot.Partition{ID: id, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}
		}
		s := &snapshot.Snapshot{Format: snapshot.Format, KdocsVersion: "test", TakenAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
			Cluster: snapshot.Cluster{Name: name, Environment: env, Brokers: []snapshot.Broker{{ID: 1, Host: "k1", Port: 9092}}}}
		o := snapshot.Topic{Name: prefix + "orders", ReplicationFactor: 1}
		for p := range orders {
			o.Partitions = append(o.Partitions, part(int32(p)))
		}
		s.Topics = append(s.Topics, o)
		writers := []string{"User:orders-svc"}
		if refunds {
			writers = append(writers, "User:fraud")
		}
		s.ACLs = &snapshot.ACLSection{Available: true}
		for _, w := range writers {
			s.ACLs.Entries = append(s.ACLs.Entries, snapshot.ACL{ResourceType: "TOPIC", ResourceName: o.Name, PatternType: "LITERAL",
				Principal: w, Host: "*", Operation: "WRITE", Permission: "ALLOW"})
		}
		if refunds {
			s.Topics = append(s.Topics, snapshot.Topic{Name: prefix + "refunds", ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0)}})
		}
		for i := range 10 {
			s.Topics = append(s.Topics, snapshot.Topic{Name: fmt.Sprintf("%sfiller-%02d", prefix, i), ReplicationFactor: 1, Partitions: []snapshot.Partition{part(0)}})
		}
		require.NoError(t, snapshot.Save(filepath.Join(dir, name+".json"), s))
	}
	write("acme-staging", "staging", "stg.", 3, false)
	write("acme-prod", "prod", "", 6, true)
	yaml := "title: Environments\nbaseURL: /\nclusters:\n" +
		"  - {name: acme-staging, environment: staging, snapshot: acme-staging.json}\n" +
		"  - {name: acme-prod, environment: prod, snapshot: acme-prod.json}\n" +
		"environments:\n  order: [staging, prod]\n  names:\n    staging: {topics: \"stg.{name}\"}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

func TestEnvironmentsInTheBrowser(t *testing.T) {
	ctx, home := browseSite(t, environmentsSite(t), time.Minute)
	visible := func() []string {
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.content table:first-of-type tbody tr')]
			.filter((tr) => !tr.hidden).map((tr) => tr.cells[0].textContent.trim())`))
		require.NoError(t, err)
		return rows
	}

	// The drifting matrix: orders and refunds, not the fillers.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"environments/index.html")))
	assert.Equal(t, []string{"orders", "refunds"}, visible())
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelector('.content tbody tr').cells].map((c) => c.textContent.trim())`))
	require.NoError(t, err)
	assert.Equal(t, []string{"orders", "3 × 1 ⚠ · ⚠ ACLs", "6 × 1 ⚠ · ⚠ ACLs", "partitions, write principals"}, cells)

	// Every logical topic, filtered in the browser.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"environments/all.html")))
	assert.Len(t, visible(), 12)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("input.table-filter"), "filler-0")))
	rows := visible()
	assert.Len(t, rows, 10)
	for _, r := range rows {
		assert.True(t, strings.HasPrefix(r, "filler-0"), r)
	}
	count, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.table-count').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "10 of 12 logical topics", count)

	// The logical topic's page → staging's topic page → back through its Environments section.
	follow := func(selector string) {
		t.Helper()
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('.content `+selector+`') || {}).href || ''`))
		require.NoError(t, err)
		require.NotEmpty(t, href, "no link %s", selector)
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(href)))
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"environments/index.html")))
	follow(`tbody a[href="topics/orders.html"]`)
	page, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ H1, URL, Body string }](`({H1: document.querySelector('h1').textContent, URL: location.pathname, Body: document.body.innerText})`))
	require.NoError(t, err)
	assert.Equal(t, "orders across environments", page.H1)
	assert.True(t, strings.HasSuffix(page.URL, "environments/topics/orders.html"), page.URL)
	principals, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.content tbody tr')]
		.filter((tr) => tr.cells[0].textContent.includes('principals')).map((tr) => [...tr.cells].map((c) => c.textContent.trim()).join(' | '))`))
	require.NoError(t, err)
	assert.Equal(t, []string{"⚠ write principals | User:orders-svc | User:fraud, User:orders-svc", "read principals | none | none"}, principals,
		"the ACL present in prod only, side by side")
	follow(`a[href$="acme-staging/topics/stg.orders.html"]`)
	section, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const h = document.getElementById('environments');
		return h ? h.nextElementSibling.textContent + ' ' + h.nextElementSibling.nextElementSibling.textContent : ''; })()`))
	require.NoError(t, err)
	assert.Contains(t, section, "staging (this page)")
	assert.Contains(t, section, "prod: orders")
	assert.Contains(t, section, "partitions")
	follow(`a[href$="acme-prod/topics/orders.html"]`)
	h1, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('h1').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "orders", h1)
	assert.Empty(t, ConsoleErrors(ctx))
}
