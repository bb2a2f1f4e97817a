package kafka

// Record sampling (site.yaml's sample:): the latest records of each partition, fetched from its
// leader with a byte bound, reduced at once to their framing. Of a key or value only the first
// bytes are looked at, the Confluent wire format's zero magic byte and schema id and the
// Protobuf message indexes after it; of the headers, their names and the values of those
// site.yaml names. Nothing else of a record survives the function that parses it.
//
//	Fetch  1 per partition leader  for up to samplePartitions partitions, v12 at most (v13+
//	                               names topics by id), isolation read_uncommitted, no wait

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/segmentio/kafka-go/compress"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Bounds of what one topic's sample keeps, against records crafted to blow it up.
const (
	samplePartitions    = 100 // partitions per Fetch request
	sampleFetchBytes    = 32 << 20
	maxHeaderNames      = 50
	maxHeaderValues     = 20
	maxHeaderValueBytes = 200
	maxSchemaUses       = 64 // distinct (id, message indexes) per key or value of a topic
	maxMessageIndexes   = 16
	// A batch decompresses to at most this many times the bytes fetched for its partition.
	maxInflation = 16
)

const (
	errTopicAuthorizationFailed = 29
	moreValues                  = "(more values)"
	moreHeaders                 = "(more headers)"
)

// sampleJob is one partition to read: from Offset, at most Records records.
type sampleJob struct {
	topic     string
	partition int32
	offset    int64
	records   int
}

// sample reads the latest cfg.Records offsets of every partition with records, per leader in
// batches, and returns what they show by topic. A partition that cannot be read is recorded
// on its topic, never in the snapshot's errors: a sampler denied by an ACL is a fact about its
// permissions, not about the cluster's health.
func (c *collector) sample(ctx context.Context, topics []snapshot.Topic, cfg config.Sample) *snapshot.SampleSection {
	out := &snapshot.SampleSection{Records: cfg.Records, MaxBytes: cfg.MaxBytes, Headers: slices.Clone(cfg.Headers)}
	byLeader := map[int32][]sampleJob{}
	unled := map[string]int{}
	for _, t := range topics {
		if t.Internal {
			continue
		}
		for _, p := range t.Partitions {
			if p.LatestOffset <= p.EarliestOffset {
				continue
			}
			if p.Leader < 0 {
				unled[t.Name]++
				continue
			}
			from := max(p.EarliestOffset, p.LatestOffset-int64(cfg.Records))
			byLeader[p.Leader] = append(byLeader[p.Leader], sampleJob{t.Name, p.ID, from, cfg.Records})
		}
	}
	type batch struct {
		leader int32
		jobs   []sampleJob
	}
	per := max(1, min(samplePartitions, sampleFetchBytes/cfg.MaxBytes))
	var batches []batch
	for _, leader := range slices.Sorted(maps.Keys(byLeader)) {
		for _, ch := range chunks(byLeader[leader], per) {
			batches = append(batches, batch{leader, ch})
		}
	}
	results := make([][]partitionSample, len(batches))
	keep := map[string]bool{}
	for _, h := range cfg.Headers {
		keep[h] = true
	}
	c.each(ctx, len(batches), func(i int) {
		results[i] = c.fetchSamples(ctx, batches[i].leader, batches[i].jobs, cfg.MaxBytes, keep)
	})

	acc := map[string]*topicAccumulator{}
	get := func(topic string) *topicAccumulator {
		if acc[topic] == nil {
			acc[topic] = newTopicAccumulator(topic)
		}
		return acc[topic]
	}
	for _, rs := range results {
		for _, r := range rs {
			get(r.topic).add(r)
		}
	}
	for topic, n := range unled {
		get(topic).fail(fmt.Sprintf("%d partitions without a leader", n))
	}
	for _, name := range slices.Sorted(maps.Keys(acc)) {
		out.Topics = append(out.Topics, acc[name].done())
	}
	return out
}

// partitionSample is what one partition's records showed, or why it could not be read.
type partitionSample struct {
	topic   string
	err     string
	records int
	bytes   int64
	key     framingCount
	value   framingCount
	headers map[string]*headerCount
}

type framingCount struct {
	null, notFramed int
	schemas         map[schemaKey]int
}

// schemaKey is a schema id and its message indexes, written as a string to be a map key.
type schemaKey struct {
	id      int
	indexes string
}

type headerCount struct {
	records int
	values  map[string]int
}

