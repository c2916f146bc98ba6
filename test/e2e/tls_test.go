//go:build e2e

package e2e

import (
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTLSEveryListener runs the TLS recipe of docs/en/security.md: OTLP gRPC and HTTP,
// Jaeger gRPC and Thrift HTTP, Zipkin and Datadog over TLS with a CA made here. Each client that
// trusts the CA gets its span through; plaintext clients and clients that do not trust
// the CA are refused with their protocol's error, and nothing of theirs is written.
func TestTLSEveryListener(t *testing.T) {
	recipes := securityRecipes(t)
	pki := newTestPKI(t)
	b := startRecipe(t, pki, recipes[recipeTLS])
	trusted := otlpClient{tls: pki.ClientTLS(false)}
	var refused []string

	t.Run("otlp-grpc", func(t *testing.T) {
		require.NoError(t, exportGRPC(t, b.Addr(4317), "tls-grpc-ok", trusted))

		err := exportGRPC(t, b.Addr(4317), "tls-grpc-plaintext", otlpClient{})
		assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
		err = exportGRPC(t, b.Addr(4317), "tls-grpc-untrusted", otlpClient{tls: &tls.Config{MinVersion: tls.VersionTLS12}})
		assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
		assert.ErrorContains(t, err, "certificate signed by unknown authority")
		refused = append(refused, "tls-grpc-plaintext", "tls-grpc-untrusted")
	})

	t.Run("otlp-http", func(t *testing.T) {
		require.NoError(t, exportHTTP(t, b.Addr(4318), "tls-http-ok", trusted))

		err := exportHTTP(t, b.Addr(4318), "tls-http-plaintext", otlpClient{})
		assert.ErrorContains(t, err, "400")
		err = exportHTTP(t, b.Addr(4318), "tls-http-untrusted", otlpClient{tls: &tls.Config{MinVersion: tls.VersionTLS12}})
		assert.ErrorContains(t, err, "certificate signed by unknown authority")
		refused = append(refused, "tls-http-plaintext", "tls-http-untrusted")

		// What any plaintext HTTP client is told.
		resp, err := http.Post("http://"+b.Addr(4318)+"/v1/traces", "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, string(body), "Client sent an HTTP request to an HTTPS server")
	})

	t.Run("jaeger-grpc", func(t *testing.T) {
		require.NoError(t, postJaegerGRPC(t, b.Addr(14250), "tls-jaeger-grpc-ok", pki.ClientTLS(false)))

		err := postJaegerGRPC(t, b.Addr(14250), "tls-jaeger-grpc-plaintext", nil)
		assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
		err = postJaegerGRPC(t, b.Addr(14250), "tls-jaeger-grpc-untrusted", &tls.Config{MinVersion: tls.VersionTLS12})
		assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
		assert.ErrorContains(t, err, "certificate signed by unknown authority")
		refused = append(refused, "tls-jaeger-grpc-plaintext", "tls-jaeger-grpc-untrusted")
	})

	t.Run("jaeger-thrift-http", func(t *testing.T) {
		path := "/api/traces"
		require.NoError(t, sendJaeger(t, "https://"+b.Addr(14268)+path, "tls-jaeger-ok", httpClient(pki.ClientTLS(false)), nil))

		err := sendJaeger(t, "http://"+b.Addr(14268)+path, "tls-jaeger-plaintext", httpClient(nil), nil)
		assert.ErrorContains(t, err, "400")
		err = sendJaeger(t, "https://"+b.Addr(14268)+path, "tls-jaeger-untrusted", httpClient(nil), nil)
		assert.ErrorContains(t, err, "certificate signed by unknown authority")
		refused = append(refused, "tls-jaeger-plaintext", "tls-jaeger-untrusted")
	})

	t.Run("zipkin", func(t *testing.T) {
		path := "/api/v2/spans"
		codes, errs := sendZipkin(t, "https://"+b.Addr(9411)+path, "tls-zipkin-ok", httpClient(pki.ClientTLS(false)))
		assert.Empty(t, errs)
		assert.Equal(t, []int{http.StatusAccepted}, codes)

		codes, errs = sendZipkin(t, "http://"+b.Addr(9411)+path, "tls-zipkin-plaintext", httpClient(nil))
		assert.Empty(t, errs)
		assert.Equal(t, []int{http.StatusBadRequest}, codes)
		codes, errs = sendZipkin(t, "https://"+b.Addr(9411)+path, "tls-zipkin-untrusted", httpClient(nil))
		assert.Empty(t, codes)
		require.Len(t, errs, 1)
		assert.ErrorContains(t, errs[0], "certificate signed by unknown authority")
		refused = append(refused, "tls-zipkin-plaintext", "tls-zipkin-untrusted")
	})

	t.Run("datadog", func(t *testing.T) {
		// dd-trace-go logs send failures and exits 0: the refusal shows as a trace that
		// never arrives, checked after the accepted one has.
		plainID := runDDGo(t, "http://"+b.Addr(8126), pki.CAFile)
		okID := runDDGo(t, "https://"+b.Addr(8126), pki.CAFile)
		td := waitForTrace(t, b.TracesFile(), okID, 3)
		assert.Empty(t, spansOfTrace(td, plainID), "dd-trace-go over plaintext reached the pipeline")
	})

	waitForSpans(t, b.TracesFile(), "tls-grpc-ok", "tls-http-ok", "tls-jaeger-grpc-ok", "tls-jaeger-ok", "tls-zipkin-ok")
	assertNoSpans(t, b.TracesFile(), refused...)
	t.Logf("refused and not written: %v", refused)
}

// TestMTLS runs the mTLS recipe: a client certificate signed by the configured CA is
// required on OTLP gRPC and HTTP.
func TestMTLS(t *testing.T) {
	recipes := securityRecipes(t)
	pki := newTestPKI(t)
	other := newTestPKI(t) // a client certificate from a CA the collector does not know
	b := startRecipe(t, pki, recipes[recipeMTLS])

	withCert := otlpClient{tls: pki.ClientTLS(true)}
	withoutCert := otlpClient{tls: pki.ClientTLS(false)}
	foreignCert := pki.ClientTLS(false)
	foreignCert.Certificates = []tls.Certificate{other.Client}

	require.NoError(t, exportGRPC(t, b.Addr(4317), "mtls-grpc-ok", withCert))
	require.NoError(t, exportHTTP(t, b.Addr(4318), "mtls-http-ok", withCert))

	// The client sees the refusal as the server's TLS alert or, when the alert loses the
	// race with its first write, as a broken connection; the collector's log says why.
	err := exportGRPC(t, b.Addr(4317), "mtls-grpc-nocert", withoutCert)
	assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
	err = exportHTTP(t, b.Addr(4318), "mtls-http-nocert", withoutCert)
	assert.Error(t, err)
	err = exportGRPC(t, b.Addr(4317), "mtls-grpc-foreign", otlpClient{tls: foreignCert})
	assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
	err = exportHTTP(t, b.Addr(4318), "mtls-http-foreign", otlpClient{tls: foreignCert})
	assert.Error(t, err)
	err = exportGRPC(t, b.Addr(4317), "mtls-grpc-plaintext", otlpClient{})
	assert.Equal(t, "Unavailable", grpcCode(err), "%v", err)
	waitFor(t, "the collector to log both refusals", func() bool {
		l := b.Log()
		return strings.Contains(l, "client didn't provide a certificate") && strings.Contains(l, "certificate signed by unknown authority")
	})

	waitForSpans(t, b.TracesFile(), "mtls-grpc-ok", "mtls-http-ok")
	assertNoSpans(t, b.TracesFile(), "mtls-grpc-nocert", "mtls-http-nocert", "mtls-grpc-foreign", "mtls-http-foreign", "mtls-grpc-plaintext")
}
