package kafka

// Answers that list topics in another order than asked, or leave a partition out: ListOffsets and
// DescribeProducers match each answered partition to the one asked for (their results are kept
// by position, not in maps), and a partition left out is recorded, not read as offset 0.

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

func TestAnswersOutOfOrderOrIncomplete(t *testing.T) {
	// Six partitions per topic on three brokers: every leader leads partitions of both topics.
	f := newFake(t, fakeTopic{name: "orders", partitions: 6, perPart: 2}, fakeTopic{name: "payments", partitions: 6, perPart: 2})
	skipped := map[string]topicPartition{
		"ListOffsets":       {"orders", 1},
		"DescribeProducers": {"payments", 0},
	}
	f.cluster.ControlKey(int16(kmsg.ListOffsets), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.ListOffsetsRequest)
		resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
		for _, rt := range slices.Backward(req.Topics) {
			t := kmsg.NewListOffsetsResponseTopic()
			t.Topic = rt.Topic
			for _, rp := range slices.Backward(rt.Partitions) {
				if (topicPartition{rt.Topic, rp.Partition}) == skipped["ListOffsets"] {
					continue
				}
				p := kmsg.NewListOffsetsResponseTopicPartition()
				p.Partition, p.Offset = rp.Partition, 0
				if rp.Timestamp == latestTimestamp {
					p.Offset = 2
				}
				t.Partitions = append(t.Partitions, p)
			}
			resp.Topics = append(resp.Topics, t)
		}
		return resp, nil, true
	})
	f.cluster.ControlKey(int16(kmsg.DescribeProducers), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.DescribeProducersRequest)
		resp := req.ResponseKind().(*kmsg.DescribeProducersResponse)
		for _, rt := range slices.Backward(req.Topics) {
			t := kmsg.NewDescribeProducersResponseTopic()
			t.Topic = rt.Topic
			for _, p := range slices.Backward(rt.Partitions) {
				if (topicPartition{rt.Topic, p}) == skipped["DescribeProducers"] {
					continue
				}
				rp := kmsg.NewDescribeProducersResponseTopicPartition()
				rp.Partition = p
				t.Partitions = append(t.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, t)
		}
		return resp, nil, true
	})

	s, err := Collect(context.Background(), f.config("fake"))
	require.NoError(t, err)
	leader := func(topic string, partition int32) int32 { return s.Topic(topic).Partitions[partition].Leader }
	assert.ElementsMatch(t, []snapshot.Error{
		{Scope: "offsets", Resource: "orders", Message: fmt.Sprintf(`list earliest offsets of topic "orders", partition 1: broker %d did not answer for it`, leader("orders", 1))},
		{Scope: "offsets", Resource: "orders", Message: fmt.Sprintf(`list latest offsets of topic "orders", partition 1: broker %d did not answer for it`, leader("orders", 1))},
		{Scope: "producers", Resource: "payments", Message: fmt.Sprintf(`describe the producers of topic "payments", partition 0: broker %d did not answer for it`, leader("payments", 0))},
	}, s.Errors)
	for _, topic := range []string{"orders", "payments"} {
		for _, p := range s.Topic(topic).Partitions {
			if topic == "orders" && p.ID == 1 {
				continue
			}
			assert.Equal(t, int64(0), p.EarliestOffset, "%s %d", topic, p.ID)
			assert.Equal(t, int64(2), p.LatestOffset, "%s %d", topic, p.ID)
		}
	}
	assert.Equal(t, int64(0), s.Topic("orders").Partitions[1].LatestOffset, "left out: not read")
}