func (c *collector) fetchSamples(ctx context.Context, leader int32, jobs []sampleJob, maxBytes int, keep map[string]bool) []partitionSample {
	req, res := kmsg.NewPtrFetchRequest(), kmsg.NewPtrFetchResponse()
	req.ReplicaID = -1
	req.MaxWaitMillis = 0
	req.MinBytes = 0
	req.MaxBytes = int32(min(int64(maxBytes)*int64(len(jobs)), 1<<30))
	req.IsolationLevel = 0
	req.SessionEpoch = -1
	index := map[string]map[int32]sampleJob{}
	slot := map[string]int{} // topic → its place in req.Topics
	for _, j := range jobs {
		if index[j.topic] == nil {
			index[j.topic] = map[int32]sampleJob{}
			slot[j.topic] = len(req.Topics)
			t := kmsg.NewFetchRequestTopic()
			t.Topic = j.topic
			req.Topics = append(req.Topics, t)
		}
		index[j.topic][j.partition] = j
		p := kmsg.NewFetchRequestTopicPartition()
		p.Partition, p.FetchOffset, p.PartitionMaxBytes = j.partition, j.offset, int32(maxBytes)
		t := &req.Topics[slot[j.topic]]
		t.Partitions = append(t.Partitions, p)
	}
	failAll := func(why string) []partitionSample {
		out := make([]partitionSample, len(jobs))
		for i, j := range jobs {
			out[i] = partitionSample{topic: j.topic, err: fmt.Sprintf("partition %d: %s", j.partition, why)}
		}
		return out
	}
	err := c.brokers.use(ctx, leader, func(ctx context.Context, bc *brokerConn) error {
		return bc.kmsgExchange(ctx, upTo{req, 12}, res)
	})
	if err != nil {
		return failAll(fmt.Sprintf("fetch from broker %d: %v", leader, err))
	}
	if res.ErrorCode != 0 {
		return failAll(fmt.Sprintf("fetch from broker %d: %s", leader, kafkaError(res.ErrorCode)))
	}
	var out []partitionSample
	answered := map[string]map[int32]bool{}
	for _, t := range res.Topics {
		for _, p := range t.Partitions {
			j, ok := index[t.Topic][p.Partition]
			if !ok {
				continue
			}
			if answered[t.Topic] == nil {
				answered[t.Topic] = map[int32]bool{}
			}
			answered[t.Topic][p.Partition] = true
			if p.ErrorCode != 0 {
				why := kafkaError(p.ErrorCode)
				if p.ErrorCode == errTopicAuthorizationFailed {
					why = "not authorized to read the topic (TOPIC_AUTHORIZATION_FAILED)"
				}
				out = append(out, partitionSample{topic: t.Topic, err: fmt.Sprintf("partition %d: %s", p.Partition, why)})
				continue
			}
			ps := readSample(p.RecordBatches, j, maxBytes, keep)
			out = append(out, ps)
		}
	}
	for _, j := range jobs {
		if !answered[j.topic][j.partition] {
			out = append(out, partitionSample{topic: j.topic, err: fmt.Sprintf("partition %d: not in broker %d's fetch answer", j.partition, leader)})
		}
	}
	return out
}

// readSample reduces a partition's fetched record batches to their framing. Batches may start
// before j.offset (a batch is fetched whole) and the last may be cut at the byte bound; records
// before the offset and a cut batch are skipped. A corrupt batch ends the partition's sample
// with an error, never a panic.
func readSample(b []byte, j sampleJob, maxBytes int, keep map[string]bool) partitionSample {
	ps := partitionSample{topic: j.topic, bytes: int64(len(b)), headers: map[string]*headerCount{}}
	limit := max(len(b), maxBytes) * maxInflation
	for len(b) >= 17 && ps.records < j.records {
		// baseOffset, batchLength, partitionLeaderEpoch, then the magic byte at 16.
		baseOffset := int64(binary.BigEndian.Uint64(b))
		length := int(int32(binary.BigEndian.Uint32(b[8:])))
		if length < 0 || 12+length > len(b) {
			break // the batch cut at the byte bound
		}
		if length < 5 {
			ps.err = fmt.Sprintf("partition %d: a record batch of %d bytes is too short", j.partition, 12+length)
			return ps
		}
		batch := b[:12+length]
		b = b[12+length:]
		if magic := batch[16]; magic != 2 {
			ps.err = fmt.Sprintf("partition %d: message format v%d (before Kafka 0.11) is not sampled", j.partition, magic)
			return ps
		}
		if len(batch) < 61 {
			ps.err = fmt.Sprintf("partition %d: a record batch of %d bytes is too short", j.partition, len(batch))
			return ps
		}
		attrs := binary.BigEndian.Uint16(batch[21:])
		if attrs&0x20 != 0 {
			continue // a transaction's control batch: markers, not records
		}
		records := batch[61:]
		if codec := compress.Compression(attrs & 7); codec != compress.None {
			var err error
			if records, err = decompress(codec, records, limit); err != nil {
				ps.err = fmt.Sprintf("partition %d: batch at offset %d: %v", j.partition, baseOffset, err)
				return ps
			}
		}
		if err := ps.readRecords(records, baseOffset, j, keep); err != nil {
			ps.err = fmt.Sprintf("partition %d: batch at offset %d: %v", j.partition, baseOffset, err)
			return ps
		}
	}
	return ps
}

