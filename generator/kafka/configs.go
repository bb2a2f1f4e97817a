package kafka

// Topic configs: DescribeConfigs in batches, keeping every config with its effective value and
// where that value comes from, so a topic page can tell its own overrides from inherited broker
// settings and Kafka's defaults. Broker configs keep only what differs from Kafka's defaults
// (brokers.go): a broker has hundreds of configs, and its defaults are Kafka's documentation, not
// facts about this cluster. Normalize sorts every config list by name.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Config sources as DescribeConfigs v1+ reports them (KIP-226), by their Java enum names.
const sourceDefault = 5

var sourceNames = map[int8]string{
	0: "UNKNOWN",
	1: "DYNAMIC_TOPIC_CONFIG",
	2: "DYNAMIC_BROKER_CONFIG",
	3: "DYNAMIC_DEFAULT_BROKER_CONFIG",
	4: "STATIC_BROKER_CONFIG",
	5: "DEFAULT_CONFIG",
	6: "DYNAMIC_BROKER_LOGGER_CONFIG",
	7: "CLIENT_METRICS_CONFIG",
	8: "GROUP_CONFIG",
}

// configs returns every config of each topic, defaults included. Sensitive values are blanked.
//
// Any broker describes any topic's configs, so the batches go to the brokers in turn, spreading
// the work (Kafka resolves each topic's ~35 configs afresh, by far the costliest request of a
// snapshot) over every broker's request threads. A batch whose broker fails goes to the next.
func (c *collector) configs(ctx context.Context, names []string, brokerIDs []int32) map[string][]snapshot.Config {
	if len(brokerIDs) == 0 {
		if len(names) > 0 {
			c.record("configs", "", "describe configs for %d topics: the metadata lists no broker to ask", len(names))
		}
		return nil
	}
	batches := chunks(names, c.o.configBatch)
	results := make([]map[string][]snapshot.Config, len(batches))
	c.each(ctx, len(batches), func(i int) {
		order := slices.Concat(brokerIDs[i%len(brokerIDs):], brokerIDs[:i%len(brokerIDs)])
		results[i] = c.describeConfigs(ctx, batches[i], order)
	})
	out := make(map[string][]snapshot.Config, len(names))
	for _, r := range results {
		for name, cfgs := range r {
			out[name] = cfgs
		}
	}
	return out
}

// describeConfigs asks the brokers, one after the other until one answers, for the configs of
// the topics in names.
func (c *collector) describeConfigs(ctx context.Context, names []string, brokers []int32) map[string][]snapshot.Config {
	var failures []string
	for _, id := range brokers {
		req := kmsg.NewPtrDescribeConfigsRequest()
		req.Resources = make([]kmsg.DescribeConfigsRequestResource, len(names))
		for i, name := range names {
			req.Resources[i] = kmsg.DescribeConfigsRequestResource{ResourceType: kmsg.ConfigResourceTypeTopic, ResourceName: name}
		}
		res := kmsg.NewPtrDescribeConfigsResponse()
		err := c.brokers.use(ctx, id, func(ctx context.Context, bc *brokerConn) error {
			return bc.kmsgExchange(ctx, req, res)
		})
		if err == nil {
			return c.topicConfigs(names, res)
		}
		failures = append(failures, err.Error())
		if ctx.Err() != nil {
			break
		}
	}
	c.record("configs", batchName(names), "describe configs for %d topics: %s", len(names), strings.Join(failures, "; "))
	return nil
}

// topicConfigs reads one DescribeConfigs answer for the topics in names, recording the topics
// it refused or left out.
func (c *collector) topicConfigs(names []string, res *kmsg.DescribeConfigsResponse) map[string][]snapshot.Config {
	out := make(map[string][]snapshot.Config, len(res.Resources))
	answered := make(map[string]bool, len(res.Resources))
	// Every topic repeats the same ~35 names and mostly the same values: one copy of each per
	// batch keeps a large estate's snapshot (10,000 topics × 35 configs) small in memory.
	strs := map[string]string{}
	intern := func(v string) string {
		if u, ok := strs[v]; ok {
			return u
		}
		strs[v] = v
		return v
	}
	var sorted nameOrder
	for _, r := range res.Resources {
		if r.ResourceType != kmsg.ConfigResourceTypeTopic {
			continue
		}
		answered[r.ResourceName] = true
		if r.ErrorCode != 0 {
			msg := ""
			if r.ErrorMessage != nil {
				msg = *r.ErrorMessage
			}
			c.record("configs", r.ResourceName, "describe configs for topic %q: %s", r.ResourceName, errorText(r.ErrorCode, msg))
			continue
		}
		cfgs := make([]snapshot.Config, len(r.Configs))
		for i, e := range r.Configs {
			var value string
			if e.Value != nil && !e.IsSensitive {
				value = intern(*e.Value)
			}
			cfgs[i] = configOf(intern(e.Name), value, int8(e.Source), e.IsDefault, e.IsSensitive)
		}
		sorted.sort(cfgs)
		out[r.ResourceName] = cfgs
	}
	for _, name := range names {
		if !answered[name] {
			c.record("configs", name, "describe configs: the broker did not answer for topic %q", name)
		}
	}
	return out
}

// nameOrder sorts config lists by name, as Normalize would, sorting each distinct sequence of
// names once: a broker lists every topic's configs in the same order, and sorting 2,000 topics ×
// ~35 configs one by one was a tenth of a snapshot's CPU.
type nameOrder struct {
	names []string // the sequence last sorted
	perm  []int    // perm[i]: where names[i] goes
	buf   []snapshot.Config
}

func (o *nameOrder) sort(cfgs []snapshot.Config) {
	if !o.same(cfgs) {
		o.names = o.names[:0]
		for _, c := range cfgs {
			o.names = append(o.names, c.Name)
		}
		idx := make([]int, len(cfgs))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(o.names[a], o.names[b]) })
		o.perm = make([]int, len(cfgs))
		for to, from := range idx {
			o.perm[from] = to
		}
	}
	o.buf = append(o.buf[:0], cfgs...)
	for from, to := range o.perm {
		cfgs[to] = o.buf[from]
	}
}

func (o *nameOrder) same(cfgs []snapshot.Config) bool {
	if len(cfgs) != len(o.names) || o.perm == nil {
		return false
	}
	for i, c := range cfgs {
		if c.Name != o.names[i] {
			return false
		}
	}
	return true
}

// configOf turns one DescribeConfigs entry into a snapshot config. A sensitive entry keeps its
// name but never its value.
func configOf(name, value string, source int8, isDefault, sensitive bool) snapshot.Config {
	if source == 0 && isDefault {
		// ConfigSource is absent (0) before DescribeConfigs v1, where IsDefault says it.
		source = sourceDefault
	}
	cfg := snapshot.Config{Name: name, Value: value, Source: sourceName(source)}
	if sensitive {
		cfg.Value, cfg.Sensitive = "", true
	}
	return cfg
}

// nonDefault is configOf for entries that do not hold Kafka's default, and false for those that do.
func nonDefault(name, value string, source int8, isDefault, sensitive bool) (snapshot.Config, bool) {
	cfg := configOf(name, value, source, isDefault, sensitive)
	return cfg, cfg.Source != sourceNames[sourceDefault]
}

func sourceName(s int8) string {
	if n, ok := sourceNames[s]; ok {
		return n
	}
	return fmt.Sprintf("SOURCE_%d", s)
}

// batchName names a batch of topics in an error: "orders … payments (100 topics)".
func batchName(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return fmt.Sprintf("%s … %s (%d topics)", names[0], names[len(names)-1], len(names))
}
