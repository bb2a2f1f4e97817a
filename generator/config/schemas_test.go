package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubjectNaming(t *testing.T) {
	s, err := Parse([]byte(`title: Acme
clusters:
  - name: prod
    snapshot: prod.json
    subjectNameStrategy: io.confluent.kafka.serializers.subject.TopicRecordNameStrategy
    topics:
      orders.returned: {subjectNameStrategy: RecordName, valueRecord: com.acme.OrderReturned}
      payments.failed:
        subjectNameStrategy: topicnamestrategy
        keySubject: payments-key-v0
  - name: dr
    snapshot: dr.json
`), env(nil))
	require.NoError(t, err)
	n := s.Clusters[0].Naming()
	assert.Equal(t, TopicRecordName, n.Strategy, "the serializer's class name is accepted")
	assert.Equal(t, map[string]TopicSchemas{
		"orders.returned": {Strategy: RecordName, ValueRecord: "com.acme.OrderReturned", Line: 7},
		"payments.failed": {Strategy: TopicName, KeySubject: "payments-key-v0", Line: 8},
	}, n.Topics)
	assert.Equal(t, SchemaNaming{Strategy: TopicName}, s.Clusters[1].Naming(), "TopicName by default")
}

func TestSubjectNamingValidation(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown cluster strategy": {`
    subjectNameStrategy: SubjectName`, `line 5: subjectNameStrategy "SubjectName" must be one of TopicName, RecordName, TopicRecordName`},
		"unknown topic strategy": {`
    topics:
      a: {subjectNameStrategy: Random}`, `line 6: subjectNameStrategy "Random" must be one of TopicName, RecordName, TopicRecordName`},
		"unknown key": {`
    topics:
      a:
        valueSchema: x`, `line 7: unknown key "valueSchema"`},
		"record under TopicName": {`
    topics:
      a: {valueRecord: com.acme.A}`, `line 6: cluster "prod": topics: "a": valueRecord needs subjectNameStrategy RecordName or TopicRecordName; TopicName names the subject a-value`},
		"record and subject": {`
    subjectNameStrategy: RecordName
    topics:
      a: {keyRecord: com.acme.A, keySubject: a-key}`, `line 7: cluster "prod": topics: "a": give keyRecord or keySubject, not both`},
		"RecordName without a record": {`
    topics:
      a: {subjectNameStrategy: RecordName}`, `line 6: cluster "prod": topics: "a": RecordName names subjects after the record, which the topic does not reveal: give valueRecord (or keyRecord)`},
		"not a mapping": {`
    topics: [a, b]`, `line 5: topics: want a mapping of topic name`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte("title: Acme\nclusters:\n  - name: prod\n    snapshot: prod.json"+tc.yaml+"\n"), env(nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
