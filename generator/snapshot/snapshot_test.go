package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is deliberately out of order everywhere, as brokers may answer.
func sample() *Snapshot {
	return &Snapshot{
		Format:       Format,
		KdocsVersion: "test",
		TakenAt:      time.Date(2026, 11, 26, 23, 0, 0, 0, time.FixedZone("CET", 3600)),
		Cluster: Cluster{Name: "prod", Environment: "prod", ID: "abc", ControllerID: 2,
			Brokers: []Broker{{ID: 3, Host: "b3", Port: 9094}, {ID: 1, Host: "b1", Port: 9092, Rack: "a"}}},
		Topics: []Topic{
			{Name: "payments", ReplicationFactor: 3, Partitions: []Partition{
				{ID: 1, Leader: 3, Replicas: []int32{3, 1, 2}, ISR: []int32{2, 3, 1}, LatestOffset: 7},
				{ID: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{3, 1}, LatestOffset: 5},
			}, Configs: []Config{{Name: "retention.ms", Value: "1", Source: "DYNAMIC_TOPIC_CONFIG"}, {Name: "cleanup.policy", Value: "compact", Source: "DYNAMIC_TOPIC_CONFIG"}, {Name: "segment.bytes", Value: "1073741824", Source: "DEFAULT_CONFIG"}}},
			{Name: "orders <&>", Partitions: []Partition{{ID: 0}}},
		},
		Groups: []Group{{ID: "g", State: "Empty", TotalLag: 3, Offsets: []GroupOffset{
			{Topic: "payments", Partition: 1, Committed: 5, LatestOffset: 7, Lag: 2},
			{Topic: "payments", Partition: 0, Committed: 4, LatestOffset: 5, Lag: 1},
		}}},
		Registry: &Registry{URL: "http://r", Subjects: []Subject{
			{Name: "payments-value", Versions: []SchemaVersion{{Version: 2, ID: 9, Type: "AVRO", Schema: `{"type":"string"}`,
				Verdict: &Verdict{Against: 1, Level: "BACKWARD", Status: VerdictUnavailable, Reason: "version 1 is soft-deleted"}}, {Version: 1, ID: 4, Type: "AVRO", Schema: `"int"`, Deleted: true}}},
		}},
		Errors: []Error{{Scope: "groups", Message: "b"}, {Scope: "configs", Resource: "x", Message: "a"}},
	}
}

