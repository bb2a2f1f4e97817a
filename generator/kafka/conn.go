package kafka

// Broker-addressed requests. kafka.Client routes every request itself, and for the requests a
// snapshot needs its routing costs more than the snapshot can afford:
//
//   - DescribeConfigs (topics): the Client sends every batch to the one broker the metadata
//     names controller (on KRaft a random one), and copies each answer into its own types.
//     Here the batches go to every broker in turn, and a batch whose broker fails to the next.
//   - ListOffsets: Client.ListOffsets sends one request per partition and timestamp, so the
//     request count would grow with partitions. Here each partition leader gets one request for
//     the earliest and one for the latest offsets of all the partitions it leads.
//   - DescribeGroups: Client.DescribeGroups sends one FindCoordinator plus one DescribeGroups per
//     group, and drops the assignor name (protocol data). Here each coordinator gets one request
//     for all its groups.
//   - OffsetFetch: the Client looks up the coordinator again for every group; ListGroups has
//     already told us which broker coordinates which group.
//   - ListGroups: Client.ListGroups fails whole when one broker fails; here each broker's answer
//     stands alone, so one broken broker costs only its own groups.
//
// The connections use kafka-go's own protocol messages, encoding and version negotiation
// (protocol.Conn, ApiVersions, ApiKey.SelectVersion, then SaslHandshake and SaslAuthenticate:
// the same steps kafka.Transport takes when it connects, TLS and SASL in auth.go). The requests
// with large answers (Metadata, topic DescribeConfigs, DescribeLogDirs, ListOffsets,
// DescribeProducers) and those kafka-go lacks are encoded and decoded by franz-go's kmsg on the
// same connections (kmsg.go); only the frame around a message is read here.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	"github.com/segmentio/kafka-go/protocol/apiversions"
)

type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// brokerPool hands out connections to individual brokers: at most perBroker at a time for each
// broker, dialled on first use and kept until close. A protocol.Conn carries one request at a
// time, so perBroker is also the concurrency towards one broker.
type brokerPool struct {
	dial        dialFunc
	clientID    string
	timeout     time.Duration    // per request, its connection included
	dialTimeout time.Duration    // per connection: dial and ApiVersions
	addrs       map[int32]string // broker id → host:port, from metadata
	perBroker   int
	sec         *security // TLS and SASL of every connection

	mu    sync.Mutex
	slots map[int32]chan struct{}
	idle  map[int32][]*brokerConn
	// What the brokers' ApiVersions told: whether any answered, and whether any offered
	// LeaderAndIsr, an API only ZooKeeper-mode brokers have.
	answered, zkMode bool
	// apis is what the first broker to answer ApiVersions accepts (the brokers of a cluster run
	// one version), for the snapshot's features.
	apis map[protocol.ApiKey][2]int16
}

func newBrokerPool(dial dialFunc, clientID string, timeout, dialTimeout time.Duration, addrs map[int32]string, perBroker int, sec *security) *brokerPool {
	if sec == nil {
		sec = &security{protocol: "PLAINTEXT"}
	}
	return &brokerPool{
		sec:         sec,
		dial:        dial,
		clientID:    clientID,
		timeout:     timeout,
		dialTimeout: dialTimeout,
		addrs:       addrs,
		perBroker:   perBroker,
		slots:       make(map[int32]chan struct{}),
		idle:        make(map[int32][]*brokerConn),
	}
}

// roundTrip sends msg to broker id and returns its response, bounded by the pool's timeout and
// by ctx. A connection that failed mid-request is closed rather than reused, since its stream
// position is unknown.
func (p *brokerPool) roundTrip(ctx context.Context, id int32, msg protocol.Message) (protocol.Message, error) {
	var res protocol.Message
	err := p.use(ctx, id, func(ctx context.Context, bc *brokerConn) (err error) {
		res, err = bc.roundTrip(ctx, msg)
		return err
	})
	return res, err
}

// use runs exchange on a connection to broker id, bounded by the pool's timeout and by ctx.
func (p *brokerPool) use(ctx context.Context, id int32, exchange func(context.Context, *brokerConn) error) error {
	addr, ok := p.addrs[id]
	if !ok {
		return fmt.Errorf("broker %d is not in the cluster metadata", id)
	}
	slot := p.slot(id)
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("broker %d (%s): %w", id, addr, ctx.Err())
	}
	defer func() { <-slot }()

	// The timeout bounds this request (and its dial), not the wait for a free connection.
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	fail := func(err error) error {
		if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			err = fmt.Errorf("no answer within %s: %w", p.timeout, err)
		}
		return fmt.Errorf("broker %d (%s): %w", id, addr, err)
	}
	bc := p.takeIdle(id)
	if bc == nil {
		var err error
		if bc, err = p.connect(ctx, addr); err != nil {
			if errors.Is(err, errDialTimeout) {
				return fmt.Errorf("broker %d (%s): %w", id, addr, err)
			}
			return fail(err)
		}
	}
	if err := exchange(ctx, bc); err != nil {
		bc.close()
		return fail(err)
	}
	p.putIdle(id, bc)
	return nil
}

func (p *brokerPool) slot(id int32) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.slots[id]
	if s == nil {
		s = make(chan struct{}, p.perBroker)
		p.slots[id] = s
	}
	return s
}

func (p *brokerPool) takeIdle(id int32) *brokerConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.idle[id]
	if len(list) == 0 {
		return nil
	}
	bc := list[len(list)-1]
	p.idle[id] = list[:len(list)-1]
	return bc
}

func (p *brokerPool) putIdle(id int32, bc *brokerConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle[id] = append(p.idle[id], bc)
}

