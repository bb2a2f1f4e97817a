package render

import "github.com/kdocs/kdocs/generator/site"

// RenderPage renders one page of s into dir, over its previous file: the preview's quick path
// for an edit that touches that page alone. It returns the page's warnings. The print views,
// search index and link check are left to the full build that follows.
func (r *Renderer) RenderPage(s *site.Site, p *site.Page, dir string) ([]string, error) {
	out, _, _ := r.renderPage(s, p, dir, RenderOptions{})
	return out.warnings, out.err
}
