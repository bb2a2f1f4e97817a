package kafka

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// TestTopicConfigsSpreadAndFailOver: topic config batches go to every broker in turn, and a
// batch whose broker fails is answered by the next one, so one broken broker costs no topic
// configs (only its own broker configs).
func TestTopicConfigsSpreadAndFailOver(t *testing.T) {
	var topics []fakeTopic
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		topics = append(topics, fakeTopic{name: name, partitions: 1, configs: map[string]string{"retention.ms": "1000"}})
	}
	f := newFake(t, topics...)

	var mu sync.Mutex
	asked := map[int32]int{} // topic batches each broker was asked for
	f.cluster.ControlKey(int16(kmsg.DescribeConfigs), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		req := kr.(*kmsg.DescribeConfigsRequest)
		node := f.cluster.CurrentNode()
		if req.Resources[0].ResourceType == kmsg.ConfigResourceTypeTopic {
			mu.Lock()
			asked[node]++
			mu.Unlock()
		}
		if node == 1 {
			return nil, errors.New("broker 1 is broken"), true // kfake closes the connection
		}
		return nil, nil, false
	})

	o := defaultOptions()
	o.configBatch = 2 // 3 batches, one for each broker first
	s, err := collect(context.Background(), f.config("fake"), o)
	require.NoError(t, err)

	for _, tp := range s.Topics {
		assert.Contains(t, tp.Configs, snapshot.Config{Name: "retention.ms", Value: "1000", Source: "DYNAMIC_TOPIC_CONFIG"}, tp.Name)
	}
	for _, e := range s.Errors {
		assert.NotEqual(t, "configs", e.Scope, "no topic config is lost: %v", e)
	}
	assert.True(t, slicesContain(s.Errors, "brokers", "describe configs of broker 1"), "%v", s.Errors)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[int32]int{0: 1, 1: 1, 2: 2}, asked, "one batch each, and broker 1's again to the next one, broker 2")
}

func slicesContain(errs []snapshot.Error, scope, fragment string) bool {
	for _, e := range errs {
		if e.Scope == scope && strings.Contains(e.Message, fragment) {
			return true
		}
	}
	return false
}
