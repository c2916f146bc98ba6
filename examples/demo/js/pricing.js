// The demo shop's pricing service: GET /price?sku=... asks inventory for the stock and answers
// {"unit_cents", "in_stock"}. Traced with the OpenTelemetry JS SDK, exported over OTLP/HTTP
// (JSON) to the bridge. It reads the caller's W3C traceparent and passes it on to inventory.
// Logs: one JSON object a line on stdout with trace_id and span_id (the launcher sends stdout
// to <run dir>/logs/pricing.jsonl, which the bridge reads).
//
// Settings (the demo launcher sets them): PRICING_PORT, OTLP_TRACES_URL, INVENTORY_URL.
'use strict';

const http = require('node:http');
const { trace, context, propagation, SpanKind, SpanStatusCode, ROOT_CONTEXT } = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const SERVICE = 'pricing';

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${SERVICE}: ${name} is not set`);
    process.exit(1);
  }
  return v;
}

const port = Number(need('PRICING_PORT'));
const inventoryURL = need('INVENTORY_URL');
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({
    'service.name': SERVICE,
    'service.version': '3.2.0',
    'deployment.environment.name': 'demo',
  }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: need('OTLP_TRACES_URL') }), { scheduledDelayMillis: 500 })],
});
const tracer = provider.getTracer('otelcol-bridge-demo-pricing', '0.1.0');
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

function log(level, msg, span, fields = {}) {
  const line = { time: new Date().toISOString(), level, msg, service: SERVICE, ...fields };
  if (span) {
    line.trace_id = span.spanContext().traceId;
    line.span_id = span.spanContext().spanId;
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}

// A stable, made-up list price per sku, in cents.
function listPrice(sku) {
  let h = 0;
  for (const c of sku) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 500 + (h % 9500);
}

async function stock(ctx, sku) {
  const span = tracer.startSpan('GET /stock', {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': 'GET', 'server.address': inventoryURL },
  }, ctx);
  const headers = {};
  propagation.inject(trace.setSpan(ctx, span), headers);
  try {
    const resp = await fetch(`${inventoryURL}/stock?sku=${encodeURIComponent(sku)}`, { headers, signal: AbortSignal.timeout(5000) });
    span.setAttribute('http.response.status_code', resp.status);
    if (!resp.ok) throw new Error(`inventory answered ${resp.status}`);
    return (await resp.json()).in_stock;
  } catch (err) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    throw err;
  } finally {
    span.end();
  }
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/healthz') {
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'GET' || url.pathname !== '/price') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /price?sku=<name>\n');
    return;
  }
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan('GET /price', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'url.path': '/price', 'http.route': '/price' },
  }, parent);
  const ctx = trace.setSpan(parent, span);
  const sku = url.searchParams.get('sku');
  try {
    if (!sku) {
      span.setAttribute('http.response.status_code', 400);
      log('WARN', 'price request without a sku', span);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('want ?sku=<name>\n');
      return;
    }
    log('INFO', 'price requested', span, { sku });
    const inStock = await context.with(ctx, () => stock(ctx, sku));
    const unitCents = listPrice(sku);
    span.setAttribute('http.response.status_code', 200);
    log('INFO', 'price quoted', span, { sku, unit_cents: unitCents, in_stock: inStock });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ unit_cents: unitCents, in_stock: inStock }));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span.setAttribute('http.response.status_code', 502);
    log('ERROR', 'price failed', span, { sku, error: err.message });
    res.writeHead(502, { 'content-type': 'text/plain' }).end(`inventory: ${err.message}\n`);
  } finally {
    span.end();
  }
});

server.listen(port, '127.0.0.1', () => log('INFO', 'listening', null, { addr: `127.0.0.1:${port}` }));

// SIGTERM from the launcher (or Ctrl-C when run alone): stop taking requests, flush the spans.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    provider.shutdown().finally(() => process.exit(0));
  });
}
