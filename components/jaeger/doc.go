// Package jaeger decodes the Jaeger Thrift span batches that Jaeger clients
// send to a collector (binary protocol, HTTP /api/traces) and to an agent
// (emitBatch messages in the compact or binary protocol, UDP 6831/6832), and
// translates them to OTLP (pdata) in the same pass.
//
// There is no intermediate model: no jaeger.Batch, no per-span maps, no
// allocation per tag. A span's tags, logs and references are collected as
// offsets into the input in scratch slices that the Decoder reuses, and the
// strings a span keeps are copied out of the input in one allocation per
// span, so the input may be reused as soon as Decode returns (the UDP
// server's packet buffers are).
//
// The output equals contrib's pkg/translator/jaeger ThriftToTraces (v0.158.0)
// applied to what apache/thrift's generated jaeger-idl code reads, with the
// collector's default feature gates; the differential tests and fuzz targets
// in this package hold it to that, and receiver/jaegerreceiver/README.md lists
// the deliberate differences. It holds no collector plumbing, so the
// receiver, the tests and the benchmarks share exactly the same code.
package jaeger
