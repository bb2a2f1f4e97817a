package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/internal/testenv"
)

// The custom stylesheet reaches the printed book, not only the HTML: a rule that adds text
// after the cover's title shows up in the PDF's text, and in the site's print view.
func TestExportCSSReachesThePDF(t *testing.T) {
	chrome := testenv.Chrome(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("pdftotext (poppler-utils) is required in CI: %v", err)
		}
		t.Skip("pdftotext unavailable: apt-get install -y poppler-utils")
	}
	cfg, out := exportSite(t)
	css := filepath.Join(t.TempDir(), "brand.css")
	require.NoError(t, os.WriteFile(css, []byte(`.book-title::after { content: " BRANDMARK7731"; }`+"\n"), 0o644))
	export(t, cfg, "--format", "pdf,html", "--out", out, "--css", css, "--chrome", chrome)

	text, err := exec.Command(pdftotext, filepath.Join(out, "kdocs.pdf"), "-").Output()
	require.NoError(t, err)
	assert.Contains(t, string(text), "Export test BRANDMARK7731", "the cover's title carries the custom rule's text")

	// Without --css the book has no such text.
	plain := filepath.Join(t.TempDir(), "plain")
	export(t, cfg, "--format", "pdf", "--out", plain, "--chrome", chrome)
	text, err = exec.Command(pdftotext, filepath.Join(plain, "kdocs.pdf"), "-").Output()
	require.NoError(t, err)
	assert.NotContains(t, string(text), "BRANDMARK7731")
}
