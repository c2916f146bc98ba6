package parity

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// What the sources that read a backend's HTTP query API (Jaeger, Zipkin) share.

// maxResponseBytes bounds what is read from a query API: a trace is never that large, a
// misdirected URL (a UI's index page, a proxy's error page) might be.
const maxResponseBytes = 256 << 20

// getJSON GETs baseURL+path?query asking for JSON. It returns the body (at most
// maxResponseBytes), the HTTP status and the URL for error messages; a status other than
// 200 is the caller's to judge (404 means "no such trace" on both APIs).
func getJSON(ctx context.Context, client *http.Client, baseURL, path string, query url.Values) (body []byte, status int, u string, err error) {
	u = baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, u, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, u, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, resp.StatusCode, u, fmt.Errorf("GET %s: reading the response: %w", u, err)
	}
	return body, resp.StatusCode, u, nil
}

// snippet is the start of an unexpected response, enough to recognise an error page.
func snippet(b []byte) string {
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// appendUnique appends id unless ids already holds it, so a trace listed twice in a
// search answer is compared once.
func appendUnique(ids []pcommon.TraceID, id pcommon.TraceID) []pcommon.TraceID {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// limitIDs keeps the first n ids; n <= 0 keeps them all. The answer is not trusted to
// honour the limit the query asked for.
func limitIDs(ids []pcommon.TraceID, n int) []pcommon.TraceID {
	if n > 0 && len(ids) > n {
		return ids[:n]
	}
	return ids
}
