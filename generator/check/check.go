// Package check validates a site without touching Kafka: site.yaml (unknown keys with the key
// probably meant, wrong types, undefined ${ENV} variables, files it names that cannot be read,
// then everything config.Load refuses) and the annotation files of content/. Every problem
// carries its file, line and column, and checking goes on past the first.
package check

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/site"
)

// Problem is one thing wrong with the site's files.
type Problem struct {
	File string `json:"file"`
	// Line and Column are 1-based; 0 when the problem concerns the whole file.
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// String reads "file:line:column: message", as compilers and editors expect.
func (p Problem) String() string {
	switch {
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	case p.Column == 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// Options tune a check.
type Options struct {
	// Lookup resolves ${VAR} references (default os.LookupEnv).
	Lookup func(string) (string, bool)
}

// Site checks the site.yaml at path and the content/ it names. It returns the problems in file
// order; none means the site would load.
func Site(path string, opts Options) []Problem {
	lookup := opts.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []Problem{{File: path, Message: "cannot read: " + unwrapPath(err)}}
	}
	c := &checker{file: path, lines: strings.Split(string(data), "\n"), lookup: lookup, at: map[string]*yaml.Node{}}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.addLineError(err.Error())
		return c.problems
	}
	if len(root.Content) == 0 {
		c.add(nil, "empty file: want at least a title and one cluster")
		return c.problems
	}
	c.walk("", root.Content[0], reflect.TypeFor[config.Site]())
	c.env(root.Content[0])
	c.files(filepath.Dir(path))
	content := filepath.Join(filepath.Dir(path), "content")
	if n := c.at["content"]; n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
		content = resolve(filepath.Dir(path), n.Value)
	}
	if len(c.problems) == 0 {
		// The rules of config.Load assume well-formed keys, types, variables and files.
		if _, err := config.Load(path); err != nil {
			for _, l := range strings.Split(err.Error(), "\n") {
				c.addLineError(strings.TrimPrefix(l, path+": "))
			}
		}
	}
	c.problems = append(c.problems, Content(content)...)
	return c.sorted()
}

type checker struct {
	file     string
	lines    []string
	lookup   func(string) (string, bool)
	problems []Problem
	// at holds the value node of each key path walked, "clusters[0].snapshot", for the
	// problems found after loading.
	at map[string]*yaml.Node
}