func TestEncodeIsCanonical(t *testing.T) {
	got, err := Encode(sample())
	require.NoError(t, err)
	golden := filepath.Join("testdata", "sample.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	// Shuffled input, same state: identical bytes.
	s := sample()
	s.Topics[0], s.Topics[1] = s.Topics[1], s.Topics[0]
	s.Cluster.Brokers[0], s.Cluster.Brokers[1] = s.Cluster.Brokers[1], s.Cluster.Brokers[0]
	again, err := Encode(s)
	require.NoError(t, err)
	assert.Equal(t, got, again)
}

func TestNormalizeKeepsReplicaOrder(t *testing.T) {
	s := sample()
	s.Normalize()
	p := s.Topic("payments").Partitions[1]
	assert.Equal(t, []int32{3, 1, 2}, p.Replicas, "the first replica is the preferred leader; its order is data")
	assert.Equal(t, []int32{1, 2, 3}, p.ISR)
	assert.Equal(t, time.UTC, s.TakenAt.Location())
	assert.Equal(t, "payments-value", s.Subject("payments-value").Name)
	assert.Equal(t, 2, s.Subject("payments-value").Latest().Version)
	assert.Nil(t, s.Subject("nope"))
	assert.Equal(t, int64(3), s.Group("g").TotalLag)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "prod.json")
	require.NoError(t, Save(path, sample()))
	got, err := Load(path)
	require.NoError(t, err)
	want := sample()
	want.Normalize()
	assert.Equal(t, want, got)
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestFailedSaveLeavesNoTrace(t *testing.T) {
	// A directory where the file should go makes the final rename fail after the data was
	// written: whatever stood there must survive, and no temporary file may remain.
	dir := t.TempDir()
	path := filepath.Join(dir, "prod.json")
	require.NoError(t, os.MkdirAll(filepath.Join(path, "keep"), 0o755))
	err := Save(path, sample())
	require.ErrorContains(t, err, "replace snapshot "+path)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.True(t, entries[0].IsDir())
	_, err = os.Stat(filepath.Join(path, "keep"))
	assert.NoError(t, err)
}

func TestDecodeRejectsOtherFormats(t *testing.T) {
	_, err := Decode([]byte(`{"format":"kdocs.snapshot/v0","topics":[]}`))
	assert.EqualError(t, err, `snapshot format "kdocs.snapshot/v0" is not supported by this kdocs (it reads "kdocs.snapshot/v1")`)
	_, err = Decode([]byte(`{"topics":[]}`))
	assert.EqualError(t, err, `not a kdocs snapshot: no "format" field (want "kdocs.snapshot/v1")`)
	_, err = Decode([]byte(`[1,2`))
	assert.ErrorContains(t, err, "not a kdocs snapshot")
	_, err = Decode([]byte(`{"format":"kdocs.snapshot/v1","colour":1}`))
	assert.ErrorContains(t, err, `unknown field "colour"`)

	path := filepath.Join(t.TempDir(), "x.json")
	require.NoError(t, os.WriteFile(path, []byte(`{}`), 0o644))
	_, err = Load(path)
	assert.ErrorContains(t, err, "snapshot "+path+": ")
}

// TestDecodeSaysWhere: a damaged snapshot's error gives the line and column, and the path of
// the member, of what is wrong, and names the field that is unknown or repeated.
func TestDecodeSaysWhere(t *testing.T) {
	head := `{"format":"kdocs.snapshot/v1","kdocsVersion":"x","takenAt":"2026-01-01T00:00:00Z",` + "\n"
	for name, c := range map[string]struct{ in, want string }{
		"wrong type": {head + `"topics":[{"name":"x","partitions":"six"}]}`,
			`decode snapshot: line 2, column 36 (at /topics/0/partitions): a string cannot be read into []snapshot.Partition`},
		"repeated field": {head + `"topics":[{"name":"x","name":"y"}]}`,
			`decode snapshot: line 2, column 23 (at /topics/0/name): duplicate field "name"`},
		"unknown field": {head + "\n" + `"topics":[{"name":"x","Partitions":[]}]}`,
			`decode snapshot: line 3, column 23 (at /topics/0/Partitions): unknown field "Partitions"`},
		"syntax":    {head + `"topics":[,]}`, `decode snapshot: line 2, column 11 (at /topics): invalid character ',' at start of value`},
		"trailing":  {head + `"topics":[]} {}`, `decode snapshot: line 2, column 14: invalid character '{' after top-level value`},
		"cut short": {head + `"topics":[`, `decode snapshot: line 2, column 11 (at /topics): unexpected EOF`},
		"bad time":  {`{"format":"kdocs.snapshot/v1","takenAt":"yesterday"}`, `decode snapshot: line 1, column 41 (at /takenAt): parsing time "yesterday"`},
		"bad UTF-8": {"{\"format\":\"kdocs.snapshot/v1\",\"kdocsVersion\":\"\xff\"}", `decode snapshot: line 1, column 47 (at /kdocsVersion): invalid UTF-8`},
		"empty":     {" \n", `not a kdocs snapshot: the file is empty`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(c.in))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), c.want), "got %q", err)
		})
	}
}

