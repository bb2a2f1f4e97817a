package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// defaultMemoryBudget is the memory a book may take to print when neither --memory-budget nor
// site.yaml's pdf.memoryBudget says: what a CI runner or a small VM has to spare.
const defaultMemoryBudget = 2 << 30

// memoryBudget is the budget of a print: the flag's, else site.yaml's (cfg may be nil), else 2 GiB.
func memoryBudget(flag config.ByteSize, cfg *config.Site) uint64 {
	if flag == 0 && cfg != nil {
		flag = cfg.PDF.MemoryBudget
	}
	return uint64(cmp.Or(flag, defaultMemoryBudget))
}

// pdfRun is one `kdocs pdf`: its flags, resolved.
type pdfRun struct {
	e            *env
	siteDir, out string
	clusterBooks bool
	chrome       string
	timeout      time.Duration
	scope        pdf.Scope
	budget       config.ByteSize
}

func pdfCommand() command {
	return command{name: "pdf",
		short: "Print the built site as PDF books through headless Chromium.",
		long: `Print the built site as PDF books through headless Chromium: the whole estate as kdocs.pdf
and each cluster as kdocs-<cluster>.pdf, written into the site unless --out says otherwise.
Run kdocs build first.

--cluster and --topics print part of the estate: the named clusters, and in them the topics the
globs match, with the consumer groups that read them and the schema subjects named for them.
Before printing, kdocs estimates the memory the book will take (Chromium and kdocs together)
and refuses a book over --memory-budget (default 2GiB, or site.yaml's pdf.memoryBudget), naming
a scope that fits; while printing, it stops Chromium if the memory crosses the budget. A refused
or stopped book writes nothing and leaves an earlier PDF in place.`,
		example: `  kdocs build && kdocs pdf                    # public/kdocs.pdf and public/kdocs-<cluster>.pdf
  kdocs pdf -o book/estate.pdf                # book/estate.pdf, book/estate-<cluster>.pdf
  kdocs pdf --cluster east --topics 'orders.*' -o orders.pdf
  kdocs pdf --memory-budget 4GiB              # a larger book on a larger machine
  kdocs pdf --chrome /usr/bin/chromium --cluster-books=false`,
		setup: func(fs *pflag.FlagSet, e *env) func(context.Context) error {
			p := &pdfRun{e: e}
			fs.StringVar(&p.siteDir, "site", "", "built site directory (default: output of site.yaml)")
			fs.StringVarP(&p.out, "out", "o", "", "the estate's PDF (default: <site>/kdocs.pdf); cluster books go beside it as <name>-<cluster>.pdf")
			fs.BoolVar(&p.clusterBooks, "cluster-books", true, "also print one book per cluster")
			fs.StringVar(&p.chrome, "chrome", "", "path to Chrome or Chromium (default: looked up on PATH)")
			fs.DurationVar(&p.timeout, "timeout", pdf.DefaultTimeout, "give up when printing takes longer (all books together); a hung browser fails after 30s")
			fs.StringArrayVar(&p.scope.Clusters, "cluster", nil, "print only this cluster of site.yaml (repeatable)")
			fs.StringArrayVar(&p.scope.Topics, "topics", nil, "print only the topics this glob matches, as 'orders.*', with their groups and subjects (repeatable)")
			fs.Var(&p.budget, "memory-budget", "the most memory printing may take, as 2GiB or 1536MiB (default: site.yaml's pdf.memoryBudget, else 2GiB)")
			return p.run
		}}
}

func (p *pdfRun) run(ctx context.Context) (err error) {
	if err := p.scope.Validate(); err != nil {
		return usageError{err.Error()}
	}
	dir := p.siteDir
	var cfg *config.Site
	if dir == "" {
		site, err := p.e.loadConfig()
		if err != nil {
			return err
		}
		cfg, dir = site, site.Output
	} else if !p.scope.Whole() {
		return usageError{"--cluster and --topics print part of site.yaml's estate, rendered for the book: drop --site (and pass --config if needed)"}
	}
	budget := memoryBudget(p.budget, cfg)
	if p.out == "" {
		p.out = filepath.Join(dir, "kdocs.pdf")
	}
	// A book refused or failed leaves nothing behind, not even the directories made for it.
	defer removeMadeDirs(filepath.Dir(p.out), &err)()
	if !p.scope.Whole() || !fileExists(filepath.Join(dir, "print", "index.html")) {
		if cfg == nil {
			return fmt.Errorf("no print view in %s (no print/index.html): build it with `print: true` in site.yaml, or run `kdocs pdf` without --site to let it render its own", dir)
		}
		rendered, cleanup, err := p.render(ctx, cfg, budget)
		defer cleanup()
		if err != nil {
			return err
		}
		dir = rendered
	}
	books, err := p.books(dir)
	if err != nil {
		return err
	}
	estimate, err := p.checkBooks(dir, books, budget)
	if err != nil {
		return err
	}
	// What the build and the snapshots left on the heap goes back to the system before Chromium
	// starts: the budget counts this process too.
	debug.FreeOSMemory()
	start := time.Now()
	bar := p.e.progress("pdf", len(books))
	var peak pdf.Memory
	opts := pdf.Options{SiteDir: dir, Chrome: p.chrome, Timeout: p.timeout, Logger: p.e.log, MemoryBudget: budget,
		PeakMemory: func(m pdf.Memory) { peak = m }, Done: func(b pdf.Book) { bar.Step(b.Out) }}
	err = pdf.PrintBooks(ctx, opts, books)
	bar.Finish()
	if errors.Is(err, pdf.ErrMemoryBudget) {
		return fmt.Errorf("%w: %s", err, pdf.ScopeOptions)
	}
	if err != nil {
		return err
	}
	for _, b := range books {
		fmt.Fprintf(p.e.stdout, "wrote %s\n", b.Out)
	}
	fmt.Fprintf(p.e.stdout, "%d book(s) in %s; peak memory while printing %s (Chromium %s), kdocs' own peak %s; estimated %s for %s of print HTML, budget %s\n",
		len(books), time.Since(start).Round(time.Millisecond), pdf.MiB(peak.Total), pdf.MiB(peak.Chromium), pdf.MiB(pdf.SelfPeak()),
		pdf.MiB(estimate.Total()), pdf.HTMLSize(uint64(estimate.HTMLBytes)), pdf.MiB(budget))
	return nil
}

