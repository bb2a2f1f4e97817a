package export

// AsyncAPI servers from the brokers' listener configs: one server per advertised listener,
// its host the bootstrap list of every broker's address on it, its protocol kafka (PLAINTEXT,
// SASL_PLAINTEXT) or kafka-secure (SSL, SASL_SSL), and its security the SASL mechanisms the
// listener enables and mutual TLS when it requires client certificates. Only names are read
// from the configs; JAAS configs, keystores and passwords never leave the snapshot (where they
// are blanked anyway).

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kdocs/kdocs/generator/snapshot"
)

type server struct {
	Host        string               `yaml:"host"`
	Protocol    string               `yaml:"protocol"`
	Title       string               `yaml:"title,omitempty"`
	Description string               `yaml:"description,omitempty"`
	Security    []ref                `yaml:"security,omitempty"`
	Bindings    *serverBindings      `yaml:"bindings,omitempty"`
	Listener    string               `yaml:"x-kdocs-listener,omitempty"`
	SecProtocol string               `yaml:"x-kdocs-security-protocol,omitempty"`
	Brokers     []snapshotBrokerAddr `yaml:"x-kdocs-brokers,omitempty"`
}

type snapshotBrokerAddr struct {
	ID   int32  `yaml:"id"`
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
	Rack string `yaml:"rack,omitempty"`
}

type serverBindings struct {
	Kafka kafkaServerBinding `yaml:"kafka"`
}

type kafkaServerBinding struct {
	SchemaRegistryURL    string `yaml:"schemaRegistryUrl,omitempty"`
	SchemaRegistryVendor string `yaml:"schemaRegistryVendor,omitempty"`
	BindingVersion       string `yaml:"bindingVersion"`
}

type securityScheme struct {
	Type        string    `yaml:"type"`
	Description string    `yaml:"description,omitempty"`
	Flows       *struct{} `yaml:"flows,omitempty"`
}

type ref struct {
	Ref string `yaml:"$ref"`
}

const bindingVersion = "0.5.0"

// saslSchemes maps SASL mechanisms to AsyncAPI security scheme keys and objects.
var saslSchemes = map[string]struct {
	key    string
	scheme securityScheme
}{
	"PLAIN":         {"saslPlain", securityScheme{Type: "plain", Description: "SASL/PLAIN: a user name and password."}},
	"SCRAM-SHA-256": {"saslScramSha256", securityScheme{Type: "scramSha256", Description: "SASL/SCRAM-SHA-256."}},
	"SCRAM-SHA-512": {"saslScramSha512", securityScheme{Type: "scramSha512", Description: "SASL/SCRAM-SHA-512."}},
	"GSSAPI":        {"saslGssapi", securityScheme{Type: "gssapi", Description: "SASL/GSSAPI (Kerberos)."}},
	"OAUTHBEARER": {"saslOauthbearer", securityScheme{Type: "oauth2", Flows: &struct{}{},
		Description: "SASL/OAUTHBEARER: an OAuth 2 token; the token endpoint is the client's configuration, not the cluster's."}},
}

const mtlsKey = "mutualTLS"

var mtlsScheme = securityScheme{Type: "X509", Description: "Mutual TLS: the client presents a certificate the brokers trust (ssl.client.auth=required)."}

// listener is one advertised listener with each broker's address on it.
type listener struct {
	name, protocol string
	mechanisms     []string
	clientAuth     string
	addrs          []snapshotBrokerAddr
}

// configValue returns a broker config's value, and whether the broker lists it.
func configValue(b snapshot.Broker, name string) (string, bool) {
	for _, c := range b.Configs {
		if c.Name == name && !c.Sensitive {
			return c.Value, true
		}
	}
	return "", false
}

// listeners reads the advertised listeners of every broker (advertised.listeners, else
// listeners), with their security protocol (listener.security.protocol.map, whose default maps
// each protocol name to itself), SASL mechanisms (listener.name.<l>.sasl.enabled.mechanisms,
// else sasl.enabled.mechanisms, default GSSAPI) and ssl.client.auth. Controller listeners are
// left out: clients do not connect to them.
func listeners(brokers []snapshot.Broker) []*listener {
	byName := map[string]*listener{}
	for _, b := range brokers {
		adv, ok := configValue(b, "advertised.listeners")
		if !ok || adv == "" {
			adv, ok = configValue(b, "listeners")
		}
		if !ok || adv == "" {
			continue
		}
		protoMap := map[string]string{}
		if m, ok := configValue(b, "listener.security.protocol.map"); ok {
			for _, kv := range strings.Split(m, ",") {
				if k, v, ok := strings.Cut(strings.TrimSpace(kv), ":"); ok {
					protoMap[strings.ToUpper(k)] = strings.ToUpper(v)
				}
			}
		}
		controllers := map[string]bool{}
		if c, ok := configValue(b, "controller.listener.names"); ok {
			for _, n := range strings.Split(c, ",") {
				controllers[strings.ToUpper(strings.TrimSpace(n))] = true
			}
		}
		for _, l := range strings.Split(adv, ",") {
			name, hostport, ok := strings.Cut(strings.TrimSpace(l), "://")
			name = strings.ToUpper(name)
			if !ok || controllers[name] {
				continue
			}
			host, port := splitHostPort(hostport)
			if host == "" {
				host = b.Host // an empty host means the broker's canonical name
			}
			li := byName[name]
			if li == nil {
				li = &listener{name: name, protocol: cmp.Or(protoMap[name], name)}
				lower := "listener.name." + strings.ToLower(name) + "."
				mech, ok := configValue(b, lower+"sasl.enabled.mechanisms")
				if !ok {
					mech, ok = configValue(b, "sasl.enabled.mechanisms")
				}
				if !ok {
					mech = "GSSAPI" // Kafka's default
				}
				for _, m := range strings.Split(mech, ",") {
					if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
						li.mechanisms = append(li.mechanisms, m)
					}
				}
				auth, ok := configValue(b, lower+"ssl.client.auth")
				if !ok {
					auth, _ = configValue(b, "ssl.client.auth")
				}
				li.clientAuth = cmp.Or(strings.ToLower(auth), "none")
				byName[name] = li
			}
			li.addrs = append(li.addrs, snapshotBrokerAddr{ID: b.ID, Host: host, Port: port, Rack: b.Rack})
		}
	}
	var out []*listener
	for _, l := range byName {
		slices.SortFunc(l.addrs, func(a, b snapshotBrokerAddr) int { return cmp.Compare(a.ID, b.ID) })
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *listener) int { return cmp.Compare(a.name, b.name) })
	return out
}

