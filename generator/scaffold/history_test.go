package scaffold

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// historySteps returns the shell of the workflow's steps that restore and save the history.
func historySteps(t *testing.T) (restore, save string) {
	t.Helper()
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(file(t, ".github/workflows/kdocs.yml"), &wf))
	for _, s := range wf.Jobs["build"].Steps {
		switch s.Name {
		case "Restore snapshot history":
			restore = s.Run
		case "Save snapshot history":
			save = s.Run
		}
	}
	require.NotEmpty(t, restore)
	require.NotEmpty(t, save)
	return restore, save
}

// TestWorkflowKeepsHistoryOnABranch runs the workflow's history steps as shell, without GitHub,
// in three fresh checkouts of one repository, as three nightly runs would: each run's snapshot
// is still there in the next, the repository's own branch is untouched, and kdocs-history holds
// the history alone.
func TestWorkflowKeepsHistoryOnABranch(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	restore, save := historySteps(t)
	root := t.TempDir()
	origin := filepath.Join(root, "origin.git")
	env := append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
	sh := func(dir, script string) string {
		t.Helper()
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s\n%s", script, out)
		return string(out)
	}
	sh(root, "git init --quiet --bare -b main origin.git && git clone --quiet origin.git seed 2>/dev/null && cd seed && echo 'title: x' > site.yaml && git add site.yaml && git commit --quiet -m init && git push --quiet origin main")
	mainBefore := sh(root, "git -C origin.git rev-parse main")

	var want []string
	for run, name := range []string{"20261201T031700Z.json", "20261202T031700Z.json", "20261203T031700Z.json"} {
		checkout := filepath.Join(root, "run"+string(rune('1'+run)))
		// actions/checkout: a shallow clone of the default branch.
		sh(root, "git clone --quiet --depth=1 file://"+origin+" "+checkout)
		out := sh(checkout, restore)
		if run == 0 {
			assert.Contains(t, out, "no kdocs-history branch yet")
		} else {
			assert.Contains(t, out, "restored "+string(rune('0'+run))+" snapshots from kdocs-history")
		}
		assert.Equal(t, want, listHistory(t, checkout), "run %d sees the earlier runs' snapshots", run+1)
		// kdocs snapshot: tonight's file in the history.
		require.NoError(t, os.MkdirAll(filepath.Join(checkout, "snapshots", "history", "prod"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(checkout, "snapshots", "history", "prod", name), []byte(`{"run":`+string(rune('1'+run))+`}`), 0o644))
		want = append(want, "prod/"+name)
		sh(checkout, save)
	}

	assert.Equal(t, mainBefore, sh(root, "git -C origin.git rev-parse main"), "the repository's own branch is untouched")
	tree := sh(root, "git -C origin.git ls-tree -r --name-only kdocs-history")
	assert.Equal(t, "history/prod/20261201T031700Z.json\nhistory/prod/20261202T031700Z.json\nhistory/prod/20261203T031700Z.json\n", tree)
	assert.Equal(t, "1\n", sh(root, "git -C origin.git rev-list --count kdocs-history"), "one commit, replaced each run")
}

func listHistory(t *testing.T, checkout string) []string {
	t.Helper()
	var out []string
	dir := filepath.Join(checkout, "snapshots", "history")
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}
