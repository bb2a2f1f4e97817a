package config

// Tests of the schemaRegistry: block: credentials from the environment, the URL's userinfo,
// validation with lines, and that no printed form of the settings shows a secret.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "s3cr3t-Pa55"

func parseRegistry(t *testing.T, block string, vars map[string]string) (*Registry, error) {
	t.Helper()
	s, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    schemaRegistry:\n"+block), env(vars))
	if err != nil {
		return nil, err
	}
	return s.Clusters[0].SchemaRegistry, nil
}

func TestRegistryCredentialsFromEnvironment(t *testing.T) {
	r, err := parseRegistry(t, "      url: https://sr.example:8081\n      username: ${SR_USER}\n      password: ${SR_PASS}\n",
		map[string]string{"SR_USER": "docs", "SR_PASS": secret})
	require.NoError(t, err)
	assert.Equal(t, "https://sr.example:8081", r.URL)
	assert.Equal(t, "docs", r.Username)
	assert.Equal(t, secret, r.Password)
	assert.Equal(t, "basic", r.Auth())
	assert.Equal(t, 6, r.Line, "the first line of the block")
	assert.Equal(t, Duration(DefaultTimeout), r.Timeout)
	assert.Equal(t, DefaultRegistryConcurrency, r.Concurrency)

	r, err = parseRegistry(t, "      url: https://sr.example\n      token: ${SR_TOKEN}\n      concurrency: 3\n      timeout: 2s\n",
		map[string]string{"SR_TOKEN": secret})
	require.NoError(t, err)
	assert.Equal(t, secret, r.Token)
	assert.Equal(t, "bearer", r.Auth())
	assert.Equal(t, 3, r.Concurrency)
	assert.Equal(t, Duration(2*time.Second), r.Timeout)

	_, err = parseRegistry(t, "      url: https://sr.example\n      token: ${SR_TOKEN}\n", nil)
	assert.EqualError(t, err, "line 7: environment variable SR_TOKEN is not set")
}

func TestRegistryURLUserinfoIsMovedOut(t *testing.T) {
	r, err := parseRegistry(t, "      url: https://docs:${SR_PASS}@sr.example:8081/base\n", map[string]string{"SR_PASS": secret})
	require.NoError(t, err)
	assert.Equal(t, "https://sr.example:8081/base", r.URL)
	assert.Equal(t, "docs", r.Username)
	assert.Equal(t, secret, r.Password)

	_, err = parseRegistry(t, "      url: https://docs:"+secret+"@sr.example\n      token: t\n", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 6: cluster "a": schemaRegistry: give credentials either in the url or as username and password or token, not both`)
	assert.NotContains(t, err.Error(), secret)
}

func TestRegistryValidation(t *testing.T) {
	for _, tc := range []struct {
		name, block, want string
	}{
		{"both kinds", "      url: http://r\n      username: u\n      password: " + secret + "\n      token: " + secret + "\n",
			`line 6: cluster "a": schemaRegistry: give either username and password (basic auth) or token (bearer), not both`},
		{"username without password", "      url: http://r\n      username: u\n      password: ${EMPTY}\n",
			`line 6: cluster "a": schemaRegistry.username needs a password (is its environment variable empty?)`},
		{"password without username", "      url: http://r\n      password: " + secret + "\n",
			`line 6: cluster "a": schemaRegistry.password needs a username`},
		{"no url", "      token: " + secret + "\n", `line 6: cluster "a": schemaRegistry.url is required`},
		{"no scheme", "      url: localhost:8081\n", `line 6: cluster "a": schemaRegistry.url "localhost:8081" must start with http:// or https://`},
		{"no host", "      url: http://\n", `line 6: cluster "a": schemaRegistry.url "http://" has no host`},
		{"unparsable with userinfo", "      url: \"http://u:" + secret + "@bad host\"\n", `line 6: cluster "a": schemaRegistry.url is not a valid URL`},
		{"concurrency", "      url: http://r\n      concurrency: 500\n", `line 6: cluster "a": schemaRegistry.concurrency 500 must be between 1 and 64`},
		{"negative concurrency", "      url: http://r\n      concurrency: -1\n", `schemaRegistry.concurrency -1 must be between 1 and 64`},
		{"timeout", "      url: http://r\n      timeout: -1s\n", `line 6: cluster "a": schemaRegistry.timeout -1s must be positive`},
		{"unknown key", "      url: http://r\n      passwd: " + secret + "\n", `line 7: unknown key "passwd"`},
		{"not a mapping", "      \"http://u:" + secret + "@r\"\n", `line 6: schemaRegistry: want a mapping`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRegistry(t, tc.block, map[string]string{"EMPTY": ""})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), secret, "an error never quotes a credential")
		})
	}
}

// TestUnknownKeysElsewhereStillFound: the registry block's own key check must not hide the
// strict check of the rest of the file.
func TestUnknownKeysElsewhereStillFound(t *testing.T) {
	_, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    schemaRegistry: {url: http://r}\n    colour: red\n"), env(nil))
	require.Error(t, err)
	assert.Equal(t, `line 6: unknown key "colour"`, err.Error())
}

func TestRegistryPrintsNoSecret(t *testing.T) {
	s, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    schemaRegistry: {url: \"http://r\", username: u, password: "+secret+"}\n  - name: b\n    bootstrap: [b:1]\n    schemaRegistry: {url: \"http://r\", token: "+secret+"}\n"), env(nil))
	require.NoError(t, err)
	for _, c := range s.Clusters {
		var logs bytes.Buffer
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "registry", c.SchemaRegistry, "cluster", c)
		slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "registry", *c.SchemaRegistry)
		j, err := json.Marshal(c)
		require.NoError(t, err)
		for _, out := range []string{
			fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", *c.SchemaRegistry),
			fmt.Sprintf("%#v", *c.SchemaRegistry), logs.String(), string(j),
		} {
			assert.NotContains(t, out, secret)
		}
		assert.Contains(t, logs.String(), `"url":"http://r"`)
	}
}
