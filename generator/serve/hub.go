package serve

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// This file is the live-reload hub: it fans named events out to every page connected through
// Server-Sent Events. It knows nothing of sites or builds; serve.go decides what the events mean.

// Event is one Server-Sent Event: a name ("reload", "build-error") and a text payload.
type Event struct {
	Name string
	Data string
}

// hub broadcasts events to its clients. A client that falls behind loses events rather than
// slowing the others: every event that matters here supersedes the ones before it.
type hub struct {
	mu       sync.Mutex
	clients  map[chan Event]struct{}
	retained *Event
}

// heartbeat keeps idle connections from being closed by proxies and lets a dead client be noticed.
const heartbeat = 15 * time.Second

func newHub() *hub {
	return &hub{clients: map[chan Event]struct{}{}}
}

// Publish sends ev to every connected client.
func (h *hub) Publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- ev:
		default: // this client is behind; it will get the next event
		}
	}
}

// Retain makes ev the first event every client gets when it connects, until replaced; nil
// clears it. It lets a page opened after an event still learn the current state.
func (h *hub) Retain(ev *Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.retained = ev
}

// Clients reports how many clients are connected.
func (h *hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

func (h *hub) subscribe() (events chan Event, retained *Event, unsubscribe func()) {
	c := make(chan Event, 16)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients[c] = struct{}{}
	return c, h.retained, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.clients, c)
	}
}

// ServeHTTP streams events to one client until the client goes away or the request's context
// ends (the server sets it to end on shutdown).
func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	events, retained, unsubscribe := h.subscribe()
	defer unsubscribe()

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	// The comment tells a client the subscription is in place; retry makes EventSource
	// reconnect quickly after the server restarts.
	fmt.Fprint(w, ": connected\nretry: 1000\n\n")
	if retained != nil {
		writeEvent(w, *retained)
	}
	flusher.Flush()

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-events:
			if err := writeEvent(w, ev); err != nil {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		}
		flusher.Flush()
	}
}

// writeEvent writes ev in the text/event-stream format; a multi-line payload becomes several
// data lines, which the browser joins back with newlines.
func writeEvent(w http.ResponseWriter, ev Event) error {
	var b strings.Builder
	b.WriteString("event: " + ev.Name + "\n")
	for line := range strings.Lines(strings.ReplaceAll(ev.Data, "\r\n", "\n")) {
		b.WriteString("data: " + strings.TrimSuffix(line, "\n") + "\n")
	}
	if ev.Data == "" {
		b.WriteString("data:\n")
	}
	b.WriteString("\n")
	_, err := fmt.Fprint(w, b.String())
	return err
}
