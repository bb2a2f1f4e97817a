package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// NodeTools returns node's path and the directory of the project's Node validation tools
// (tools/node), installing their packages with `npm ci` from the committed lockfile when
// node_modules is missing. Node is needed only by tests, never by kdocs. Without node or npm
// the test skips, or fails when nothing may be skipped.
func NodeTools(t testing.TB) (node, dir string) {
	t.Helper()
	skipShort(t, "Node.js")
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable(t, "Node.js", "apt-get install -y nodejs npm", err)
	}
	_, file, _, _ := runtime.Caller(0)
	dir = filepath.Join(filepath.Dir(file), "..", "..", "tools", "node")
	npmOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil {
			return
		}
		npm, err := exec.LookPath("npm")
		if err != nil {
			npmErr = err
			return
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--prefix", dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			npmErr = &npmError{err: err, out: string(out)}
		}
	})
	if npmErr != nil {
		unavailable(t, "npm ci in tools/node", "npm ci --prefix tools/node", npmErr)
	}
	return node, dir
}

var (
	npmOnce sync.Once
	npmErr  error
)

type npmError struct {
	err error
	out string
}

func (e *npmError) Error() string { return e.err.Error() + ": " + e.out }
