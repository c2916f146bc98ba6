package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

// outcome is how an intake request ended: the payloads counter's outcome
// attribute and the answer. writeOutcome is the one place that writes it,
// so every path of every signal answers and counts alike.
type outcome struct {
	name string
	// status of an error answer; unused when accepted or retry.
	status int
	// retry: nothing was kept and the client should retry later (429 or
	// 503, with Retry-After).
	retry bool
	msg   string
	// allow is the Allow header of a 405.
	allow string
	// items are counted as received (accepted, partial) or refused by the
	// pipeline (refused).
	items int
}

// noPipeline answers a request for a signal no pipeline takes from this
// receiver: 501, so the client knows nothing was kept, and counted.
func noPipeline(sig signal) outcome {
	msg := fmt.Sprintf("no %s pipeline includes this datadog receiver: add it to one", sig)
	if sig == signalProfiles {
		msg += " (profiles pipelines need the collector's --feature-gates=service.profilesSupport)"
	}
	return outcome{name: "no_pipeline", status: http.StatusNotImplemented, msg: msg}
}

// bodyOutcome answers a body that could not be read: 413 when it is (or
// inflates to) more than max_request_body_size, 400 otherwise.
func bodyOutcome(err error) outcome {
	if errors.Is(err, errBodyTooLarge) {
		return outcome{name: "too_large", status: http.StatusRequestEntityTooLarge, msg: err.Error()}
	}
	return outcome{name: "invalid", status: http.StatusBadRequest, msg: "cannot read body: " + err.Error()}
}

// translatedOutcome answers a translated body.
func (r *datadogReceiver) translatedOutcome(in *intake, c consumed) outcome {
	switch {
	case errors.Is(c.decodeErr, datadog.ErrLimit):
		return outcome{name: "too_large", status: http.StatusRequestEntityTooLarge, msg: limitMessage(c.decodeErr)}
	case c.consumeErr != nil:
		if consumererror.IsPermanent(c.consumeErr) {
			return outcome{name: "refused", status: http.StatusBadRequest, items: c.items,
				msg: fmt.Sprintf("the pipeline refused the %s: %v", in.signal, c.consumeErr)}
		}
		return outcome{name: "refused", retry: true, items: c.items,
			msg: fmt.Sprintf("the pipeline refused the %s (retry later): %v", in.signal, c.consumeErr)}
	case c.decodeErr != nil && nothingDecoded(in, c):
		r.settings.Logger.Debug("undecodable payload", zap.String("path", in.path), zap.Error(c.decodeErr))
		return outcome{name: "invalid", status: http.StatusBadRequest, msg: c.decodeErr.Error()}
	case c.decodeErr != nil:
		// What was decoded before the error was forwarded; a retry would
		// duplicate it, so the client gets a 4xx saying what was kept.
		return outcome{name: "partial", status: http.StatusBadRequest, items: c.items,
			msg: fmt.Sprintf("%s accepted, the rest is undecodable: %v", kept(in, c), c.decodeErr)}
	}
	return outcome{name: "accepted", items: c.items}
}

// nothingDecoded: traces count decoded chunks (a chunk may be empty), the
// other signals their items.
func nothingDecoded(in *intake, c consumed) bool {
	if in.signal == signalTraces {
		return c.traces == 0
	}
	return c.items == 0
}

func kept(in *intake, c consumed) string {
	if in.signal == signalTraces {
		return fmt.Sprintf("%d spans in %d traces", c.items, c.traces)
	}
	return fmt.Sprintf("%d items", c.items)
}

// writeOutcome counts the outcome and the items, and writes the answer.
func (r *datadogReceiver) writeOutcome(ctx context.Context, w http.ResponseWriter, in *intake, o outcome) {
	endpoint := attribute.String("endpoint", in.path)
	r.telemetry.ReceiverDatadogPayloads.Add(ctx, 1, metric.WithAttributes(endpoint, attribute.String("outcome", o.name)))
	// Spans have their own counters; the other signals share the items ones.
	received, refused := r.telemetry.ReceiverDatadogItemsReceived, r.telemetry.ReceiverDatadogItemsRefused
	if in.signal == signalTraces {
		received, refused = r.telemetry.ReceiverDatadogSpansReceived, r.telemetry.ReceiverDatadogSpansRefused
	}
	switch o.name {
	case "accepted", "partial":
		received.Add(ctx, int64(o.items), metric.WithAttributes(endpoint))
	case "refused":
		refused.Add(ctx, int64(o.items), metric.WithAttributes(endpoint, attribute.String("reason", "pipeline_refused")))
	}
	switch {
	case o.name == "accepted":
		if in.okBody != "" && in.okBody[0] == '{' {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(in.okStatus)
		_, _ = io.WriteString(w, in.okBody)
	case o.retry:
		writeRetryLater(w, in.path, o.msg)
	case o.allow != "":
		writeError(w, o.status, o.msg, in.path, o.allow)
	default:
		writeError(w, o.status, o.msg, in.path)
	}
}

// limitMessage turns a *datadog.LimitError into the 413 message: what was
// exceeded and the configuration key that raises it.
func limitMessage(err error) string {
	key := "max_request_body_size"
	var le *datadog.LimitError
	if errors.As(err, &le) {
		switch le.What {
		case "items":
			key = "max_items_per_request"
		case "attributes":
			key = "max_attributes_per_request"
		}
	}
	return fmt.Sprintf("%v (the %s setting of the datadog receiver): nothing of this payload was kept", err, key)
}

// drain consumes a request body we do not use, so the connection is reused.
func drain(req *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
}

type errorBody struct {
	Error string `json:"error"`
	Path  string `json:"path"`
}

func writeError(w http.ResponseWriter, status int, msg, path string, allow ...string) {
	if len(allow) > 0 {
		w.Header().Set("Allow", allow[0])
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: msg, Path: path})
}
