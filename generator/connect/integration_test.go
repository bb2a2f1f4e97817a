package connect_test

// Against the real workers of scripts/connect.sh (one beside the main cluster with the file
// connectors, one beside acme-dr running MirrorMaker 2 from the main cluster): every connector,
// task state and topic as Connect's own REST tells them, the secrets redacted, MirrorMaker 2's
// flow really replicating topics and a group's offsets, and the seeded secret nowhere in a
// snapshot, a page or a log.

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/collect"
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/connect"
	"github.com/kdocs/kdocs/generator/health"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/pdf"
	"github.com/kdocs/kdocs/generator/pipeline"
	"github.com/kdocs/kdocs/generator/snapshot"
	"github.com/kdocs/kdocs/internal/testenv"
)

func connectConfig(e testenv.ConnectEnv) config.Connect {
	return config.Connect{Name: "main-connect", URL: e.URL, Username: e.Username, Password: e.Password,
		Timeout: config.Duration(10 * time.Second), Concurrency: 4}
}

// mirrorConfig is the worker beside MirrorMaker 2's target that runs its connectors.
func mirrorConfig(e testenv.ConnectEnv) config.Connect {
	c := connectConfig(e)
	c.Name, c.URL = "dr-connect", e.MirrorURL
	return c
}

// rest asks the main worker directly, as the reference the collector is checked against.
func rest(t *testing.T, e testenv.ConnectEnv, path string, out any) {
	t.Helper()
	restAt(t, e, e.URL, path, out)
}

// restAt asks the worker at base directly.
func restAt(t *testing.T, e testenv.ConnectEnv, base, path string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth(e.Username, e.Password)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, path)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

func connector(t *testing.T, cc *snapshot.ConnectCluster, name string) *snapshot.Connector {
	t.Helper()
	for i := range cc.Connectors {
		if cc.Connectors[i].Name == name {
			return &cc.Connectors[i]
		}
	}
	require.Failf(t, "connector missing", "no connector %q in %s", name, cc.Name)
	return nil
}

func configValue(k *snapshot.Connector, key string) (snapshot.ConnectorConfig, bool) {
	for _, c := range k.Config {
		if c.Name == key {
			return c, true
		}
	}
	return snapshot.ConnectorConfig{}, false
}

// sameAsREST compares what kdocs collected from the worker at base with what its REST answers.
func sameAsREST(t *testing.T, e testenv.ConnectEnv, base string, cc *snapshot.ConnectCluster) {
	t.Helper()
	var root struct{ Version, Commit string }
	restAt(t, e, base, "/", &root)
	assert.Equal(t, root.Version, cc.Version)
	assert.Equal(t, root.Commit, cc.Commit)

	var plugins []struct{ Class string }
	restAt(t, e, base, "/connector-plugins", &plugins)
	require.Len(t, cc.Plugins, len(plugins))

	var status map[string]struct {
		Status struct {
			Connector struct {
				State    string `json:"state"`
				WorkerID string `json:"worker_id"`
			} `json:"connector"`
			Tasks []struct {
				ID       int    `json:"id"`
				State    string `json:"state"`
				WorkerID string `json:"worker_id"`
				Trace    string `json:"trace"`
			} `json:"tasks"`
			Type string `json:"type"`
		} `json:"status"`
	}
	restAt(t, e, base, "/connectors?expand=status", &status)
	require.Len(t, cc.Connectors, len(status))
	for name, s := range status {
		k := connector(t, cc, name)
		assert.Equal(t, s.Status.Type, k.Type, name)
		assert.Equal(t, s.Status.Connector.State, k.State, name)
		assert.Equal(t, s.Status.Connector.WorkerID, k.WorkerID, name)
		require.Len(t, k.Tasks, len(s.Status.Tasks), name)
		for i, task := range s.Status.Tasks {
			assert.Equal(t, task.ID, k.Tasks[i].ID)
			assert.Equal(t, task.State, k.Tasks[i].State, "%s task %d", name, task.ID)
			assert.Equal(t, task.WorkerID, k.Tasks[i].WorkerID)
			if task.Trace != "" {
				assert.Equal(t, strings.SplitN(task.Trace, "\n", 2)[0], k.Tasks[i].Trace)
			}
		}
		var topics map[string]struct{ Topics []string }
		restAt(t, e, base, "/connectors/"+name+"/topics", &topics)
		assert.ElementsMatch(t, topics[name].Topics, k.Topics, "%s: KIP-558 topics", name)
		assert.NotEmpty(t, k.PluginVersion, name)
	}
}

