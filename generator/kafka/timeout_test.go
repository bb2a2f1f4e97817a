package kafka

// Faults of brokers: ones that accept connections and then never say a word (the dial timeout,
// not the longer request timeout, bounds what each costs) and ones that are listed in metadata
// but refuse connections, as a broker just stopped is until the controller notices.

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
)

// blackhole listens on 127.0.0.1, accepts every connection and never answers; connections
// stay open until the test ends.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestBlackholeBootstrapFailsWithinDialTimeout(t *testing.T) {
	addr := blackhole(t)
	c := config.Cluster{Name: "prod", Bootstrap: []string{addr}, Timeout: config.Duration(20 * time.Second), DialTimeout: config.Duration(300 * time.Millisecond)}

	start := time.Now()
	_, err := Collect(context.Background(), c)
	took := time.Since(start)
	require.Error(t, err)
	t.Logf("after %s: %v", took.Round(time.Millisecond), err)
	assert.Less(t, took, 3*time.Second, "the dial timeout, not the request timeout, bounds a silent server")
	assert.True(t, strings.HasPrefix(err.Error(), `cluster "prod" (`+addr+`): metadata: `+addr+`: `), err.Error())
	assert.Contains(t, err.Error(), "no answer within the dial timeout (300ms)")
}

// TestBlackholeBootstrapIsSkipped: a silent bootstrap server before a good one costs its dial
// timeout, not the snapshot.
func TestBlackholeBootstrapIsSkipped(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 2, perPart: 1})
	c := f.config("fake")
	c.Bootstrap = append([]string{blackhole(t)}, f.addrs...)
	c.DialTimeout = config.Duration(300 * time.Millisecond)

	start := time.Now()
	s, err := Collect(context.Background(), c)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.Empty(t, s.Errors)
	assert.Len(t, s.Cluster.Brokers, 3)
}

// TestSilentBrokerCostsItsDialTimeout: a broker that metadata lists but that never answers
// (every connection to it lands on a black hole) fails each request sent to it after the dial
// timeout; the others are collected and the collection ends in time.
func TestSilentBrokerCostsItsDialTimeout(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 3, perPart: 1})
	hole := blackhole(t)
	silent := f.addrs[1]
	o := defaultOptions()
	o.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == silent {
			addr = hole
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c := f.config("fake")
	c.Bootstrap = f.addrs[:1]
	c.Timeout = config.Duration(20 * time.Second)
	c.DialTimeout = config.Duration(300 * time.Millisecond)

	start := time.Now()
	s, err := collect(context.Background(), c, o)
	require.NoError(t, err)
	took := time.Since(start)
	t.Logf("took %s", took.Round(time.Millisecond))
	assert.Less(t, took, 5*time.Second)
	require.NotEmpty(t, s.Errors)
	var silentErrors int
	for _, e := range s.Errors {
		if strings.Contains(e.Message, "broker 1 ("+silent+"): connect: dial timeout: no answer within 300ms") {
			silentErrors++
		}
	}
	assert.Positive(t, silentErrors, "%v", s.Errors)
	assert.Len(t, s.Cluster.Brokers, 3)
	assert.NotEmpty(t, s.Cluster.Brokers[0].LogDirs, "broker 0 is described")
}

// TestStoppedBrokerIsRecorded: metadata still lists broker 1, but nothing listens at its address
// any more. Every request routed to it fails at once and is recorded under the section it
// belongs to; the other brokers' facts are all there.
func TestStoppedBrokerIsRecorded(t *testing.T) {
	f := newFake(t, fakeTopic{name: "orders", partitions: 3, perPart: 2})
	for p := range int32(3) {
		require.NoError(t, f.cluster.MoveTopicPartition("orders", p, p))
	}
	f.commit(t, "billing", "orders", map[int32]int64{0: 1, 1: 1, 2: 1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	ln.Close()
	stopped := f.addrs[1]
	o := defaultOptions()
	o.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == stopped {
			addr = closed
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c := f.config("fake")
	c.Bootstrap = []string{f.addrs[0]}

	start := time.Now()
	s, err := collect(context.Background(), c, o)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)

	scopes := map[string]bool{}
	for _, e := range s.Errors {
		if strings.Contains(e.Message, "broker 1 ("+stopped+")") {
			assert.Contains(t, e.Message, "connection refused")
			scopes[e.Scope] = true
		}
	}
	for _, scope := range []string{"brokers", "offsets", "groups"} {
		assert.True(t, scopes[scope], "no %s error names broker 1: %v", scope, s.Errors)
	}
	orders := s.Topic("orders")
	assert.Equal(t, int64(2), orders.Partitions[0].LatestOffset, "broker 0's partition is read")
	assert.Nil(t, orders.Partitions[1].SizeBytes, "broker 1's partition size is unknown")
	assert.NotNil(t, orders.Partitions[2].SizeBytes)
	assert.NotEmpty(t, s.Cluster.Brokers[0].Configs)
	assert.Empty(t, s.Cluster.Brokers[1].Configs)
}
