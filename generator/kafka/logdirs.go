package kafka

// The DescribeLogDirs message. kafka-go v0.4.51 knows the API key (35) but has no message for it,
// so it is declared here the way kafka-go declares its own (protocol/describeacls and the like):
// a struct per request and response whose `kafka` tags give each field's versions, registered
// with protocol.Register. kafka-go's reflection then encodes, decodes and negotiates versions for
// it as for any of its messages; no wire format is written by hand.
//
// The fields follow Kafka's DescribeLogDirsRequest.json and DescribeLogDirsResponse.json:
// versions 0–4, flexible from v2; Kafka 4 accepts v1–v4 (KIP-896 removed v0).

import "github.com/segmentio/kafka-go/protocol"

func init() {
	// Registered unconditionally: the broker pool decodes answers into these types, so they
	// must win even if a later kafka-go registered its own.
	protocol.Register(&logDirsRequest{}, &logDirsResponse{})
}

type logDirsRequest struct {
	// A tagged field marks v2+ as flexible, as in kafka-go's own messages.
	_ struct{} `kafka:"min=v2,max=v4,tag"`

	// Topics nil (encoded as null) asks for every replica.
	Topics []logDirsRequestTopic `kafka:"min=v0,max=v4,nullable"`
}

func (r *logDirsRequest) ApiKey() protocol.ApiKey { return protocol.DescribeLogDirs }

type logDirsRequestTopic struct {
	_ struct{} `kafka:"min=v2,max=v4,tag"`

	Topic      string  `kafka:"min=v0,max=v4"`
	Partitions []int32 `kafka:"min=v0,max=v4"`
}

type logDirsResponse struct {
	_ struct{} `kafka:"min=v2,max=v4,tag"`

	ThrottleTimeMs int32           `kafka:"min=v0,max=v4"`
	ErrorCode      int16           `kafka:"min=v3,max=v4"`
	Results        []logDirsResult `kafka:"min=v0,max=v4"`
}

func (r *logDirsResponse) ApiKey() protocol.ApiKey { return protocol.DescribeLogDirs }

type logDirsResult struct {
	_ struct{} `kafka:"min=v2,max=v4,tag"`

	ErrorCode int16          `kafka:"min=v0,max=v4"`
	LogDir    string         `kafka:"min=v0,max=v4"`
	Topics    []logDirsTopic `kafka:"min=v0,max=v4"`
	// The volume's size and free space (v4); read but not kept: they change with every write
	// to the disk, and a snapshot of the same cluster state must not.
	TotalBytes  int64 `kafka:"min=v4,max=v4"`
	UsableBytes int64 `kafka:"min=v4,max=v4"`
}

type logDirsTopic struct {
	_ struct{} `kafka:"min=v2,max=v4,tag"`

	Name       string             `kafka:"min=v0,max=v4"`
	Partitions []logDirsPartition `kafka:"min=v0,max=v4"`
}

type logDirsPartition struct {
	_ struct{} `kafka:"min=v2,max=v4,tag"`

	PartitionIndex int32 `kafka:"min=v0,max=v4"`
	PartitionSize  int64 `kafka:"min=v0,max=v4"`
	OffsetLag      int64 `kafka:"min=v0,max=v4"`
	// IsFutureKey marks a future replica: the copy being made while the replica moves to
	// another log dir of the same broker.
	IsFutureKey bool `kafka:"min=v0,max=v4"`
}
