package kafka

// Topics deleted while the snapshot is taken. The metadata lists a topic; a request a moment
// later (DescribeConfigs, ListOffsets, DescribeProducers, OffsetFetch) answers that it does not
// exist. Another team deleting a topic during the nightly run is not a cluster kdocs could not
// read: if a second metadata request confirms the topic is gone, the snapshot describes the
// cluster without it, as the next snapshot will, and those answers are not errors.

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

const (
	errUnknownTopicOrPartition = 3
	errUnknownTopicID          = 100
)

var (
	unknownTopicTexts = []string{kafkaError(errUnknownTopicOrPartition), kafkaError(errUnknownTopicID)}
	quotedTopic       = regexp.MustCompile(`topic ("(?:[^"\\]|\\.)*")`)
)

func saysUnknownTopic(msg string) bool {
	return slices.ContainsFunc(unknownTopicTexts, func(t string) bool { return strings.Contains(msg, t) })
}

// topicsOfError are the snapshot topics an error is about: its resource, and the topics its
// message quotes.
func topicsOfError(e snapshot.Error, exists map[string]bool) []string {
	var out []string
	if exists[e.Resource] {
		out = append(out, e.Resource)
	}
	for _, m := range quotedTopic.FindAllStringSubmatch(e.Message, -1) {
		if name, err := strconv.Unquote(m[1]); err == nil && exists[name] && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// dropVanished removes from s the topics that the cluster said were unknown after its first
// metadata answer and that a new metadata request no longer lists, with the errors about them.
// When no broker answers that request, nothing is dropped: the errors stay, true as they are.
func (c *collector) dropVanished(ctx context.Context, s *snapshot.Snapshot, brokerIDs []int32) {
	exists := make(map[string]bool, len(s.Topics))
	for _, t := range s.Topics {
		exists[t.Name] = true
	}
	suspects := map[string]bool{}
	for _, e := range c.errs {
		if saysUnknownTopic(e.Message) {
			for _, t := range topicsOfError(e, exists) {
				suspects[t] = true
			}
		}
	}
	if len(suspects) == 0 {
		return
	}
	gone := c.gone(ctx, slices.Sorted(maps.Keys(suspects)), brokerIDs)
	if len(gone) == 0 {
		return
	}
	s.Topics = slices.DeleteFunc(s.Topics, func(t snapshot.Topic) bool { return gone[t.Name] })
	c.errs = slices.DeleteFunc(c.errs, func(e snapshot.Error) bool {
		if !saysUnknownTopic(e.Message) {
			return false
		}
		ts := topicsOfError(e, exists)
		return len(ts) > 0 && !slices.ContainsFunc(ts, func(t string) bool { return !gone[t] })
	})
	if sm := s.Samples; sm != nil {
		sm.Topics = slices.DeleteFunc(sm.Topics, func(t snapshot.TopicSample) bool { return gone[t.Topic] })
	}
	if p := s.Producers; p != nil {
		p.Topics = slices.DeleteFunc(p.Topics, func(t snapshot.TopicProducers) bool { return gone[t.Topic] })
	}
	for i := range s.Groups {
		g := &s.Groups[i]
		g.Offsets = slices.DeleteFunc(g.Offsets, func(o snapshot.GroupOffset) bool { return gone[o.Topic] })
	}
}

// gone asks the brokers, one after the other until one answers, which of topics no longer exist.
func (c *collector) gone(ctx context.Context, topics []string, brokerIDs []int32) map[string]bool {
	for _, id := range brokerIDs {
		req, res := kmsg.NewPtrMetadataRequest(), kmsg.NewPtrMetadataResponse()
		for _, t := range topics {
			rt := kmsg.NewMetadataRequestTopic()
			rt.Topic = kmsg.StringPtr(t)
			req.Topics = append(req.Topics, rt)
		}
		err := c.brokers.use(ctx, id, func(ctx context.Context, bc *brokerConn) error { return bc.kmsgExchange(ctx, req, res) })
		if err != nil {
			continue
		}
		out := map[string]bool{}
		for _, t := range res.Topics {
			if t.Topic != nil && t.ErrorCode == errUnknownTopicOrPartition {
				out[*t.Topic] = true
			}
		}
		return out
	}
	return nil
}
