package main

// `kdocs serve --snapshot-every` against the real cluster: a topic created while the preview
// runs appears as its own page, on the topic list and on the changes page, with no command but
// the clock. The cluster is shared with other tests, so the test touches only its own topic.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kdocs/kdocs/internal/testenv"
)

// lockedBuffer is a bytes.Buffer the command writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestServeSnapshotEvery(t *testing.T) {
	brokers := testenv.Kafka(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf("title: Live preview\nclusters:\n  - name: live\n    bootstrap: [%s]\n",
		strings.Join(brokers, ", "))), 0o644))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	require.NoError(t, err)
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	topic := "kdocs-test-serve-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if resp, err := adm.DeleteTopics(ctx, topic); err != nil || resp.Error() != nil {
			t.Errorf("delete topic %s: %v %v", topic, err, resp.Error())
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--addr", addr, "--snapshot-every", "2s"}, &stdout, &stderr)
	}()
	defer func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, "stderr:\n%s", stderr.String())
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop after its context ended")
		}
	}()

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	waitUntil := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waited 90s for %s; stdout:\n%s\nstderr:\n%s", what, stdout.String(), stderr.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The first snapshot is taken before the first build: the preview starts on live data.
	waitUntil("the preview to serve", func() bool { code, _ := get("/clusters/live/index.html"); return code == http.StatusOK })
	assert.Contains(t, stdout.String(), "previewing")
	assert.FileExists(t, filepath.Join(dir, "snapshots", "live.json"))

	ctxCreate, cancelCreate := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelCreate()
	testenv.CreateTopic(ctxCreate, t, cl, topic, 2, 1, nil)
	created := time.Now()

	waitUntil("the new topic's page", func() bool {
		code, _ := get("/clusters/live/topics/" + topic + ".html")
		return code == http.StatusOK
	})
	t.Logf("topic created -> its page served: %s", time.Since(created).Round(time.Millisecond))
	_, list := get("/clusters/live/topics/index.html")
	assert.Contains(t, list, topic)
	// Each re-snapshot went into the history, and the changes page says what came.
	waitUntil("the changes page to list the topic", func() bool {
		_, changes := get("/clusters/live/changes.html")
		return strings.Contains(changes, topic)
	})
	history, err := filepath.Glob(filepath.Join(dir, "snapshots", "history", "live", "*.json"))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(history), 2)
}
