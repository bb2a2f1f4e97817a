// Package pdf prints a built kdocs site to one PDF book with headless Chromium.
//
// Print serves the site directory on a loopback port (so the page loads exactly as it does on a
// web server: same URLs, same base-aware links), opens the print page, waits until the page says
// its Mermaid diagrams have rendered and its fonts are loaded, refuses a page on which a diagram
// failed, and writes the PDF atomically. Every wait is bounded by Options.Timeout, and a timeout
// says what Print was waiting for.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultPage is the page printed when Options.Page is empty: the site's print view, which
// holds the whole book on one page.
const DefaultPage = "print/index.html"

// DefaultTimeout bounds a whole Print when Options.Timeout is zero: a 600-page book with a
// diagram on every other page takes about a minute on a loaded two-core machine.
const DefaultTimeout = 10 * time.Minute

// DefaultStartTimeout bounds starting Chromium when Options.StartTimeout is zero: a browser
// that does not answer by then is hung or broken, whatever the book's size.
const DefaultStartTimeout = 30 * time.Second

// Options configures Print. SiteDir and Out are required.
type Options struct {
	// SiteDir is a built site directory.
	SiteDir string
	// Page is the page to print, relative to SiteDir, with forward slashes (default DefaultPage).
	Page string
	// Out is the PDF file to write. It is replaced atomically, never left half-written.
	Out string
	// Chrome is the Chromium binary; empty looks up chromium, chromium-browser, google-chrome
	// and google-chrome-stable on PATH.
	Chrome string
	// Timeout bounds everything from starting Chromium to the PDF's last byte (default 10m).
	Timeout time.Duration
	// StartTimeout bounds starting Chromium alone (default 30s, at most Timeout).
	StartTimeout time.Duration
	// Logger receives progress at debug level and the page's console errors (default: discard).
	Logger *slog.Logger
	// Done, when set, is called after each book of PrintBooks is written (a progress report).
	Done func(Book)
	// MemoryBudget, when not 0, is the most memory (bytes, PSS) this process and Chromium's
	// processes may use together while printing: crossing it kills the browser and fails the
	// print; the books written before are kept and none is half-written (see memory.go).
	MemoryBudget uint64
	// PeakMemory, when set, receives the most memory the run used, as sampled every quarter
	// second (zeros when it could not be read).
	PeakMemory func(Memory)
}

// ErrMemoryBudget is what a print that crossed Options.MemoryBudget fails with (wrapped).
var ErrMemoryBudget = errors.New("Chromium crossed the memory budget")

// The page contract: once mermaid.run() has settled, the site's script sets
// <html data-diagrams="done">. Any other value is taken as the page's own failure report.
const (
	diagramsSignal  = "document.documentElement.dataset.diagrams"
	diagramsDone    = "done"
	waitingDiagrams = `waiting for the page to signal that its Mermaid diagrams rendered (<html data-diagrams="done">)`
)

// Print prints opts.Page of the site in opts.SiteDir to the PDF file opts.Out.
//
// It fails, and leaves Out untouched, when no Chrome is found, when the page does not exist,
// when the page does not signal within the timeout, or when a Mermaid diagram on it is left
// unrendered or rendered as Mermaid's error image.
func Print(ctx context.Context, opts Options) error {
	opts = opts.withDefaults()
	if opts.SiteDir == "" || opts.Out == "" {
		return errors.New("print: SiteDir and Out are required")
	}
	return PrintBooks(ctx, opts, []Book{{Page: opts.Page, Out: opts.Out}})
}

// Book is one print view of a site and the PDF file it is printed to.
type Book struct {
	// Page is relative to the site directory, with forward slashes.
	Page string
	Out  string
}

