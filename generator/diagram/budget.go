package diagram

// Mermaid's limits. Past either, Mermaid does not fail loudly: it draws a placeholder ("Maximum
// text size in diagram exceeded", or an error about edges) instead of the diagram, so a big
// estate would silently lose its pictures. Every generator here plans its diagram to stay well
// inside the limits (collapsing racks, groups or topics into "N more" nodes) and checks the
// result with Fits before returning it.

import "strings"

// Mermaid's defaults, which kdocs.js leaves alone (mermaid.initialize sets neither).
const (
	// MaxTextSize is Mermaid's maxTextSize: the most characters of diagram source it draws.
	MaxTextSize = 50_000
	// MaxEdges is Mermaid's maxEdges: the most edges of one flowchart.
	MaxEdges = 500
)

// maxName is the most runes of one name a label shows. Full names are in the page's tables; a
// label only has to be recognizable, and a cap keeps one 10,000-character topic name from
// spending the whole text budget.
const maxName = 80

// Budget is what a diagram may spend: characters of source and edges. The zero value is no
// budget at all; Limits is Mermaid's.
type Budget struct {
	Chars int
	Edges int
}

// Limits is the budget Mermaid itself enforces.
var Limits = Budget{Chars: MaxTextSize, Edges: MaxEdges}

// Fits reports whether Mermaid draws text rather than replacing it with a placeholder.
func Fits(text string) bool { return Limits.Fits(text) }

// Fits reports whether text stays within the budget.
func (b Budget) Fits(text string) bool {
	chars, edges := Measure(text)
	return chars <= b.Chars && edges <= b.Edges
}

// Measure counts what Mermaid counts: characters (as JavaScript does, in UTF-16 code units) and
// the edges of a flowchart, one per line that links two nodes (the generators here write one
// edge per line and never chain them).
func Measure(text string) (chars, edges int) {
	for _, r := range text {
		chars++
		if r > 0xFFFF {
			chars++ // a surrogate pair in JavaScript
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if isEdge(line) {
			edges++
		}
	}
	return chars, edges
}

// isEdge reports whether a line of flowchart source is an edge. Labels are quoted and their
// '>' and '-' never form an arrow outside quotes ('>' is always an entity), so arrows are looked
// for in the text between labels.
func isEdge(line string) bool {
	var outside strings.Builder
	quoted := false
	for _, r := range line {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if !quoted {
			outside.WriteRune(r)
		}
	}
	s := outside.String()
	return strings.Contains(s, "-->") || strings.Contains(s, "-.-") || strings.Contains(s, "---") ||
		strings.Contains(s, "==>") || strings.Contains(s, "<-->")
}

// clip shortens a name for a label to maxName runes, marking the cut with '…'.
func clip(name string) string {
	n := 0
	for i := range name {
		if n == maxName {
			return name[:i] + "…"
		}
		n++
	}
	return name
}

// guard returns text when Mermaid draws it, else a one-box diagram that says the picture was too
// big. Every generator plans to fit, so this is a net under future changes: a page must never
// show Mermaid's "Maximum text size" placeholder instead of saying what happened.
func guard(text string) string {
	if Fits(text) {
		return text
	}
	return "flowchart LR\n  n1[" + Label("diagram too large to draw; the tables below list everything") + "]"
}
