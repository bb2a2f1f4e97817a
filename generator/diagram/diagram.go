// Package diagram writes Mermaid text for the pictures in the site: a cluster's architecture
// (architecture.go), a topic's data flow (here), a cluster's data flows by domain (flow.go) and
// replication between clusters (replication.go). Every picture stays inside Mermaid's limits,
// collapsing what does not fit into counted boxes (budget.go).
//
// Every name shown comes from the estate and is untrusted, so no name ever reaches Mermaid
// unescaped: node ids are generated (n1, n2, …), never derived from names, and every label is a
// quoted string whose dangerous characters are written as Mermaid entity codes (#quot; #lt; …).
package diagram

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kdocs/kdocs/internal/numfmt"
)

// writer builds diagram text: node ids handed out in order (n1, n2, …), so the same input
// always gives the same text, and lines indented two spaces per level.
type writer struct {
	b strings.Builder
	n int
	g graph
}

func (w *writer) id() string {
	w.n++
	return "n" + strconv.Itoa(w.n)
}

func (w *writer) line(indent int, format string, args ...any) {
	w.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// text is the diagram without its trailing newline and, like every diagram here, without
// backticks, so it can sit in any Markdown fence.
func (w *writer) text() string { return strings.TrimSuffix(w.b.String(), "\n") }

// Consumer is a consumer group reading a topic, as the data-flow diagram shows it.
type Consumer struct {
	Group string
	Lag   int64
	// Streams: the group is a Kafka Streams application (lineage.StreamsApps).
	Streams bool
}

// label is the consumer's second line: what it is and its lag.
func (c Consumer) label() string {
	kind := "consumer group"
	if c.Streams {
		kind = "Kafka Streams app"
	}
	return kind + " · lag " + numfmt.Thousands(c.Lag)
}

// detail is what the diagram's table says of the consumer beside its kind (a group).
func (c Consumer) detail() string {
	if c.Streams {
		return "Kafka Streams app · lag " + numfmt.Thousands(c.Lag)
	}
	return "lag " + numfmt.Thousands(c.Lag)
}

// maxPerSide is the most producers, and the most consumer groups, a topic's data flow draws;
// the rest become one "N more" node. Twenty boxes are about what a page shows readably, and it
// keeps even a topic read by thousands of groups far inside Mermaid's limits.
const maxPerSide = 20

// Producers are a topic's writers as its data-flow diagrams draw them: those its annotation
// declares (dashed edges: Kafka does not record who writes) and those the brokers show, by
// transactional id or producer id (observed: solid).
type Producers struct {
	Declared, Observed []string
}

func (p Producers) empty() bool { return len(p.Declared) == 0 && len(p.Observed) == 0 }

// producers draws the writers of topic t, declared first, at most maxPerSide boxes, the rest
// counted in one "N more producers" box. It returns the declared boxes (dashed) and the
// "more" box, if any.
func (w *writer) producers(t string, p Producers) (declared []string, more string) {
	all := len(p.Declared) + len(p.Observed)
	shown := all
	if all > maxPerSide {
		shown = maxPerSide - 1
	}
	for i := range shown {
		if i < len(p.Declared) {
			n := w.node(w.id(), KindProducer, p.Declared[i], "declared")
			declared = append(declared, n)
			w.line(1, "%s([%s])", n, Lines(clip(p.Declared[i]), "producer · declared"))
			w.line(1, "%s -.-> %s", n, t)
			w.edge(n, t, "writes to (declared)")
			continue
		}
		name := p.Observed[i-len(p.Declared)]
		n := w.node(w.id(), KindProducer, name, "observed")
		w.line(1, "%s([%s])", n, Lines(clip(name), "producer · observed"))
		w.line(1, "%s --> %s", n, t)
		w.edge(n, t, "writes to (observed)")
	}
	if rest := all - shown; rest > 0 {
		name := numfmt.Thousands(int64(rest)) + " more producers"
		more = w.node(w.id(), KindMore, name, "listed on the topic's page")
		w.line(1, "%s([%s])", more, Label(name))
		w.line(1, "%s -.-> %s", more, t)
		w.edge(more, t, "write to")
	}
	return declared, more
}

// TopicFlow returns a Mermaid flowchart of one topic's data flow: its producers on the left
// (declared in its annotation: dashed edges; observed by the brokers: solid), the topic in the
// middle, the consumer groups with their lag on the right (discovered from their offsets:
// solid). A side with nobody on it says so in a dashed node, so the picture never suggests that
// a topic has no writers when kdocs simply was not told. Past maxPerSide on a side, the groups
// with the most lag (and the first producers) are drawn and the others counted in one
// "N more" node.
func TopicFlow(topic string, producers Producers, consumers []Consumer) Diagram {
	var w writer
	w.line(0, "flowchart LR")
	t := w.node(w.id(), KindTopic, topic)
	w.line(1, "%s[(%s)]", t, Lines(clip(topic), "topic"))
	var unknown, more []string
	if producers.empty() {
		n := w.node(w.id(), KindNote, "producers not documented")
		unknown = append(unknown, n)
		w.line(1, "%s[%s]", n, Label("producers not documented"))
		w.line(1, "%s -.-> %s", n, t)
		w.edge(n, t, "writes to")
	}
	declared, morep := w.producers(t, producers)
	if morep != "" {
		more = append(more, morep)
	}
	if len(consumers) == 0 {
		n := w.node(w.id(), KindNote, "no consumer group")
		unknown = append(unknown, n)
		w.line(1, "%s[%s]", n, Label("no consumer group"))
		w.line(1, "%s -.-> %s", t, n)
		w.edge(t, n, "is read by")
	}
	keep := mostLag(consumers, maxPerSide)
	var restGroups int
	var restLag int64
	for i, c := range consumers {
		if !keep[i] {
			restGroups++
			restLag += c.Lag
			continue
		}
		n := w.node(w.id(), KindGroup, c.Group, c.detail())
		w.line(1, "%s([%s])", n, Lines(clip(c.Group), c.label()))
		w.line(1, "%s --> %s", t, n)
		w.edge(t, n, "is read by")
	}
	if restGroups > 0 {
		name := numfmt.Thousands(int64(restGroups)) + " more groups"
		n := w.node(w.id(), KindMore, name, "lag "+numfmt.Thousands(restLag), "listed in the consumer groups table")
		more = append(more, n)
		w.line(1, "%s([%s])", n, Lines(name, "lag "+numfmt.Thousands(restLag)))
		w.line(1, "%s --> %s", t, n)
		w.edge(t, n, "is read by")
	}
	if len(declared) > 0 {
		w.line(1, "classDef declared stroke-dasharray:4 3")
		w.line(1, "class %s declared", strings.Join(declared, ","))
	}
	if len(unknown) > 0 {
		w.line(1, "classDef unknown stroke-dasharray:4 3,font-style:italic")
		w.line(1, "class %s unknown", strings.Join(unknown, ","))
	}
	if len(more) > 0 {
		w.line(1, "classDef more stroke-dasharray:2 2")
		w.line(1, "class %s more", strings.Join(more, ","))
	}
	return w.diagram("Data flow of topic "+clip(topic), "Who writes topic "+clip(topic)+" and which consumer groups read it.")
}

// mostLag marks which of the consumers to draw when at most limit boxes fit: all of them when
// they fit, else the limit-1 with the most lag (the ones a reader looks for), leaving one box
// for the rest. Ties go to the earlier group, so the choice is stable.
func mostLag(consumers []Consumer, limit int) []bool {
	keep := make([]bool, len(consumers))
	if len(consumers) <= limit {
		for i := range keep {
			keep[i] = true
		}
		return keep
	}
	order := make([]int, len(consumers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(consumers[b].Lag, consumers[a].Lag) })
	for _, i := range order[:limit-1] {
		keep[i] = true
	}
	return keep
}

// Label quotes text as a Mermaid label. Quotes, angle brackets, ampersands, hashes,
// backticks and the other characters Mermaid or its HTML labels give meaning to become entity
// codes (#quot;, #lt;, #35; …), which Mermaid turns back into the literal characters when it
// draws; Markdown's emphasis characters are backslash-escaped; line breaks and other control
// characters become spaces.
func Label(text string) string {
	return `"` + escape(text) + `"`
}

// Lines is Label for several lines of text, joined with Mermaid's line break.
func Lines(lines ...string) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = escape(l)
	}
	return `"` + strings.Join(parts, "<br/>") + `"`
}

