package search

// The index files. Each is one statement that hands its data to the page script:
//
//	kdocsSearch.add("<name>", '<JSON, as a JavaScript string literal>');
//
// JSON from encoding/json is a JavaScript expression that cannot end the script early (it
// escapes <, >, &, U+2028 and U+2029), so untrusted names travel safely.
//
// index (bootstrap):
//
//	{"v":3, "clusters":[[name, base path], …], "shards":{key: file, …}, "chunk":N, "docs":count}
//
// t<n> (term shard): {term: [tiers, ids], …}, the terms of one or more neighbouring keys. A
// term's postings are impact-ordered: grouped into tiers by weight, the heaviest first (see the
// weight constants), and tiers is [weight, count, weight, count, …]. Within a tier the document
// ids ascend, delta-encoded with the tier's first id absolute. Because ids are also the order
// of equal scores (compareDocs), the head of a tier is the best of it: the page script ranks a
// query by reading tiers from their heads and stops once no document left can make the top
// (see search.js).
// A term lives in the shard whose key is the longest key that is a prefix of it, so the terms
// a query token q can match as a prefix are in the shard of the longest key that is a prefix of
// q and in the shards whose keys start with q. The page script does exactly that lookup.
//
// d<n> (document chunk): documents n·chunk … n·chunk+chunk-1, each [kind, title, cluster,
// path, context] with trailing empty values left out. kind is t, g, s, f or p; cluster is an
// index into the bootstrap's clusters or -1; path is the page path (".html" is added), empty
// when it is the usual one: <cluster base>topics/<title> for a topic, groups/ for a group,
// schemas/<title> for a subject, schemas/<context> for a field.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kdocs/kdocs/generator/site"
)

const (
	// FormatVersion is the bootstrap's "v": the page script refuses an index it cannot read.
	FormatVersion = 3
	// chunkDocs is the number of documents per chunk. Small chunks keep the bytes a query
	// needs for its top results low (at most one chunk per result shown).
	chunkDocs = 64
	// shardBudget is the size past which a term shard is split by a longer prefix.
	shardBudget = 24 << 10
	// minKey is the length, in runes, of the shortest shard key; query tokens shorter than it
	// are not looked up (they match nearly everything).
	minKey = 2
	// maxTermRunes cuts absurdly long tokens (a hostile name without separators).
	maxTermRunes = 40
)

// Tokens splits text into normalized search terms: lower-case runs of letters and digits, and,
// for a camelCase word, its parts as well as the whole ("couponCode" → "couponcode", "coupon",
// "code"). Terms shorter than two runes are dropped. search.js splits queries the same way,
// without the camelCase parts (a query is lower-cased first, and "couponcode" is a term).
func Tokens(text string) []string {
	var out []string
	add := func(w []rune) {
		if len(w) < minKey {
			return
		}
		if len(w) > maxTermRunes {
			w = w[:maxTermRunes]
		}
		out = append(out, strings.ToLower(string(w)))
	}
	var word []rune
	flush := func() {
		if len(word) == 0 {
			return
		}
		add(word)
		parts := camelParts(word)
		if len(parts) > 1 {
			for _, p := range parts {
				add(p)
			}
		}
		word = word[:0]
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsNumber(r) { // \p{L} and \p{N}, as search.js splits
			word = append(word, r)
			continue
		}
		flush()
	}
	flush()
	return out
}

// camelParts splits a word at its case changes: "orderId" → order, Id; "HTTPServer" → HTTP,
// Server; "v1" stays whole.
func camelParts(w []rune) [][]rune {
	var parts [][]rune
	start := 0
	for i := 1; i < len(w); i++ {
		prev, cur := w[i-1], w[i]
		boundary := (unicode.IsLower(prev) || unicode.IsDigit(prev)) && unicode.IsUpper(cur)
		if !boundary && unicode.IsUpper(prev) && unicode.IsUpper(cur) && i+1 < len(w) && unicode.IsLower(w[i+1]) {
			boundary = true
		}
		if boundary {
			parts = append(parts, w[start:i])
			start = i
		}
	}
	return append(parts, w[start:])
}

