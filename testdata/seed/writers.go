package main

// What the seed leaves for kdocs' evidence of writers (issue 14): values in the Confluent wire
// format with the ids the registry gave the seed's own subjects (the record sampler reads them), a
// transactional producer (ListTransactions, DescribeTransactions, DescribeProducers), and ACLs
// when the cluster has an authorizer. Every other topic is written by the seed's idempotent
// producer (franz-go's default: acks=all with a producer id), which DescribeProducers shows too.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"google.golang.org/protobuf/encoding/protowire"
)

// ------------------------------------------------------------------ wire format

// schemaID is the registry's id of a topic's value schema (GET /subjects/X/versions/N), asked
// once per run: on a registry that lost or re-registered the subjects it differs, and the
// topic's records are then written again (checkRecords).
func (s *seeder) schemaID(ctx context.Context, w *wireValue) (int, error) {
	key := fmt.Sprintf("%s/%d", w.Subject, w.Version)
	if id, ok := s.ids[key]; ok {
		return id, nil
	}
	if s.registry == "" {
		return 0, fmt.Errorf("values framed with %s v%d need the schema registry (-registry)", w.Subject, w.Version)
	}
	var out struct {
		ID int `json:"id"`
	}
	if err := s.sr(ctx, "GET", fmt.Sprintf("%s/versions/%d", subjPath(w.Subject), w.Version), nil, &out); err != nil {
		return 0, fmt.Errorf("the id of %s v%d: %w", w.Subject, w.Version, err)
	}
	s.ids[key] = out.ID
	return out.ID, nil
}

// frame is Confluent's wire format: magic byte 0, the schema id big-endian, for Protobuf the
// message indexes (a zigzag varint count, then each index; [0] is the single byte 0), the payload.
func frame(id int, indexes []int, payload []byte) []byte {
	out := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(id))
	switch {
	case indexes == nil:
	case slices.Equal(indexes, []int{0}):
		out = append(out, 0)
	default:
		out = binary.AppendVarint(out, int64(len(indexes)))
		for _, i := range indexes {
			out = binary.AppendVarint(out, int64(i))
		}
	}
	return append(out, payload...)
}

// encodeValue writes an event's fields as its topic's schema says, framed with the schema's id.
func (s *seeder) encodeValue(ctx context.Context, t topicSpec, fields map[string]any) ([]byte, error) {
	id, err := s.schemaID(ctx, t.Value)
	if err != nil {
		return nil, err
	}
	sp := subjectByName(t.Value.Subject)
	var payload []byte
	switch sp.Type {
	case "AVRO":
		payload, err = avroEncode(sp.Versions[t.Value.Version-1], fields)
	case "PROTOBUF":
		payload, err = protoEncode(t.Event, fields)
	default:
		err = fmt.Errorf("no %s encoder", sp.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s value: %w", t.Name, sp.Type, err)
	}
	return frame(id, t.Value.MessageIndexes, payload), nil
}

// unframed is the topics with every value written as JSON, for a cluster seeded without a
// registry.
func unframed(ts []topicSpec) []topicSpec {
	out := slices.Clone(ts)
	for i := range out {
		out[i].Value = nil
	}
	return out
}

// contentType is the content-type header of a topic's records.
func contentType(t topicSpec) string {
	if t.Value == nil {
		return "application/json"
	}
	if subjectByName(t.Value.Subject).Type == "PROTOBUF" {
		return "application/x-protobuf"
	}
	return "application/avro"
}

func subjectByName(name string) subjectSpec {
	for _, sp := range subjects {
		if sp.Subject == name {
			return sp
		}
	}
	panic("unknown subject " + name)
}

// avroEncode encodes the record schema's fields of an event in Avro binary. The events hold
// timestamps as RFC 3339 text and decimals as "123.45": those become time.Time and *big.Rat.
func avroEncode(schemaText string, fields map[string]any) ([]byte, error) {
	schema, err := avro.Parse(schemaText)
	if err != nil {
		return nil, err
	}
	rec, ok := schema.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("schema is %s, not a record", schema.Type())
	}
	datum := map[string]any{}
	for _, f := range rec.Fields() {
		v := fields[f.Name()]
		var logical avro.LogicalType
		if lt, ok := f.Type().(avro.LogicalTypeSchema); ok && lt.Logical() != nil {
			logical = lt.Logical().Type()
		}
		switch text, isText := v.(string); {
		case isText && logical == avro.TimestampMillis:
			at, err := time.Parse(time.RFC3339, text)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name(), err)
			}
			v = at
		case isText && logical == avro.Decimal:
			r, ok := new(big.Rat).SetString(text)
			if !ok {
				return nil, fmt.Errorf("field %s: %q is not a decimal", f.Name(), text)
			}
			v = r
		}
		datum[f.Name()] = v
	}
	return avro.Marshal(schema, datum)
}