// render renders the print view of the scope into a scratch directory beside the output and
// returns the site directory in it; cleanup removes it. A book over the budget is refused once
// the snapshots are loaded and narrowed, before anything is rendered.
func (p *pdfRun) render(ctx context.Context, cfg *config.Site, budget uint64) (string, func(), error) {
	cleanup := func() {}
	scoped, err := p.scope.Config(cfg)
	if err != nil {
		return "", cleanup, usageError{err.Error()}
	}
	if err := os.MkdirAll(filepath.Dir(p.out), 0o755); err != nil {
		return "", cleanup, err
	}
	scratch, err := os.MkdirTemp(filepath.Dir(p.out), ".kdocs-pdf-")
	if err != nil {
		return "", cleanup, err
	}
	cleanup = func() { os.RemoveAll(scratch) }
	dir := filepath.Join(scratch, "site")
	var refused error
	loaded := func(snaps []*snapshot.Snapshot) error {
		size, err := p.scope.Narrow(snaps)
		if err != nil {
			refused = usageError{err.Error()}
			return refused
		}
		p.e.log.Debug("pdf: the book's scope", "scope", p.scope.Flags(), "size", size.String(), "estimate", pdf.MiB(pdf.EstimateHTML(size.HTMLBytes()).Total()))
		if err := p.scope.Check(size, snaps, budget); err != nil {
			refused = err
			return err
		}
		return nil
	}
	_, err = pipeline.Run(ctx, scoped, pipeline.Options{Logger: p.e.log, Output: dir, Print: true, Loaded: loaded})
	if refused != nil {
		return "", cleanup, refused
	}
	if err != nil {
		return "", cleanup, fmt.Errorf("render the print view: %w", err)
	}
	return dir, cleanup, nil
}

// removeMadeDirs notes which of dir and its parents do not exist yet, and returns a function that,
// when *err is set, removes those of them that are empty.
func removeMadeDirs(dir string, err *error) func() {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, statErr := os.Stat(d); statErr == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	return func() {
		if *err == nil {
			return
		}
		for _, d := range missing {
			if os.Remove(d) != nil {
				return // not empty: something else is in it
			}
		}
	}
}

// books lists the books to print: the estate's at --out, and each cluster's beside it.
func (p *pdfRun) books(dir string) ([]pdf.Book, error) {
	books := []pdf.Book{{Page: pdf.DefaultPage, Out: p.out}}
	if !p.clusterBooks {
		return books, nil
	}
	all, err := pdf.Books(dir, filepath.Dir(p.out))
	if err != nil {
		return nil, err
	}
	stem := strings.TrimSuffix(filepath.Base(p.out), filepath.Ext(p.out))
	for _, b := range all[1:] {
		// kdocs-<cluster>.pdf becomes <stem>-<cluster>.pdf beside --out.
		b.Out = filepath.Join(filepath.Dir(p.out), stem+strings.TrimPrefix(filepath.Base(b.Out), "kdocs"))
		books = append(books, b)
	}
	return books, nil
}

// checkBooks refuses, before Chromium starts, a book whose print view is too large for the
// budget: the estimate from its HTML, now that it exists. It returns the largest book's estimate.
func (p *pdfRun) checkBooks(dir string, books []pdf.Book, budget uint64) (pdf.Estimate, error) {
	var largest pdf.Estimate
	for _, b := range books {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(b.Page)))
		if err != nil {
			return largest, fmt.Errorf("print %s: %w", b.Page, err)
		}
		if err := pdf.CheckPrintView(b.Page, info.Size(), budget); err != nil {
			return largest, err
		}
		if info.Size() > largest.HTMLBytes {
			largest = pdf.EstimateHTML(info.Size())
		}
	}
	return largest, nil
}