// close closes every idle connection; it is called once all requests have returned.
func (p *brokerPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, list := range p.idle {
		for _, bc := range list {
			bc.close()
		}
		delete(p.idle, id)
	}
}

// brokerConn is one connection to one broker with the API versions both sides speak.
type brokerConn struct {
	nc     net.Conn
	pc     *protocol.Conn
	ranges map[protocol.ApiKey][2]int16 // what the broker accepts, min and max
}

// errDialTimeout marks a connection that took longer than the dial timeout.
var errDialTimeout = errors.New("dial timeout")

// connect dials addr and negotiates API versions, as kafka.Transport does for its own
// connections: ApiVersions v0 first, then the highest version both kafka-go and the broker know.
// Both steps together are bounded by the dial timeout (and by ctx, the request's).
func (p *brokerPool) connect(ctx context.Context, addr string) (*brokerConn, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, p.dialTimeout)
	defer cancel()
	bc, err := p.handshake(ctx, addr)
	// The socket's deadline is the context's, and on a loaded machine its I/O timeout can fire
	// before the context's own timer has marked it done: the clock says which expired.
	deadline, _ := ctx.Deadline()
	if err != nil && (ctx.Err() != nil || !time.Now().Before(deadline)) && parent.Err() == nil {
		return nil, fmt.Errorf("connect: %w: no answer within %s: %v", errDialTimeout, p.dialTimeout, err)
	}
	return bc, err
}

func (p *brokerPool) handshake(ctx context.Context, addr string) (*brokerConn, error) {
	nc, err := p.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if p.sec.tls != nil {
		tc, err := p.sec.wrapTLS(ctx, nc, addr)
		if err != nil {
			nc.Close()
			return nil, p.sec.explain(err)
		}
		nc = tc
	}
	bc := &brokerConn{nc: nc, pc: protocol.NewConn(nc, p.clientID)}
	r, err := bc.exchange(ctx, &apiversions.Request{})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("api versions: %w", p.sec.explain(err))
	}
	res := r.(*apiversions.Response)
	if res.ErrorCode != 0 {
		nc.Close()
		return nil, fmt.Errorf("api versions: %s", kafkaError(res.ErrorCode))
	}
	bc.ranges = make(map[protocol.ApiKey][2]int16, len(res.ApiKeys))
	versions := make(map[protocol.ApiKey]int16, len(res.ApiKeys))
	for _, k := range res.ApiKeys {
		key := protocol.ApiKey(k.ApiKey)
		bc.ranges[key] = [2]int16{k.MinVersion, k.MaxVersion}
		versions[key] = key.SelectVersion(k.MinVersion, k.MaxVersion)
	}
	bc.pc.SetVersions(versions)
	if p.sec.mech != nil {
		// After ApiVersions, which brokers answer before authentication, as kafka.Transport does.
		if err := p.sec.authenticate(ctx, bc, addr); err != nil {
			nc.Close()
			return nil, err
		}
	}
	_, zk := bc.ranges[protocol.LeaderAndIsr]
	p.mu.Lock()
	p.answered, p.zkMode = true, p.zkMode || zk
	if p.apis == nil {
		p.apis = bc.ranges
	}
	p.mu.Unlock()
	return bc, nil
}

// kraft reports whether the brokers run in KRaft mode, as far as any of them answered.
func (p *brokerPool) kraft() (known, kraft bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answered, !p.zkMode
}

// roundTrip checks that the broker accepts a version of msg that kafka-go can encode (Kafka 4
// dropped many old versions), then exchanges it.
func (bc *brokerConn) roundTrip(ctx context.Context, msg protocol.Message) (protocol.Message, error) {
	key := msg.ApiKey()
	r, ok := bc.ranges[key]
	if !ok {
		return nil, &unsupportedError{fmt.Sprintf("broker does not support the %s API", key)}
	}
	if r[1] < key.MinVersion() || r[0] > key.MaxVersion() {
		return nil, &unsupportedError{fmt.Sprintf("broker accepts %s v%d–v%d, kafka-go speaks v%d–v%d", key, r[0], r[1], key.MinVersion(), key.MaxVersion())}
	}
	res, err := bc.exchange(ctx, msg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return res, nil
}

// exchange writes msg and reads its response under ctx's deadline; cancelling ctx unblocks the
// connection at once.
func (bc *brokerConn) exchange(ctx context.Context, msg protocol.Message) (protocol.Message, error) {
	if dl, ok := ctx.Deadline(); ok {
		if err := bc.nc.SetDeadline(dl); err != nil {
			return nil, err
		}
	}
	stop := context.AfterFunc(ctx, func() { bc.nc.SetDeadline(time.Now()) })
	res, err := bc.pc.RoundTrip(msg)
	stopped := stop()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			// The connection's deadline is ctx's, and fires a moment before ctx's own timer.
			return nil, context.DeadlineExceeded
		}
	}
	if !stopped || (err != nil && ctx.Err() != nil) {
		// ctx ended during the exchange: the connection's deadline was cut (or is being cut)
		// under it, so it must not be reused, and the error to report is ctx's, not the
		// i/o timeout it caused.
		return nil, ctx.Err()
	}
	return res, err
}

func (bc *brokerConn) close() { bc.nc.Close() }

// unsupportedError says that a broker cannot answer a request in any version kafka-go speaks:
// a fact about the broker, not a failure of the moment.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }

// kafkaError names a Kafka error code briefly: "Not Leader For Partition (error 6)".
func kafkaError(code int16) string {
	if title := kafka.Error(code).Title(); title != "" {
		return fmt.Sprintf("%s (error %d)", title, code)
	}
	return fmt.Sprintf("error %d", code)
}
