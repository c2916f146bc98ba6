// Sends one realistic trace with the OpenTelemetry JS SDK over OTLP/HTTP JSON.
// Usage: OTLP_TRACES_URL=http://127.0.0.1:PORT/v1/traces node send-trace.js
// Prints {"traceId": "...", "linkedTraceId": "..."} so the e2e test knows what to look for.
'use strict';

const { trace, SpanKind, SpanStatusCode, context } = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

async function main() {
  const url = process.env.OTLP_TRACES_URL;
  if (!url) throw new Error('OTLP_TRACES_URL is not set');

  const exporter = new OTLPTraceExporter({ url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout-js',
      'service.version': '2.3.1',
      'deployment.environment.name': 'e2e',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('e2e-js', '0.1.0');

  // A span in another trace, to link to.
  const upstream = tracer.startSpan('upstream.enqueue', { kind: SpanKind.PRODUCER });
  const upstreamCtx = upstream.spanContext();
  upstream.end();

  const root = tracer.startSpan('GET /api/orders/{id}', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 500,
      'order.express': true,
      'order.total': 42.5,
      'order.tags': ['gift', 'priority'],
      'order.item_ids': [7, 11, 13],
    },
    links: [{ context: upstreamCtx, attributes: { 'link.reason': 'enqueued-by' } }],
  });
  const rootCtx = trace.setSpan(context.active(), root);

  const db = tracer.startSpan('SELECT orders', {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' },
  }, rootCtx);
  db.end();

  const charge = tracer.startSpan('charge card', { kind: SpanKind.INTERNAL }, rootCtx);
  charge.addEvent('retrying', { 'retry.attempt': 2, 'retry.backoff_ms': 150.5 });
  charge.recordException(new Error('card declined'));
  charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  charge.end();

  root.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
  root.end();

  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(JSON.stringify({ traceId: root.spanContext().traceId, linkedTraceId: upstreamCtx.traceId }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
