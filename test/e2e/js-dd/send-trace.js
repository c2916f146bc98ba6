// Sends one trace with dd-trace-js 5.x to DD_TRACE_AGENT_URL (the bridge's
// datadog receiver): a web request of checkout-dd-js calling postgres (its
// own service), and a payments call that fails. dd-trace-js 5.x generates
// 128-bit trace ids by default.
// Usage: DD_TRACE_AGENT_URL=http://127.0.0.1:PORT node send-trace.js
// Prints {"traceId": "<32 hex>", "services": [...], "spans": N}.
'use strict';

const tracer = require('dd-trace').init({
  service: 'checkout-dd-js',
  env: 'e2e',
  version: '3.1.0',
  url: process.env.DD_TRACE_AGENT_URL,
  flushInterval: 50,
  plugins: false,
  startupLogs: false,
});

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main() {
  if (!process.env.DD_TRACE_AGENT_URL) throw new Error('DD_TRACE_AGENT_URL is not set');

  let traceId;
  await tracer.trace('web.request', {
    resource: 'GET /api/orders/{id}',
    type: 'web',
    tags: { 'span.kind': 'server', 'http.method': 'GET', 'http.status_code': '502', 'http.route': '/api/orders/{id}' },
  }, async (root) => {
    traceId = root.context().toTraceId(true);
    await tracer.trace('postgres.query', {
      service: 'checkout-dd-js-postgres',
      resource: 'SELECT * FROM orders WHERE id = $1',
      type: 'sql',
      tags: { 'span.kind': 'client', 'db.system': 'postgresql', 'db.name': 'shop', 'out.host': 'db.shop.internal' },
    }, async () => sleep(5));
    try {
      await tracer.trace('http.request', {
        service: 'payments-dd-js',
        resource: 'POST /v2/charges',
        type: 'http',
        tags: { 'span.kind': 'client', 'http.method': 'POST', 'http.status_code': '402' },
      }, async () => {
        await sleep(5);
        throw new Error('card declined');
      });
    } catch (e) {
      // the span recorded the error
    }
  });

  // Let the exporter flush (flushInterval is 50 ms), then give the
  // request time to complete before exiting.
  await sleep(1500);
  process.stdout.write(JSON.stringify({
    traceId,
    services: ['checkout-dd-js', 'checkout-dd-js-postgres', 'payments-dd-js'],
    spans: 3,
  }) + '\n');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
