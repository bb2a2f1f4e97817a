package serve

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHubBroadcastsToEveryClient(t *testing.T) {
	h := newHub()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // before the clients' cleanups, so it runs after them: Close waits for streams
	// listen appends eventsPath; the hub answers on any path.
	a, b := listen(t, srv.URL), listen(t, srv.URL)
	require.Equal(t, 2, h.Clients())

	h.Publish(Event{Name: "build-error", Data: "line one\nline two\r\nline three"})
	for _, c := range []*events{a, b} {
		assert.Equal(t, Event{Name: "build-error", Data: "line one\nline two\nline three"}, c.next(t), "multi-line data survives")
	}
	h.Publish(Event{Name: "reload"})
	assert.Equal(t, Event{Name: "reload"}, a.next(t))
	assert.Equal(t, Event{Name: "reload"}, b.next(t))
}

func TestHubRetainedEventGoesToNewClients(t *testing.T) {
	h := newHub()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // before the clients' cleanups, so it runs after them: Close waits for streams
	h.Retain(&Event{Name: "build-error", Data: "broken"})
	assert.Equal(t, Event{Name: "build-error", Data: "broken"}, listen(t, srv.URL).next(t))
	h.Retain(nil)
	c := listen(t, srv.URL)
	h.Publish(Event{Name: "reload", Data: "x"})
	assert.Equal(t, Event{Name: "reload", Data: "x"}, c.next(t), "nothing retained before the published event")
}
