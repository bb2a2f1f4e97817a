package scaffold

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/kdocs/kdocs/generator/config"
)

func file(t *testing.T, path string) []byte {
	t.Helper()
	for _, f := range Files() {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("no scaffold file %s", path)
	return nil
}

func TestWriteCreatesEveryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs") // created by Write
	written, err := Write(dir, false)
	require.NoError(t, err)
	var paths []string
	for _, w := range written {
		assert.Equal(t, Created, w.Action, w.Path)
		paths = append(paths, w.Path)
	}
	assert.Equal(t, []string{
		filepath.Join(dir, "site.yaml"),
		filepath.Join(dir, "content", "getting-started.md"),
		filepath.Join(dir, ".gitignore"),
		filepath.Join(dir, ".github", "workflows", "kdocs.yml"),
	}, paths)
	for _, f := range Files() {
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		require.NoError(t, err)
		assert.Equal(t, f.Data, got, f.Path)
	}
}

func TestWriteRefusesExistingFilesWithoutForce(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(site, []byte("mine\n"), 0o644))

	written, err := Write(dir, false)
	var exists *ExistsError
	require.ErrorAs(t, err, &exists)
	assert.Equal(t, site, exists.Path)
	assert.Contains(t, err.Error(), site+" already exists")
	assert.Empty(t, written)
	got, _ := os.ReadFile(site)
	assert.Equal(t, "mine\n", string(got), "the user's file is untouched")
	_, err = os.Stat(filepath.Join(dir, "content"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "a refused init writes nothing at all")

	written, err = Write(dir, true)
	require.NoError(t, err)
	assert.Equal(t, Written{Path: site, Action: Overwrote}, written[0])
	got, _ = os.ReadFile(site)
	assert.Equal(t, file(t, "site.yaml"), got)
}

func TestWriteAppendsOnlyMissingGitignoreLines(t *testing.T) {
	dir := t.TempDir()
	gi := filepath.Join(dir, ".gitignore")
	require.NoError(t, os.WriteFile(gi, []byte("node_modules/\npublic/"), 0o644)) // no final newline

	written, err := Write(dir, false)
	require.NoError(t, err, "an existing .gitignore is not a conflict")
	assert.Contains(t, written, Written{Path: gi, Action: Appended})
	got, _ := os.ReadFile(gi)
	assert.True(t, strings.HasPrefix(string(got), "node_modules/\npublic/\n\n# kdocs"), string(got))
	assert.Equal(t, 1, strings.Count(string(got), "public/"), "a line it had is not repeated")
	assert.Contains(t, string(got), "\nsnapshots/\n")

	// Again, with --force for the other files: .gitignore is never replaced, and has nothing to gain.
	written, err = Write(dir, true)
	require.NoError(t, err)
	assert.Contains(t, written, Written{Path: gi, Action: Unchanged})
	again, _ := os.ReadFile(gi)
	assert.Equal(t, got, again)
}

// TestWorkflowLints runs actionlint (github.com/rhysd/actionlint, as a library) over the
// workflow: syntax, keys, expressions and contexts, cron, and the inputs of the actions used.
// With shellcheck on PATH it also checks the run: scripts.
func TestWorkflowLints(t *testing.T) {
	opts := &actionlint.LinterOptions{Color: actionlint.ColorOptionKindNever}
	if p, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = p
	} else {
		t.Log("shellcheck not on PATH: run: scripts are not shell-checked")
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, opts)
	require.NoError(t, err)
	errs, err := l.Lint(".github/workflows/kdocs.yml", file(t, ".github/workflows/kdocs.yml"), nil)
	require.NoError(t, err)
	for _, e := range errs {
		t.Errorf("actionlint: line %d:%d: %s [%s]", e.Line, e.Column, e.Message, e.Kind)
	}

	// And the linter does catch mistakes, so a clean result means something.
	bad := bytes.Replace(file(t, ".github/workflows/kdocs.yml"), []byte("runs-on: ubuntu-latest"), []byte("runs-onn: ubuntu-latest"), 1)
	errs, err = l.Lint("kdocs.yml", bad, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, errs)
}

