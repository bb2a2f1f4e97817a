package lineage

// The Kafka Streams app of the test estate (testdata/streams/AcmeStreams.java, started by
// scripts/streams.sh) recognised in a real snapshot, checked against what Kafka's own
// ConsumerGroupCommand says of its group.

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/kafka"
	"github.com/kdocs/kdocs/internal/testenv"
)

const streamsApp = "acme-order-stats"

func TestStreamsAppOfTheRealEstate(t *testing.T) {
	servers := testenv.Kafka(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	snap, err := kafka.Collect(ctx, config.Cluster{Name: "acme", Bootstrap: servers, Timeout: config.Duration(10 * time.Second)})
	require.NoError(t, err)
	if snap.Group(streamsApp) == nil {
		if testenv.Strict() {
			t.Fatalf("group %s not found: the Streams app must run (scripts/streams.sh up; make test starts it)", streamsApp)
		}
		t.Skipf("the Streams app is not running: start it with scripts/streams.sh up")
	}

	var app *StreamsApp
	for _, a := range StreamsApps(snap) {
		if a.ID == streamsApp {
			app = &a
		}
	}
	require.NotNil(t, app, "group %s with its internal topics is recognised as a Streams app", streamsApp)
	assert.Equal(t, []string{"orders.order-placed.v1"}, app.Inputs, "its input, not its repartition topic")
	assert.Equal(t, []string{"order-counts"}, app.Stores)
	assert.Equal(t, []string{streamsApp + "-order-counts-changelog"}, app.Changelogs)
	assert.Equal(t, []string{streamsApp + "-by-size-repartition"}, app.Repartitions)
	owner, role := StreamsAppOf(StreamsApps(snap), streamsApp+"-order-counts-changelog")
	assert.Equal(t, streamsApp, owner)
	assert.Contains(t, role, "order-counts")
	assert.Nil(t, snap.Topic(streamsApp + "-order-counts-changelog").Partitions[0].OfflineReplicas)

	// Kafka's own tool on the same group: its state and its members.
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "kafka.sh"))
	require.NoError(t, err)
	out, err := exec.CommandContext(ctx, script, "tool", "kafka-consumer-groups", "--bootstrap-server", servers[0],
		"--describe", "--group", streamsApp, "--state").Output()
	require.NoError(t, err, "kafka-consumer-groups: %s", out)
	// GROUP  COORDINATOR (ID)  ASSIGNMENT-STRATEGY  STATE  #MEMBERS
	var toolState, toolMembers string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && f[0] == streamsApp {
			toolState, toolMembers = f[len(f)-2], f[len(f)-1]
		}
	}
	require.NotEmpty(t, toolState, "the tool described the group:\n%s", out)
	assert.Equal(t, toolState, app.State)
	assert.Equal(t, toolMembers, strconv.Itoa(app.Members))
	assert.Positive(t, app.Members, "the app runs")
}
