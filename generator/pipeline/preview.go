package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/site"
)

// Preview builds a site again and again for `kdocs serve`, and knows which changes it can
// apply without a full build: an edit to a content page that keeps the page's title and weight
// touches that page alone (its navigation entry and every link to it read the same), so only
// that page is rendered again, in place, in a few milliseconds. Everything else (a new or
// removed page, a changed title, an annotation, a snapshot, site.yaml, a template or the
// theme) takes a full build. The preview still runs a full build after a quick one, without
// reloading the page, so the print views, search index and link check catch up.
type Preview struct {
	// Load reads site.yaml afresh, so that edits to it take effect.
	Load    func() (*config.Site, error)
	Options Options

	mu   sync.Mutex
	last *Result
	cfg  *config.Site
}

// Full runs a whole build.
func (p *Preview) Full(ctx context.Context) error {
	cfg, err := p.Load()
	if err != nil {
		return err
	}
	res, err := Run(ctx, cfg, p.Options)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.last, p.cfg = &res, cfg
	p.mu.Unlock()
	return nil
}

// Quick applies changed (absolute paths) by rendering only the pages they touch, and reports
// whether it could; when it could not, nothing was written and a full build is needed.
func (p *Preview) Quick(ctx context.Context, changed []string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil || len(changed) == 0 {
		return false, nil
	}
	cfg, s := p.cfg, p.last.model
	var pages []*site.Page
	for _, file := range changed {
		page, ok, err := p.contentPage(cfg, s, file)
		if err != nil || !ok {
			return false, err
		}
		pages = append(pages, page)
	}
	for _, page := range pages {
		// Written outside a build: the next build must not trust the manifest's word for it.
		if err := markDirty(p.last.Output, page.Path+".html"); err != nil {
			return false, err
		}
		if _, err := p.last.renderer.RenderPage(s, page, p.last.Output); err != nil {
			return false, fmt.Errorf("page %s: %w", page.Path, err)
		}
	}
	return true, ctx.Err()
}

// contentPage returns the page of the edited content file, updated, when the edit keeps its
// title and weight; ok is false for any other change.
func (p *Preview) contentPage(cfg *config.Site, s *site.Site, file string) (_ *site.Page, ok bool, _ error) {
	rel, err := filepath.Rel(cfg.Content, file)
	if err != nil || strings.HasPrefix(rel, "..") || !strings.EqualFold(filepath.Ext(rel), ".md") {
		return nil, false, nil
	}
	rel = filepath.ToSlash(rel)
	if dir, _, _ := strings.Cut(rel, "/"); dir == site.TopicAnnotations || dir == site.GroupAnnotations {
		return nil, false, nil
	}
	var page *site.Page
	for _, q := range s.Pages {
		if q.Content != nil && q.Content.Path == rel {
			page = q
		}
	}
	if page == nil {
		return nil, false, nil // a new page: the navigation changes
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false, nil // removed or renamed: a full build says what became of it
	}
	c, err := site.ParseContent(rel, display(cfg.Dir, file), data)
	if err != nil || c.Title != page.Content.Title || c.Weight != page.Content.Weight {
		return nil, false, nil // the full build reports the error, or redoes the navigation
	}
	page.Content = &c
	return page, true, nil
}