// posting is one document a term occurs in.
type posting struct {
	doc    int
	weight int
}

// encode sorts the documents into their ids and writes the files.
func encode(s *site.Site, docs []*doc) []File {
	slices.SortStableFunc(docs, compareDocs)

	postings := map[string][]posting{}
	for id, d := range docs {
		for t, w := range d.terms {
			postings[t] = append(postings[t], posting{id, w})
		}
	}
	// Map iteration above is random; tiers go heaviest first and ids ascend within one.
	entries := map[string][]byte{}
	for t, ps := range postings {
		slices.SortFunc(ps, func(a, b posting) int { return cmp.Or(b.weight-a.weight, a.doc-b.doc) })
		entries[t] = termEntry(t, ps)
	}
	terms := make([]string, 0, len(entries))
	for t := range entries {
		terms = append(terms, t)
	}
	slices.Sort(terms)

	var files []File
	keys := shardKeys(terms, entries)
	shards := map[string]string{}
	for _, k := range keys {
		shards[k] = ""
	}
	byKey := map[string][]string{}
	for _, t := range terms {
		k := shardOf(t, shards)
		byKey[k] = append(byKey[k], t)
	}
	// Neighbouring keys share a file up to the budget: a small site gets a file or two instead
	// of one per key, and a query's keys (a key and the longer ones below it) sort together.
	var b bytes.Buffer
	n := 0
	flush := func() {
		if b.Len() == 0 {
			return
		}
		b.WriteByte('}')
		files = append(files, script("t"+strconv.Itoa(n), b.Bytes()))
		b.Reset()
		n++
	}
	for _, k := range keys {
		size := 0
		for _, t := range byKey[k] {
			size += len(entries[t]) + 1
		}
		if b.Len() > 0 && b.Len()+size > shardBudget {
			flush()
		}
		for _, t := range byKey[k] {
			if b.Len() == 0 {
				b.WriteByte('{')
			} else {
				b.WriteByte(',')
			}
			b.Write(entries[t])
		}
		shards[k] = "t" + strconv.Itoa(n)
	}
	flush()

	clusters := make([][2]string, len(s.Clusters))
	for i, c := range s.Clusters {
		clusters[i] = [2]string{c.Name, clusterBase(c)}
	}
	for start := 0; start < len(docs); start += chunkDocs {
		var recs []any
		for _, d := range docs[start:min(start+chunkDocs, len(docs))] {
			recs = append(recs, record(s, d))
		}
		files = append(files, script("d"+strconv.Itoa(start/chunkDocs), mustJSON(recs)))
	}

	boot := struct {
		V        int               `json:"v"`
		Clusters [][2]string       `json:"clusters"`
		Shards   map[string]string `json:"shards"`
		Chunk    int               `json:"chunk"`
		Docs     int               `json:"docs"`
	}{FormatVersion, clusters, shards, chunkDocs, len(docs)}
	files = append(files, script("index", mustJSON(boot)))
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files
}

// termEntry is a term's `"term":[[weight,count,…],[ids]]` in a shard; ps is sorted by weight,
// heaviest first, then by id.
func termEntry(term string, ps []posting) []byte {
	var tiers, ids bytes.Buffer
	for i, p := range ps {
		if i > 0 {
			ids.WriteByte(',')
		}
		if i == 0 || p.weight != ps[i-1].weight {
			n := 1
			for n < len(ps)-i && ps[i+n].weight == p.weight {
				n++
			}
			if tiers.Len() > 0 {
				tiers.WriteByte(',')
			}
			tiers.WriteString(strconv.Itoa(p.weight) + "," + strconv.Itoa(n))
			ids.WriteString(strconv.Itoa(p.doc))
			continue
		}
		ids.WriteString(strconv.Itoa(p.doc - ps[i-1].doc))
	}
	var b bytes.Buffer
	b.Write(mustJSON(term))
	b.WriteString(":[[")
	b.Write(tiers.Bytes())
	b.WriteString("],[")
	b.Write(ids.Bytes())
	b.WriteString("]]")
	return b.Bytes()
}

