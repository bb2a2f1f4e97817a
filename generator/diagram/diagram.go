// Package diagram writes Mermaid text for the pictures in the site: the cluster overview
// (brokers by rack, the controller, the Schema Registry) and a topic's data flow (producers →
// topic → consumer groups).
//
// Every name shown comes from the estate and is untrusted, so no name ever reaches Mermaid
// unescaped: node ids are generated (n1, n2, …), never derived from names, and every label is a
// quoted string whose dangerous characters are written as Mermaid entity codes (#quot; #lt; …).
package diagram

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/numfmt"
)

// ids hands out node ids in order, so the same snapshot always gives the same text.
type ids struct{ n int }

func (i *ids) next() string {
	i.n++
	return "n" + strconv.Itoa(i.n)
}

// Cluster returns a Mermaid flowchart of the cluster: brokers grouped by rack in subgraphs,
// the controller marked, and the Schema Registry beside the cluster when there is one.
// The text has no trailing newline and no backticks, so it can sit in any Markdown fence.
func Cluster(s *snapshot.Snapshot) string {
	var b strings.Builder
	var id ids
	line := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}

	line(0, "flowchart LR")
	clusterID := id.next()
	line(1, "subgraph %s[%s]", clusterID, Label("cluster "+s.Cluster.Name))

	// Racks in order of first appearance; brokers are sorted by id in a normalized snapshot,
	// so the order is stable.
	var racks []string
	byRack := map[string][]snapshot.Broker{}
	for _, br := range s.Cluster.Brokers {
		if _, seen := byRack[br.Rack]; !seen {
			racks = append(racks, br.Rack)
		}
		byRack[br.Rack] = append(byRack[br.Rack], br)
	}
	var controller string
	broker := func(indent int, br snapshot.Broker) {
		nid := id.next()
		text := fmt.Sprintf("broker %d", br.ID)
		if br.ID == s.Cluster.ControllerID {
			text += " (controller)"
			controller = nid
		}
		line(indent, "%s[%s]", nid, Lines(text, fmt.Sprintf("%s:%d", br.Host, br.Port)))
	}
	for _, rack := range racks {
		if rack == "" {
			// Brokers without a rack sit directly in the cluster rather than in a fake rack.
			for _, br := range byRack[rack] {
				broker(2, br)
			}
			continue
		}
		line(2, "subgraph %s[%s]", id.next(), Label("rack "+rack))
		for _, br := range byRack[rack] {
			broker(3, br)
		}
		line(2, "end")
	}
	if len(s.Cluster.Brokers) == 0 {
		line(2, "%s[%s]", id.next(), Label("no broker answered"))
	}
	line(1, "end")

	if s.Registry != nil {
		reg := id.next()
		line(1, "%s[(%s)]", reg, Lines("Schema Registry", s.Registry.URL))
		line(1, "%s -.- %s", reg, clusterID)
	}
	if controller != "" {
		line(1, "classDef controller stroke-width:3px,font-weight:bold")
		line(1, "class %s controller", controller)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Consumer is a consumer group reading a topic, as the data-flow diagram shows it.
type Consumer struct {
	Group string
	Lag   int64
}

// TopicFlow returns a Mermaid flowchart of one topic's data flow: its producers (known only from
// annotations: Kafka does not record who writes) on the left, the topic in the middle, the
// consumer groups with their lag on the right. A side with nobody on it says so in a dashed
// node, so the picture never suggests that a topic has no writers when kdocs simply was not told.
// Like Cluster, the text has no trailing newline and no backticks.
func TopicFlow(topic string, producers []string, consumers []Consumer) string {
	var b strings.Builder
	var id ids
	line := func(format string, args ...any) {
		b.WriteString("  ")
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	b.WriteString("flowchart LR\n")
	t := id.next()
	line("%s[(%s)]", t, Lines(topic, "topic"))
	var unknown []string
	if len(producers) == 0 {
		n := id.next()
		unknown = append(unknown, n)
		line("%s[%s]", n, Label("producers not documented"))
		line("%s -.-> %s", n, t)
	}
	for _, p := range producers {
		n := id.next()
		line("%s([%s])", n, Label(p))
		line("%s --> %s", n, t)
	}
	if len(consumers) == 0 {
		n := id.next()
		unknown = append(unknown, n)
		line("%s[%s]", n, Label("no consumer group"))
		line("%s -.-> %s", t, n)
	}
	for _, c := range consumers {
		n := id.next()
		line("%s([%s])", n, Lines(c.Group, "consumer group · lag "+numfmt.Thousands(c.Lag)))
		line("%s --> %s", t, n)
	}
	if len(unknown) > 0 {
		line("classDef unknown stroke-dasharray:4 3,font-style:italic")
		line("class %s unknown", strings.Join(unknown, ","))
	}
	return strings.TrimSuffix(b.String(), "\n")
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
	// Mermaid's pre-processor strips the last ';' of any line matching style…:…#…; which would
	// break an entity, so a colon also becomes an entity in labels that could match it.
	colon := strings.Contains(text, "style") || strings.Contains(text, "classDef")
	var b strings.Builder
	for _, r := range text {
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
			fmt.Fprintf(&b, "#%d;", r)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
