package pdf

import (
	"fmt"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// The memory model: how much memory printing a book takes, estimated before Chromium starts, so
// that a book too large for the machine is refused with advice instead of ending in the kernel's
// OOM killer (the run-time guard of memory.go backs it up).
//
// Chromium holds the whole book at once: the DOM of the print view, its layout, every Mermaid
// diagram's SVG, and the tagged PDF it builds. Its memory grows in proportion to the print
// view's HTML, measured (TestBookMemoryCurve, docs/benchmarks.md) on books of synth.Scale
// estates, which draw a flow diagram on every topic's page, and on the example estate's. The
// model is a line above every measured point: a fixed cost (the browser, the fonts, Mermaid)
// and a cost per byte of HTML.
// Before the print view exists, its bytes are estimated from the snapshots (SizeOf), by what
// each topic, partition, group, committed offset and schema version adds to the book.
const (
	// browserBase is Chromium's fixed cost: the browser, the fonts and Mermaid, plus the margin
	// that diagram-heavy books need above the line of synth's books (the example estate's
	// 333 kB book, 48 diagrams, took 1,016 MiB where 450 MiB + 1.16 per byte gives 830).
	browserBase = 700 << 20
	// memoryPerHTMLByte is Chromium's memory per byte of the print view: 1,220-1,260 measured
	// between synth.Scale's 100-, 250- and 500-topic books, rounded up.
	memoryPerHTMLByte = 1400
	// kdocsBase is kdocs' own memory while printing, besides the PDF it receives: the site
	// server and the chromedp connection.
	kdocsBase = 64 << 20
	// pdfPerHTMLByte is the PDF's bytes per byte of HTML (measured 15-16); kdocs holds the PDF in
	// memory once it arrives, twice while the buffer grows.
	pdfPerHTMLByte = 2 * 16
)

// Bytes each part of the estate adds to the print view, measured on synth.Scale's books (a
// topic's chapter with its flow diagram, configs and partitions table; a group's with its
// offsets; a subject's versions with their highlighted schemas; and each topic's rows in the
// cluster's lists and overview pages).
const (
	htmlPerTopic      = 3400 + 1600
	htmlPerPartition  = 115
	htmlPerGroup      = 1000
	htmlPerOffset     = 110
	htmlPerVersion    = 600
	htmlPerSchemaByte = 2.2
	htmlPerCluster    = 60_000 // a cluster's overview, brokers, ACLs, Connect, flows and lists
	htmlBookBase      = 40_000 // cover, contents, the estate's and content/'s pages
)

// Size counts what a book will hold, for the estimate.
type Size struct {
	Clusters, Topics, Partitions, Groups, Offsets, Versions int64
	// SchemaBytes is the length of every schema version's text.
	SchemaBytes int64
}

// Add counts one cluster's snapshot.
func (z *Size) Add(s *snapshot.Snapshot) {
	z.Clusters++
	z.Topics += int64(len(s.Topics))
	for _, t := range s.Topics {
		z.Partitions += int64(len(t.Partitions))
	}
	z.Groups += int64(len(s.Groups))
	for _, g := range s.Groups {
		z.Offsets += int64(len(g.Offsets))
	}
	if s.Registry != nil {
		for _, sub := range s.Registry.Subjects {
			z.Versions += int64(len(sub.Versions))
			for _, v := range sub.Versions {
				z.SchemaBytes += int64(len(v.Schema))
			}
		}
	}
}

// HTMLBytes estimates the print view's size.
func (z Size) HTMLBytes() int64 {
	return htmlBookBase + z.Clusters*htmlPerCluster + z.Topics*htmlPerTopic + z.Partitions*htmlPerPartition +
		z.Groups*htmlPerGroup + z.Offsets*htmlPerOffset + z.Versions*htmlPerVersion + int64(float64(z.SchemaBytes)*htmlPerSchemaByte)
}

func (z Size) String() string {
	return fmt.Sprintf("%d topic(s), %d partition(s), %d group(s), %d schema version(s)", z.Topics, z.Partitions, z.Groups, z.Versions)
}

// Estimate is the memory a book is expected to take to print, Chromium's and kdocs' together.
type Estimate struct {
	HTMLBytes int64
	Chromium  uint64
	Kdocs     uint64
}

// Total is the whole estimate.
func (e Estimate) Total() uint64 { return e.Chromium + e.Kdocs }

// EstimateHTML is the estimate for a print view of htmlBytes bytes.
func EstimateHTML(htmlBytes int64) Estimate {
	b := uint64(max(htmlBytes, 0))
	return Estimate{HTMLBytes: htmlBytes, Chromium: browserBase + memoryPerHTMLByte*b, Kdocs: kdocsBase + pdfPerHTMLByte*b}
}

// TopicsWithin is about how many topics of the book's average fit in budget, for the advice of a
// refusal; 0 when not even the book's fixed cost does.
func (z Size) TopicsWithin(budget uint64) int64 {
	if z.Topics == 0 {
		return 0
	}
	fixed := EstimateHTML(htmlBookBase + htmlPerCluster).Total()
	if budget <= fixed {
		return 0
	}
	perTopic := float64(EstimateHTML(z.HTMLBytes()).Total()-fixed) / float64(z.Topics)
	return int64(float64(budget-fixed) / perTopic)
}
