package synth

// Profiles: whole estates of several clusters, written as a site (snapshots and a site.yaml
// that annotates some of the topics) for the build benchmarks and the scale tests.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

// Profile is an estate of one or more clusters of the same shape.
type Profile struct {
	Name     string
	Clusters []Options
	// AnnotateEvery annotates one topic in that many in site.yaml (0: none).
	AnnotateEvery int
}

// Scale returns the profile of n topics in all, split evenly over two clusters, east and west,
// in the proportions of the 100k estate: 6 partitions a topic, one consumer group for every two
// topics, one value subject of three versions for every five, annotations on 5% of topics.
// Scale(100_000) is the 100k profile: 600,000 partitions, 50,000 groups, 20,000 subjects.
func Scale(n int) Profile {
	half := max(1, n/2)
	p := Profile{Name: fmt.Sprintf("scale-%d", n), AnnotateEvery: 20}
	for _, c := range []string{"east", "west"} {
		p.Clusters = append(p.Clusters, Options{Cluster: c, Topics: half, Partitions: 6, Brokers: 3,
			SubjectEvery: 5, GroupEvery: 2, Versions: 3})
	}
	return p
}

// Profile100k is the estate of issues 15 and 20.
func Profile100k() Profile { return Scale(100_000) }

// Totals counts what the profile holds.
func (p Profile) Totals() (topics, partitions, groups, subjects, versions int) {
	for _, o := range p.Clusters {
		o = o.withDefaults()
		topics += o.Topics
		partitions += o.Topics * o.Partitions
		groups += (o.Topics + o.GroupEvery - 1) / o.GroupEvery
		s := (o.Topics + o.SubjectEvery - 1) / o.SubjectEvery
		subjects += s
		versions += s * o.Versions
	}
	return
}

// WriteSite writes the profile into dir as a site the build reads: <cluster>.json for each
// cluster and site.yaml, whose output is out. It returns site.yaml's path. One cluster's
// snapshot is made, written and dropped at a time, so the writer holds one at most.
func (p Profile) WriteSite(dir, out string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var y strings.Builder
	fmt.Fprintf(&y, "title: %s\noutput: %s\nclusters:\n", strconv.Quote("Synthetic estate "+p.Name), strconv.Quote(out))
	for _, o := range p.Clusters {
		s := Estate(o)
		file := s.Cluster.Name + ".json"
		if err := writeSnapshot(filepath.Join(dir, file), s); err != nil {
			return "", err
		}
		fmt.Fprintf(&y, "  - name: %s\n    snapshot: %s\n", s.Cluster.Name, file)
		if p.AnnotateEvery > 0 {
			y.WriteString("    annotations:\n      topics:\n")
			for i, t := range s.Topics {
				if i%p.AnnotateEvery == 0 {
					team := "team-" + strings.SplitN(t.Name, ".", 2)[0]
					fmt.Fprintf(&y, "        %s: {owner: %s, team: %s, description: %s, tags: [synthetic, tier-%d]}\n",
						strconv.Quote(t.Name), team, team, strconv.Quote("Synthetic topic "+t.Name+", annotated in site.yaml."), 1+i%3)
				}
			}
		}
	}
	path := filepath.Join(dir, "site.yaml")
	return path, os.WriteFile(path, []byte(y.String()), 0o644)
}

func writeSnapshot(path string, s *snapshot.Snapshot) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return snapshot.Write(f, s)
}