func TestCollectRealConnect(t *testing.T) {
	e := testenv.Connect(t)
	collectAt := func(t *testing.T, c config.Connect) *snapshot.ConnectCluster {
		cl, err := connect.New(c)
		require.NoError(t, err)
		cc, errs := cl.Collect(context.Background())
		require.Empty(t, errs)
		sameAsREST(t, e, c.URL, cc)
		return cc
	}
	cc := collectAt(t, connectConfig(e))
	mirror := collectAt(t, mirrorConfig(e))

	// The seeded states and topics.
	assert.Equal(t, []string{"files.lines.v1"}, connector(t, cc, "files-source").Topics)
	broken := connector(t, cc, "files-sink-broken")
	require.Len(t, broken.Tasks, 1)
	assert.Equal(t, "FAILED", broken.Tasks[0].State)
	assert.Contains(t, broken.Tasks[0].Trace, "/proc/kdocs-unwritable/sink.txt")
	assert.NotContains(t, broken.Tasks[0].Trace, "\n")

	// Secrets: by the plugin's definition, by name; references kept.
	v, _ := configValue(connector(t, mirror, "mm2-source"), "ssl.key.password")
	assert.Equal(t, snapshot.ConnectorConfig{Name: "ssl.key.password", Redacted: snapshot.RedactedPassword}, v)
	v, _ = configValue(connector(t, cc, "files-sink"), "consumer.override.sasl.jaas.config")
	assert.Equal(t, snapshot.ConnectorConfig{Name: "consumer.override.sasl.jaas.config", Redacted: snapshot.RedactedName}, v)
	v, _ = configValue(connector(t, cc, "files-source"), "kdocs.db.password")
	assert.True(t, strings.HasPrefix(v.Value, "${file:") && strings.HasSuffix(v.Value, ":db.password}"), v.Value)
	assert.Empty(t, v.Redacted)
	for _, c := range []*snapshot.ConnectCluster{cc, mirror} {
		data, err := json.Marshal(c)
		require.NoError(t, err)
		assert.NotContains(t, string(data), e.Secret)
		assert.NotContains(t, string(data), e.Password)
	}

	// MirrorMaker 2, from the connectors' configs.
	m := connector(t, mirror, "mm2-source").MirrorMaker
	require.NotNil(t, m)
	assert.Equal(t, snapshot.MirrorMaker{Role: snapshot.MirrorSource, SourceAlias: e.SourceAlias, TargetAlias: e.TargetAlias,
		Topics: `inventory\..*`, TopicsExclude: `.*[\-\.]internal, .*\.replica, __.*`, ReplicationPolicy: connect.DefaultReplicationPolicy,
		Separator: ".", OffsetSyncsTopicLocation: "source"}, *m)
	assert.Equal(t, snapshot.MirrorCheckpoint, connector(t, mirror, "mm2-checkpoint").MirrorMaker.Role)
	assert.True(t, connector(t, mirror, "mm2-checkpoint").MirrorMaker.SyncGroupOffsets)
	assert.Equal(t, snapshot.MirrorHeartbeat, connector(t, mirror, "mm2-heartbeat").MirrorMaker.Role)
	assert.Nil(t, connector(t, cc, "files-sink").MirrorMaker)
}