func decompress(codec compress.Compression, src []byte, limit int) ([]byte, error) {
	c := codec.Codec()
	if c == nil {
		return nil, fmt.Errorf("unknown compression codec %d", codec)
	}
	r := c.NewReader(bytes.NewReader(src))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)))
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", c.Name(), err)
	}
	// Past the limit the records are cut; those cut are skipped like a batch cut at the bound.
	return out, nil
}

var errCorrupt = errors.New("corrupt record")

// readRecords reads one batch's records, keeping of each only what readRecord keeps.
func (ps *partitionSample) readRecords(b []byte, baseOffset int64, j sampleJob, keep map[string]bool) error {
	for len(b) > 0 && ps.records < j.records {
		length, n := binary.Varint(b)
		if n <= 0 || length < 0 {
			return errCorrupt
		}
		if int64(len(b)-n) < length {
			return nil // cut by the decompression limit
		}
		rec := b[n : n+int(length)]
		b = b[n+int(length):]
		if err := ps.readRecord(rec, baseOffset, j, keep); err != nil {
			return err
		}
	}
	return nil
}

// cursor reads a record's fields; the first error sticks.
type cursor struct {
	b   []byte
	err error
}

func (c *cursor) varint() int64 {
	if c.err != nil {
		return 0
	}
	v, n := binary.Varint(c.b)
	if n <= 0 {
		c.err = errCorrupt
		return 0
	}
	c.b = c.b[n:]
	return v
}

// bytes reads a length-prefixed field; nil with null true for length -1.
func (c *cursor) bytes() (b []byte, null bool) {
	n := c.varint()
	if c.err != nil {
		return nil, false
	}
	if n == -1 {
		return nil, true
	}
	if n < 0 || n > int64(len(c.b)) {
		c.err = errCorrupt
		return nil, false
	}
	b, c.b = c.b[:n], c.b[n:]
	return b, false
}

func (ps *partitionSample) readRecord(rec []byte, baseOffset int64, j sampleJob, keep map[string]bool) error {
	c := &cursor{b: rec}
	if len(c.b) < 1 {
		return errCorrupt
	}
	c.b = c.b[1:] // attributes
	c.varint()    // timestamp delta
	offset := baseOffset + c.varint()
	key, keyNull := c.bytes()
	value, valueNull := c.bytes()
	headers := c.varint()
	if c.err != nil {
		return c.err
	}
	if offset < j.offset {
		return nil // before the latest N, in the batch that holds the first of them
	}
	ps.records++
	ps.key.count(key, keyNull)
	ps.value.count(value, valueNull)
	for range headers {
		name, _ := c.bytes()
		v, vNull := c.bytes()
		if c.err != nil {
			return c.err
		}
		ps.header(string(name), v, vNull, keep)
	}
	return nil
}

// count classifies a key or value by its first bytes: the Confluent wire format is a zero byte,
// a big-endian 4-byte schema id and, for Protobuf, message indexes. Whether the schema is
// Protobuf is the registry's to say, so the indexes are read tentatively here and dropped later
// for every other id (snapshot.SampleSection.KeepMessageIndexes). Registries number schemas
// from 1, so an id of 0 or below is not a framing but other bytes that start with a zero: a
// big-endian long or int below 2^24, as Kafka Streams and Connect write counts and offsets.
func (f *framingCount) count(b []byte, null bool) {
	switch {
	case null:
		f.null++
	case len(b) < 5 || b[0] != 0:
		f.notFramed++
	default:
		id := int32(binary.BigEndian.Uint32(b[1:5]))
		if id <= 0 {
			f.notFramed++
			return
		}
		f.addSchema(schemaKey{id: int(id), indexes: messageIndexes(b[5:])}, 1)
	}
}

// addSchema counts n records framed with k; past maxSchemaUses distinct keys a new one loses
// its message indexes, so that crafted bytes after an id cannot grow the map without bound.
func (f *framingCount) addSchema(k schemaKey, n int) {
	if f.schemas == nil {
		f.schemas = map[schemaKey]int{}
	}
	if _, ok := f.schemas[k]; !ok && len(f.schemas) >= maxSchemaUses {
		k.indexes = ""
	}
	f.schemas[k] += n
}