func escape(text string) string {
	if plainLabel(text) {
		return text // most names: nothing to escape, no copy
	}
	// Mermaid's pre-processor strips the last ';' of any line matching style…:…#…; which would
	// break an entity, so a colon also becomes an entity in labels that could match it.
	colon := strings.Contains(text, "style") || strings.Contains(text, "classDef")
	var b strings.Builder
	b.Grow(len(text) + 16)
	for _, r := range text {
		writeEscaped(&b, r, colon)
	}
	return b.String()
}

// writeEscaped writes one character of a label as escape does; colon says whether a colon
// becomes an entity too.
func writeEscaped(b *strings.Builder, r rune, colon bool) {
	switch {
	case r == '"':
		b.WriteString("#quot;")
	case r == '<':
		b.WriteString("#lt;")
	case r == '>':
		b.WriteString("#gt;")
	case r == '&':
		b.WriteString("#amp;")
	case r == ':' && colon:
		b.WriteString("#58;")
	case r == '*' || r == '_' || r == '\\':
		// Mermaid 11 reads **bold** and _italics_ in every HTML label, not only in
		// `Markdown strings`, and it decodes entity codes before that, so these take
		// Markdown's backslash escape instead (which it honours and removes).
		b.WriteByte('\\')
		b.WriteRune(r)
	case strings.ContainsRune("#`%{}", r):
		// '#' starts an entity, '`' a Markdown string; '%%{…}%%' is a directive that
		// Mermaid finds anywhere in the text, even inside quotes, and could reconfigure it.
		b.WriteByte('#')
		b.WriteString(strconv.Itoa(int(r)))
		b.WriteByte(';')
	case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
		b.WriteByte(' ')
	default:
		b.WriteRune(r)
	}
}

// plainLabel reports whether escape returns text as it is: printable ASCII without a
// character writeEscaped changes (a colon is changed only beside "style" or "classDef",
// which plainLabel does not look for, so it counts as changed).
func plainLabel(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c >= 0x7f || labelSpecial[c] {
			return false
		}
	}
	return true
}

// labelSpecial are the ASCII characters writeEscaped may change.
var labelSpecial = func() (set [128]bool) {
	for _, c := range "\"<>&:*_\\#`%{}" {
		set[c] = true
	}
	return set
}()
