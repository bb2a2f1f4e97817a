package browsertest

// What axe-core cannot see: a reader with a keyboard and nothing else. Only key presses move
// the focus and open pages here: no click, no focus() from the test, no SendKeys to a selector.

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

// focus is the focused element as the reader sees it.
type focus struct {
	Tag, Class, Href, Text string
	// Outline is the computed outline-style and -width: the focus must be visible.
	Outline string
	// OnScreen: the element's box lies inside the viewport (the skip link leaves -10000px).
	OnScreen bool
	// After is the ::after content (a heading permalink's "#").
	After string
	// Permalink: a section heading's link to itself.
	Permalink bool
}

const focusJS = `(() => {
	const e = document.activeElement;
	const s = getComputedStyle(e);
	const r = e.getBoundingClientRect();
	return {Tag: e.tagName.toLowerCase(), Class: e.className || '', Href: e.getAttribute('href') || '',
		Text: (e.textContent || '').trim().slice(0, 80), Outline: s.outlineStyle + ' ' + s.outlineWidth,
		OnScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
		After: getComputedStyle(e, '::after').content,
		Permalink: e.matches('.content :is(h2, h3, h4, h5, h6) > a[href^="#"]')};
})()`

func TestKeyboardOnly(t *testing.T) {
	cfg, err := config.Load("../../site.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no example site.yaml at the repository root yet")
	}
	require.NoError(t, err)
	cluster := cfg.Clusters[0].Name
	ctx, home := browseSite(t, cfg, 2*time.Minute)
	focused := func() focus {
		t.Helper()
		f, err := chromedp.Run(ctx, chromedp.Evaluate[focus](focusJS))
		require.NoError(t, err)
		return f
	}
	tab := func() focus {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
		return focused()
	}
	visible := func(f focus, what string) {
		t.Helper()
		assert.True(t, f.OnScreen, "%s is focused off screen: %+v", what, f)
		assert.NotContains(t, f.Outline, "none", "%s has no visible focus: %+v", what, f)
		assert.NotEqual(t, "0px", strings.Fields(f.Outline + " x")[1], "%s has no visible focus: %+v", what, f)
	}

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	waitDiagrams(t, ctx)

	// The first Tab: the skip link, shown on screen with a visible focus. Enter moves the focus
	// to the main content, and the next Tab lands inside it, past header and navigation.
	skip := tab()
	assert.Equal(t, "skip-link", skip.Class)
	assert.Equal(t, "#main", skip.Href)
	visible(skip, "the skip link")
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	assert.Equal(t, "main", focused().Tag, "Enter on the skip link focuses <main>")
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
	inMain, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const m = document.getElementById('main');
		const e = document.activeElement; return e !== m && m.contains(e); })()`))
	require.NoError(t, err)
	assert.True(t, inMain, "Tab after the skip link stays in the main content: %+v", focused())

	// From the top of the page again: Tab reaches the search box in a few steps, each focus
	// visible.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(home+"index.html")))
	waitDiagrams(t, ctx)
	var box focus
	for i := 0; i < 5; i++ {
		f := tab()
		visible(f, f.Tag+"."+f.Class)
		if f.Class == "search-input" {
			box = f
			break
		}
	}
	require.Equal(t, "search-input", box.Class, "Tab never reached the search box")

	// Type a query, arrow down to the first result, Enter: the topic's page.
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(searchTopic)))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('.search-input').getAttribute('aria-expanded') === 'true' &&
		document.getElementById('kdocs-search-results').dataset.query === `+jsString(searchTopic),
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
	require.NoError(t, err, "no results for the typed query")
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)))
	active, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const i = document.querySelector('.search-input');
		const o = document.getElementById(i.getAttribute('aria-activedescendant') || ''); return o ? o.textContent : ''; })()`))
	require.NoError(t, err)
	assert.Contains(t, active, searchTopic, "ArrowDown makes the first result active")
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	want := "/clusters/" + cluster + "/topics/" + searchTopic + ".html"
	// A poll would be lost with the page it was sent to: ask each page anew.
	var at string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && !strings.HasSuffix(at, want); time.Sleep(50 * time.Millisecond) {
		at, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname : ''`))
	}
	require.True(t, strings.HasSuffix(at, want), "Enter did not open the topic's page: at %q", at)
	waitDiagrams(t, ctx)

	// On the topic's page, Tab reaches the section headings' permalinks, each marked with "#"
	// while focused and leading to its own heading.
	var permalinks []focus
	for i := 0; i < 200 && len(permalinks) < 2; i++ {
		if f := tab(); f.Permalink {
			visible(f, "permalink "+f.Text)
			permalinks = append(permalinks, f)
		}
	}
	require.Len(t, permalinks, 2, "Tab reaches the headings' permalinks")
	for _, p := range permalinks {
		assert.Regexp(t, `^#[a-z0-9-]+$`, p.Href)
		assert.NotEmpty(t, p.Text, "the heading's text is the link's")
		assert.Equal(t, `"#"`, p.After, "a focused permalink is marked")
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	hash, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
	require.NoError(t, err)
	assert.Equal(t, permalinks[1].Href, hash)
	assert.Empty(t, ConsoleErrors(ctx))
}