// messageIndexes reads the Protobuf message indexes (a zigzag varint count, then that many
// indexes; a count of 0 means [0]) as "0" or "1.0", or "" when the bytes are not such a list.
func messageIndexes(b []byte) string {
	n, w := binary.Varint(b)
	if w <= 0 || n < 0 || n > maxMessageIndexes {
		return ""
	}
	if n == 0 {
		return "0"
	}
	b = b[w:]
	parts := make([]string, 0, n)
	for range n {
		v, w := binary.Varint(b)
		if w <= 0 || v < 0 || v > 1<<16 {
			return ""
		}
		parts = append(parts, fmt.Sprint(v))
		b = b[w:]
	}
	return strings.Join(parts, ".")
}

func (ps *partitionSample) header(name string, v []byte, null bool, keep map[string]bool) {
	h := headerSlot(ps.headers, name)
	h.records++
	if keep[name] {
		h.addValue(headerText(v, null), 1)
	}
}

// headerSlot is name's count in m, or the one of moreHeaders once m holds maxHeaderNames.
func headerSlot(m map[string]*headerCount, name string) *headerCount {
	if h := m[name]; h != nil {
		return h
	}
	if len(m) >= maxHeaderNames {
		name = moreHeaders
	}
	if m[name] == nil {
		m[name] = &headerCount{}
	}
	return m[name]
}

// addValue counts n records with value v, or with moreValues once maxHeaderValues are held.
func (h *headerCount) addValue(v string, n int) {
	if h.values == nil {
		h.values = map[string]int{}
	}
	if _, ok := h.values[v]; !ok && len(h.values) >= maxHeaderValues {
		v = moreValues
	}
	h.values[v] += n
}

// headerText is a kept header's value as a reader sees it: the text itself, cut to
// maxHeaderValueBytes, or what it is when it is not text.
func headerText(v []byte, null bool) string {
	switch {
	case null:
		return "(null)"
	case !utf8.Valid(v):
		return fmt.Sprintf("(%d bytes, not text)", len(v))
	case len(v) > maxHeaderValueBytes:
		cut := maxHeaderValueBytes
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		return string(v[:cut]) + "…"
	}
	return string(v)
}

// topicAccumulator sums a topic's partition samples.
type topicAccumulator struct {
	t       snapshot.TopicSample
	key     framingCount
	value   framingCount
	headers map[string]*headerCount
	errs    []string
}

func newTopicAccumulator(topic string) *topicAccumulator {
	return &topicAccumulator{t: snapshot.TopicSample{Topic: topic}, headers: map[string]*headerCount{}}
}

func (a *topicAccumulator) fail(why string) { a.errs = append(a.errs, why) }

func (a *topicAccumulator) add(ps partitionSample) {
	if ps.err != "" {
		a.fail(ps.err)
	}
	if ps.err != "" && ps.records == 0 && ps.bytes == 0 {
		return
	}
	a.t.Partitions++
	a.t.Records += ps.records
	a.t.Bytes += ps.bytes
	a.key.merge(ps.key)
	a.value.merge(ps.value)
	for name, h := range ps.headers {
		mine := headerSlot(a.headers, name)
		mine.records += h.records
		for v, n := range h.values {
			mine.addValue(v, n)
		}
	}
}

func (f *framingCount) merge(o framingCount) {
	f.null += o.null
	f.notFramed += o.notFramed
	for k, n := range o.schemas {
		f.addSchema(k, n)
	}
}

func (f framingCount) framing() snapshot.Framing {
	out := snapshot.Framing{Null: f.null, NotFramed: f.notFramed}
	for k, n := range f.schemas {
		out.Schemas = append(out.Schemas, snapshot.SchemaUse{ID: k.id, MessageIndexes: parseIndexes(k.indexes), Records: n})
	}
	return out
}

func parseIndexes(s string) []int {
	if s == "" {
		return nil
	}
	var out []int
	for p := range strings.SplitSeq(s, ".") {
		v, _ := strconv.Atoi(p) // messageIndexes wrote only non-negative decimal numbers
		out = append(out, v)
	}
	return out
}

func (a *topicAccumulator) done() snapshot.TopicSample {
	t := a.t
	t.Key, t.Value = a.key.framing(), a.value.framing()
	for name, h := range a.headers {
		u := snapshot.HeaderUse{Name: name, Records: h.records}
		for v, n := range h.values {
			u.Values = append(u.Values, snapshot.HeaderValue{Value: v, Records: n})
		}
		t.Headers = append(t.Headers, u)
	}
	if len(a.errs) > 0 {
		slices.Sort(a.errs)
		t.Error = a.errs[0]
		if len(a.errs) > 1 {
			t.Error += fmt.Sprintf(" (and %d more partitions)", len(a.errs)-1)
		}
	}
	return t
}