func splitHostPort(s string) (string, int) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	port := 0
	fmt.Sscanf(s[i+1:], "%d", &port)
	return strings.Trim(s[:i], "[]"), port
}

func bootstrap(addrs []snapshotBrokerAddr) string {
	var hosts []string
	for _, a := range addrs {
		h := a.Host
		if strings.Contains(h, ":") {
			h = "[" + h + "]"
		}
		hosts = append(hosts, fmt.Sprintf("%s:%d", h, a.Port))
	}
	return strings.Join(hosts, ",")
}

// servers builds the document's servers and the security schemes they use.
func servers(s *snapshot.Snapshot) (map[string]*server, map[string]securityScheme) {
	var binding *serverBindings
	if s.Registry != nil {
		if u := stripUserinfo(s.Registry.URL); u != "" {
			binding = &serverBindings{Kafka: kafkaServerBinding{SchemaRegistryURL: u, SchemaRegistryVendor: "confluent", BindingVersion: bindingVersion}}
		}
	}
	out := map[string]*server{}
	schemes := map[string]securityScheme{}
	ls := listeners(s.Cluster.Brokers)
	if len(ls) == 0 {
		// No listener configs in the snapshot: the brokers' metadata addresses, the listener
		// kdocs itself used, whose security the snapshot does not record.
		var addrs []snapshotBrokerAddr
		for _, b := range s.Cluster.Brokers {
			addrs = append(addrs, snapshotBrokerAddr{ID: b.ID, Host: b.Host, Port: b.Port, Rack: b.Rack})
		}
		if len(addrs) == 0 {
			return out, schemes
		}
		slices.SortFunc(addrs, func(a, b snapshotBrokerAddr) int { return cmp.Compare(a.ID, b.ID) })
		out["kafka"] = &server{Host: bootstrap(addrs), Protocol: "kafka", Title: "Brokers",
			Description: "The brokers' addresses as their metadata gives them. The snapshot records no listener configs, so this listener's security is not known.",
			Bindings:    binding, Brokers: addrs}
		return out, schemes
	}
	for _, l := range ls {
		sv := &server{Host: bootstrap(l.addrs), Protocol: "kafka", Title: "Listener " + l.name, Bindings: binding,
			Listener: l.name, SecProtocol: l.protocol, Brokers: l.addrs}
		var notes []string
		switch l.protocol {
		case "SSL", "SASL_SSL":
			sv.Protocol = "kafka-secure"
		}
		if strings.HasPrefix(l.protocol, "SASL_") {
			for _, m := range l.mechanisms {
				sc, ok := saslSchemes[m]
				if !ok {
					notes = append(notes, fmt.Sprintf("SASL mechanism %s has no AsyncAPI security scheme.", m))
					continue
				}
				schemes[sc.key] = sc.scheme
				sv.Security = append(sv.Security, ref{"#/components/securitySchemes/" + sc.key})
			}
			notes = append([]string{fmt.Sprintf("Security protocol %s, SASL mechanisms %s: any one of the security schemes.", l.protocol, strings.Join(l.mechanisms, ", "))}, notes...)
		} else {
			notes = append(notes, fmt.Sprintf("Security protocol %s.", l.protocol))
		}
		if l.protocol == "SSL" || l.protocol == "SASL_SSL" {
			switch l.clientAuth {
			case "required":
				if l.protocol == "SSL" {
					schemes[mtlsKey] = mtlsScheme
					sv.Security = append(sv.Security, ref{"#/components/securitySchemes/" + mtlsKey})
				} else {
					notes = append(notes, "Clients must also present a TLS certificate (ssl.client.auth=required).")
				}
			case "requested":
				notes = append(notes, "Clients may present a TLS certificate (ssl.client.auth=requested).")
			}
		}
		sv.Description = strings.Join(notes, " ")
		out[serverKey(strings.ToLower(l.name))] = sv
	}
	return out, schemes
}
