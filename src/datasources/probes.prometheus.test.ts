/**
 * @jest-environment node
 */
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { detectMetrics } from './detect';
import type { DataSourceSummary } from './lookup';
import { probePrometheus, ProbeClient } from './probes';
import { METRIC_FAMILIES } from './conventions';
import { openMetricsText, redMetrics } from '../testing/openmetrics';

// The probes against a real Prometheus: the client stands in for Grafana, forwarding
// /api/ds/query instant queries and data source resource calls the way Grafana does.

const T0 = 1_700_000_000;
const STEP = 300;
const END = T0 + 2 * 3600;
const DS: DataSourceSummary = { uid: 'pivot-prometheus', name: 'Prometheus', type: 'prometheus' };

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

/** Counter samples every STEP seconds from `from` to `to`. */
function counter(name: string, l: Record<string, string>, from: number, to: number): string[] {
  const lines: string[] = [];
  for (let t = from, v = 0; t <= to; t += STEP, v += 10) {
    lines.push(`${name}${labels(l)} ${v} ${t}`);
  }
  return lines;
}

function openMetrics(): string {
  const server = { span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_UNSET' };
  const lines = [
    '# TYPE traces_spanmetrics_calls counter',
    ...counter('traces_spanmetrics_calls_total', { service: 'checkout', span_name: 'GET /cart', ...server }, T0, END),
    ...counter(
      'traces_spanmetrics_calls_total',
      { service: 'checkout', span_name: 'POST /pay', span_kind: 'SPAN_KIND_CLIENT', status_code: 'STATUS_CODE_UNSET' },
      T0,
      END
    ),
    ...counter(
      'traces_spanmetrics_calls_total',
      { service: 'cart', span_name: 'GET /items', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_ERROR' },
      T0,
      END
    ),
    // Collector span metrics that stopped two hours ago: outside the probe's one-hour window.
    '# TYPE traces_span_metrics_calls counter',
    ...counter('traces_span_metrics_calls_total', { service_name: 'legacy', ...server }, T0, T0 + STEP),
    '# TYPE http_server_request_duration_seconds_count counter',
    ...counter('http_server_request_duration_seconds_count', { job: 'shop/frontend', http_route: '/' }, T0, END),
    '# TYPE traces_service_graph_request counter',
    ...counter('traces_service_graph_request_total', { client: 'frontend', server: 'checkout' }, T0, END),
    ...counter('traces_service_graph_request_total', { client: 'checkout', server: 'cart' }, T0, END),
    '# EOF',
    '',
  ];
  return lines.join('\n');
}

/** Grafana in front of Prometheus: instant queries become numeric frames, resources are proxied. */
function grafanaFor(prom: RunningPrometheus): ProbeClient {
  return {
    request: async ({ url, data }) => {
      if (url === '/api/ds/query') {
        const body = data as { to: string; queries: Array<{ refId: string; expr: string }> };
        const timeSec = Number(body.to) / 1000;
        const results: Record<string, unknown> = {};
        for (const q of body.queries) {
          const samples = await prom.instant(q.expr, timeSec);
          results[q.refId] = {
            status: 200,
            frames: samples.map((s) => ({
              schema: {
                refId: q.refId,
                fields: [
                  { name: 'Time', type: 'time' },
                  { name: 'Value', type: 'number', labels: s.metric },
                ],
              },
              data: { values: [[timeSec * 1000], [s.value]] },
            })),
          };
        }
        return { results };
      }
      const resource = /^\/api\/datasources\/uid\/[^/]+\/resources\/(.*)$/.exec(url);
      if (!resource) {
        throw new Error(`unexpected request ${url}`);
      }
      const response = await fetch(`${prom.url}/${resource[1]}`);
      return response.json();
    },
  };
}

describeWithPrometheus('Prometheus probe against a real Prometheus', () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: openMetrics() });
  });
  afterAll(async () => {
    await prom?.stop();
  });

  it('counts each family over the last hour, server spans apart, and reads the label names', async () => {
    const probe = await probePrometheus(grafanaFor(prom), DS, END * 1000);
    if (!probe.ok) {
      throw new Error(probe.error);
    }
    const byFamily = Object.fromEntries(probe.families.map((f) => [f.family, f]));
    expect(byFamily['tempo-spanmetrics']).toMatchObject({ series: 3, serverSeries: 2 });
    expect(byFamily['tempo-spanmetrics'].labels).toEqual(
      expect.arrayContaining(['__name__', 'service', 'span_kind', 'span_name', 'status_code'])
    );
    expect(byFamily['otel-spanmetrics']).toMatchObject({ series: 0, serverSeries: 0, labels: [] });
    expect(byFamily['http-semconv']).toMatchObject({ series: 1, serverSeries: 1 });
    expect(byFamily['http-semconv'].labels).toEqual(expect.arrayContaining(['job', 'http_route']));
    expect(byFamily['http-semconv-old'].series).toBe(0);
    expect(probe.serviceGraphSeries).toBe(2);

    const report = detectMetrics(probe, { family: 'auto', serviceLabel: '' });
    expect(report.detected).toEqual({ family: 'tempo-spanmetrics', serviceLabel: '' });
    expect(report.findings[0].text).toContain('Several metric families have series');
  });

  it('sees the stale family when the window still covers it', async () => {
    const probe = await probePrometheus(grafanaFor(prom), DS, (T0 + 1800) * 1000);
    expect(probe.ok && probe.families.find((f) => f.family === 'otel-spanmetrics')?.series).toBe(1);
    // Its request counter is the seconds variant's too, but no seconds histogram: not that family.
    expect(probe.ok && probe.families.find((f) => f.family === 'otel-spanmetrics-seconds')?.series).toBe(0);
  });
});

describeWithPrometheus('Prometheus probe: the Collector connector with its histogram in seconds', () => {
  const grid = { start: T0, end: T0 + 900, step: 15 };
  let prom: RunningPrometheus;
  beforeAll(async () => {
    const traffic = [
      {
        service: 'checkout',
        requestsPerSecond: 5,
        errorRatio: 0.2,
        latencyFractions: [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    ];
    const info = METRIC_FAMILIES['otel-spanmetrics-seconds'];
    prom = await startPrometheus({
      openMetrics: openMetricsText(redMetrics(info, info.defaultServiceLabel, traffic, grid)),
    });
  });
  afterAll(async () => {
    await prom?.stop();
  });

  it('finds the seconds family: same request counter as the milliseconds one, told apart by its histogram', async () => {
    const probe = await probePrometheus(grafanaFor(prom), DS, grid.end * 1000);
    if (!probe.ok) {
      throw new Error(probe.error);
    }
    const byFamily = Object.fromEntries(probe.families.map((f) => [f.family, f]));
    // Server and client series of checkout's calls, ok and failed: both families count them.
    expect(byFamily['otel-spanmetrics-seconds']).toMatchObject({ series: 3, serverSeries: 2 });
    expect(byFamily['otel-spanmetrics']).toMatchObject({ series: 3, serverSeries: 2 });
    const report = detectMetrics(probe, { family: 'auto', serviceLabel: '' });
    expect(report.detected).toEqual({ family: 'otel-spanmetrics-seconds', serviceLabel: '' });
  });
});
