package kafka

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A topic deleted while the snapshot is taken (DescribeConfigs answers it is unknown, and a new
// metadata request confirms it) is left out, without errors. A topic a broker calls unknown that
// the metadata still lists keeps its error: that is a broker out of step, not a deletion.
func TestTopicDeletedDuringTheSnapshotIsLeftOut(t *testing.T) {
	f := newFake(t,
		fakeTopic{name: "kept", partitions: 1, perPart: 1},
		fakeTopic{name: "doomed", partitions: 2, perPart: 1},
		fakeTopic{name: "stale", partitions: 1, perPart: 1},
	)
	f.cluster.ControlKey(int16(kmsg.DescribeConfigs), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.DescribeConfigsRequest)
		if len(req.Resources) == 0 || req.Resources[0].ResourceType != kmsg.ConfigResourceTypeTopic {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.DescribeConfigsResponse)
		for _, rr := range req.Resources {
			r := kmsg.NewDescribeConfigsResponseResource()
			r.ResourceType, r.ResourceName = rr.ResourceType, rr.ResourceName
			if rr.ResourceName == "doomed" || rr.ResourceName == "stale" {
				r.ErrorCode = errUnknownTopicOrPartition
			}
			resp.Resources = append(resp.Resources, r)
		}
		return resp, nil, true
	})
	// The second look: a metadata request naming topics answers that doomed is gone.
	f.cluster.ControlKey(int16(kmsg.Metadata), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.MetadataRequest)
		if req.Topics == nil || len(req.Topics) == 0 {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		for _, rt := range req.Topics {
			mt := kmsg.NewMetadataResponseTopic()
			mt.Topic = rt.Topic
			if *rt.Topic == "doomed" {
				mt.ErrorCode = errUnknownTopicOrPartition
			}
			resp.Topics = append(resp.Topics, mt)
		}
		return resp, nil, true
	})

	s, err := Collect(context.Background(), f.config("fake"))
	require.NoError(t, err)
	assert.Nil(t, s.Topic("doomed"), "the deleted topic is not described")
	assert.NotNil(t, s.Topic("kept"))
	require.NotNil(t, s.Topic("stale"))
	require.Len(t, s.Errors, 1, "%+v", s.Errors)
	assert.Equal(t, "stale", s.Errors[0].Resource)
	assert.Contains(t, s.Errors[0].Message, "Unknown Topic Or Partition")
}