// TestWorkflowDoesWhatInitPromises checks the workflow's shape: triggers, permissions,
// concurrency and the steps from checkout to deployment, in order.
func TestWorkflowDoesWhatInitPromises(t *testing.T) {
	var wf struct {
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress bool   `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
		Jobs map[string]struct {
			Needs any `yaml:"needs"`
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
				With map[string]any    `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(file(t, ".github/workflows/kdocs.yml"), &wf))
	assert.Contains(t, wf.On, "schedule")
	assert.Contains(t, wf.On, "workflow_dispatch")
	assert.Equal(t, map[string]string{"contents": "write", "pages": "write", "id-token": "write"}, wf.Permissions)
	assert.NotEmpty(t, wf.Concurrency.Group)

	var seq []string
	var snapshotEnv map[string]string
	for _, s := range wf.Jobs["build"].Steps {
		step := s.Uses
		if s.Run != "" {
			step = strings.TrimSpace(s.Run)
		}
		seq = append(seq, step)
		if strings.HasPrefix(s.Run, "kdocs snapshot") {
			snapshotEnv = s.Env
		}
	}
	order := []*regexp.Regexp{
		regexp.MustCompile(`^actions/checkout@`),
		regexp.MustCompile(`^actions/setup-go@`),
		regexp.MustCompile(`^go install "github.com/kdocs/kdocs/cmd/kdocs@`),
		regexp.MustCompile(`git fetch --quiet --depth=1 origin kdocs-history`),
		regexp.MustCompile(`^kdocs snapshot --fail-on down$`),
		regexp.MustCompile(`git push --quiet --force origin FETCH_HEAD:refs/heads/kdocs-history`),
		regexp.MustCompile(`^kdocs build --base-url "\$BASE_URL"$`),
		regexp.MustCompile(`apt-get install -y chromium`),
		regexp.MustCompile(`^kdocs pdf$`),
		regexp.MustCompile(`^actions/upload-pages-artifact@`),
	}
	i := 0
	for _, s := range seq {
		if i < len(order) && order[i].MatchString(s) {
			i++
		}
	}
	assert.Equal(t, len(order), i, "steps out of order or missing; want %v next in %q", order[min(i, len(order)-1)], seq)

	for _, v := range []string{"KAFKA_BOOTSTRAP", "KAFKA_USER", "KAFKA_PASSWORD", "SCHEMA_REGISTRY_URL"} {
		assert.Equal(t, "${{ secrets."+v+" }}", snapshotEnv[v], v)
	}
	assert.Contains(t, string(file(t, ".github/workflows/kdocs.yml")), "BASE_URL: /${{ github.event.repository.name }}/")
	deploy := wf.Jobs["deploy"]
	assert.Equal(t, "build", deploy.Needs)
	require.Len(t, deploy.Steps, 1)
	assert.Regexp(t, `^actions/deploy-pages@`, deploy.Steps[0].Uses)
}

func TestSiteYAMLLoads(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(p, file(t, "site.yaml"), 0o644))

	_, err := config.Load(p)
	require.Error(t, err, "KAFKA_BOOTSTRAP is unset")
	assert.Contains(t, err.Error(), "KAFKA_BOOTSTRAP")

	t.Setenv("KAFKA_BOOTSTRAP", "broker-1:9092")
	s, err := config.Load(p)
	require.NoError(t, err)
	require.Len(t, s.Clusters, 1)
	c := s.Clusters[0]
	assert.Equal(t, []string{"broker-1:9092"}, c.Bootstrap)
	assert.True(t, c.Live())
	assert.Nil(t, c.SchemaRegistry, "the registry is optional, commented out")
	assert.Equal(t, filepath.Join(dir, "public"), s.Output)
	assert.Equal(t, filepath.Join(dir, "snapshots"), s.Snapshots)
	assert.Equal(t, filepath.Join(dir, "content"), s.Content)

	// Uncommented as the comment says, the registry block loads too.
	data := regexp.MustCompile(`(?m)^    # (schemaRegistry:|  (?:url|username|password|timeout|concurrency): \S+)$`).
		ReplaceAll(file(t, "site.yaml"), []byte("    $1"))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	t.Setenv("SCHEMA_REGISTRY_URL", "https://registry.example:8081")
	t.Setenv("SCHEMA_REGISTRY_USER", "")
	t.Setenv("SCHEMA_REGISTRY_PASSWORD", "")
	s, err = config.Load(p)
	require.NoError(t, err, "%s", data)
	require.NotNil(t, s.Clusters[0].SchemaRegistry)
	assert.Equal(t, "https://registry.example:8081", s.Clusters[0].SchemaRegistry.URL)
}

// TestSiteYAMLExplainsEveryKey fails when generator/config gains a key the scaffold's site.yaml
// does not mention (active or commented out): new users learn the file from it.
func TestSiteYAMLExplainsEveryKey(t *testing.T) {
	text := string(file(t, "site.yaml"))
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, prefix string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" || !f.IsExported() {
				continue
			}
			assert.Regexp(t, `(?m)^[ #-]*`+regexp.QuoteMeta(key)+`:`, text, "site.yaml does not show key %s%s", prefix, key)
			assert.Regexp(t, `(?m)^\s*#.*\b`+regexp.QuoteMeta(key)+`\b`, text, "no comment explains key %s%s", prefix, key)
			walk(f.Type, prefix+key+".")
		}
	}
	walk(reflect.TypeOf(config.Site{}), "")
	assert.Greater(t, len(seen), 1)
}
