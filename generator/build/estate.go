package build

// The estate's declarations in site.yaml (Connect, ksqlDB, replication) handed to the document
// model, which does not import config.

import (
	"github.com/kdocs/kdocs/generator/config"
	"github.com/kdocs/kdocs/generator/site"
)

// estate converts site.yaml's declarations into the model's.
func estate(cfg *config.Site) site.Estate {
	e := site.Estate{Services: map[string]site.Services{}, Schemas: map[string]site.SchemaNaming{}}
	services := func(list []config.Service) []site.Service {
		var out []site.Service
		for _, s := range list {
			out = append(out, site.Service{Name: s.Name, URL: s.URL})
		}
		return out
	}
	for _, c := range cfg.Clusters {
		e.Services[c.Name] = site.Services{Connect: services(c.Connect), KsqlDB: services(c.KsqlDB)}
		e.Schemas[c.Name] = schemaNaming(c.Naming())
	}
	for _, r := range cfg.Replication {
		e.Replication = append(e.Replication, site.DeclaredReplication{From: r.From, To: r.To, Topics: r.Topics, Mode: r.Mode})
	}
	return e
}

// schemaNaming converts a cluster's subject naming (site.yaml) into the model's.
func schemaNaming(n config.SchemaNaming) site.SchemaNaming {
	out := site.SchemaNaming{Strategy: n.Strategy, Topics: map[string]site.TopicNaming{}, Lines: map[string]int{}}
	for name, t := range n.Topics {
		out.Topics[name] = site.TopicNaming{Strategy: string(t.Strategy), KeyRecord: t.KeyRecord, ValueRecord: t.ValueRecord,
			KeySubject: t.KeySubject, ValueSubject: t.ValueSubject}
		out.Lines[name] = t.Line
	}
	return out
}
