package pipeline

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdocs/kdocs/generator/config"
)

// BenchmarkLinkCheck scans every HTML file of the example site, as the renderer hands them to
// the checker, and resolves their links: the checker's share of a build (MB/s of HTML).
func BenchmarkLinkCheck(b *testing.B) {
	cfg, err := config.Load("../../site.yaml")
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "site")
	if _, err := Run(context.Background(), cfg, Options{Output: out}); err != nil {
		b.Fatal(err)
	}
	type file struct {
		name string
		data []byte
	}
	var files []file
	var size int64
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(out, p)
		files = append(files, file{filepath.ToSlash(rel), data})
		size += int64(len(data))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		c := newLinkChecker(cfg.BaseURL)
		for _, f := range files {
			w := c.Open(f.name)
			_, _ = w.Write(f.data)
			_ = w.Close()
		}
		if err := c.check(out); err != nil {
			b.Fatal(err)
		}
	}
}
