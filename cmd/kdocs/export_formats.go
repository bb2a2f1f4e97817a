package main

// The export formats other tools read, produced by generator/export from the document model:
// asyncapi/ (AsyncAPI 3.0 documents), backstage/ (a Backstage catalog with its API definitions)
// and kdocs.zip (the offline site with its PDF).

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/kdocs/kdocs/generator/config"
	kexport "github.com/kdocs/kdocs/generator/export"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
)

// exportToolFormats produces asyncapi, backstage and zip into work, noting each in ready and
// report as runExport does. siteDir is the site built for the other formats ("" when none was).
func exportToolFormats(ctx context.Context, e *env, cfg *config.Site, o exportOptions, work, siteDir string, ready map[string]string, report *[]string) error {
	if o.wants("asyncapi") || o.wants("backstage") {
		siteURL := o.siteURL
		if siteURL == "" {
			if u, err := url.Parse(cfg.BaseURL); err == nil && u.IsAbs() {
				siteURL = cfg.BaseURL
			}
		}
		if err := kexport.CheckSiteURL(siteURL); err != nil {
			return usageError{"--site-url: " + err.Error()}
		}
		model, snaps, err := pipeline.Model(cfg, e.log)
		if err != nil {
			return fmt.Errorf("asyncapi/backstage export: %w", err)
		}
		in := kexport.Input{Site: model, Snapshots: snaps, SiteURL: siteURL}
		for _, f := range []struct {
			name string
			run  func(kexport.Input) ([]kexport.File, error)
			what string
		}{{"asyncapi", kexport.AsyncAPI, "AsyncAPI 3.0 documents"}, {"backstage", kexport.Backstage, "Backstage catalog"}} {
			if !o.wants(f.name) {
				continue
			}
			files, err := f.run(in)
			if err != nil {
				return fmt.Errorf("%s export: %w", f.name, err)
			}
			dir := filepath.Join(work, f.name)
			if err := writeFiles(dir, files); err != nil {
				return fmt.Errorf("%s export %s: %w", f.name, o.target(f.name), err)
			}
			ready[f.name] = dir
			*report = append(*report, fmt.Sprintf("%s (%s, %d files)", o.target(f.name), f.what, len(files)))
		}
	}
	if o.wants("zip") {
		var extra []kexport.File
		book := ready["pdf"]
		if book == "" {
			if _, err := pdf.FindChrome(o.chrome); err == nil {
				book = filepath.Join(work, "zip-book.pdf")
				if err := pdf.Print(ctx, pdf.Options{SiteDir: siteDir, Out: book, Chrome: o.chrome, Timeout: o.timeout, Logger: e.log, MemoryBudget: memoryBudget(0, cfg)}); err != nil {
					return fmt.Errorf("zip export %s: the PDF: %w", o.target("zip"), err)
				}
			} else {
				e.log.Warn("zip export: no Chromium, so no PDF in the archive", "error", err)
			}
		}
		if book != "" {
			data, err := os.ReadFile(book)
			if err != nil {
				return fmt.Errorf("zip export: %w", err)
			}
			extra = append(extra, kexport.File{Path: "kdocs.pdf", Data: data})
		}
		var b bytes.Buffer
		if err := kexport.Archive(&b, kexport.ArchiveOptions{SiteDir: siteDir, Extra: extra}); err != nil {
			return fmt.Errorf("zip export %s: %w", o.target("zip"), err)
		}
		zipFile := filepath.Join(work, "kdocs.zip")
		if err := os.WriteFile(zipFile, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("zip export: %w", err)
		}
		ready["zip"] = zipFile
		*report = append(*report, fmt.Sprintf("%s (the site offline%s, %d KiB)", o.target("zip"), map[bool]string{true: " with the PDF", false: ""}[book != ""], b.Len()/1024))
	}
	return nil
}

// writeFiles writes an export's files under dir.
func writeFiles(dir string, files []kexport.File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