// PrintBooks prints several pages of the site in opts.SiteDir with one Chromium, one tab after
// the other (opts.Page and opts.Out are ignored): starting Chromium is a good part of a small
// book's time. opts.Timeout bounds the whole run. Each book is written atomically when it is
// done; the first failure stops the run.
func PrintBooks(ctx context.Context, opts Options, books []Book) error {
	opts = opts.withDefaults()
	if opts.SiteDir == "" || len(books) == 0 {
		return errors.New("print: a site directory and at least one book are required")
	}
	first := books[0].Page
	chrome, err := FindChrome(opts.Chrome)
	if err != nil {
		return fmt.Errorf("print %s: %w", first, err)
	}
	for i, b := range books {
		books[i].Page = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(b.Page)), "/")
		if !fileExists(filepath.Join(opts.SiteDir, filepath.FromSlash(books[i].Page))) {
			return fmt.Errorf("print: page %s not found in site %s (build the site first)", books[i].Page, opts.SiteDir)
		}
	}

	site, err := serveSite(opts.SiteDir, opts.Logger)
	if err != nil {
		return fmt.Errorf("print %s: %w", first, err)
	}
	defer site.close()

	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, AllocatorOptions(chrome)...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	start := time.Now()
	var startTimedOut atomic.Bool
	hung := time.AfterFunc(opts.StartTimeout, func() { startTimedOut.Store(true); cancelAlloc() })
	err = stage(ctx, opts, "starting Chromium ("+chrome+")", nil, func() error { return chromedp.Do(browserCtx) })
	hung.Stop()
	if startTimedOut.Load() {
		return fmt.Errorf("print %s: timed out after %s starting Chromium (%s): the browser did not answer", first, opts.StartTimeout, chrome)
	}
	if err != nil {
		return fmt.Errorf("print %s: %w", first, err)
	}
	guard := watchBrowser(browserCtx, opts, cancelAlloc)
	defer func() {
		if peak, _ := guard.close(); opts.PeakMemory != nil {
			opts.PeakMemory(peak)
		}
	}()
	for _, b := range books {
		t0 := time.Now()
		data, err := render(ctx, browserCtx, site.url(b.Page), opts)
		if _, over := guard.state(); over > 0 {
			// The guard killed the browser: whatever render says, the reason is the budget.
			return fmt.Errorf("print %s: %w: it used %s, over the budget of %s; the browser was stopped and %s was not written",
				b.Page, ErrMemoryBudget, MiB(over), MiB(opts.MemoryBudget), b.Out)
		}
		if err != nil {
			return fmt.Errorf("print %s: %w", b.Page, err)
		}
		if err := writeAtomic(b.Out, data); err != nil {
			return fmt.Errorf("print %s: %w", b.Page, err)
		}
		opts.Logger.Info("wrote PDF", "page", b.Page, "out", b.Out, "bytes", len(data), "took", time.Since(t0).Round(time.Millisecond))
		if opts.Done != nil {
			opts.Done(b)
		}
	}
	opts.Logger.Debug("pdf: all books printed", "books", len(books), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// watchBrowser starts the memory guard on this process and the browser of browserCtx; over the
// budget it stops the browser (kill, through the allocator's cancel). A browser whose process
// is unknown (not started by kdocs) is not watched.
func watchBrowser(browserCtx context.Context, opts Options, stop context.CancelFunc) *memoryGuard {
	c := chromedp.FromContext(browserCtx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return nil
	}
	return watchMemory(os.Getpid(), c.Browser.Process().Pid, opts.MemoryBudget, func(used uint64) {
		opts.Logger.Warn("pdf: Chromium crossed the memory budget, stopping it", "used", MiB(used), "budget", MiB(opts.MemoryBudget))
		stop()
	})
}

// Books lists the print views of a built site and where `kdocs pdf` writes them in dir: the
// estate's book (print/index.html) as kdocs.pdf, then each cluster's (print/<cluster>.html) as
// kdocs-<cluster>.pdf, by name.
func Books(siteDir, dir string) ([]Book, error) {
	books := []Book{{Page: DefaultPage, Out: filepath.Join(dir, "kdocs.pdf")}}
	entries, err := os.ReadDir(filepath.Join(siteDir, "print"))
	if err != nil {
		return nil, fmt.Errorf("list the books of %s: %w", siteDir, err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".html")
		if !ok || e.IsDir() || name == "index" {
			continue
		}
		books = append(books, Book{Page: "print/" + e.Name(), Out: filepath.Join(dir, "kdocs-"+name+".pdf")})
	}
	return books, nil
}

func (o Options) withDefaults() Options {
	if o.Page == "" {
		o.Page = DefaultPage
	}
	o.Page = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(o.Page)), "/")
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	o.StartTimeout = min(o.StartTimeout, o.Timeout)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// stage runs one step of a print. A failure names the step; a timeout of ctx says what was
// being waited for.
func stage(ctx context.Context, opts Options, what string, console *consoleLog, step func() error) error {
	opts.Logger.Debug("pdf: " + what)
	err := step()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("timed out after %s %s%s", opts.Timeout, what, console.summary())
		}
		return fmt.Errorf("canceled while %s: %w", what, ctx.Err())
	}
	return fmt.Errorf("%s: %w%s", what, err, console.summary())
}

