//go:build e2e

package e2e

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	gatewayToken = "e2e-gateway-token-5f1c"
	pprofToken   = "e2e-pprof-token-9a2e"
)

// TestBearerTokenAuth runs the bearer-token recipe of docs/en/security.md: the
// bearertokenauth extension on OTLP gRPC and HTTP and Jaeger Thrift HTTP (all over TLS),
// and a second token on the profiling extension's pprof endpoints. The right token gets
// through; a missing or wrong one is refused with gRPC Unauthenticated / HTTP 401 and
// nothing of it is written.
func TestBearerTokenAuth(t *testing.T) {
	recipes := securityRecipes(t)
	pki := newTestPKI(t)
	writeToken(t, pki, "gateway-token", gatewayToken)
	writeToken(t, pki, "pprof-token", pprofToken)
	b := startRecipe(t, pki, recipes[recipeBearer])
	tlsConf := pki.ClientTLS(false)
	bearer := func(tok string) map[string]string { return map[string]string{"authorization": "Bearer " + tok} }

	t.Run("otlp-grpc", func(t *testing.T) {
		require.NoError(t, exportGRPC(t, b.Addr(4317), "auth-grpc-ok", otlpClient{tls: tlsConf, headers: bearer(gatewayToken)}))
		for name, h := range map[string]map[string]string{
			"auth-grpc-missing": nil, "auth-grpc-wrong": bearer("not-the-token"), "auth-grpc-pprof-token": bearer(pprofToken),
		} {
			err := exportGRPC(t, b.Addr(4317), name, otlpClient{tls: tlsConf, headers: h})
			assert.Equal(t, "Unauthenticated", grpcCode(err), "%s: %v", name, err)
		}
	})

	t.Run("otlp-http", func(t *testing.T) {
		require.NoError(t, exportHTTP(t, b.Addr(4318), "auth-http-ok", otlpClient{tls: tlsConf, headers: bearer(gatewayToken)}))
		for name, h := range map[string]map[string]string{"auth-http-missing": nil, "auth-http-wrong": bearer("not-the-token")} {
			err := exportHTTP(t, b.Addr(4318), name, otlpClient{tls: tlsConf, headers: h})
			assert.ErrorContains(t, err, "401", name)
		}
	})

	t.Run("jaeger-thrift-http", func(t *testing.T) {
		url := "https://" + b.Addr(14268) + "/api/traces"
		client := httpClient(tlsConf)
		require.NoError(t, sendJaeger(t, url, "auth-jaeger-ok", client, map[string]string{"Authorization": "Bearer " + gatewayToken}))
		err := sendJaeger(t, url, "auth-jaeger-missing", client, nil)
		assert.ErrorContains(t, err, "401")
		err = sendJaeger(t, url, "auth-jaeger-wrong", client, map[string]string{"Authorization": "Bearer nope"})
		assert.ErrorContains(t, err, "401")
	})

	t.Run("pprof", func(t *testing.T) {
		base := "https://" + b.Addr(1777) + "/debug/pprof/"
		get := func(client *http.Client, url, token string) (int, string) {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			require.NoError(t, err)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		client := httpClient(tlsConf)
		code, body := get(client, base, pprofToken)
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "goroutine")
		code, body = get(client, base+"goroutine?debug=1", pprofToken)
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "goroutine profile:")

		code, body = get(client, base+"goroutine?debug=1", "")
		assert.Equal(t, http.StatusUnauthorized, code)
		assert.NotContains(t, body, "goroutine profile:")
		code, _ = get(client, base, "not-the-token")
		assert.Equal(t, http.StatusUnauthorized, code)
		code, _ = get(client, base, gatewayToken)
		assert.Equal(t, http.StatusUnauthorized, code, "the gateway's token does not open pprof")

		code, _ = get(httpClient(nil), "http://"+b.Addr(1777)+"/debug/pprof/", pprofToken)
		assert.Equal(t, http.StatusBadRequest, code, "plaintext to the TLS endpoint")
		_, err := httpClient(nil).Get(base)
		assert.ErrorContains(t, err, "certificate signed by unknown authority")
	})

	waitForSpans(t, b.TracesFile(), "auth-grpc-ok", "auth-http-ok", "auth-jaeger-ok")
	assertNoSpans(t, b.TracesFile(), "auth-grpc-missing", "auth-grpc-wrong", "auth-grpc-pprof-token",
		"auth-http-missing", "auth-http-wrong", "auth-jaeger-missing", "auth-jaeger-wrong")
}
