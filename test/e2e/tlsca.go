//go:build e2e

package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testPKI is a certificate authority made for one test, with a server certificate for
// 127.0.0.1/localhost and a client certificate, all written as PEM files the collector
// config points at. Nothing is shared between tests or kept on disk after them.
type testPKI struct {
	Dir string
	// CAFile, ServerCert, ServerKey, ClientCert, ClientKey are PEM file paths.
	CAFile, ServerCert, ServerKey, ClientCert, ClientKey string

	Pool   *x509.CertPool  // trusts the test CA only
	Client tls.Certificate // the client certificate, for mTLS
}

// newTestPKI makes the CA and both leaf certificates under a temporary directory.
func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	dir := t.TempDir()
	p := &testPKI{Dir: dir, Pool: x509.NewCertPool()}

	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "otelcol-bridge e2e test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	p.Pool.AddCert(ca)
	p.CAFile = writePEM(t, dir, "ca.crt", "CERTIFICATE", caDER)

	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP, dns []string) ([]byte, *ecdsa.PrivateKey) {
		key := newKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(24 * time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
			IPAddresses:  ips,
			DNSNames:     dns,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		return der, key
	}

	srvDER, srvKey := leaf(2, "otelcol-bridge", x509.ExtKeyUsageServerAuth,
		[]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, []string{"localhost"})
	p.ServerCert = writePEM(t, dir, "tls.crt", "CERTIFICATE", srvDER)
	p.ServerKey = writePEM(t, dir, "tls.key", "PRIVATE KEY", marshalKey(t, srvKey))

	cliDER, cliKey := leaf(3, "e2e-client", x509.ExtKeyUsageClientAuth, nil, nil)
	p.ClientCert = writePEM(t, dir, "client.crt", "CERTIFICATE", cliDER)
	p.ClientKey = writePEM(t, dir, "client.key", "PRIVATE KEY", marshalKey(t, cliKey))
	p.Client, err = tls.LoadX509KeyPair(p.ClientCert, p.ClientKey)
	require.NoError(t, err)
	return p
}

// ClientTLS trusts the test CA; withCert adds the client certificate (mTLS).
func (p *testPKI) ClientTLS(withCert bool) *tls.Config {
	c := &tls.Config{RootCAs: p.Pool, MinVersion: tls.VersionTLS12}
	if withCert {
		c.Certificates = []tls.Certificate{p.Client}
	}
	return c
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return k
}

func marshalKey(t testing.TB, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	return der
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
	return path
}