// shardKeys chooses the shard keys: every term's first two runes, and longer prefixes where a
// shard would pass shardBudget. A term stays in the shard of its longest key, so a term as
// long as a key stays in that key's shard; a key left without terms is dropped. Keys come
// sorted.
func shardKeys(terms []string, entries map[string][]byte) []string {
	var keys []string
	var split func(key string, terms []string)
	split = func(key string, terms []string) {
		size := 0
		for _, t := range terms {
			size += len(entries[t]) + 1
		}
		n := utf8.RuneCountInString(key)
		if size <= shardBudget {
			keys = append(keys, key)
			return
		}
		var own []string
		children := map[string][]string{}
		var order []string
		for _, t := range terms {
			if utf8.RuneCountInString(t) <= n {
				own = append(own, t)
				continue
			}
			child := prefix(t, n+1)
			if children[child] == nil {
				order = append(order, child)
			}
			children[child] = append(children[child], t)
		}
		if len(order) == 0 { // one term too large to split: a shard of its own
			keys = append(keys, key)
			return
		}
		if len(own) > 0 {
			keys = append(keys, key)
		}
		for _, c := range order {
			split(c, children[c])
		}
	}
	groups := map[string][]string{}
	var order []string
	for _, t := range terms {
		k := prefix(t, minKey)
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	for _, k := range order {
		split(k, groups[k])
	}
	slices.Sort(keys)
	return keys
}

// prefix returns the first n runes of s.
func prefix(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// shardOf returns the key of the shard that holds term: its longest prefix among the keys.
func shardOf(term string, shards map[string]string) string {
	for n := utf8.RuneCountInString(term); n >= minKey; n-- {
		if _, ok := shards[prefix(term, n)]; ok {
			return prefix(term, n)
		}
	}
	return "" // unreachable: every term's first two runes are a key or were split below it
}

// shardsFor returns the keys of the shards a query token must load, the lookup search.js makes.
func shardsFor(token string, shards map[string]string) []string {
	var out []string
	for n := utf8.RuneCountInString(token); n >= minKey; n-- {
		if _, ok := shards[prefix(token, n)]; ok {
			out = append(out, prefix(token, n))
			break
		}
	}
	for k := range shards {
		if strings.HasPrefix(k, token) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// clusterBase is the directory of a cluster's pages, with a trailing slash.
func clusterBase(c *site.Cluster) string { return site.Dir(c.Path) + "/" }

// record is a document as its chunk holds it.
func record(s *site.Site, d *doc) []any {
	path := d.path
	if d.cluster >= 0 {
		base := clusterBase(s.Clusters[d.cluster])
		var usual string
		switch d.kind {
		case KindTopic:
			usual = base + "topics/" + d.title
		case KindGroup:
			usual = base + "groups/" + d.title
		case KindSubject:
			usual = base + "schemas/" + d.title
		case KindField:
			usual = base + "schemas/" + d.context
		}
		if path == usual {
			path = ""
		}
	}
	rec := []any{d.kind[:1], d.title, d.cluster, path, d.context}
	for len(rec) > 3 && rec[len(rec)-1] == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

// script wraps data as a file the page loads with a <script> tag. The JSON travels as a string
// literal that the page hands to JSON.parse: browsers parse JSON faster than the same data as
// an object literal, which matters on a first query waiting for a 24 kB shard.
func script(name string, data []byte) File {
	var b bytes.Buffer
	b.WriteString("kdocsSearch.add(")
	b.Write(mustJSON(name))
	b.WriteString(",'")
	// Inside '…' only the backslash and the quote need escaping: encoding/json already wrote
	// <, >, &, U+2028 and U+2029 as \u escapes, and a JSON text holds no raw line break.
	b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(string(data)))
	b.WriteString("');\n")
	return File{Path: Dir + "/" + name + ".js", Data: b.Bytes()}
}

// mustJSON encodes values that cannot fail to encode (strings, numbers, slices and maps of them).
func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic("search: " + err.Error())
	}
	return data
}
