package registry

// Listing subjects across schema contexts. Confluent (7.x and later) and AxonOps list the
// contexts at GET /contexts ("." is the default one); older registries answer 404 there, which
// means "only the default context". A context's subjects are read at
// /contexts/{ctx}/subjects (AxonOps; unqualified names) or, where that path is unknown, with
// /subjects?subjectPrefix=:{ctx}: (Confluent; qualified names). Either way a subject outside
// the default context is kept under its qualified name, ":.ctx:name", which every per-subject
// path of the API accepts.

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// subjectNames lists every subject of every context, soft-deleted ones included, sorted. It
// fails only when the default context cannot be listed; a context that cannot be listed is
// recorded and skipped.
func (c *collector) subjectNames(ctx context.Context) ([]string, error) {
	names, err := c.sr.GetSubjectsIncludingDeleted()
	if err != nil {
		return nil, c.fail("list subjects", err)
	}

	var contexts []string
	switch err := c.get(ctx, "/contexts", &contexts); {
	case isNotFound(err):
		// A registry without contexts.
	case err != nil:
		c.record(c.fail("list contexts", err))
	}
	for _, cx := range contexts {
		if cx == "." || cx == "" {
			continue
		}
		var in []string
		err := c.get(ctx, "/contexts/"+url.PathEscape(cx)+"/subjects?deleted=true", &in)
		if isNotFound(err) {
			err = c.get(ctx, "/subjects?deleted=true&subjectPrefix="+url.QueryEscape(":"+cx+":"), &in)
		}
		if err != nil {
			c.record(c.fail(fmt.Sprintf("list subjects of context %q", cx), err))
			continue
		}
		for _, name := range in {
			if !strings.HasPrefix(name, ":") {
				name = ":" + cx + ":" + name
			}
			names = append(names, name)
		}
	}
	// A registry that lists every context at /subjects names those subjects twice.
	slices.Sort(names)
	return slices.Compact(names), nil
}
