package browsertest

// The README's screenshots of the example site: home, topic, schema subject and consumer group
// pages, light and dark, taken in Chromium. Every run renders and checks them (a page that paints
// blank, or without its diagrams, fails); only `make screenshots` (KDOCS_SCREENSHOTS=write)
// writes them to docs/screenshots/, so CI never rewrites committed files.

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/internal/testenv"
)

// screenshotsDir is where `make screenshots` writes, relative to this package.
const screenshotsDir = "../../docs/screenshots"

// Screenshot size: a laptop's browser window.
const shotWidth, shotHeight = 1280, 800

func TestScreenshots(t *testing.T) {
	chrome := testenv.Chrome(t)
	cfg, err := config.Load("../../site.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no example site.yaml at the repository root yet")
	}
	require.NoError(t, err)
	write := os.Getenv("KDOCS_SCREENSHOTS") == "write"
	home := serveSite(t, cfg)
	c := "clusters/" + cfg.Clusters[0].Name + "/"
	pages := []struct{ name, path string }{
		{"home", "index.html"},
		{"topic", c + "topics/orders.order-placed.v1.html"},
		{"schema", c + "schemas/orders.order-placed.v1-value.html"},
		{"group", c + "groups/inventory-sync.html"},
	}
	if write {
		require.NoError(t, os.MkdirAll(screenshotsDir, 0o755))
	}
	for _, theme := range []string{"light", "dark"} {
		ctx, cancel := context.WithTimeout(Browse(t, chrome), 2*time.Minute)
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(shotWidth, shotHeight)))
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
		_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`localStorage.setItem('kdocs-theme', '`+theme+`')`))
		require.NoError(t, err)
		for _, p := range pages {
			name := p.name + "-" + theme + ".png"
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+p.path)), p.path)
			waitDiagrams(t, ctx)
			// Fonts loaded and no caret or hover state: the same page makes the same picture.
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => { document.activeElement.blur(); return true; })`, chromedp.EvalAwaitPromise))
			require.NoError(t, err)
			shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err, name)
			checkScreenshot(t, name, shot, theme)
			if write {
				require.NoError(t, os.WriteFile(filepath.Join(screenshotsDir, name), shot, 0o644))
				t.Logf("wrote %s (%d bytes)", filepath.Join("docs/screenshots", name), len(shot))
			}
		}
		assert.Empty(t, ConsoleErrors(ctx), theme)
		cancel()
	}
	if !write {
		// The committed pictures are there for the README, of the same size.
		for _, p := range pages {
			for _, theme := range []string{"light", "dark"} {
				name := p.name + "-" + theme + ".png"
				data, err := os.ReadFile(filepath.Join(screenshotsDir, name))
				if !assert.NoError(t, err, "docs/screenshots/%s is missing: run make screenshots", name) {
					continue
				}
				checkScreenshot(t, "docs/screenshots/"+name, data, theme)
			}
		}
	}
}

// checkScreenshot fails on a picture that is not a PNG of the window's size, is blank (one
// colour nearly everywhere: nothing painted), or whose background is not the theme's.
func checkScreenshot(t *testing.T, name string, data []byte, theme string) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if !assert.NoError(t, err, name) {
		return
	}
	b := img.Bounds()
	assert.Equal(t, image.Pt(shotWidth, shotHeight), b.Size(), name)
	colours := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}]++
		}
	}
	var most color.RGBA
	for c, n := range colours {
		if n > colours[most] {
			most = c
		}
	}
	samples := (b.Dx() / 4) * (b.Dy() / 4)
	assert.Greater(t, len(colours), 50, "%s: %d colours: a blank page", name, len(colours))
	assert.Less(t, colours[most], samples*97/100, "%s: one colour covers the page", name)
	light := int(most.R)+int(most.G)+int(most.B) > 3*128
	assert.Equal(t, theme == "light", light, "%s: background %v is not the %s theme's", name, most, theme)
}
