package testenv

// A private Kafka cluster: three KRaft nodes that one test starts for itself with
// scripts/kafka.sh on its own port base, beside the shared cluster (9092-9094), so that it may
// stop, freeze and kill brokers without disturbing the tests that share the other one.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PrivateKafka is a running private cluster. Its nodes are 1, 2 and 3: node N's broker
// listens on 127.0.0.1:Base+N and its controller on Base+100+N (scripts/kafka.sh's layout).
type PrivateKafka struct {
	// Bootstrap lists the three brokers' addresses.
	Bootstrap []string
	// Base is the port base the cluster was started with.
	Base int
	// Dir holds the nodes' data, configs, pid files and logs.
	Dir string

	script string
	lock   *os.File
}

// StartPrivateKafka starts a private 3-node cluster on port base (use one no other test
// uses: 18091 gives brokers 18092-18094) and stops it, removing its data, when the test ends.
// Without java, or without the Kafka jars and mvn to fetch them, the test is skipped outside CI
// and fails in CI. Starting takes tens of seconds on a small machine.
//
// The data dir is fixed per base rather than a fresh temporary one: a test binary killed by its
// timeout runs no cleanup, and the next run's `down` of the same dir then stops the nodes it
// left behind before `up` needs their ports. Test processes that want the same base (two people
// running the suite at once) take turns: each holds an exclusive lock on a file beside the data
// dir for the cluster's lifetime, which the kernel releases if the process dies.
//
// env is extra environment for scripts/kafka.sh up, such as KDOCS_KAFKA_AUTHORIZER=1.
func StartPrivateKafka(t testing.TB, base int, env ...string) *PrivateKafka {
	t.Helper()
	skipShort(t, "a private Kafka cluster")
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("private Kafka: %v", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		unavailable(t, "java (for a private Kafka cluster)", "apt-get install -y default-jre-headless", err)
	}
	lib := os.Getenv("KDOCS_KAFKA_LIB")
	if lib == "" {
		lib = filepath.Join(root, ".cache", "kafka", "lib-"+KafkaVersion())
	}
	if _, err := os.Stat(filepath.Join(lib, ".complete")); err != nil {
		if _, mvnErr := exec.LookPath("mvn"); mvnErr != nil {
			unavailable(t, "the Kafka jars (or mvn to fetch them)", "apt-get install -y maven && bash scripts/kafka.sh fetch", errors.Join(err, mvnErr))
		}
	}
	p := &PrivateKafka{
		Base:   base,
		Dir:    filepath.Join(os.TempDir(), fmt.Sprintf("kdocs-kafka-private-%d", base)),
		script: filepath.Join(root, "scripts", "kafka.sh"),
	}
	if err := p.acquire(t, 10*time.Minute); err != nil {
		unavailable(t, fmt.Sprintf("the private Kafka port base %d", base), "wait for the other test run using it to end", err)
	}
	for n := 1; n <= 3; n++ {
		p.Bootstrap = append(p.Bootstrap, fmt.Sprintf("127.0.0.1:%d", base+n))
	}
	// Nodes left running by an earlier run that was killed: thaw them so that TERM works, then
	// stop them and start from empty data.
	p.Signal(t, syscall.SIGCONT, 1, 2, 3)
	if out, err := p.run(2*time.Minute, "down"); err != nil {
		t.Fatalf("private Kafka on port base %d: clearing an earlier run: %v\n%s", base, err, out)
	}
	start := time.Now()
	out, err := p.runEnv(6*time.Minute, env, "up")
	if err != nil {
		p.teardown(t)
		t.Fatalf("private Kafka on port base %d: scripts/kafka.sh up: %v\n%s", base, err, out)
	}
	t.Logf("private Kafka %s up in %s (data in %s)", strings.Join(p.Bootstrap, ","), time.Since(start).Round(time.Millisecond), p.Dir)
	t.Cleanup(func() { p.teardown(t) })
	return p
}

// acquire takes the base's lock, waiting up to wait for another process to release it.
func (p *PrivateKafka) acquire(t testing.TB, wait time.Duration) error {
	t.Helper()
	f, err := os.OpenFile(p.Dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("open the lock file: %w", err)
	}
	deadline := time.Now().Add(wait)
	logged := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			p.lock = f
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return fmt.Errorf("another process held %s for more than %s", f.Name(), wait)
		}
		if !logged {
			t.Logf("private Kafka on port base %d: another test process uses it; waiting for its turn", p.Base)
			logged = true
		}
		time.Sleep(time.Second)
	}
}