func TestConnectFailuresAreRecorded(t *testing.T) {
	e := testenv.Connect(t)
	t.Run("no credentials", func(t *testing.T) {
		c := connectConfig(e)
		c.Username, c.Password = "", ""
		cc, errs := connect.CollectConfig(context.Background(), c)
		require.Len(t, errs, 1)
		assert.Equal(t, "connect", errs[0].Scope)
		assert.Equal(t, e.URL, errs[0].Resource)
		assert.Contains(t, errs[0].Message, "HTTP 401")
		assert.Empty(t, cc.Connectors)
	})
	t.Run("wrong password", func(t *testing.T) {
		c := connectConfig(e)
		c.Password = "wrong-connect-password-77"
		_, errs := connect.CollectConfig(context.Background(), c)
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Message, "HTTP 401")
		assert.NotContains(t, errs[0].Message, c.Password)
	})
	t.Run("unreachable", func(t *testing.T) {
		c := connectConfig(e)
		c.URL = "http://127.0.0.1:1"
		c.Timeout = config.Duration(2 * time.Second)
		_, errs := connect.CollectConfig(context.Background(), c)
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Message, "127.0.0.1:1")
	})
}

// estate is the main cluster with its worker, and MirrorMaker 2's target acme-dr with the
// worker that runs MirrorMaker's connectors.
func estate(t *testing.T, dir string, e testenv.ConnectEnv) *config.Site {
	yaml := `title: lineage
snapshots: snapshots
output: public
clusters:
  - name: ` + e.SourceAlias + `
    bootstrap: [` + strings.Join(testenv.Kafka(t), ", ") + `]
    connect:
      - {name: main-connect, url: "` + e.URL + `", username: "${KDOCS_TEST_CONNECT_USER}", password: "${KDOCS_TEST_CONNECT_PASSWORD}"}
  - name: ` + e.TargetAlias + `
    bootstrap: [` + strings.Join(e.Target, ", ") + `]
    connect:
      - {name: dr-connect, url: "` + e.MirrorURL + `", username: "${KDOCS_TEST_CONNECT_USER}", password: "${KDOCS_TEST_CONNECT_PASSWORD}"}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(yaml), 0o644))
	t.Setenv("KDOCS_TEST_CONNECT_USER", e.Username)
	t.Setenv("KDOCS_TEST_CONNECT_PASSWORD", e.Password)
	cfg, err := config.Load(filepath.Join(dir, "site.yaml"))
	require.NoError(t, err)
	return cfg
}

// replicatedFrom is what MirrorMaker 2's source connector must have copied: the source's
// topics its topics pattern (inventory\..*) selects, named as the default replication policy
// names them on the target.
func replicatedFrom(src *snapshot.Snapshot, alias string) map[string]string {
	out := map[string]string{}
	for _, t := range src.Topics {
		if strings.HasPrefix(t.Name, "inventory.") && !strings.HasSuffix(t.Name, ".internal") {
			out[alias+"."+t.Name] = t.Name
		}
	}
	return out
}

// TestMirrorMakerReallyReplicates: the flow kdocs reads from the MM2 connectors is the one
// Kafka shows: the main cluster's inventory topics copied onto acme-dr with their records, and
// the seeded group's offsets translated onto acme-dr.
func TestMirrorMakerReallyReplicates(t *testing.T) {
	e := testenv.Connect(t)
	cfg := estate(t, t.TempDir(), e)
	deadline := time.Now().Add(2 * time.Minute)
	var snaps map[string]*snapshot.Snapshot
	for {
		snaps = map[string]*snapshot.Snapshot{}
		for _, out := range collect.Run(context.Background(), cfg, collect.Options{Kafka: kafka.Collect, Connect: connect.CollectConfig}) {
			require.NoError(t, out.Err)
			s, err := snapshot.Load(out.Path)
			require.NoError(t, err)
			snaps[out.Cluster] = s
		}
		// MirrorMaker refreshes its topics every 5 s: a topic the seed made is copied soon after.
		want := replicatedFrom(snaps[e.SourceAlias], e.SourceAlias)
		copied := 0
		for name := range want {
			if snaps[e.TargetAlias].Topic(name) != nil {
				copied++
			}
		}
		g := snaps[e.TargetAlias].Group("inventory-sync")
		if g != nil && len(g.Offsets) > 0 && copied == len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(3 * time.Second)
	}
	main, dr := snaps[e.SourceAlias], snaps[e.TargetAlias]
	assert.Empty(t, lineage.MirrorFlows(main), "the main cluster's worker runs no MirrorMaker connector")
	flows := lineage.MirrorFlows(dr)
	require.Len(t, flows, 1)
	f := flows[0]
	assert.Equal(t, e.SourceAlias, f.SourceAlias)
	assert.Equal(t, e.TargetAlias, f.TargetAlias)
	assert.Equal(t, e.TargetAlias, f.Cluster, "the flow's target is the cluster of the worker that runs it")
	assert.Equal(t, "dr-connect", f.Connect)

	want := replicatedFrom(main, e.SourceAlias)
	require.NotEmpty(t, want, "the seed made inventory topics on the main cluster")
	got := map[string]string{}
	for _, r := range f.Remote {
		got[r.Name] = r.Source
		assert.Contains(t, r.Evidence, lineage.EvidenceConnectConfig, r.Name)
	}
	assert.Equal(t, want, got, "each selected topic of the source, and only those, is a remote topic on the target")
	assert.Equal(t, e.SourceAlias+".checkpoints.internal", f.Checkpoints)
	assert.Equal(t, "heartbeats", f.Heartbeats)
	var roles []string
	for _, k := range f.Connectors {
		roles = append(roles, k.Role)
	}
	assert.Equal(t, []string{"source", "checkpoint", "heartbeat"}, roles)

	messages := func(t *snapshot.Topic) (n int64) {
		for _, p := range t.Partitions {
			n += p.LatestOffset - p.EarliestOffset
		}
		return n
	}
	for remote, source := range want {
		src, dst := main.Topic(source), dr.Topic(remote)
		require.NotNil(t, src, source)
		require.NotNil(t, dst, remote)
		assert.Equal(t, len(src.Partitions), len(dst.Partitions), remote)
		if messages(src) > 0 {
			assert.Positive(t, messages(dst), "MirrorMaker 2 copied %s's records", source)
		}
	}
	assert.NotNil(t, main.Topic("mm2-offset-syncs."+e.TargetAlias+".internal"), "offset syncs on the source, as offset-syncs.topic.location says")

	g := dr.Group("inventory-sync")
	require.NotNil(t, g, "the checkpoint connector syncs the seeded group's offsets to acme-dr")
	require.NotEmpty(t, g.Offsets)
	for _, o := range g.Offsets {
		assert.Contains(t, want, o.Topic, "translated offsets are on remote topics")
	}
	assert.Contains(t, f.OffsetGroups, "inventory-sync", "the flow shows the group whose offsets were translated")

	// Health names the failed task, on the cluster whose worker runs it.
	assert.Contains(t, health.Evaluate(main).Reasons, "Kafka Connect main-connect: connector files-sink-broken has FAILED task 0")
}

// TestSeededSecretNeverLeavesConnect runs kdocs snapshot and kdocs build on the real estate and
// greps the snapshots, every built page, the Markdown export, the logs and the printed book's text
// for the seeded secret and the REST password.
func TestSeededSecretNeverLeavesConnect(t *testing.T) {
	e := testenv.Connect(t)
	dir := t.TempDir()
	cfg := estate(t, dir, e)
	var logged bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, out := range collect.Run(context.Background(), cfg, collect.Options{Kafka: kafka.Collect, Connect: connect.CollectConfig, Logger: logger}) {
		require.NoError(t, out.Err)
		logged.WriteString(strings.Join(out.Health.Reasons, "\n"))
	}
	res, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Logger: logger, MarkdownDir: filepath.Join(dir, "md"), Print: true})
	require.NoError(t, err)
	logged.WriteString(strings.Join(res.Warnings, "\n"))

	files := 0
	seen := map[string]bool{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "site.yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for _, s := range []string{e.Secret, e.Password} {
			assert.NotContains(t, string(data), s, "%s holds a secret", p)
		}
		for _, page := range []string{"connect/main-connect/files-sink.html", "connect/dr-connect/mm2-source.html", "topics/files.lines.v1.html", "replication.html"} {
			if strings.HasSuffix(p, page) {
				seen[page] = true
			}
		}
		return nil
	}))
	assert.Len(t, seen, 4, "the connector, topic and replication pages were built and checked")
	assert.Greater(t, files, 20)
	for _, s := range []string{e.Secret, e.Password} {
		assert.NotContains(t, logged.String(), s)
	}
	page, err := os.ReadFile(filepath.Join(res.Output, "clusters", e.TargetAlias, "connect/dr-connect/mm2-source.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "ssl.key.password")
	assert.Contains(t, string(page), "redacted")
	overview, err := os.ReadFile(filepath.Join(res.Output, "clusters", e.SourceAlias, "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(overview), "discovered · Connect", "the architecture diagram shows the Connect cluster kdocs read")
	assert.Contains(t, string(overview), "1 failed")

	// The printed book: its text holds the connector pages, and no secret.
	chrome := testenv.Chrome(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if testenv.Strict() {
			t.Fatalf("pdftotext (poppler-utils) is required in CI: %v", err)
		}
		t.Skipf("pdftotext unavailable: %v", err)
	}
	book := filepath.Join(dir, "book.pdf")
	require.NoError(t, pdf.Print(context.Background(), pdf.Options{SiteDir: res.Output, Out: book, Chrome: chrome, Timeout: 5 * time.Minute}))
	text, err := exec.Command(pdftotext, book, "-").Output()
	require.NoError(t, err)
	assert.Contains(t, string(text), "files-sink-broken")
	assert.Contains(t, string(text), "ssl.key.password")
	for _, s := range []string{e.Secret, e.Password} {
		assert.NotContains(t, string(text), s, "the book holds a secret")
	}
}

// TestConnectTimeoutIsRecorded: a REST port that accepts connections and never answers costs
// the timeout (times three attempts), and the error names the URL. No Connect is mocked: the
// silent listener is a network fault.
func TestConnectTimeoutIsRecorded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	url := "http://" + ln.Addr().String()
	start := time.Now()
	cc, errs := connect.CollectConfig(context.Background(), config.Connect{Name: "silent", URL: url, Timeout: config.Duration(300 * time.Millisecond), Concurrency: 1})
	took := time.Since(start)
	require.Len(t, errs, 1)
	assert.Equal(t, url, errs[0].Resource)
	assert.Contains(t, errs[0].Message, url)
	assert.Contains(t, errs[0].Message, "Timeout")
	assert.Empty(t, cc.Connectors)
	assert.Less(t, took, 5*time.Second, "three attempts of 300 ms and two pauses")
}

// TestConnectServerErrorIsRecorded: a proxy in front of the real worker answers 500 for one
// connector's topics (a worker behind a failing gateway): the error names the URL, and every
// connector, its state, config and the other connectors' topics are still read.
func TestConnectServerErrorIsRecorded(t *testing.T) {
	e := testenv.Connect(t)
	target, err := url.Parse(e.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var failed atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/connectors/files-source/topics" {
			failed.Add(1)
			http.Error(w, `{"error_code":500,"message":"gateway: upstream worker failed"}`, http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := connectConfig(e)
	c.URL = srv.URL
	cc, errs := connect.CollectConfig(context.Background(), c)
	require.Len(t, errs, 1)
	assert.Equal(t, "connect", errs[0].Scope)
	assert.Equal(t, srv.URL+"/connectors/files-source", errs[0].Resource)
	assert.Contains(t, errs[0].Message, "HTTP 500")
	assert.Contains(t, errs[0].Message, srv.URL+"/connectors/files-source/topics")
	assert.EqualValues(t, 3, failed.Load(), "a 5xx is retried twice")

	var names []string
	rest(t, e, "/connectors", &names)
	assert.Len(t, cc.Connectors, len(names), "everything else is intact")
	k := connector(t, cc, "files-source")
	assert.Equal(t, "RUNNING", k.State)
	assert.Empty(t, k.Topics)
	assert.NotEmpty(t, k.Config)
	assert.Equal(t, []string{"files.lines.v1"}, connector(t, cc, "files-sink").Topics)
}
