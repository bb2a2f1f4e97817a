package pdf

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/internal/synth"
	"github.com/kdocs/kdocs/internal/testenv"
)

// TestBookMemoryCurve prints the estate book of synth.Scale(n) for each n of KDOCS_PDF_CURVE
// (say 100,250,500) and logs, per size, the print view's HTML bytes, the PDF's pages, the time
// and Chromium's peak memory: the measurements the memory model of estimate.go was fitted to.
// Minutes per size on a 2-core machine, so not in CI.
func TestBookMemoryCurve(t *testing.T) {
	env := os.Getenv("KDOCS_PDF_CURVE")
	if env == "" {
		t.Skip("set KDOCS_PDF_CURVE=100,250,500 to measure Chromium's memory against the book's size")
	}
	chrome := testenv.Chrome(t)
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(t, err, "KDOCS_PDF_CURVE")
		dir := t.TempDir()
		siteYAML, err := synth.Scale(n).WriteSite(dir, filepath.Join(dir, "public"))
		require.NoError(t, err)
		cfg, err := config.Load(siteYAML)
		require.NoError(t, err)
		_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Print: true})
		require.NoError(t, err)
		info, err := os.Stat(filepath.Join(cfg.Output, "print", "index.html"))
		require.NoError(t, err)
		out := filepath.Join(dir, "book.pdf")
		var peak Memory
		start := time.Now()
		err = PrintBooks(context.Background(), Options{SiteDir: cfg.Output, Chrome: chrome, Timeout: 60 * time.Minute,
			PeakMemory: func(p Memory) { peak = p }}, []Book{{Page: DefaultPage, Out: out}})
		require.NoError(t, err)
		took := time.Since(start)
		pdfInfo, err := os.Stat(out)
		require.NoError(t, err)
		t.Logf("curve: topics=%d html=%d pages=%d pdf=%d took=%s chromium_peak=%d (%s) total_peak=%s",
			n, info.Size(), countPages(t, out), pdfInfo.Size(), took.Round(time.Second), peak.Chromium, MiB(peak.Chromium), MiB(peak.Total))
	}
}
