package testenv

// The test estate's Kafka Streams application (testdata/streams/AcmeStreams.java, run by
// scripts/streams.sh), started by one test under an application id of its own.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// StreamsApp is an instance of AcmeStreams that a test started. Its topology: sub-topology 0
// reads Input and writes the re-keyed records to Repartition; sub-topology 1 reads Repartition,
// counts in the store order-counts (its changelog Changelog) and writes to Output.
type StreamsApp struct {
	// ID is its application.id, and so its group id.
	ID string
	// ClientID is its client.id: the consumer of stream thread 1 is <ClientID>-StreamThread-1-consumer.
	ClientID string
	// Protocol is its group.protocol ("" for the classic protocol, "streams" for KIP-1071).
	Protocol string
	// Input, Output, Repartition and Changelog are the topics it reads, writes and owns.
	Input, Output, Repartition, Changelog string
	// Dir holds its pid, state dir and log (app.log).
	Dir string
}

// NewStreamsApp names an instance of AcmeStreams with application id, writing to output, on
// group protocol protocol; Start starts it. A test registers the cleanup of its group and topics
// between the two, so that it runs once the app has stopped.
func NewStreamsApp(id, output, protocol string) *StreamsApp {
	return &StreamsApp{
		ID: id, ClientID: id + "-client", Protocol: protocol,
		Input: "orders.order-placed.v1", Output: output,
		Repartition: id + "-by-size-repartition", Changelog: id + "-order-counts-changelog",
		Dir: filepath.Join(os.TempDir(), fmt.Sprintf("kdocs-streams-%d-test", KafkaPortBase())),
	}
}

// Start starts the app on the test cluster (KafkaPortBase) with the kafka-streams jars of
// KafkaVersion (scripts/streams.sh fetches them with Maven) and returns once it has committed on
// every partition of its input topic (the cluster must be seeded). It stops the app (not its
// group nor its topics) when the test ends. Without java, or without the jars and mvn to fetch
// them, the test is skipped outside CI and fails in CI.
//
// Its dir is fixed per port base, not a fresh temporary one: a test binary killed by its timeout
// runs no cleanup, and the next run's `down` of the same dir stops the app it left behind.
func (a *StreamsApp) Start(t testing.TB) {
	t.Helper()
	skipShort(t, "a Kafka Streams application")
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("streams app: %v", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		unavailable(t, "java (for the Kafka Streams app)", "apt-get install -y openjdk-17-jre-headless", err)
	}
	lib := os.Getenv("KDOCS_STREAMS_LIB")
	if lib == "" {
		lib = filepath.Join(root, ".cache", "streams", "lib-"+KafkaVersion())
	}
	if _, err := os.Stat(filepath.Join(lib, ".complete")); err != nil {
		if _, mvnErr := exec.LookPath("mvn"); mvnErr != nil {
			unavailable(t, "the kafka-streams jars (or mvn to fetch them)", "apt-get install -y maven && bash scripts/streams.sh fetch", errors.Join(err, mvnErr))
		}
	}
	id := a.ID
	script := filepath.Join(root, "scripts", "streams.sh")
	run := func(timeout time.Duration, cmd string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		c := exec.CommandContext(ctx, "bash", script, cmd)
		c.Env = append(os.Environ(),
			"KDOCS_KAFKA_VERSION="+KafkaVersion(),
			fmt.Sprintf("KDOCS_KAFKA_PORT_BASE=%d", KafkaPortBase()),
			"KDOCS_STREAMS_LIB="+lib,
			"KDOCS_STREAMS_DIR="+a.Dir,
			"KDOCS_STREAMS_APP_ID="+id,
			"KDOCS_STREAMS_OUTPUT="+a.Output,
			"KDOCS_STREAMS_PROTOCOL="+a.Protocol)
		// The app outlives the script (setsid): its output must not hold the pipes open.
		c.WaitDelay = 10 * time.Second
		return c.CombinedOutput()
	}
	if out, err := run(2*time.Minute, "down"); err != nil {
		t.Fatalf("streams app: stopping an earlier run's: %v\n%s", err, out)
	}
	start := time.Now()
	out, err := run(6*time.Minute, "up")
	if err != nil {
		_, _ = run(2*time.Minute, "down")
		t.Fatalf("streams app %s: scripts/streams.sh up: %v\n%s", id, err, out)
	}
	t.Logf("streams app %s (group.protocol %q) committed in %s (log in %s)", id, a.Protocol, time.Since(start).Round(time.Millisecond), filepath.Join(a.Dir, "app.log"))
	t.Cleanup(func() {
		if out, err := run(2*time.Minute, "down"); err != nil {
			t.Errorf("streams app %s: scripts/streams.sh down: %v\n%s", id, err, out)
		}
	})
}
