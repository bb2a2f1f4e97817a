package pipeline

// The estate's declarations in site.yaml (Connect, ksqlDB, replication) handed to the document
// model, which does not import config.

import (
	"fmt"

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
		var connect []site.Service
		for _, k := range c.Connect {
			connect = append(connect, site.Service{Name: k.Name, URL: k.URL})
		}
		e.Services[c.Name] = site.Services{Connect: connect, KsqlDB: services(c.KsqlDB)}
		e.Schemas[c.Name] = schemaNaming(c.Naming())
	}
	e.Annotations = annotations(cfg)
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

// annotations converts each cluster's site.yaml annotations, naming each entry by its line.
func annotations(cfg *config.Site) map[string]site.DeclaredAnnotations {
	out := map[string]site.DeclaredAnnotations{}
	file := display(cfg.Dir, cfg.Path)
	convert := func(in map[string]config.Annotation) map[string]site.DeclaredAnnotation {
		m := map[string]site.DeclaredAnnotation{}
		for name, a := range in {
			d := site.DeclaredAnnotation{Where: fmt.Sprintf("%s:%d", file, a.Line), Owner: a.Owner, Team: a.Team,
				Description: a.Description, Tags: a.Tags, Producers: a.Producers, Runbook: a.Runbook, Domain: a.Domain}
			for _, l := range a.Links {
				d.Links = append(d.Links, site.DeclaredLink{Title: l.Title, URL: l.URL})
			}
			m[name] = d
		}
		return m
	}
	for _, c := range cfg.Clusters {
		if c.Annotations != nil {
			out[c.Name] = site.DeclaredAnnotations{Topics: convert(c.Annotations.Topics), Groups: convert(c.Annotations.Groups)}
		}
	}
	return out
}
