package render

// Page keys, for incremental builds: a page's key is the digest of everything its output is made
// of: the renderer (kdocs itself, the theme, the templates, the options), the page's place
// (path, title, breadcrumbs, section) and the data its template reads. Two builds that give a
// page the same key write the same bytes for it, so a build that finds the key of the previous
// build's page need not render it again.
//
// A page's data points at its cluster, and the cluster changes with every snapshot (its time,
// its counts), while a topic page reads only its name and a few paths of it. So a template's
// cluster is hashed as the members of it the template names (.Cluster.Name, .Cluster.SubjectPath
// …, found in the parsed templates, those it calls included), and wholly when the template
// hands the cluster itself to something (`{{with .Cluster}}`, a variable).

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/kdocs/kdocs/generator/site"
	"github.com/kdocs/kdocs/internal/digest"
)

// Key is a page's key.
type Key = digest.Sum

// clusterUse is what a template reads of the cluster its data points at.
type clusterUse struct {
	members []string // the fields and methods named after .Cluster, sorted
	whole   bool     // the cluster itself is handed on: hash all of it
}

// templateUses finds, for each template of the set, what it (and the templates it calls)
// reads of the cluster, and whether it reads the site, which no key covers.
func templateUses(set *texttemplate.Template) (uses map[string]clusterUse, readsSite map[string]bool) {
	own := map[string]*clusterScan{}
	for _, t := range set.Templates() {
		if t.Tree == nil || t.Root == nil {
			continue
		}
		sc := &clusterScan{members: map[string]bool{}, calls: map[string]bool{}}
		sc.node(t.Root)
		own[t.Name()] = sc
	}
	uses, readsSite = map[string]clusterUse{}, map[string]bool{}
	for name := range own {
		total := &clusterScan{members: map[string]bool{}}
		seen := map[string]bool{}
		var visit func(string)
		visit = func(n string) {
			sc, ok := own[n]
			if !ok || seen[n] {
				return
			}
			seen[n] = true
			total.whole = total.whole || sc.whole
			total.site = total.site || sc.site
			for m := range sc.members {
				total.members[m] = true
			}
			for c := range sc.calls {
				visit(c)
			}
		}
		visit(name)
		u := clusterUse{whole: total.whole}
		for m := range total.members {
			u.members = append(u.members, m)
		}
		slices.Sort(u.members)
		uses[name] = u
		readsSite[name] = total.site
	}
	return uses, readsSite
}

// clusterScan walks one template's tree.
type clusterScan struct {
	members map[string]bool
	calls   map[string]bool
	whole   bool // .Cluster used bare
	site    bool // .Site used
}

func (sc *clusterScan) idents(idents []string) {
	for i, id := range idents {
		switch id {
		case "Site":
			sc.site = true
		case "Cluster":
			if i == len(idents)-1 {
				sc.whole = true
			} else {
				sc.members[idents[i+1]] = true
			}
		}
	}
}

func (sc *clusterScan) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			sc.node(c)
		}
	case *parse.ActionNode:
		sc.node(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			sc.node(c)
		}
	case *parse.CommandNode:
		typed := len(n.Args) > 0 && typedParams[lastIdent(n.Args[0])]
		for i, a := range n.Args {
			if i > 0 && typed && lastIdent(a) == "Cluster" {
				continue // not a *site.Cluster, or the template would fail on it
			}
			sc.node(a)
		}
	case *parse.FieldNode:
		sc.idents(n.Ident)
	case *parse.VariableNode:
		sc.idents(n.Ident)
	case *parse.ChainNode:
		sc.node(n.Node)
		sc.idents(n.Field)
		// (.X).Cluster.Y: the chained fields follow whatever Node yields.
	case *parse.IfNode:
		sc.branch(&n.BranchNode)
	case *parse.RangeNode:
		sc.branch(&n.BranchNode)
	case *parse.WithNode:
		sc.branch(&n.BranchNode)
	case *parse.TemplateNode:
		sc.calls[n.Name] = true
		sc.node(n.Pipe)
	}
}

// typedParams are the funcs and page methods whose parameters no *site.Cluster fits (a Link, a
// string, a number): a .Cluster handed to one is another type's field (a replica's cluster
// link), since a build in which it was not fails.
var typedParams = map[string]bool{"LinkTo": true, "RefTo": true, "Link": true, "File": true,
	"md": true, "yaml": true, "fence": true, "num": true, "ints": true, "date": true, "link": true, "count": true, "size": true}

// lastIdent is the last name of a field, variable, chain or function node, or "".
func lastIdent(n parse.Node) string {
	var ids []string
	switch n := n.(type) {
	case *parse.FieldNode:
		ids = n.Ident
	case *parse.VariableNode:
		ids = n.Ident
	case *parse.ChainNode:
		ids = n.Field
	case *parse.IdentifierNode:
		return n.Ident
	}
	if len(ids) == 0 {
		return ""
	}
	return ids[len(ids)-1]
}

func (sc *clusterScan) branch(b *parse.BranchNode) {
	sc.node(b.Pipe)
	sc.node(b.List)
	sc.node(b.ElseList)
}

// keyer computes page keys for one renderer.
type keyer struct {
	base       digest.Sum // the renderer's part of every key
	uses       map[string]clusterUse
	readsSite  map[string]bool
	navInPages bool
}

