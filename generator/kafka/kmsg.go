package kafka

// kmsg requests on kdocs' own connections, for the APIs kafka-go lacks and for the answers that
// grow with the estate. Those are the biggest of a snapshot (2,000 topics × ~35 configs; at
// 100,000 topics of 10 partitions, a million partitions in Metadata and ListOffsets and three
// million replicas in DescribeLogDirs), and kafka-go decodes them by reflection: on the 2,000-topic
// bench estate topic DescribeConfigs alone was ~40% of kdocs' CPU per snapshot, CPU the brokers on
// the same machine then lacked. kmsg's generated decoders do the same work several times faster.
// kmsg encodes the request and decodes the response; only the framing around them (size,
// correlation id, the response header's tagged fields) is read here.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/segmentio/kafka-go/protocol"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kmsgCorrelationID marks kdocs' kmsg requests; a connection carries one request at a time.
const kmsgCorrelationID = 0x6b646f63 // "kdoc"

// maxResponseSize bounds a response kdocs accepts, against a corrupt size prefix.
const maxResponseSize = 512 << 20

// kmsgExchange sends req in the highest version both the broker and kmsg speak and decodes the
// answer into res (of the same API), under ctx's deadline as exchange does.
func (bc *brokerConn) kmsgExchange(ctx context.Context, req kmsg.Request, res kmsg.Response) error {
	key := protocol.ApiKey(req.Key())
	r, ok := bc.ranges[key]
	if !ok {
		return &unsupportedError{fmt.Sprintf("broker does not support the %s API", key)}
	}
	version := min(r[1], req.MaxVersion())
	if version < r[0] {
		return &unsupportedError{fmt.Sprintf("broker accepts %s v%d–v%d, kdocs speaks up to v%d", key, r[0], r[1], req.MaxVersion())}
	}
	req.SetVersion(version)
	res.SetVersion(version)

	if dl, ok := ctx.Deadline(); ok {
		if err := bc.nc.SetDeadline(dl); err != nil {
			return err
		}
	}
	stop := context.AfterFunc(ctx, func() { bc.nc.SetDeadline(time.Now()) })
	err := bc.kmsgRoundTrip(req, res)
	stopped := stop()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			return fmt.Errorf("%s: %w", key, context.DeadlineExceeded)
		}
	}
	if !stopped || (err != nil && ctx.Err() != nil) {
		return fmt.Errorf("%s: %w", key, ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// upTo caps the version kmsgExchange chooses for a request: a later version may need what
// kdocs does not have (Fetch v13+ names topics by id, which kafka-go's metadata lacks).
type upTo struct {
	kmsg.Request
	max int16
}

func (r upTo) MaxVersion() int16 { return min(r.max, r.Request.MaxVersion()) }

func (bc *brokerConn) kmsgRoundTrip(req kmsg.Request, res kmsg.Response) error {
	msg := kmsg.NewRequestFormatter(kmsg.FormatterClientID(clientID)).AppendRequest(nil, req, kmsgCorrelationID)
	if _, err := bc.pc.Write(msg); err != nil {
		return err
	}
	// The response goes through the connection's reader: kafka-go's exchanges on the same
	// connection read from it too.
	var size [4]byte
	if _, err := io.ReadFull(bc.pc, size[:]); err != nil {
		return err
	}
	n := int32(binary.BigEndian.Uint32(size[:]))
	if n < 4 || n > maxResponseSize {
		return fmt.Errorf("response of %d bytes", n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(bc.pc, body); err != nil {
		return err
	}
	if id := int32(binary.BigEndian.Uint32(body)); id != kmsgCorrelationID {
		return fmt.Errorf("response to request %d, not %d", id, kmsgCorrelationID)
	}
	body = body[4:]
	if res.IsFlexible() {
		var err error
		if body, err = skipTags(body); err != nil {
			return fmt.Errorf("response header: %w", err)
		}
	}
	return res.ReadFrom(body)
}

// skipTags skips the tagged fields that end a flexible response header.
func skipTags(b []byte) ([]byte, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errors.New("truncated tagged fields")
	}
	b = b[n:]
	for range count {
		if _, n = binary.Uvarint(b); n <= 0 {
			return nil, errors.New("truncated tag")
		}
		b = b[n:]
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size {
			return nil, errors.New("truncated tag")
		}
		b = b[n+int(size):]
	}
	return b, nil
}

// askedTopics finds an answered topic among the n topics a request asked for (name(i) the i-th),
// for answers kept by position rather than in maps. Brokers answer in the order asked, so the
// k-th answered topic is checked against the k-th asked first, and a map of the asked topics is
// built only for an answer in another order.
type askedTopics struct {
	n        int
	name     func(int) string
	position map[string]int
}

// find returns the place among the asked topics of the k-th answered topic, or -1 when it was
// not asked for.
func (a *askedTopics) find(k int, topic string) int {
	if k < a.n && a.name(k) == topic {
		return k
	}
	if a.position == nil {
		a.position = make(map[string]int, a.n)
		for i := range a.n {
			a.position[a.name(i)] = i
		}
	}
	if i, ok := a.position[topic]; ok {
		return i
	}
	return -1
}