func (c *checker) add(n *yaml.Node, format string, args ...any) {
	p := Problem{File: c.file, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	c.problems = append(c.problems, p)
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): ?`)

// addLineError turns an error that reads "line N: message" into a problem at that line, its
// column the line's first non-blank character.
func (c *checker) addLineError(msg string) {
	msg = strings.TrimSpace(strings.ReplaceAll(msg, "unmarshal errors:\n", ""))
	if msg == "" {
		return
	}
	p := Problem{File: c.file}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		if p.Line >= 1 && p.Line <= len(c.lines) {
			l := c.lines[p.Line-1]
			p.Column = len(l) - len(strings.TrimLeft(l, " \t")) + 1
		}
	}
	p.Message = strings.TrimPrefix(msg, "yaml: ")
	c.problems = append(c.problems, p)
}

func (c *checker) sorted() []Problem {
	slices.SortStableFunc(c.problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return c.problems
}

// walk checks node n against type t: the keys of mappings, the kinds of nodes, the scalars'
// types. path names n for c.at.
func (c *checker) walk(path string, n *yaml.Node, t reflect.Type) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value: the default
	}
	c.at[path] = n
	t = deref(t)
	switch shapeOf(t) {
	case mapping:
		if n.Kind != yaml.MappingNode {
			c.add(n, "%s: want a mapping (key: value lines), got %s", keyName(path), describe(n))
			return
		}
		known := fields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				c.add(k, "key %q is given twice", k.Value)
			}
			seen[k.Value] = true
			j := slices.IndexFunc(known, func(f field) bool { return f.key == k.Value })
			if j < 0 {
				msg := fmt.Sprintf("unknown key %q", k.Value)
				if path != "" {
					msg += " in " + path
				}
				if s := suggest(k.Value, known); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else if s := elsewhere(k.Value, path); s != "" {
					msg += fmt.Sprintf("; %q is a key of %s", lastKey(s), strings.TrimSuffix(strings.TrimSuffix(s, lastKey(s)), "."))
				}
				c.add(k, "%s", msg)
				continue
			}
			c.walk(join(path, k.Value), v, known[j].typ)
		}
	case dict:
		if n.Kind != yaml.MappingNode {
			c.add(n, "%s: want a mapping of names to values, got %s", keyName(path), describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.walk(join(path, n.Content[i].Value), n.Content[i+1], t.Elem())
		}
	case list:
		if n.Kind != yaml.SequenceNode {
			c.add(n, "%s: want a list, got %s", keyName(path), describe(n))
			return
		}
		for i, item := range n.Content {
			c.walk(fmt.Sprintf("%s[%d]", path, i), item, t.Elem())
		}
	default:
		c.leaf(path, n, t)
	}
}

// leaf decodes a scalar (or a custom type's node) into a fresh value of t and reports why not.
func (c *checker) leaf(path string, n *yaml.Node, t reflect.Type) {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		return // its type is known once the environment fills it in; c.env checks the name
	}
	v := reflect.New(t)
	err := n.Decode(v.Interface())
	if err == nil {
		return
	}
	if custom(t) {
		var te *yaml.TypeError
		msgs := []string{err.Error()}
		if errors.As(err, &te) {
			msgs = te.Errors
		}
		for _, m := range msgs {
			m = lineRE.ReplaceAllString(m, "")
			if !strings.HasPrefix(m, lastKey(path)) {
				m = path + ": " + m
			}
			c.add(n, "%s", m)
		}
		return
	}
	want := map[reflect.Kind]string{
		reflect.String: "a string", reflect.Bool: "true or false",
		reflect.Int: "a whole number", reflect.Int8: "a whole number", reflect.Int16: "a whole number",
		reflect.Int32: "a whole number", reflect.Int64: "a whole number",
		reflect.Uint: "a whole number of 0 or more", reflect.Uint16: "a whole number of 0 or more", reflect.Uint32: "a whole number of 0 or more",
		reflect.Uint64: "a whole number of 0 or more", reflect.Float64: "a number",
	}[t.Kind()]
	if want == "" {
		want = "a " + t.String()
	}
	c.add(n, "%s: want %s, got %s", keyName(path), want, describe(n))
}

var envRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// env reports every ${VAR} of the file that the environment does not define.
func (c *checker) env(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		for _, m := range envRE.FindAllStringSubmatchIndex(n.Value, -1) {
			name := n.Value[m[2]:m[3]]
			if _, ok := c.lookup(name); ok {
				continue
			}
			col := n.Column
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				col++
			}
			if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && !strings.Contains(n.Value[:m[0]], "\n") {
				col += m[0]
			}
			c.problems = append(c.problems, Problem{File: c.file, Line: n.Line, Column: col,
				Message: fmt.Sprintf("environment variable %s is not set", name)})
		}
	}
	for _, k := range n.Content {
		c.env(k)
	}
}

// fileKeyRE matches the paths of the keys that name files to read, relative to site.yaml.
var fileKeyRE = regexp.MustCompile(`^(css\[\d+\]|clusters\[\d+\]\.(snapshot|security\.tls\.(caFile|certFile|keyFile)))$`)

// files reports the files site.yaml names that cannot be read: stylesheets, replayed
// snapshots, TLS files. A value from the environment is checked by config.Load.
func (c *checker) files(dir string) {
	paths := make([]string, 0, len(c.at))
	for p := range c.at {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		n := c.at[p]
		if !fileKeyRE.MatchString(p) || n.Kind != yaml.ScalarNode || n.Value == "" || strings.Contains(n.Value, "${") {
			continue
		}
		file := resolve(dir, n.Value)
		f, err := os.Open(file)
		if err == nil {
			st, serr := f.Stat()
			f.Close()
			if serr == nil && st.IsDir() {
				c.add(n, "%s: %s is a directory, not a file", p, n.Value)
			}
			continue
		}
		c.add(n, "%s: cannot read %s: %s", p, n.Value, unwrapPath(err))
	}
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Content checks the annotation files of a content directory (content/topics/*.md,
// content/groups/*.md): their front matter's keys and types, and every page's front matter.
// A missing directory is no problem: content/ is optional.
func Content(dir string) []Problem {
	var out []Problem
	matter := reflect.TypeOf(site.AnnotationMatter())
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			out = append(out, Problem{File: p, Message: "cannot read: " + unwrapPath(err)})
			return nil
		}
		if d.IsDir() || filepath.Ext(p) != ".md" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			out = append(out, Problem{File: p, Message: "cannot read: " + unwrapPath(err)})
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		kind, _, nested := strings.Cut(rel, "/")
		annotation := nested && (kind == site.TopicAnnotations || kind == site.GroupAnnotations)
		fm, offset, ok := frontMatter(string(data))
		if !ok {
			if _, err := site.ParseContent(rel, p, data); err != nil {
				out = append(out, fileLineProblem(p, err))
			}
			return nil
		}
		c := &checker{file: p, lines: strings.Split(string(data), "\n"), lookup: os.LookupEnv, at: map[string]*yaml.Node{}}
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(fm), &root); err != nil {
			if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
				n, _ := strconv.Atoi(m[1])
				c.addLineError(fmt.Sprintf("line %d: front matter: %s", n+offset, err.Error()[len(m[0]):]))
			} else {
				c.add(nil, "front matter: %s", strings.TrimPrefix(err.Error(), "yaml: "))
			}
			out = append(out, c.problems...)
			return nil
		}
		if len(root.Content) == 0 {
			return nil
		}
		shift(root.Content[0], offset)
		if annotation {
			c.walk("", root.Content[0], matter)
		}
		if len(c.problems) == 0 {
			validate := func(rel, file string, data []byte) error { _, err := site.ParseContent(rel, file, data); return err }
			if annotation {
				validate = site.ValidateAnnotation
			}
			if err := validate(rel, p, data); err != nil {
				pr := fileLineProblem(p, err)
				// The build's annotation rules name the key they concern: place them at it.
				key, _, _ := strings.Cut(strings.TrimPrefix(pr.Message, "front matter: "), " ")
				if n := c.at[strings.TrimSuffix(key, ":")]; n != nil && pr.Line == 0 {
					pr.Line, pr.Column = n.Line, n.Column
				}
				out = append(out, pr)
			}
		}
		out = append(out, c.problems...)
		return nil
	})
	if err != nil {
		out = append(out, Problem{File: dir, Message: err.Error()})
	}
	return out
}

// frontMatter returns the YAML between a file's opening and closing --- lines, and how many
// lines precede it.
func frontMatter(text string) (string, int, bool) {
	text = strings.ReplaceAll(strings.TrimPrefix(text, "\uFEFF"), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return "", 0, false
	}
	rest := text[4:]
	for off := 0; off < len(rest); {
		line, _, _ := strings.Cut(rest[off:], "\n")
		if line == "---" || line == "..." {
			return rest[:off], 1, true
		}
		off += len(line) + 1
	}
	return "", 0, false
}

// shift moves every node's line by offset: a front matter's lines counted in its file.
func shift(n *yaml.Node, offset int) {
	n.Line += offset
	for _, c := range n.Content {
		shift(c, offset)
	}
}

var fileLineRE = regexp.MustCompile(`^(.*?):(\d+): (.*)$`)

func fileLineProblem(file string, err error) Problem {
	msg := err.Error()
	if m := fileLineRE.FindStringSubmatch(msg); m != nil && m[1] == file {
		n, _ := strconv.Atoi(m[2])
		return Problem{File: file, Line: n, Column: 1, Message: m[3]}
	}
	return Problem{File: file, Message: strings.TrimPrefix(msg, file+": ")}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// elsewhere finds key, or a key close to it, at another place of site.yaml: "registy" at the
// top level is a cluster's schemaRegistry. It returns that place's path.
func elsewhere(key, path string) string {
	var known []field
	for _, k := range Keys(reflect.TypeFor[config.Site]()) {
		known = append(known, field{key: k})
	}
	best := ""
	for _, f := range known {
		last := lastKey(f.key)
		if s := suggest(key, []field{{key: last}}); s != "" && f.key != join(path, last) {
			if best == "" || len(f.key) < len(best) {
				best = f.key
			}
		}
	}
	return best
}

func lastKey(path string) string { return path[strings.LastIndexByte(path, '.')+1:] }

// keyName names a value in messages by its path, "clusters[0].timeout".
func keyName(path string) string { return cmp.Or(path, "the file") }

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return strconv.Quote(v)
}

func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// suggest is the known key closest to key: the same but for case, or within a small edit
// distance of the key or of one of its words ("registy" → "schemaRegistry").
func suggest(key string, known []field) string {
	best, bestD := "", 1<<30
	lk := strings.ToLower(key)
	for _, f := range known {
		cands := append([]string{f.key}, words(f.key)...)
		for _, cand := range cands {
			d := distance(lk, strings.ToLower(cand))
			if cand != f.key {
				d++ // a word of the key is a weaker match than the whole key
			}
			if d < bestD {
				best, bestD = f.key, d
			}
		}
	}
	limit := max(2, len(key)/3)
	if bestD <= limit {
		return best
	}
	return ""
}

// words splits a camelCase key: "schemaRegistry" → "schema", "Registry"; with the suffixes
// that span words, "subjectNameStrategy" → also "NameStrategy".
func words(key string) []string {
	var starts []int
	for i, r := range key {
		if i > 0 && r >= 'A' && r <= 'Z' && !(key[i-1] >= 'A' && key[i-1] <= 'Z') {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		return nil
	}
	var out []string
	prev := 0
	for _, s := range starts {
		out = append(out, key[prev:s], key[s:])
		prev = s
	}
	out = append(out, key[prev:])
	return out
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