// newKeyer hashes what every page of the renderer shares: the executable's digest (kdocs'
// own code), the theme and templates as files, and the options.
func newKeyer(opts Options, md *texttemplate.Template) (*keyer, error) {
	var h digest.Hasher
	d := h.New(nil)
	d.String(opts.Build)
	for _, fsys := range []fs.FS{opts.Theme, opts.Templates} {
		if err := hashFS(d, fsys); err != nil {
			return nil, err
		}
	}
	d.String(opts.BaseURL)
	if err := d.Value(opts.Print); err != nil {
		return nil, err
	}
	for _, c := range opts.CSS {
		d.String(c.Path)
		d.String(string(c.Data))
	}
	k := &keyer{base: d.Sum(), navInPages: navInPages(opts.Theme)}
	k.uses, k.readsSite = templateUses(md)
	return k, nil
}

// hashFS adds every file of fsys, by path and content.
func hashFS(d *digest.Digest, fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		d.String(p)
		sum := sha256.Sum256(data)
		d.String(string(sum[:]))
		return nil
	})
}

// SiteKeys hash the pages of one site.
type SiteKeys struct {
	k       *keyer
	site    digest.Sum // what every page of this site shares: its title, and its navigation
	h       digest.Hasher
	narrows map[string]*digest.Narrow // by template file
	whole   *digest.Narrow            // for content pages and templates not found
}

// Keys prepares the keys of s's pages. A layout that writes the navigation into the page
// (NavHTML) makes the navigation part of every page; the default theme loads it from
// js/nav.js instead.
func (r *Renderer) Keys(s *site.Site) (*SiteKeys, error) {
	sk := &SiteKeys{k: r.keys, narrows: map[string]*digest.Narrow{}, whole: narrowCluster(clusterUse{whole: true})}
	d := sk.h.New(nil)
	d.String(s.Title)
	if r.keys.navInPages {
		if err := d.Value(s.Nav); err != nil {
			return nil, fmt.Errorf("page keys: navigation: %w", err)
		}
	}
	sk.site = d.Sum()
	for name, use := range r.keys.uses {
		sk.narrows[name] = narrowCluster(use)
	}
	return sk, nil
}

// Key returns p's key; ok is false when the page has none (it reads what no key covers) and
// must always be rendered.
func (sk *SiteKeys) Key(p *site.Page) (_ Key, ok bool) {
	narrow := sk.whole
	if p.Template != "" {
		name := p.Template + ".md.tmpl"
		if sk.k.readsSite[name] {
			return Key{}, false
		}
		if n, found := sk.narrows[name]; found {
			narrow = n
		}
	}
	d := sk.h.New(narrow)
	d.String(string(sk.k.base[:]))
	d.String(string(sk.site[:]))
	d.String(p.Path)
	d.String(p.Title)
	d.String(p.Template)
	d.String(p.Section)
	for _, v := range []any{p.Crumbs, p.Content, p.Data} {
		if err := d.Value(v); err != nil {
			return Key{}, false
		}
	}
	return d.Sum(), true
}

var clusterType = reflect.TypeFor[*site.Cluster]()

// narrowCluster stands for a *site.Cluster field with the members use names, each as what it
// reads, or with all of them.
func narrowCluster(use clusterUse) *digest.Narrow {
	return &digest.Narrow{Type: clusterType, Fn: func(v reflect.Value) reflect.Value {
		if v.IsNil() {
			return v
		}
		if use.whole {
			return reflect.ValueOf(clusterMembers(v, nil))
		}
		return reflect.ValueOf(clusterMembers(v, use.members))
	}}
}

// clusterMembers lists, for each name (every exported field and method when names is nil), the
// name and what it reads: a field's value, a method's result when it takes no argument, and
// for a method with arguments the data site.Cluster.KeyReads says it looks up.
func clusterMembers(v reflect.Value, names []string) []any {
	// Reached through an unexported field, v could not be read as itself.
	v = reflect.NewAt(clusterType.Elem(), v.UnsafePointer())
	t := v.Type()
	if names == nil {
		for i := range t.Elem().NumField() {
			if f := t.Elem().Field(i); f.IsExported() {
				names = append(names, f.Name)
			}
		}
		for i := range t.NumMethod() {
			if n := t.Method(i).Name; n != "KeyReads" {
				names = append(names, n)
			}
		}
	}
	c := v.Interface().(*site.Cluster)
	out := make([]any, 0, 2*len(names))
	for _, name := range names {
		out = append(out, name)
		if f := v.Elem().FieldByName(name); f.IsValid() && f.CanInterface() {
			out = append(out, f.Interface())
			continue
		}
		m := v.MethodByName(name)
		switch {
		case !m.IsValid():
			out = append(out, nil) // the template fails on it
		case m.Type().NumIn() == 0 && m.Type().NumOut() >= 1:
			res := m.Call(nil)
			for _, r := range res {
				out = append(out, r.Interface())
			}
		default:
			if reads, ok := c.KeyReads(name); ok {
				out = append(out, reads)
			} else {
				out = append(out, func() {}) // no digest: the page has no key
			}
		}
	}
	return out
}

// navInPages reports whether a layout writes the navigation into each page.
func navInPages(theme fs.FS) bool {
	found := false
	_ = fs.WalkDir(theme, "layouts", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if data, err := fs.ReadFile(theme, p); err == nil && strings.Contains(string(data), "NavHTML") {
			found = true
		}
		return nil
	})
	return found
}
