package pdf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// siteServer serves a built site on a loopback port for the length of one print. Loading the
// page over HTTP rather than file:// keeps it exactly as users see it: module scripts, fetches
// and root-relative URLs behave as on a web server.
type siteServer struct {
	srv  *http.Server
	base string
	done chan struct{}
}

func serveSite(dir string, log *slog.Logger) (*siteServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serve site %s on loopback: %w", dir, err)
	}
	files := http.FileServer(http.Dir(dir))
	s := &siteServer{
		base: "http://" + ln.Addr().String() + "/",
		done: make(chan struct{}),
		srv: &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
				files.ServeHTTP(rec, r)
				// A missing stylesheet or image does not stop the print, but the book is wrong.
				if rec.status == http.StatusNotFound && r.URL.Path != "/favicon.ico" {
					log.Warn("pdf: the page requested a file missing from the site", "path", r.URL.Path)
				}
			}),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		},
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pdf: site server stopped", "err", err)
		}
	}()
	return s, nil
}

// url is the address of a page given relative to the site root. A directory's index.html is
// addressed as the directory, as the site's own links do, which saves a redirect.
func (s *siteServer) url(page string) string {
	if page == "index.html" || strings.HasSuffix(page, "/index.html") {
		page = strings.TrimSuffix(page, "index.html")
	}
	return s.base + (&url.URL{Path: page}).EscapedPath()
}

func (s *siteServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
	<-s.done
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