// protoEncode encodes the events the Protobuf subjects of topics describe (protowire: the
// seed has no generated code).
func protoEncode(event string, fields map[string]any) ([]byte, error) {
	switch event {
	case "WarehouseTransfer": // com.acme.inventory.v1.TransferEvents.TransferStarted
		warehouse := func(code string) []byte {
			return protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), code)
		}
		var b []byte
		b = protowire.AppendString(protowire.AppendTag(b, 1, protowire.BytesType), fields["transferId"].(string))
		b = protowire.AppendString(protowire.AppendTag(b, 2, protowire.BytesType), fields["sku"].(string))
		b = protowire.AppendBytes(protowire.AppendTag(b, 3, protowire.BytesType), warehouse(fields["from"].(string)))
		b = protowire.AppendBytes(protowire.AppendTag(b, 4, protowire.BytesType), warehouse(fields["to"].(string)))
		b = protowire.AppendVarint(protowire.AppendTag(b, 5, protowire.VarintType), uint64(fields["quantity"].(int)))
		return b, nil
	}
	return nil, fmt.Errorf("no Protobuf encoding of %s events", event)
}

// checkRecords reads back the values of a topic framed in the wire format and compares them
// byte for byte with what the seed writes now: the schema id in them must be the registry's.
// Record i is at offset i / partitions of partition i % partitions.
func (s *seeder) checkRecords(ctx context.Context, t topicSpec) []string {
	if t.Value == nil || t.Records == 0 {
		return nil
	}
	parts := map[int32]kgo.Offset{}
	for p := int32(0); p < t.Partitions; p++ {
		parts[p] = kgo.NewOffset().AtStart()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.seeds...), kgo.ClientID("acme-seed-check"),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{t.Name: parts}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(200*time.Millisecond))
	if err != nil {
		return []string{err.Error()}
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var problems []string
	for read := 0; read < t.Records && len(problems) == 0; {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return []string{fmt.Sprintf("read %d of %d records: %v", read, t.Records, ctx.Err())}
		}
		for _, fe := range fs.Errors() {
			return []string{fmt.Sprintf("reading p%d: %v", fe.Partition, fe.Err)}
		}
		fs.EachRecord(func(r *kgo.Record) {
			read++
			i := int(r.Offset)*int(t.Partitions) + int(r.Partition)
			if i >= t.Records {
				problems = append(problems, fmt.Sprintf("p%d has a record at offset %d", r.Partition, r.Offset))
				return
			}
			_, fields, _ := event(t, i)
			want, err := s.encodeValue(ctx, t, fields)
			switch {
			case err != nil:
				problems = append(problems, err.Error())
			case !bytes.Equal(r.Value, want):
				problems = append(problems, fmt.Sprintf("p%d offset %d: value % x…, want % x… (%s v%d is id %d)",
					r.Partition, r.Offset, head(r.Value), head(want), t.Value.Subject, t.Value.Version, s.ids[fmt.Sprintf("%s/%d", t.Value.Subject, t.Value.Version)]))
			}
		})
	}
	return problems
}

func head(b []byte) []byte { return b[:min(len(b), 8)] }

// ------------------------------------------------------------------ transactions

// producer is a client that writes to the partitions records name, waits for all in-sync
// replicas and does not compress: what the estate's facts (sizes, offsets) assume.
func (s *seeder) producer(clientID string, opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(s.seeds...),
		kgo.ClientID(clientID),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	}, opts...)...)
}

// produceTransaction writes a topic's records in one committed transaction of a producer with
// the topic's transactional.id: a commit marker follows them on every partition.
func (s *seeder) produceTransaction(ctx context.Context, t topicSpec, recs []*kgo.Record) error {
	cl, err := s.producer(t.TransactionalID, kgo.TransactionalID(t.TransactionalID))
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := cl.BeginTransaction(); err != nil {
		return err
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		_ = cl.EndTransaction(ctx, kgo.TryAbort)
		return fmt.Errorf("transaction %s: %w", t.TransactionalID, err)
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		return fmt.Errorf("transaction %s: commit: %w", t.TransactionalID, err)
	}
	log.Printf("transaction %s: committed %d records to %s", t.TransactionalID, len(recs), t.Name)
	return nil
}