// render prints one page in a new tab of the running browser and returns the PDF bytes. A
// failure names its stage; a timeout says what was being waited for.
func render(ctx, browserCtx context.Context, url string, opts Options) ([]byte, error) {
	tabCtx, cancelTab := chromedp.NewContext(browserCtx)
	defer cancelTab()

	console := &consoleLog{}
	if err := stage(ctx, opts, "opening a tab", console, func() error { return chromedp.Do(tabCtx) }); err != nil {
		return nil, err
	}
	// Subscribe before navigating, so that the errors of the page's first scripts are kept too:
	// they usually explain a page that never signals.
	console.follow(tabCtx, chromedp.Console(tabCtx), opts.Logger)

	if err := stage(ctx, opts, "loading "+url, console, func() error { return chromedp.Do(tabCtx, chromedp.Navigate(url)) }); err != nil {
		return nil, err
	}
	var signal string
	if err := stage(ctx, opts, waitingDiagrams, console, func() (err error) {
		// A short interval, not requestAnimationFrame: the signal is set once, not animated.
		signal, err = chromedp.Run(tabCtx, chromedp.Poll[string](diagramsSignal,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
		return err
	}); err != nil {
		return nil, err
	}
	if signal != diagramsDone {
		return nil, fmt.Errorf("the page signalled data-diagrams=%q, not %q: its diagrams did not render%s", signal, diagramsDone, console.summary())
	}
	if err := stage(ctx, opts, "waiting for the page's fonts to load (document.fonts.ready)", console, func() error {
		_, err := chromedp.Run(tabCtx, chromedp.Evaluate[string](`document.fonts.ready.then(() => document.fonts.status)`, chromedp.EvalAwaitPromise))
		return err
	}); err != nil {
		return nil, err
	}
	var problems []string
	if err := stage(ctx, opts, "checking the rendered diagrams", console, func() (err error) {
		problems, err = chromedp.Run(tabCtx, chromedp.Evaluate[[]string](checkDiagramsJS))
		return err
	}); err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%d Mermaid diagram problem(s) on the page: %s", len(problems), strings.Join(problems, "; "))
	}
	var data []byte
	if err := stage(ctx, opts, "printing to PDF", console, func() (err error) {
		data, err = chromedp.Run(tabCtx, chromedp.PrintToPDF(
			chromedp.PDFPaper(chromedp.PaperA4), // the fallback: a print stylesheet's @page size wins
			chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFPrintBackground(),
			chromedp.PDFMargins(0.6, 0.55, 0.7, 0.55), // room for header and footer; @page margins win
			chromedp.PDFHeaderTemplate(headerTemplate),
			chromedp.PDFFooterTemplate(footerTemplate),
			chromedp.PDFOutlineAndTagged(), // headings become the PDF's bookmarks
			chromedp.PDFStream(),           // a book can be large; do not pass it in one message
		))
		return err
	}); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("printing to PDF: Chromium returned %d bytes that are not a PDF", len(data))
	}
	return data, nil
}

