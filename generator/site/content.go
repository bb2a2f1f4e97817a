package site

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Content is one hand-written page of content/, already read and split from its front matter.
type Content struct {
	// Path is the file's slash-separated path inside content/, e.g. "runbooks/consumer-lag.md".
	Path string
	// File names the file in messages (the path the user would open).
	File string
	// Title comes from the front matter, else from the first level-1 heading, else the file name.
	Title string
	// Weight orders content pages in the navigation: lower first; 0 (unset) after all others.
	Weight int
	// FrontMatter is the raw YAML between the --- lines, kept for the Markdown export.
	FrontMatter string
	// Body is the Markdown after the front matter.
	Body string
	// HasHeading reports whether Body opens with a level-1 heading, so the renderer does not
	// add a second one.
	HasHeading bool
}

type frontMatter struct {
	Title  string `yaml:"title"`
	Weight int    `yaml:"weight"`
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// ParseContent splits a content file into front matter and body. rel is the path inside
// content/, file the name used in messages; a front matter error reads "file:line: message"
// with the line counted in the whole file.
func ParseContent(rel, file string, data []byte) (Content, error) {
	c := Content{Path: rel, File: file}
	text := string(bytes.TrimPrefix(data, []byte("\uFEFF")))
	text = strings.ReplaceAll(text, "\r\n", "\n")

	body := text
	if strings.HasPrefix(text, "---\n") {
		rest := text[len("---\n"):]
		end, after := -1, 0
		for off := 0; off <= len(rest); {
			line, _, _ := strings.Cut(rest[off:], "\n")
			if line == "---" || line == "..." {
				end = off
				after = min(off+len(line)+1, len(rest))
				break
			}
			if off+len(line) >= len(rest) {
				break
			}
			off += len(line) + 1
		}
		if end < 0 {
			return c, fmt.Errorf("%s:1: front matter opened with --- is never closed", file)
		}
		var fm frontMatter
		if err := yaml.Unmarshal([]byte(rest[:end]), &fm); err != nil {
			return c, frontMatterError(file, err)
		}
		c.FrontMatter = rest[:end]
		c.Title = strings.TrimSpace(fm.Title)
		c.Weight = fm.Weight
		body = rest[after:]
	}
	c.Body = body

	heading := firstHeading(body)
	c.HasHeading = heading != ""
	if c.Title == "" {
		c.Title = heading
	}
	if c.Title == "" {
		stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		c.Title = strings.ReplaceAll(strings.ReplaceAll(stem, "-", " "), "_", " ")
	}
	return c, nil
}

// frontMatterError rewrites yaml.v3's "line N" (counted inside the front matter) into a
// position in the file: the front matter starts on line 2, after the opening ---.
func frontMatterError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	line := 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = n + 1
		msg = strings.TrimPrefix(strings.Replace(msg, m[0]+": ", "", 1), m[0])
	}
	return fmt.Errorf("%s:%d: front matter: %s", file, line, strings.TrimSpace(msg))
}

// firstHeading returns the text of the body's opening "# heading", skipping blank lines.
func firstHeading(body string) string {
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "# ") {
			return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(line[2:]), "#"))
		}
		return ""
	}
	return ""
}
