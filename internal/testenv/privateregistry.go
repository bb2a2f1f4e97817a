package testenv

// A private Schema Registry: the same AxonOps binary scripts/registry.sh runs, started by one
// test for itself on a port of its own, with its own in-memory store. A test that registers
// many scratch subjects uses it so that the shared registry's other readers (tests that
// collect the whole registry while it runs) never see subjects appear and vanish under them.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PrivateRegistryPort is the private registry's port: KDOCS_PRIVATE_REGISTRY_PORT, else one above
// KDOCS_REGISTRY_PORT (8082 by default).
func PrivateRegistryPort() int {
	if p, err := strconv.Atoi(os.Getenv("KDOCS_PRIVATE_REGISTRY_PORT")); err == nil && p > 0 {
		return p
	}
	p, err := strconv.Atoi(getenv("KDOCS_REGISTRY_PORT", "8081"))
	if err != nil {
		p = 8081
	}
	return p + 1
}

// PrivateRegistry starts a registry of the test's own on PrivateRegistryPort, empty, with
// BACKWARD as its default level, and stops it when the test ends; it returns its URL. The
// binary is the one scripts/registry.sh builds (.cache/bin/schema-registry): when it is missing
// the test builds it in CI (minutes, once) and is skipped elsewhere. Test processes that want
// it at once (packages tested in parallel) take turns: each holds an exclusive lock on a file
// beside its config for the registry's lifetime, which the kernel releases if the process dies.
// A registry left running by a killed test binary is stopped first, found by its pid file.
func PrivateRegistry(t testing.TB) string {
	t.Helper()
	skipShort(t, "a private Schema Registry")
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("private registry: %v", err)
	}
	bin := filepath.Join(root, ".cache", "bin", "schema-registry")
	if _, err := os.Stat(bin); err != nil {
		if !Strict() {
			unavailable(t, "the registry binary "+bin, "bash scripts/registry.sh build", err)
		}
		build := exec.Command("bash", filepath.Join(root, "scripts", "registry.sh"), "build")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("private registry: scripts/registry.sh build: %v\n%s", err, out)
		}
	}
	port := PrivateRegistryPort()
	dir := filepath.Join(root, ".cache", "registry-private-"+strconv.Itoa(port))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("private registry: %v", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("private registry: %v", err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			lock.Close()
			t.Fatalf("private registry: lock %s: %v", lock.Name(), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Cleanup(func() { lock.Close() }) // runs last: after the registry has stopped
	pidFile := filepath.Join(dir, "registry.pid")
	stopStale(pidFile, bin)

	url := "http://127.0.0.1:" + strconv.Itoa(port)
	if answers(url) {
		t.Fatalf("private registry: port %d already answers, and not as a registry this test left behind (set KDOCS_PRIVATE_REGISTRY_PORT)", port)
	}
	conf := filepath.Join(dir, "config.yaml")
	// The keys of scripts/registry.sh (internal/config/config.go of axonops-schema-registry v0.2.1).
	yaml := fmt.Sprintf("server:\n  host: 127.0.0.1\n  port: %d\n  read_timeout: 30\n  write_timeout: 30\n"+
		"storage:\n  type: memory\ncompatibility:\n  default_level: BACKWARD\nlogging:\n  level: warn\n  format: json\n", port)
	if err := os.WriteFile(conf, []byte(yaml), 0o644); err != nil {
		t.Fatalf("private registry: %v", err)
	}
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatalf("private registry: %v", err)
	}
	cmd := exec.Command(bin, "-config", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Environment overrides of the registry would silently win over the file.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SCHEMA_REGISTRY_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("private registry: start %s: %v", bin, err)
	}
	os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logf.Close()
		os.Remove(pidFile)
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for !answers(url) {
		select {
		case err := <-exited:
			exited <- err
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("private registry on port %d exited: %v\n%s", port, err, log)
		case <-ctx.Done():
			t.Fatalf("private registry on port %d: GET /subjects did not answer within a minute", port)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return url
}

// answers reports whether GET url/subjects answers 200.
func answers(url string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url + "/subjects")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stopStale stops the process of pidFile when it still runs bin.
func stopStale(pidFile, bin string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return
	}
	if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err != nil || !strings.HasPrefix(exe, bin) {
		return
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return
	}
	p.Signal(syscall.SIGTERM)
	for i := 0; i < 100; i++ {
		if err := p.Signal(syscall.Signal(0)); errors.Is(err, os.ErrProcessDone) || err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	os.Remove(pidFile)
}
