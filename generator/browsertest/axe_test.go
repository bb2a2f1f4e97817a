package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/testenv"
)

// axeSource is axe-core, installed by `npm ci` in tools/node from its committed lockfile. It
// is a validation tool of the tests only, never part of the binary.
func axeSource(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "tools", "node", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		msg := fmt.Sprintf("axe-core is not installed: run `npm ci --prefix tools/node` (%v)", err)
		if testenv.Strict() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return string(data)
}

type axeViolation struct {
	ID, Impact, Help string
	Targets          []string
}

// TestAccessibilityAxe runs axe-core in Chromium on the example site's home, cluster, topic,
// group, subject, changes, activity and search-results pages, in the light and the dark scheme: no
// serious or critical violation.
func TestAccessibilityAxe(t *testing.T) {
	chrome := testenv.Chrome(t)
	axe := axeSource(t)
	cfg := exampleOrFixture(t)
	home := serveSite(t, cfg)
	c := "clusters/" + cfg.Clusters[0].Name + "/"
	pages := []string{"index.html", c + "index.html", c + "topics/orders.order-placed.v1.html", c + "groups/inventory-sync.html",
		c + "schemas/payments.refund-issued.v1-value.html", c + "changes.html", c + "activity.html", "index.html#search"}
	for _, theme := range []string{"light", "dark"} {
		ctx, cancel := context.WithTimeout(Browse(t, chrome), 3*time.Minute)
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
		_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`localStorage.setItem('kdocs-theme', '`+theme+`')`))
		require.NoError(t, err)
		for _, p := range pages {
			search := strings.HasSuffix(p, "#search")
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+strings.TrimSuffix(p, "#search"))), p)
			waitDiagrams(t, ctx)
			if search {
				// Results open under the box: type a query and wait for them.
				require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".search-input"), "order")))
				_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#kdocs-search-results li').length > 0`, chromedp.WithPollingInterval(20*time.Millisecond)))
				require.NoError(t, err, "no search results")
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme`))
			require.NoError(t, err)
			require.Equal(t, theme, got, p)
			_, err = chromedp.Run(ctx, chromedp.Evaluate[any](axe+";0"))
			require.NoError(t, err, "inject axe-core")
			violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ['violations']}).then(r =>
				r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
					ID: v.id, Impact: v.impact, Help: v.help, Targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`, chromedp.EvalAwaitPromise))
			require.NoError(t, err, "axe.run on %s", p)
			assert.Empty(t, violations, "%s (%s): serious or critical accessibility violations", p, theme)
		}
		cancel()
	}
}
