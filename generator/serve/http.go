package serve

import (
	"bytes"
	_ "embed"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// This file is the preview's HTTP side: the built site from Root, with the live-reload script
// added to every HTML response on the way out (the files on disk stay as they will be
// published), plus the script and the event stream under /__kdocs/.

const (
	reloadScriptPath = "/__kdocs/reload.js"
	eventsPath       = "/__kdocs/events"
	// The script is served from the server's root whatever the page's path, so the tag is absolute.
	reloadTag = `<script src="` + reloadScriptPath + `"></script>`
)

//go:embed reload.js
var reloadJS []byte

// newHandler serves root, the reload script and the events of h.
func newHandler(root string, h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+reloadScriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(reloadJS)
	})
	mux.Handle("GET "+eventsPath, h)
	mux.Handle("/", &siteHandler{root: root, files: http.FileServer(http.Dir(root))})
	return mux
}

// siteHandler serves the files of root; HTML gets the reload script.
type siteHandler struct {
	root  string
	files http.Handler
}

func (s *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every reload must show the latest build, stylesheets and scripts included.
	w.Header().Set("Cache-Control", "no-store")
	upath := path.Clean("/" + r.URL.Path) // rooted and cleaned: cannot climb out of root
	name := filepath.Join(s.root, filepath.FromSlash(upath))
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			// Relative links in a directory's index.html need the trailing slash.
			target := r.URL.Path + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		name = filepath.Join(name, "index.html")
		fi, err = os.Stat(name)
	}
	switch {
	case err == nil && !fi.IsDir() && isHTML(name):
		s.serveHTML(w, r, name, http.StatusOK)
	case errors.Is(err, fs.ErrNotExist):
		s.notFound(w, r)
	default:
		s.files.ServeHTTP(w, r)
	}
}

func (s *siteHandler) serveHTML(w http.ResponseWriter, r *http.Request, name string, status int) {
	b, err := os.ReadFile(name)
	if err != nil {
		http.Error(w, "read "+filepath.Base(name)+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	b = injectReload(b)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// notFound serves the site's own 404.html; before the first successful build there is none, and
// a stand-in page still carries the reload script, so the page appears by itself once it builds.
func (s *siteHandler) notFound(w http.ResponseWriter, r *http.Request) {
	page := filepath.Join(s.root, "404.html")
	if _, err := os.Stat(page); err == nil {
		s.serveHTML(w, r, page, http.StatusNotFound)
		return
	}
	b := injectReload([]byte(`<!doctype html><html><head><meta charset="utf-8"><title>Not found</title></head>` +
		`<body><h1>Not found</h1><p>kdocs has no page here (yet): the site may still be building.</p></body></html>`))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// injectReload adds the reload script before the last </body>, or at the end when there is none
// (a browser still runs it).
func injectReload(html []byte) []byte {
	i := lastIndexFold(html, "</body>")
	if i < 0 {
		return append(html, reloadTag...)
	}
	out := make([]byte, 0, len(html)+len(reloadTag))
	out = append(out, html[:i]...)
	out = append(out, reloadTag...)
	return append(out, html[i:]...)
}

func isHTML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".html" || ext == ".htm"
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case. (Lower-casing the page first would not
// do: that can change the length of non-ASCII text and shift the index.)
func lastIndexFold(s []byte, sub string) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if s[i] == sub[0] && bytes.EqualFold(s[i:i+len(sub)], []byte(sub)) {
			return i
		}
	}
	return -1
}
