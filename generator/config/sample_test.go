package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSample(t *testing.T) {
	s, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    sample: {records: 20, headers: [source]}\n"), env(nil))
	require.NoError(t, err)
	require.NotNil(t, s.Clusters[0].Sample)
	assert.Equal(t, Sample{Records: 20, MaxBytes: DefaultSampleMaxBytes, Headers: []string{"source"}, Line: 5}, *s.Clusters[0].Sample)

	s, err = Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n"), env(nil))
	require.NoError(t, err)
	assert.Nil(t, s.Clusters[0].Sample, "off by default")

	for in, want := range map[string]string{
		"sample: {records: 0}":                  `line 5: cluster "a": sample: records 0: want 1 to 1000 records per partition`,
		"sample: {records: 5000}":               `records 5000: want 1 to 1000`,
		"sample: {records: 5, maxBytes: 10}":    `line 5: cluster "a": sample: maxBytes 10: want 1024 to 16777216 bytes per partition`,
		"sample: {records: 5, headers: [a, a]}": `sample: headers: "a" is listed twice`,
		"sample: {records: 5, headers: ['']}":   `sample: headers: a header name may not be empty`,
		"sample: {records: 5, payloads: true}":  `line 5: unknown key "payloads"`,
		"sample: 20":                            `line 5: sample: want a mapping with records`,
		"sample: {records: twenty}":             `line 5`,
	} {
		_, err := Parse([]byte("title: x\nclusters:\n  - name: a\n    bootstrap: [b:1]\n    "+in+"\n"), env(nil))
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), want, in)
		}
	}
}