// StopNode stops node n (TERM, so a controlled shutdown; KILL after stopTimeout) and waits until
// it has exited. A node that is not running is left alone.
func (p *PrivateKafka) StopNode(t testing.TB, n int, stopTimeout time.Duration) {
	t.Helper()
	// kafka.sh counts the timeout in whole seconds.
	secs := max(1, int(stopTimeout.Round(time.Second)/time.Second))
	out, err := p.runEnv(stopTimeout+time.Minute, []string{"KAFKA_STOP_TIMEOUT=" + strconv.Itoa(secs)}, "stop-node", strconv.Itoa(n))
	if err != nil {
		t.Fatalf("private Kafka: stop node %d: %v\n%s", n, err, out)
	}
}

// StartNode starts node n again and waits until the cluster lists it.
func (p *PrivateKafka) StartNode(t testing.TB, n int) {
	t.Helper()
	out, err := p.run(6*time.Minute, "start-node", strconv.Itoa(n))
	if err != nil {
		t.Fatalf("private Kafka: start node %d: %v\n%s", n, err, out)
	}
}

// Signal sends sig to the running nodes among nodes (SIGSTOP freezes a node: its sockets
// still accept connections, nothing answers; SIGCONT thaws it). Nodes not running are skipped,
// except by SIGSTOP: freezing a node that is not running fails the test, and Signal returns
// only once the frozen nodes are stopped.
func (p *PrivateKafka) Signal(t testing.TB, sig syscall.Signal, nodes ...int) {
	t.Helper()
	for _, n := range nodes {
		pid, ok := p.nodePID(n)
		if !ok && sig == syscall.SIGSTOP {
			t.Fatalf("private Kafka: node %d is not running, so it cannot be frozen", n)
		}
		if !ok {
			continue
		}
		if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Fatalf("private Kafka: signal %v to node %d (pid %d): %v", sig, n, pid, err)
		}
		if sig == syscall.SIGSTOP {
			// A test that freezes a node goes on to assert what a frozen node does: it must be
			// frozen by then, not merely signalled.
			waitStopped(t, n, pid)
		}
	}
}

// waitStopped waits until the kernel reports process pid (node n) stopped, failing the test after
// a few seconds.
func waitStopped(t testing.TB, n, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		// The state follows the parenthesised command name: "pid (java) T ...".
		if i := bytes.LastIndexByte(stat, ')'); err == nil && i >= 0 && i+2 < len(stat) && (stat[i+2] == 'T' || stat[i+2] == 't') {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("private Kafka: node %d (pid %d) is not stopped 5s after SIGSTOP: %q", n, pid, stat)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nodePID reads node n's pid file and checks that the process is that node's Kafka, as
// kafka.sh does, so that a recycled pid is never signalled.
func (p *PrivateKafka) nodePID(n int) (int, bool) {
	data, err := os.ReadFile(filepath.Join(p.Dir, fmt.Sprintf("node%d", n), "pid"))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte("kafka.Kafka")) || !bytes.Contains(cmdline, []byte(p.Dir)) {
		return 0, false
	}
	return pid, true
}

// teardown thaws any frozen node and runs `down`, which stops the nodes and removes the data.
func (p *PrivateKafka) teardown(t testing.TB) {
	p.Signal(t, syscall.SIGCONT, 1, 2, 3)
	if out, err := p.runEnv(2*time.Minute, []string{"KAFKA_STOP_TIMEOUT=10"}, "down"); err != nil {
		t.Errorf("private Kafka on port base %d: scripts/kafka.sh down: %v\n%s", p.Base, err, out)
	}
	if p.lock != nil {
		p.lock.Close() // releases the lock: the next process may start its cluster
		p.lock = nil
	}
}

func (p *PrivateKafka) run(timeout time.Duration, args ...string) ([]byte, error) {
	return p.runEnv(timeout, nil, args...)
}

// runEnv runs scripts/kafka.sh with the cluster's port base and data dir, and extra env.
func (p *PrivateKafka) runEnv(timeout time.Duration, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{p.script}, args...)...)
	cmd.Env = append(os.Environ(), "KDOCS_KAFKA_PORT_BASE="+strconv.Itoa(p.Base), "KDOCS_KAFKA_DIR="+p.Dir)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("scripts/kafka.sh %s: no end within %s: %w", strings.Join(args, " "), timeout, ctx.Err())
	}
	return out, err
}

// repoRoot is the directory of go.mod above the working directory (a package's directory
// under go test).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