// checkTransaction: the topic's transactional id is known to its coordinator, its last
// transaction committed. (The coordinator forgets an id after transactional.id.expiration.ms,
// 7 days by default; the seed then writes the topic again.)
func (s *seeder) checkTransaction(ctx context.Context, t topicSpec) []string {
	if t.TransactionalID == "" {
		return nil
	}
	d, err := s.adm.DescribeTransactions(ctx, t.TransactionalID)
	if err != nil {
		return []string{fmt.Sprintf("transactional id %s: %v", t.TransactionalID, err)}
	}
	tx, ok := d[t.TransactionalID]
	switch {
	case !ok || errors.Is(tx.Err, kerr.TransactionalIDNotFound):
		return []string{fmt.Sprintf("transactional id %s unknown to its coordinator", t.TransactionalID)}
	case tx.Err != nil:
		return []string{fmt.Sprintf("transactional id %s: %v", t.TransactionalID, tx.Err)}
	case tx.State != "CompleteCommit":
		return []string{fmt.Sprintf("transactional id %s is %s, want CompleteCommit", t.TransactionalID, tx.State)}
	}
	return nil
}

// ------------------------------------------------------------------ ACLs

// seedACLs makes the ACLs of the seed's principals (aclPrincipalPrefix) those of the
// definition, on a cluster with an authorizer; without one it says so and does nothing.
func (s *seeder) seedACLs(ctx context.Context) error {
	live, enabled, err := s.ownedACLs(ctx)
	if err != nil || !enabled {
		if err == nil {
			log.Print("acls: the cluster has no authorizer (SECURITY_DISABLED): none written")
		}
		return err
	}
	var stale []aclSpec
	for _, a := range live {
		if s.reset || !slices.Contains(acls, a) {
			stale = append(stale, a)
		}
	}
	if err := s.deleteACLs(ctx, stale); err != nil {
		return err
	}
	var create []aclSpec
	for _, a := range acls {
		if s.reset || !slices.Contains(live, a) {
			create = append(create, a)
		}
	}
	log.Printf("acls: %d kept, %d deleted, %d to create", len(acls)-len(create), len(stale), len(create))
	if len(create) == 0 {
		return nil
	}
	req := kmsg.NewPtrCreateACLsRequest()
	for _, a := range create {
		c := kmsg.NewCreateACLsRequestCreation()
		c.ResourceType, c.ResourceName, c.ResourcePatternType = aclResource(a)
		c.Principal, c.Host = a.Principal, "*"
		c.Operation = aclOperation(a)
		c.PermissionType = kmsg.ACLPermissionTypeAllow
		req.Creations = append(req.Creations, c)
	}
	resp, err := req.RequestWith(ctx, s.kcl)
	if err != nil {
		return fmt.Errorf("create acls: %w", err)
	}
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return fmt.Errorf("create acl %+v: %w", create[i], err)
		}
	}
	// Each broker applies new ACLs when it replays their metadata records.
	return poll(ctx, 30*time.Second, func() (bool, error) {
		return len(s.checkACLs(ctx)) == 0, nil
	})
}

func (s *seeder) deleteACLs(ctx context.Context, del []aclSpec) error {
	if len(del) == 0 {
		return nil
	}
	req := kmsg.NewPtrDeleteACLsRequest()
	for _, a := range del {
		f := kmsg.NewDeleteACLsRequestFilter()
		var name string
		f.ResourceType, name, f.ResourcePatternType = aclResource(a)
		f.ResourceName = &name
		f.Principal, f.Host = kmsg.StringPtr(a.Principal), kmsg.StringPtr("*")
		f.Operation = aclOperation(a)
		f.PermissionType = kmsg.ACLPermissionTypeAllow
		req.Filters = append(req.Filters, f)
	}
	resp, err := req.RequestWith(ctx, s.kcl)
	if err != nil {
		return fmt.Errorf("delete acls: %w", err)
	}
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return fmt.Errorf("delete acl %+v: %w", del[i], err)
		}
	}
	return nil
}

