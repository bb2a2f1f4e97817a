package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const envClusters = `title: Acme
clusters:
  - {name: acme-dev, environment: dev, snapshot: dev.json}
  - {name: acme-staging, environment: staging, snapshot: staging.json}
  - {name: acme-prod, environment: prod, snapshot: prod.json}
`

func TestEnvironmentsTemplates(t *testing.T) {
	s, err := Parse([]byte(envClusters+`environments:
  order: [dev, staging, prod]
  topics: "{env}.{name}"
  names:
    prod: {topics: "{name}", subjects: "{name}"}
  expectedDrift: [retention.ms]
`), env(nil))
	require.NoError(t, err)
	e := s.Environments
	require.NotNil(t, e)
	assert.Equal(t, []string{"dev", "staging", "prod"}, e.Order)
	assert.Equal(t, []int{7, 7, 7}, e.OrderLines)
	assert.Equal(t, NameTemplate("{env}.{name}"), e.TopicTemplate("dev"))
	assert.Equal(t, NameTemplate("{env}.{name}"), e.SubjectTemplate("staging"), "subjects follow the topics by default")
	assert.Equal(t, NameTemplate("{name}"), e.TopicTemplate("prod"))
	assert.True(t, e.ExpectsDrift("retention.ms"))
	assert.False(t, e.ExpectsDrift("cleanup.policy"))

	tm := e.TopicTemplate("dev")
	assert.Equal(t, "dev.orders", tm.Name("dev", "orders"))
	l, ok := tm.Logical("dev", "dev.orders")
	assert.True(t, ok)
	assert.Equal(t, "orders", l)
	_, ok = tm.Logical("dev", "prod.orders")
	assert.False(t, ok, "another environment's prefix does not match")
	_, ok = tm.Logical("dev", "dev.")
	assert.False(t, ok, "an empty logical name is no name")
	l, ok = NameTemplate("{name}").Logical("prod", "orders")
	assert.True(t, ok)
	assert.Equal(t, "orders", l)
	l, ok = NameTemplate("{name}-{env}").Logical("qa", "orders-qa")
	assert.True(t, ok)
	assert.Equal(t, "orders", l)
}

func TestEnvironmentsClientAndPrincipalTemplates(t *testing.T) {
	s, err := Parse([]byte(envClusters+`environments:
  order: [dev, staging, prod]
  topics: "{env}.{name}"
  principals: "{name}-{env}"
  names:
    staging: {clients: "stg-{name}"}
    prod: {topics: "{name}", principals: "{name}"}
`), env(nil))
	require.NoError(t, err)
	e := s.Environments
	assert.Equal(t, NameTemplate("{env}.{name}"), e.ClientTemplate("dev"), "clients follow the topics by default")
	assert.Equal(t, NameTemplate("stg-{name}"), e.ClientTemplate("staging"))
	assert.Equal(t, NameTemplate("{name}"), e.ClientTemplate("prod"))
	assert.Equal(t, NameTemplate("{name}-{env}"), e.PrincipalTemplate("dev"))
	assert.Equal(t, NameTemplate("{name}"), e.PrincipalTemplate("prod"))

	s, err = Parse([]byte(envClusters+"environments:\n  order: [dev]\n  topics: \"{env}.{name}\"\n"), env(nil))
	require.NoError(t, err)
	assert.Equal(t, NameTemplate("{name}"), s.Environments.PrincipalTemplate("dev"), "principals are not named like topics unless said so")
}

func TestNoEnvironmentsBlock(t *testing.T) {
	s, err := Parse([]byte(envClusters), env(nil))
	require.NoError(t, err)
	assert.Nil(t, s.Environments, "no block, no comparison")
}

func TestEnvironmentsValidation(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"empty order", "environments:\n  order: []\n", `line 7: environments: order must list at least one environment`},
		{"unknown env", "environments:\n  order: [dev, qa]\n", `line 7: environments: order[1]: no cluster has environment: qa`},
		{"duplicate", "environments:\n  order:\n    - dev\n    - dev\n", `line 9: environments: order[1]: "dev" is already listed on line 8`},
		{"no name", "environments:\n  order: [dev]\n  topics: \"{env}.x\"\n", `line 8: environments: topics: template "{env}.x" must hold {name} exactly once`},
		{"bad brace", "environments:\n  order: [dev]\n  names:\n    dev: {subjects: \"{team}.{name}\"}\n", `line 9: environments: names.dev.subjects: template "{team}.{name}" may hold only {name} and {env} in braces`},
		{"names not ordered", "environments:\n  order: [dev]\n  names:\n    prod: {topics: \"{name}\"}\n", `line 9: environments: names: "prod" is not in environments.order`},
		{"bad principals", "environments:\n  order: [dev]\n  principals: \"svc-{env}\"\n", `line 8: environments: principals: template "svc-{env}" must hold {name} exactly once`},
		{"bad clients", "environments:\n  order: [dev]\n  names:\n    dev: {clients: \"{name}{name}\"}\n", `line 9: environments: names.dev.clients: template "{name}{name}" must hold {name} exactly once`},
		{"unknown key", "environments:\n  order: [dev]\n  prefix: dev.\n", `line 8: unknown key "prefix"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(envClusters+tc.yaml), env(nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	_, err := Parse([]byte(`title: Acme
clusters:
  - {name: a, environment: prod, snapshot: a.json}
  - {name: b, environment: prod, snapshot: b.json}
environments:
  order: [prod]
`), env(nil))
	require.Error(t, err)
	assert.Equal(t, `line 6: environments: order[0]: environment "prod" has 2 clusters, "a" (line 3), "b" (line 4): compare needs exactly one per environment`, err.Error())
}
