package browsertest

// search.js ranks a query without scoring every match (it reads the postings' tiers from their
// heads and stops once nothing left can make the top ten). This test holds it to the ranking
// that scores every match: the same ten documents in the same order and the same count, for
// queries drawn from the synthetic estate's own terms.

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exhaustiveJS loads every term shard (not only the ones a word's lookup names, so a term the
// lookup misses shows up as a difference), scores every posting of every matching term, sorts
// all matches, and compares with kdocsSearch.search for each query, ranked either way search.js
// can: its queries are the fixed ones, prefixes of every 13th term, and pairs of them.
const exhaustiveJS = `(async () => {
	const base = new URL('search/', location.href);
	const files = {};
	const read = async (name) => {
		const text = await (await fetch(new URL(name + '.js', base))).text();
		new Function('kdocsSearch', text)({add: (n, d) => { files[n] = JSON.parse(d); }});
		return files[name];
	};
	const boot = await read('index');
	const entries = new Map();
	for (const name of [...new Set(Object.values(boot.shards))]) {
		for (const [term, entry] of Object.entries(await read(name))) entries.set(term, entry);
	}
	const tokens = (q) => q.toLowerCase().split(/[^\p{L}\p{N}]+/u)
		.map((t) => Array.from(t).slice(0, 40).join('')).filter((t) => Array.from(t).length >= 2);
	const exhaustive = (q) => {
		const perWord = tokens(q).map((w) => {
			const best = new Map(), sum = new Map();
			for (const [term, [tiers, ids]] of entries) {
				if (!term.startsWith(w)) continue;
				const unit = term === w ? 2000 : 1000 + Math.floor(500 * w.length / term.length);
				let at = 0;
				for (let i = 0; i < tiers.length; i += 2) {
					let id = 0;
					for (let j = 0; j < tiers[i + 1]; j++, at++) {
						id = j === 0 ? ids[at] : id + ids[at];
						const s = tiers[i] * unit;
						best.set(id, Math.max(best.get(id) || 0, s));
						sum.set(id, (sum.get(id) || 0) + s);
					}
				}
			}
			return new Map([...best].map(([id, b]) => [id, 9 * b + sum.get(id)]));
		});
		const hits = [];
		for (const [id, s] of perWord[0]) {
			if (perWord.every((m) => m.has(id))) hits.push([id, perWord.reduce((t, m) => t + m.get(id), 0)]);
		}
		hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
		return {ids: hits.slice(0, 10).map((h) => h[0]), count: hits.length};
	};
	const terms = [...entries.keys()].sort().filter((_, i) => i % 13 === 0);
	const queries = ['order', 'orders', 'payment', 'customerId', 'inventory stock', 'orders.order-created.v1',
		'v1', 'cu', 'created', 'or', 'order payment', 'cu or v1', 'zz-no-match'];
	terms.forEach((t, i) => {
		const p = t.slice(0, 2 + (i % Math.max(1, t.length - 1)));
		queries.push(p);
		if (i % 3 === 0) queries.push(p + ' ' + terms[(i * 7 + 3) % terms.length].slice(0, 3));
	});
	const out = {Queries: queries.length, Matched: 0, Ranked: 0, Differences: []};
	for (const q of queries) {
		const want = exhaustive(q);
		if (want.count > 0) out.Matched++;
		if (want.count > 10) out.Ranked++;
		// Each query both ways: ranked by skipping, and by scoring every match (scoreAll), which
		// the page uses for queries of many blocks.
		for (const [way, blocks] of [['skipping', 1e9], ['scoring all', 0]]) {
			window.kdocsSearch.rankBlocks = blocks;
			const rs = await window.kdocsSearch.search(q);
			const got = {ids: rs.map((r) => r.id), count: rs.count()};
			if (JSON.stringify(got) !== JSON.stringify(want)) {
				out.Differences.push(q + ' (' + way + '): got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
			}
		}
	}
	return out;
})()`

func TestSearchRankingIsExhaustive(t *testing.T) {
	ctx, home := scaleSearch(t)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	waitDiagrams(t, ctx)
	type report struct {
		Queries, Matched, Ranked int
		Differences              []string
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[report](exhaustiveJS, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	t.Logf("%d queries, %d with matches, %d with more than ten", res.Queries, res.Matched, res.Ranked)
	assert.Empty(t, res.Differences)
	assert.Greater(t, res.Ranked, res.Queries/3, "most queries have more matches than the top ten holds")
	assert.Empty(t, ConsoleErrors(ctx))
}
