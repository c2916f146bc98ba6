// Sends metrics with the OpenTelemetry JS SDK over OTLP/HTTP (JSON), then exits.
// Usage: OTLP_METRICS_URL=http://127.0.0.1:PORT/v1/metrics SERVICE=js-demo TEMPORALITY=delta node send-metrics.js
'use strict';

const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { OTLPMetricExporter, AggregationTemporalityPreference } = require('@opentelemetry/exporter-metrics-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

async function main() {
  const url = process.env.OTLP_METRICS_URL;
  if (!url) throw new Error('OTLP_METRICS_URL is not set');
  const temporality = process.env.TEMPORALITY === 'delta'
    ? AggregationTemporalityPreference.DELTA
    : AggregationTemporalityPreference.CUMULATIVE;

  const exporter = new OTLPMetricExporter({ url, temporalityPreference: temporality });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3600000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.SERVICE || 'js-demo', 'service.version': '2.3.1' }),
    readers: [reader],
  });
  const meter = provider.getMeter('e2e-js-metrics', '0.1.0');

  const requests = meter.createCounter('js.requests', { unit: '{request}', description: 'Requests handled.' });
  const inflight = meter.createUpDownCounter('js.inflight', { unit: '{request}' });
  const duration = meter.createHistogram('js.request.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.1, 1] },
  });
  const temperature = meter.createGauge('js.temperature', { unit: 'Cel' });
  meter.createObservableGauge('js.heap.utilization', { unit: '1' })
    .addCallback((result) => result.observe(0.5));

  for (let i = 0; i < 5; i++) {
    const attrs = { 'http.route': '/cart', 'http.response.status_code': i === 4 ? 500 : 200 };
    requests.add(1, attrs);
    duration.record(0.05 * (i + 1), attrs);
  }
  inflight.add(3);
  inflight.add(-1);
  temperature.record(19.5);

  await provider.forceFlush();
  await provider.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