// TestNormalizeSortsBrokerDetailsACLsAndQuotas: the lists added for broker configs, log dirs,
// ACLs and quotas have a canonical order too, and shuffled input encodes to the same bytes.
func TestNormalizeSortsBrokerDetailsACLsAndQuotas(t *testing.T) {
	size := int64(42)
	build := func(reverse bool) *Snapshot {
		s := sample()
		s.Cluster.ExpectedBrokers = 3
		b := &s.Cluster.Brokers[0]
		b.Configs = []Config{{Name: "num.io.threads", Value: "8", Source: "STATIC_BROKER_CONFIG"}, {Name: "log.dirs", Value: "/d", Source: "STATIC_BROKER_CONFIG"}}
		b.LogDirs = []LogDir{{Path: "/z", SizeBytes: 1}, {Path: "/a", Error: "KafkaStorageException"}}
		s.Topics[0].SizeBytes = &size
		s.Topics[0].Partitions[0].SizeBytes = &size
		s.ACLs = &ACLSection{Available: true, Entries: []ACL{
			{ResourceType: "TOPIC", ResourceName: "payments", PatternType: "LITERAL", Principal: "User:b", Host: "*", Operation: "READ", Permission: "ALLOW"},
			{ResourceType: "GROUP", ResourceName: "g", PatternType: "PREFIXED", Principal: "User:a", Host: "*", Operation: "READ", Permission: "ALLOW"},
		}}
		s.Quotas = &QuotaSection{Available: true, Entries: []Quota{
			{Entity: []QuotaEntity{{Type: "user", Name: "alice"}, {Type: "client-id", Default: true}}, Values: []QuotaValue{{Key: "producer_byte_rate", Value: 1024}, {Key: "consumer_byte_rate", Value: 2048}}},
			{Entity: []QuotaEntity{{Type: "client-id", Name: "etl"}}, Values: []QuotaValue{{Key: "request_percentage", Value: 50}}},
		}}
		if reverse {
			slices.Reverse(b.Configs)
			slices.Reverse(b.LogDirs)
			slices.Reverse(s.ACLs.Entries)
			slices.Reverse(s.Quotas.Entries)
			slices.Reverse(s.Quotas.Entries[0].Entity)
			slices.Reverse(s.Quotas.Entries[0].Values)
		}
		return s
	}
	s := build(false)
	s.Normalize()
	b := s.Cluster.Brokers[1] // broker 3 sorts after broker 1
	assert.Equal(t, []string{"log.dirs", "num.io.threads"}, []string{b.Configs[0].Name, b.Configs[1].Name})
	assert.Equal(t, []string{"/a", "/z"}, []string{b.LogDirs[0].Path, b.LogDirs[1].Path})
	assert.Equal(t, "GROUP", s.ACLs.Entries[0].ResourceType)
	// The default client-id entity sorts before the named one.
	assert.Equal(t, []QuotaEntity{{Type: "client-id", Default: true}, {Type: "user", Name: "alice"}}, s.Quotas.Entries[0].Entity)
	assert.Equal(t, "consumer_byte_rate", s.Quotas.Entries[0].Values[0].Key)
	assert.Equal(t, "etl", s.Quotas.Entries[1].Entity[0].Name)
	assert.Equal(t, int32(1), s.Topic("payments").Partitions[0].PreferredLeader())
	assert.Equal(t, int32(-1), Partition{}.PreferredLeader())

	a, err := Encode(build(false))
	require.NoError(t, err)
	c, err := Encode(build(true))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(c))
	for _, key := range []string{`"expectedBrokers": 3`, `"logDirs"`, `"sizeBytes": 42`, `"acls"`, `"quotas"`} {
		assert.Contains(t, string(a), key)
	}
	back, err := Decode(a)
	require.NoError(t, err)
	assert.Equal(t, s.Quotas, back.Quotas)
}

// TestIndenterTakesAnyCut: the encoder hands the indenter its output in pieces of any length,
// cut inside strings, escapes and tokens; the result is json.Indent's whatever the cuts.
func TestIndenterTakesAnyCut(t *testing.T) {
	doc := []byte(`{"a":"x\\\"y,{}[]:\\","b":[],"c":{},"d":[1,{"e":"\\\\"},[[]],-2.5e3,true,null],"f":"\u00e9"}` + "\n")
	var want bytes.Buffer
	require.NoError(t, json.Indent(&want, doc, "", "  "))
	for size := 1; size <= len(doc); size++ {
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		x := &indenter{w: bw}
		for i := 0; i < len(doc); i += size {
			_, _ = x.Write(doc[i:min(i+size, len(doc))])
		}
		require.NoError(t, bw.Flush())
		require.Equal(t, want.String(), got.String(), "pieces of %d bytes", size)
	}
}
