package main

// The formats of kdocs diff. Each writer gets the changes and, aligned with them, the blast
// radius of the breaking ones (nil entries for the others; nil altogether when there is none,
// as between environments).

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/diff"
	"github.com/kdocs/kdocs/generator/lineage"
)

type changeWriter func(io.Writer, diff.Changes, []*lineage.Blast) error

var changeWriters = map[string]changeWriter{
	"text": writeChangesText, "json": writeChangesJSON, "markdown": writeChangesMarkdown, "md": writeChangesMarkdown,
}

// blastOf returns the blast of changes[i], nil when it has none.
func blastOf(blasts []*lineage.Blast, i int) *lineage.Blast {
	if i < len(blasts) {
		return blasts[i]
	}
	return nil
}

// jsonChange is a change of --format json: diff.Change's fields, and "affected" for a breaking
// change on a topic or subject.
type jsonChange struct {
	diff.Change
	Affected *lineage.Blast `json:"affected,omitempty"`
}

func writeChangesJSON(w io.Writer, changes diff.Changes, blasts []*lineage.Blast) error {
	out := make([]jsonChange, len(changes))
	for i, c := range changes {
		out[i] = jsonChange{Change: c, Affected: blastOf(blasts, i)}
	}
	return writeJSON(w, out)
}

// partiesCount counts the distinct parties the blasts reach: a group reached through two topics
// counts once.
func partiesCount(blasts []*lineage.Blast) int {
	seen := map[[3]string]bool{}
	for _, b := range blasts {
		if b == nil {
			continue
		}
		for _, p := range b.Parties {
			seen[[3]string{p.Kind, p.Connect, p.Name}] = true
		}
	}
	return len(seen)
}

// reach says whom the breaking changes reach, as a sentence to follow the counts; "" when no
// change has a blast.
func reach(blasts []*lineage.Blast) string {
	breaking := 0
	for _, b := range blasts {
		if b != nil {
			breaking++
		}
	}
	if breaking == 0 {
		return ""
	}
	n := partiesCount(blasts)
	return fmt.Sprintf("the %s that reach readers and writers affect%s %d %s", diffPlural(breaking, "change", "changes"), diffPlural(breaking, "s", ""),
		n, diffPlural(n, "party", "parties"))
}

