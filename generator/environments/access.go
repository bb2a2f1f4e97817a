package environments

// Who may write and read each logical topic, and who was seen writing it, in each environment:
// the evidence generator/lineage resolves (ACLs with literal, prefixed and * patterns and DENY
// applied; transactions and producer state; connectors; Kafka Streams applications), with each
// name mapped to its logical name so that an environment's naming is not drift:
//
//   - a principal's name after its type by the environment's principals template
//     (User:orders-svc-dev → User:orders-svc with "{name}-{env}"); a name the template does not
//     match keeps its name, so User:admin is the same principal everywhere;
//   - transactional ids, connector names and Streams application ids by the clients template.
//     A transactional id loses a trailing instance number first (orders-svc-0, orders-svc.3):
//     environments run different numbers of instances by design. A transactional id that starts
//     with a Streams application's id and "-" is that application's (exactly-once Streams names
//     its producers <application.id>-<process uuid>-…, different in every run).
//
// Idempotent producers carry no name, only producer ids that each environment numbers itself
// and that expire after producer.id.expiration.ms; how many a topic has follows its instances and
// its traffic, not its configuration. Their count is shown beside the others, never compared.

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/lineage"
	"github.com/kdocs/kdocs/generator/snapshot"
)

// Properties of a topic's access and writers; the strings are shown on the site and are stable.
const (
	PropWritePrincipals = "write principals"
	PropReadPrincipals  = "read principals"
	PropWriters         = "writers"
	// PropProducers is shown on the logical topic's page and never compared.
	PropProducers = "active idempotent producers"
)

// Kinds of observed writers, as their logical names are prefixed.
const (
	writerTransactional = "transactional id "
	writerConnector     = "connector "
	writerStreams       = "Streams app "
)

// Access is a topic's ACL principals and observed writers in one environment, by logical name.
type Access struct {
	// WritePrincipals and ReadPrincipals are the principals the ACLs allow to write and to read
	// the topic, sorted. ACLsUnknown says why the snapshot has no ACLs ("" when it has them):
	// such an environment is shown, and left out of the comparison.
	WritePrincipals, ReadPrincipals []string
	ACLsUnknown                     string
	// Writers are the observed writers ("transactional id orders-svc", "connector orders-jdbc",
	// "Streams app orders-app"), sorted. WritersUnknown says why the snapshot has no
	// transactions ("" when it has them), which leaves the environment out of the comparison.
	Writers        []string
	WritersUnknown string
	// ActiveProducers is the number of producer ids without a transactional id that have state
	// on the topic; ProducersUnknown says why it is not known.
	ActiveProducers  int
	ProducersUnknown string
}

// accessOf returns, for each topic of the snapshot, its Access in env. siteWriters, when not
// nil, gives the writers the site resolved; a topic it lacks has them resolved from s, once.
func accessOf(s *snapshot.Snapshot, cfg *config.Environments, env string,
	siteWriters func(cluster, topic string) (*lineage.TopicWriters, bool)) func(topic string) Access {
	principals, clients := cfg.PrincipalTemplate(env), cfg.ClientTemplate(env)
	client := func(name string) string { l, _ := logical(clients, env, name); return l }
	aclsUnknown := sectionUnknown(s.ACLs == nil, s.ACLs != nil && s.ACLs.Available, func() string { return s.ACLs.Reason })
	writersUnknown := sectionUnknown(s.Transactions == nil, s.Transactions != nil && s.Transactions.Available, func() string { return s.Transactions.Reason })
	producersUnknown := sectionUnknown(s.Producers == nil, s.Producers != nil && s.Producers.Available, func() string { return s.Producers.Reason })

	var resolved map[string]*lineage.TopicWriters
	writersOf := func(topic string) *lineage.TopicWriters {
		if siteWriters != nil {
			if tw, ok := siteWriters(s.Cluster.Name, topic); ok {
				return tw
			}
		}
		if resolved == nil {
			resolved = lineage.Writers(s)
		}
		return resolved[topic]
	}
	connectors := lineage.ByTopic(lineage.Connectors(s))
	apps := lineage.StreamsApps(s)
	internal := map[string]string{} // topic → the Streams application it is internal to
	for _, a := range apps {
		for _, t := range slices.Concat(a.Changelogs, a.Repartitions) {
			internal[t] = a.ID
		}
	}
	streamsApp := func(txn string) string {
		for _, a := range apps {
			if strings.HasPrefix(txn, a.ID+"-") {
				return a.ID
			}
		}
		return ""
	}
	return func(topic string) Access {
		a := Access{ACLsUnknown: aclsUnknown, WritersUnknown: writersUnknown, ProducersUnknown: producersUnknown}
		if tw := writersOf(topic); tw != nil {
			for _, e := range tw.Writers {
				switch {
				case e.Kind == lineage.WriterPrincipal && e.Write:
					a.WritePrincipals = append(a.WritePrincipals, principal(principals, env, e.Name))
				case e.Kind == lineage.WriterPrincipal:
					a.ReadPrincipals = append(a.ReadPrincipals, principal(principals, env, e.Name))
				case e.Kind == lineage.WriterTransactional:
					if app := streamsApp(e.Name); app != "" {
						a.Writers = append(a.Writers, writerStreams+client(app))
					} else {
						a.Writers = append(a.Writers, writerTransactional+client(instanceSuffix.ReplaceAllString(e.Name, "")))
					}
				case e.Kind == lineage.WriterIdempotent:
					a.ActiveProducers++
				}
			}
		}
		for _, e := range connectors[topic] {
			if e.Write {
				a.Writers = append(a.Writers, writerConnector+client(e.Connector))
			}
		}
		if app := internal[topic]; app != "" {
			a.Writers = append(a.Writers, writerStreams+client(app))
		}
		for _, l := range []*[]string{&a.WritePrincipals, &a.ReadPrincipals, &a.Writers} {
			slices.Sort(*l)
			*l = slices.Compact(*l)
		}
		return a
	}
}

// instanceSuffix is a transactional id's trailing instance number.
var instanceSuffix = regexp.MustCompile(`[-._]\d+$`)

// sectionUnknown says why a snapshot section gives no answer: "" when it does.
func sectionUnknown(missing, available bool, reason func() string) string {
	switch {
	case missing:
		return "not recorded in this snapshot"
	case !available:
		return cmp.Or(reason(), "not available")
	}
	return ""
}

// principal maps a principal's name, after its type, to its logical name: User:orders-svc-dev
// → User:orders-svc. A name the template does not match, and User:*, stay as they are.
func principal(t config.NameTemplate, env, p string) string {
	kind, name, ok := strings.Cut(p, ":")
	if !ok {
		l, _ := logical(t, env, p)
		return l
	}
	l, _ := logical(t, env, name)
	return kind + ":" + l
}

// list shows a list of names: "none" when empty.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// unknown is how a value the environment's snapshot cannot give is shown.
func unknown(why string) string { return "not known: " + why }
