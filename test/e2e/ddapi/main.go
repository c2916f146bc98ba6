// Command ddapi submits metrics with the real datadog-api-client-go (the v2
// MetricsApi.SubmitMetrics call applications use) to the bridge named by
// DD_BRIDGE_ADDR (host:port), and prints the HTTP status it got. It lives in a
// module of its own so the client's dependencies never enter otelcol-bridge's
// version selection.
//
//	DD_BRIDGE_ADDR=127.0.0.1:8126 go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/DataDog/datadog-api-client-go/v2/api/datadog"
	"github.com/DataDog/datadog-api-client-go/v2/api/datadogV2"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ddapi:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := os.Getenv("DD_BRIDGE_ADDR")
	if addr == "" {
		return errors.New("DD_BRIDGE_ADDR is not set")
	}
	ctx := context.WithValue(context.Background(), datadog.ContextAPIKeys, map[string]datadog.APIKey{
		"apiKeyAuth": {Key: "not-checked-by-the-bridge"},
	})
	// Server 1 of the client's configuration is "{protocol}://{name}": the bridge.
	ctx = context.WithValue(ctx, datadog.ContextServerIndex, 1)
	ctx = context.WithValue(ctx, datadog.ContextServerVariables, map[string]string{"protocol": "http", "name": addr})

	body := datadogV2.MetricPayload{Series: []datadogV2.MetricSeries{{
		Metric:    "app.api.orders",
		Type:      datadogV2.METRICINTAKETYPE_COUNT.Ptr(),
		Interval:  datadog.PtrInt64(10),
		Points:    []datadogV2.MetricPoint{{Timestamp: datadog.PtrInt64(time.Now().Unix()), Value: datadog.PtrFloat64(5)}},
		Resources: []datadogV2.MetricResource{{Name: datadog.PtrString("web-1"), Type: datadog.PtrString("host")}},
		Tags:      []string{"env:e2e", "service:api-client"},
		Unit:      datadog.PtrString("request"),
	}}}
	api := datadogV2.NewMetricsApi(datadog.NewAPIClient(datadog.NewConfiguration()))
	_, resp, err := api.SubmitMetrics(ctx, body, *datadogV2.NewSubmitMetricsOptionalParameters())
	if resp != nil {
		fmt.Println(resp.StatusCode)
	}
	return err
}