// bookFonts is the font stack of the header and footer: the theme's Noto fallbacks, for a
// title in any script.
const bookFonts = `'Noto Sans','Noto Sans Arabic','Noto Sans CJK SC','Noto Sans CJK JP','Noto Sans CJK KR','Noto Color Emoji',sans-serif`

// headerTemplate is the running header: the book's title and the day it was printed.
// Chromium renders header and footer templates in a separate document that gets none of the
// page's CSS and a default font size of 0, hence the inline styles; dark text on the white
// sheet, whatever theme the page follows.
const headerTemplate = `<div style="width:100%;margin:0 0.55in;font-family:` + bookFonts + `;font-size:8px;color:#444;display:flex;justify-content:space-between;border-bottom:0.5px solid #bbb;padding-bottom:2px;">` +
	`<span class="title" style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis;max-width:75%;"></span>` +
	`<span>printed <span class="date"></span></span></div>`

// footerTemplate numbers the pages: "page N of M", centred (see headerTemplate for the styles).
const footerTemplate = `<div style="width:100%;margin:0 0.55in;font-family:` + bookFonts + `;font-size:8px;color:#444;text-align:center;">` +
	`page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`

// checkDiagramsJS lists, as text, every diagram on the page that Mermaid did not turn into a
// proper SVG: a .mermaid element without an SVG (the source would print as text), Mermaid's
// error image (aria-roledescription="error"), or its "Syntax error in text" message anywhere.
const checkDiagramsJS = `(() => {
  const problems = [];
  const excerpt = (el) => {
    const t = (el.textContent || '').trim().replace(/\s+/g, ' ');
    return t.length > 80 ? t.slice(0, 77) + '...' : t;
  };
  let i = 0;
  for (const el of document.querySelectorAll('.mermaid')) {
    if (el.closest('svg')) continue;
    i++;
    if (!el.querySelector('svg')) problems.push('diagram ' + i + ' was not rendered (its source would print as text): "' + excerpt(el) + '"');
  }
  const errors = document.querySelectorAll('svg[aria-roledescription="error"]');
  if (errors.length > 0) {
    problems.push(errors.length + ' diagram(s) rendered as Mermaid\'s error image ("Syntax error in text")');
  } else if ((document.body ? document.body.textContent : '').includes('Syntax error in text')) {
    problems.push('the page shows Mermaid\'s "Syntax error in text"');
  }
  return problems;
})()`

// consoleLog keeps the page's console errors and uncaught exceptions, to explain a failure.
type consoleLog struct {
	mu   sync.Mutex
	msgs []string
}

// follow records the messages of an already subscribed console until its context ends.
func (c *consoleLog) follow(ctx context.Context, msgs func(yield func(chromedp.ConsoleMessage, error) bool), log *slog.Logger) {
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// Chromium asks for /favicon.ico by itself; its absence says nothing about the book.
			if m.Type != chromedp.ConsoleError && !m.IsException() || strings.HasSuffix(m.URL, "/favicon.ico") {
				log.Debug("pdf: page console", "message", m.String())
				continue
			}
			log.Warn("pdf: page console error", "message", m.String(), "url", m.URL)
			c.mu.Lock()
			c.msgs = append(c.msgs, m.String())
			c.mu.Unlock()
		}
	}()
}

// summary is "" or "; the page logged: …" with the first few errors.
func (c *consoleLog) summary() string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.msgs) == 0 {
		return ""
	}
	msgs := c.msgs
	more := ""
	if len(msgs) > 3 {
		msgs, more = msgs[:3], fmt.Sprintf(" (and %d more)", len(c.msgs)-3)
	}
	return "; the page logged: " + strings.Join(msgs, " | ") + more
}

// writeAtomic writes data to name through a temporary file in the same directory and a rename,
// so a reader (or a failed run) never sees a partial PDF.
func writeAtomic(name string, data []byte) (err error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", name, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
