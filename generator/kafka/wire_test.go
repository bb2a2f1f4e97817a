package kafka

// wireCounter counts the requests a collection really puts on the wire, by API, whatever
// kafka-go does underneath: it wraps every connection and reads the request headers as they are
// written. The kafka-go calls in this package are counted after any splitting they do.

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/segmentio/kafka-go/protocol"
)

type wireCounter struct {
	mu    sync.Mutex
	byKey map[protocol.ApiKey]int
	conns int
}

func newWireCounter() *wireCounter { return &wireCounter{byKey: map[protocol.ApiKey]int{}} }

func (w *wireCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.conns++
	w.mu.Unlock()
	return &countingConn{Conn: nc, w: w}, nil
}

func (w *wireCounter) count(key protocol.ApiKey) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.byKey[key]
}

// total counts every request but ApiVersions, which depends on connections, not on the estate.
func (w *wireCounter) total() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for k, v := range w.byKey {
		if k != protocol.ApiVersions {
			n += v
		}
	}
	return n
}

func (w *wireCounter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(w.byKey)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, w.byKey[k]))
	}
	return fmt.Sprintf("%s (%d connections)", strings.Join(parts, " "), w.conns)
}

// countingConn parses the stream of requests written to it: each is a 4-byte size followed by
// that many bytes, the first two of which are the API key.
type countingConn struct {
	net.Conn
	w    *wireCounter
	head []byte // the size and API key of the request being read, while incomplete
	skip int    // bytes of the current request's body still to pass over
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.observe(b[:n])
	return n, err
}

func (c *countingConn) observe(b []byte) {
	for len(b) > 0 {
		if c.skip > 0 {
			n := min(c.skip, len(b))
			c.skip -= n
			b = b[n:]
			continue
		}
		c.head = append(c.head, b[0])
		b = b[1:]
		if len(c.head) == 6 {
			size := int(binary.BigEndian.Uint32(c.head[:4]))
			key := protocol.ApiKey(binary.BigEndian.Uint16(c.head[4:6]))
			c.w.mu.Lock()
			c.w.byKey[key]++
			c.w.mu.Unlock()
			c.skip = size - 2
			c.head = c.head[:0]
		}
	}
}
