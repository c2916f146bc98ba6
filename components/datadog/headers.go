package datadog

import "net/http"

// Request headers dd-trace libraries send with every trace payload.
const (
	HeaderLang              = "Datadog-Meta-Lang"
	HeaderLangVersion       = "Datadog-Meta-Lang-Version"
	HeaderLangInterpreter   = "Datadog-Meta-Lang-Interpreter"
	HeaderTracerVersion     = "Datadog-Meta-Tracer-Version"
	HeaderContainerID       = "Datadog-Container-Id"
	HeaderTraceCount        = "X-Datadog-Trace-Count"
	HeaderClientComputedTop = "Datadog-Client-Computed-Top-Level"
)

// PayloadFromHeaders reads what the request headers say about the tracer.
func PayloadFromHeaders(h http.Header) Payload {
	return Payload{
		Lang:          h.Get(HeaderLang),
		LangVersion:   h.Get(HeaderLangVersion),
		Interpreter:   h.Get(HeaderLangInterpreter),
		TracerVersion: h.Get(HeaderTracerVersion),
		ContainerID:   h.Get(HeaderContainerID),
	}
}
