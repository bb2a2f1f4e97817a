package config

// Custom stylesheets: css: in site.yaml lists CSS files (relative to site.yaml) that the build
// copies into the site, as css/custom/<file name>, and links after the theme's stylesheets on
// every page, the print view (and so the PDF) included, so that their rules win.
//
//	css: [brand.css, print-tweaks.css]

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"
)

// CSSFile is one entry of css:.
type CSSFile struct {
	// Path is the file, resolved against site.yaml's directory by Load.
	Path string
	// Line is the entry's line in site.yaml; 0 for a file added by a flag.
	Line int
}

// UnmarshalYAML reads a file name and records its line.
func (c *CSSFile) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Value == "" {
		return fmt.Errorf("line %d: css: want a list of CSS file names", n.Line)
	}
	c.Path, c.Line = n.Value, n.Line
	return nil
}

// SitePath is where the stylesheet is published in the site.
func (c CSSFile) SitePath() string { return "css/custom/" + filepath.Base(c.Path) }

// resolveCSS makes css: entries absolute and checks that each file is there, so that a typo
// fails `kdocs build` at once, naming site.yaml's line.
func (s *Site) resolveCSS() error {
	var errs []error
	seen := map[string]int{}
	for i := range s.CSS {
		c := &s.CSS[i]
		c.Path = s.resolve(c.Path)
		if err := checkCSS(*c); err != nil {
			errs = append(errs, fmt.Errorf("line %d: css: %w", c.Line, err))
		}
		if prev, dup := seen[c.SitePath()]; dup {
			errs = append(errs, fmt.Errorf("line %d: css: %s has the same file name as the stylesheet on line %d; both would be %s", c.Line, filepath.Base(c.Path), prev, c.SitePath()))
		}
		seen[c.SitePath()] = c.Line
	}
	return errors.Join(errs...)
}

// checkCSS reports a stylesheet that is missing or not a regular file.
func checkCSS(c CSSFile) error {
	fi, err := os.Stat(c.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("stylesheet %s not found", c.Path)
	}
	if err != nil {
		return fmt.Errorf("stylesheet: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("stylesheet %s is not a file", c.Path)
	}
	return nil
}

// AddCSS appends a stylesheet given outside site.yaml (kdocs export --css) after site.yaml's.
func (s *Site) AddCSS(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	c := CSSFile{Path: abs}
	if err := checkCSS(c); err != nil {
		return err
	}
	if slices.ContainsFunc(s.CSS, func(o CSSFile) bool { return o.SitePath() == c.SitePath() }) {
		return fmt.Errorf("%s: a stylesheet of that file name is already in css: of %s", path, s.Path)
	}
	s.CSS = append(s.CSS, c)
	return nil
}