// writeChangesText prints one block per resource, in the order of changes (sorted by
// resource), each breaking change followed by the parties it affects, and a count by severity.
func writeChangesText(w io.Writer, changes diff.Changes, blasts []*lineage.Blast) error {
	var b strings.Builder
	if len(changes) == 0 {
		b.WriteString("no changes\n")
	}
	for i, c := range changes {
		if i == 0 || changes[i-1].Resource != c.Resource {
			fmt.Fprintf(&b, "%s\n", c.Resource)
		}
		fmt.Fprintf(&b, "  %-8s %-22s %s\n", c.Severity, c.Kind, c.Message)
		if bl := blastOf(blasts, i); bl != nil {
			writeBlastText(&b, c, bl)
		}
	}
	if len(changes) > 0 {
		line := changeCounts(changes)
		if r := reach(blasts); r != "" {
			line += "; " + r
		}
		fmt.Fprintf(&b, "\n%s\n", line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeBlastText writes a change's parties, one a line; names are quoted, as resources are, so
// that a newline in a group id cannot forge a line.
func writeBlastText(b *strings.Builder, c diff.Change, bl *lineage.Blast) {
	const indent = "           "
	if len(bl.Topics) == 0 {
		fmt.Fprintf(b, "%sserves no topic of the cluster\n", indent)
		return
	}
	if len(bl.Parties) == 0 {
		fmt.Fprintf(b, "%saffects no reader, writer or owner kdocs knows of\n", indent)
		return
	}
	through := !strings.HasPrefix(c.Resource, "topic ")
	for _, p := range bl.Parties {
		where := ""
		if p.Connect != "" {
			where = " on Connect " + strconv.Quote(p.Connect)
		}
		what := p.AccessText()
		if through {
			what += " topic " + strconv.Quote(p.Topic)
		}
		fmt.Fprintf(b, "%saffects %s %s%s (%s)\n", indent, p.Kind, strconv.Quote(p.Name), where, what)
	}
}

// writeChangesMarkdown prints a pull-request comment: a heading, the counts, a table of the
// breaking changes with the parties they affect, then every other change in a collapsed
// table. Resource names, party names and messages are untrusted: mdCell keeps them inside
// their cell.
func writeChangesMarkdown(w io.Writer, changes diff.Changes, blasts []*lineage.Blast) error {
	var b strings.Builder
	b.WriteString("## kdocs diff\n\n")
	if len(changes) == 0 {
		b.WriteString("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "**%s**", changeCounts(changes))
	if r := reach(blasts); r != "" {
		fmt.Fprintf(&b, "; %s", r)
	}
	b.WriteString(".\n")
	// First the changes that reach someone (lineage.Reaches: the breaking ones, and warnings on
	// a topic such as a shortened retention), with who; then the rest, folded.
	var breaking, other []int
	for i, c := range changes {
		if lineage.Reaches(c) {
			breaking = append(breaking, i)
		} else {
			other = append(other, i)
		}
	}
	if len(breaking) > 0 {
		b.WriteString("\n### Breaking changes and warnings that reach readers and writers\n\n| Severity | Resource | Change | Old | New | What it means | Affected |\n|---|---|---|---|---|---|---|\n")
		for _, i := range breaking {
			c := changes[i]
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", mdCell(c.Severity), mdCell(c.Resource), mdCell(c.Kind), mdCell(c.Old), mdCell(c.New),
				mdCell(c.Message), mdParties(c, blastOf(blasts, i)))
		}
	}
	if len(breaking) == 0 {
		b.WriteString("\nNo breaking changes.\n")
	}
	if len(other) > 0 {
		label := "other "
		if len(breaking) == 0 {
			label = ""
		}
		fmt.Fprintf(&b, "\n<details>\n<summary>%d %s%s</summary>\n\n", len(other), label, diffPlural(len(other), "change", "changes"))
		b.WriteString("| Severity | Resource | Change | Old | New | What it means |\n|---|---|---|---|---|---|\n")
		for _, i := range other {
			c := changes[i]
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(c.Severity), mdCell(c.Resource), mdCell(c.Kind), mdCell(c.Old),
				mdCell(c.New), mdCell(c.Message))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdParties is the Affected cell: one party a line.
func mdParties(c diff.Change, bl *lineage.Blast) string {
	switch {
	case bl == nil:
		return ""
	case len(bl.Topics) == 0:
		return "serves no topic of the cluster"
	case len(bl.Parties) == 0:
		return "no reader, writer or owner kdocs knows of"
	}
	through := !strings.HasPrefix(c.Resource, "topic ")
	lines := make([]string, len(bl.Parties))
	for i, p := range bl.Parties {
		s := mdCell(p.Kind) + " **" + mdCell(p.Name) + "**"
		if p.Connect != "" {
			s += " on " + mdCell(p.Connect)
		}
		what := mdCell(p.AccessText())
		if through {
			what += " " + mdCell(p.Topic)
		}
		lines[i] = s + " (" + what + ")"
	}
	return strings.Join(lines, "<br>")
}

// mdCell escapes text for one GitHub-flavoured Markdown table cell: no line breaks, no cell
// separators, no HTML, no emphasis, code spans or links.
func mdCell(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u2028', '\u2029':
			b.WriteByte(' ')
		case '|', '\\', '`', '*', '_', '[', ']', '<', '>', '#', '~', '!', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0x7f {
				b.WriteByte(' ')
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// changeCounts says "3 changes: 2 warnings, 1 info".
func changeCounts(changes diff.Changes) string {
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Severity]++
	}
	var parts []string
	for _, s := range []string{diff.Breaking, diff.Warning, diff.Info} {
		if n := counts[s]; n > 0 {
			label := s
			if s == diff.Warning {
				label = diffPlural(n, "warning", "warnings")
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	return fmt.Sprintf("%d %s: %s", len(changes), diffPlural(len(changes), "change", "changes"), strings.Join(parts, ", "))
}
