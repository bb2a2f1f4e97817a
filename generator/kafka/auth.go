package kafka

// Connection security: TLS and SASL for every connection to the brokers, the bootstrap servers'
// (metadata) and the broker pool's (conn.go, which wraps its connections in TLS and runs
// SaslHandshake and SaslAuthenticate with kafka-go's protocol messages and sasl.Mechanism, the
// steps kafka.Transport takes).
//
// The password lives in the sasl.Mechanism only. No error built here quotes it: failures name
// the mechanism and user, and errors of the libraries that could echo it are replaced.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol/saslauthenticate"
	"github.com/segmentio/kafka-go/protocol/saslhandshake"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/kdocs/kdocs/generator/config"
)

// security is a cluster's security settings made ready to connect with.
type security struct {
	protocol string
	tls      *tls.Config    // nil: no TLS
	mech     sasl.Mechanism // nil: no SASL
	user     string
}

// newSecurity loads the TLS files and builds the SASL mechanism of s (nil: PLAINTEXT). Its
// errors name the setting and the file, never a credential.
func newSecurity(s *config.Security) (*security, error) {
	if s == nil || s.Protocol == "" {
		return &security{protocol: config.ProtocolPlaintext}, nil
	}
	out := &security{protocol: s.Protocol}
	if s.UsesTLS() {
		cfg, err := tlsConfig(s.TLS)
		if err != nil {
			return nil, err
		}
		out.tls = cfg
	}
	if s.UsesSASL() {
		if s.SASL == nil {
			return nil, fmt.Errorf("security: protocol %s needs sasl settings", s.Protocol)
		}
		m, err := mechanism(s.SASL)
		if err != nil {
			return nil, err
		}
		out.mech, out.user = m, s.SASL.Username
	}
	return out, nil
}

func tlsConfig(t *config.TLS) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t == nil {
		return cfg, nil // the system's CAs verify the brokers
	}
	if t.CAFile != "" {
		data, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("security.tls.caFile: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("security.tls.caFile %s: no PEM certificate in it", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		for _, f := range []struct{ key, path string }{{"certFile", t.CertFile}, {"keyFile", t.KeyFile}} {
			if _, err := os.Stat(f.path); err != nil {
				return nil, fmt.Errorf("security.tls.%s: %w", f.key, err)
			}
		}
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			// crypto/tls describes the PEM content, never the key itself.
			return nil, fmt.Errorf("security.tls: client certificate %s with key %s: %w", t.CertFile, t.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	cfg.InsecureSkipVerify = t.InsecureSkipVerify // the config package warns about it
	return cfg, nil
}

func mechanism(a *config.SASL) (sasl.Mechanism, error) {
	switch a.Mechanism {
	case config.MechanismPlain:
		return plain.Mechanism{Username: a.Username, Password: a.Password}, nil
	case config.MechanismSCRAMSHA256, config.MechanismSCRAMSHA512:
		algo := scram.SHA256
		if a.Mechanism == config.MechanismSCRAMSHA512 {
			algo = scram.SHA512
		}
		m, err := scram.Mechanism(algo, a.Username, a.Password)
		if err != nil {
			// xdg-go/scram quotes the string it could not prepare, which may be the password.
			return nil, fmt.Errorf("security.sasl: user %q or its password is not valid for %s (SASLprep refused it)", a.Username, a.Mechanism)
		}
		return m, nil
	}
	return nil, fmt.Errorf("security.sasl.mechanism %q is not supported", a.Mechanism)
}

// String names the protocol and, with SASL, the mechanism and user.
func (s *security) String() string {
	if s.mech == nil {
		return s.protocol
	}
	return fmt.Sprintf("%s, %s as user %q", s.protocol, s.mech.Name(), s.user)
}

// authError is a broker refusing kdocs' credentials: the same for every broker of a cluster,
// so worth no retry on another one.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

func (s *security) authFailed(detail string) error {
	return &authError{fmt.Sprintf("authentication failed (%s): %s", s, detail)}
}

// explain turns a failure to connect into one that says what to check. Errors of kafka-go's
// transport arrive here as its kafka.Error codes; the pool's own are already authErrors.
func (s *security) explain(err error) error {
	var (
		ae       *authError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		header   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &ae):
		return err
	case errors.Is(err, kafka.SASLAuthenticationFailed):
		return s.authFailed(strings.TrimPrefix(err.Error(), kafka.SASLAuthenticationFailed.Error()+": "))
	case errors.Is(err, kafka.UnsupportedSASLMechanism):
		return s.authFailed("the broker does not offer this SASL mechanism")
	case errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname):
		return fmt.Errorf("TLS: the broker's certificate is not trusted (is security.tls.caFile the CA that signed it?): %w", err)
	case strings.Contains(err.Error(), "remote error: tls: bad certificate") || strings.Contains(err.Error(), "remote error: tls: certificate required"):
		// crypto/tls does not export the type of a received alert, only its text.
		return fmt.Errorf("TLS: the broker refused kdocs' client certificate, or wants one (mutual TLS: security.tls.certFile and keyFile): %w", err)
	case errors.As(err, &header):
		return fmt.Errorf("TLS handshake: the broker does not speak TLS on this port (security.protocol is %s): %w", s.protocol, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the broker closed the connection (does security.protocol %s match its listener?): %w", s.protocol, err)
	}
	return err
}