// ownedACLs lists the cluster's ALLOW ACLs of the seed's principals; enabled is false when the
// cluster has no authorizer. An ACL the definition cannot express (another host, a DENY) is
// returned with an empty Operation, so that it differs from every definition.
func (s *seeder) ownedACLs(ctx context.Context) (out []aclSpec, enabled bool, err error) {
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	resp, err := req.RequestWith(ctx, s.kcl)
	if err != nil {
		return nil, false, fmt.Errorf("describe acls: %w", err)
	}
	switch err := kerr.ErrorForCode(resp.ErrorCode); {
	case errors.Is(err, kerr.SecurityDisabled):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("describe acls: %w", err)
	}
	for _, r := range resp.Resources {
		for _, e := range r.ACLs {
			if !strings.HasPrefix(e.Principal, aclPrincipalPrefix) {
				continue
			}
			a := aclSpec{Principal: e.Principal, Operation: e.Operation.String(), Resource: r.ResourceType.String(),
				Name: r.ResourceName, Prefixed: r.ResourcePatternType == kmsg.ACLResourcePatternTypePrefixed}
			if e.Host != "*" || e.PermissionType != kmsg.ACLPermissionTypeAllow {
				a.Operation = ""
			}
			out = append(out, a)
		}
	}
	return out, true, nil
}

// checkACLs compares the seed's principals' ACLs with the definition; nothing to compare
// without an authorizer.
func (s *seeder) checkACLs(ctx context.Context) []string {
	live, enabled, err := s.ownedACLs(ctx)
	if err != nil {
		return []string{err.Error()}
	}
	if !enabled {
		return nil
	}
	var problems []string
	for _, a := range acls {
		if !slices.Contains(live, a) {
			problems = append(problems, fmt.Sprintf("missing %s", a))
		}
	}
	for _, a := range live {
		if !slices.Contains(acls, a) {
			problems = append(problems, fmt.Sprintf("not in the definition: %s", a))
		}
	}
	return problems
}

func (a aclSpec) String() string {
	pattern := "LITERAL"
	if a.Prefixed {
		pattern = "PREFIXED"
	}
	return fmt.Sprintf("%s ALLOW %s on %s %s %q", a.Principal, a.Operation, pattern, a.Resource, a.Name)
}

func aclResource(a aclSpec) (kmsg.ACLResourceType, string, kmsg.ACLResourcePatternType) {
	rt, err := kmsg.ParseACLResourceType(a.Resource)
	if err != nil {
		panic(err)
	}
	pt := kmsg.ACLResourcePatternTypeLiteral
	if a.Prefixed {
		pt = kmsg.ACLResourcePatternTypePrefixed
	}
	return rt, a.Name, pt
}

func aclOperation(a aclSpec) kmsg.ACLOperation {
	op, err := kmsg.ParseACLOperation(a.Operation)
	if err != nil {
		panic(err)
	}
	return op
}

// printWriterFacts prints README.md's tables of framed values, writers and ACLs.
func printWriterFacts(w io.Writer) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Values in the Confluent wire format (keys stay plain strings)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| topic | subject | version | id on a fresh registry | message indexes | content-type |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for _, t := range topics {
		if t.Value == nil {
			continue
		}
		var idx []string
		for _, i := range t.Value.MessageIndexes {
			idx = append(idx, strconv.Itoa(i))
		}
		fmt.Fprintf(w, "| `%s` | `%s` | %d | %d | %s | `%s` |\n", t.Name, t.Value.Subject, t.Value.Version,
			freshID(t.Value.Subject, t.Value.Version), bracketed(idx), contentType(t))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Writers")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| topic | written by | end offset per partition |")
	fmt.Fprintln(w, "| --- | --- | --- |")
	for _, t := range topics {
		if t.TransactionalID == "" {
			continue
		}
		var ends []string
		for p := int32(0); p < t.Partitions; p++ {
			ends = append(ends, strconv.FormatInt(t.endOffset(p), 10))
		}
		fmt.Fprintf(w, "| `%s` | transactional.id `%s`, 1 committed transaction of all %d records (a commit marker ends each partition) | %s |\n",
			t.Name, t.TransactionalID, t.Records, strings.Join(ends, ", "))
	}
	fmt.Fprintln(w, "| every other topic with records | the seed's idempotent producer (one producer id, epoch 0, no transactional id) | = records per partition |")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### ACLs (only on a cluster with an authorizer; all ALLOW, host `*`)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| principal | operation | resource | pattern | name |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, a := range acls {
		pattern := "LITERAL"
		if a.Prefixed {
			pattern = "PREFIXED"
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | `%s` |\n", a.Principal, a.Operation, a.Resource, pattern, a.Name)
	}
}

func bracketed(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return "[" + strings.Join(xs, ", ") + "]"
}

// freshID is the id a fresh registry gives a subject version: ids count up in registration order.
func freshID(subject string, version int) int {
	id := 0
	for _, sp := range subjects {
		for v := range sp.Versions {
			id++
			if sp.Subject == subject && v+1 == version {
				return id
			}
		}
	}
	panic(fmt.Sprintf("no version %d of %s", version, subject))
}