// authenticate runs SASL on a fresh connection: SaslHandshake names the mechanism, then
// SaslAuthenticate carries its exchange until the mechanism is done. addr is the broker's
// host:port, which some mechanisms bind into the exchange.
func (s *security) authenticate(ctx context.Context, bc *brokerConn, addr string) error {
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	ctx = sasl.WithMetadata(ctx, &sasl.Metadata{Host: host, Port: port})

	r, err := bc.exchange(ctx, &saslhandshake.Request{Mechanism: s.mech.Name()})
	if err != nil {
		return fmt.Errorf("sasl handshake: %w", err)
	}
	if res := r.(*saslhandshake.Response); res.ErrorCode != 0 {
		if kafka.Error(res.ErrorCode) == kafka.UnsupportedSASLMechanism {
			return s.authFailed(fmt.Sprintf("the broker does not offer this SASL mechanism (it offers %s)", strings.Join(res.Mechanisms, ", ")))
		}
		return fmt.Errorf("sasl handshake: %s", kafkaError(res.ErrorCode))
	}
	sess, state, err := s.mech.Start(ctx)
	if err != nil {
		return s.authFailed(err.Error())
	}
	for done := false; !done; {
		r, err := bc.exchange(ctx, &saslauthenticate.Request{AuthBytes: state})
		if err != nil {
			if errors.Is(err, io.EOF) {
				// A broker may end a failed exchange by closing the connection.
				return s.authFailed("the broker closed the connection")
			}
			return fmt.Errorf("sasl authenticate: %w", err)
		}
		res := r.(*saslauthenticate.Response)
		if res.ErrorCode != 0 {
			if res.ErrorMessage == "" {
				return s.authFailed(kafkaError(res.ErrorCode))
			}
			return s.authFailed(res.ErrorMessage)
		}
		if done, state, err = sess.Next(ctx, res.AuthBytes); err != nil {
			return s.authFailed(err.Error())
		}
	}
	return nil
}

// wrapTLS starts TLS on nc towards addr, bounded by ctx. The server name is the broker's host
// unless the settings name one, as kafka.Transport does.
func (s *security) wrapTLS(ctx context.Context, nc net.Conn, addr string) (net.Conn, error) {
	cfg := s.tls
	if cfg.ServerName == "" {
		host, _, _ := net.SplitHostPort(addr)
		cfg = cfg.Clone()
		cfg.ServerName = host
	}
	tc := tls.Client(nc, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("tls handshake: %w", err)
	}
	return tc, nil
}
