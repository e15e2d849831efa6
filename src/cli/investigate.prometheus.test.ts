/**
 * @jest-environment node
 *
 * `pivot investigate` straight to the backends: a real Prometheus (Debian's, backfilled with
 * metrics this test writes) for the error ratio, p95 and neighbours, and loopback stand-ins of
 * Loki and Tempo answering with payloads shaped like their HTTP APIs (fixtures/backendAnswers.ts).
 * The service's name is hostile (quotes, a newline, `$`, `[[`, regex metacharacters): the
 * numbers only come out right when it reached every query escaped.
 */
import { METRIC_FAMILIES } from '../datasources/conventions';
import { logqlString, promqlString, traceqlString } from '../datasources/strings';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import {
  counterFamily,
  CounterSeries,
  expectedQuantile,
  histogramFamily,
  HistogramSeries,
  LATENCY_BOUNDS_SECONDS,
  openMetricsText,
  redMetrics,
} from '../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import {
  failingCheckout,
  lokiQueryRange,
  otlpTrace,
  SpanSampleRow,
  tempoSearch,
  tempoSpanSearch,
} from './fixtures/backendAnswers';
import { Loopback, startLoopback } from './fixtures/loopback';
import { main } from './investigate';
import { printable } from './render';

const SERVICE = 'pay"ment\n$eu[[x]].*|';
const INFO = METRIC_FAMILIES['tempo-spanmetrics'];
const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 3600, step: 15 };
/** Errors start 15 minutes before the end: the window before has none. */
const ERRORS_FROM = GRID.end - 900;
const UNTIL = GRID.end;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const OTHER_TRACE = '00f067aa0ba902b7aaaaaaaaaaaaaaaa';

const FAST = [0.2, 0.3, 0.3, 0.1, 0.05, 0.05, 0, 0, 0, 0, 0, 0];
const SLOW = [0, 0, 0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.07, 0.03, 0];

function times(): number[] {
  const out: number[] = [];
  for (let t = GRID.start; t <= GRID.end; t += GRID.step) {
    out.push(t);
  }
  return out;
}

const counter = (labels: Record<string, string>, perSecond: (t: number) => number): CounterSeries => {
  let total = 0;
  let last = GRID.start;
  return {
    labels,
    points: times().map((t) => {
      total += perSecond(t) * (t - last);
      last = t;
      return [t, total];
    }),
  };
};

/** The service: 7 ok requests/s throughout, 3 failing/s in the last 15 minutes; checkout healthy. */
function openMetrics(): string {
  const server = (service: string) => ({ service, span_kind: 'SPAN_KIND_SERVER' });
  const calls = [
    counter({ ...server(SERVICE), status_code: 'STATUS_CODE_UNSET' }, () => 7),
    counter({ ...server(SERVICE), status_code: 'STATUS_CODE_ERROR' }, (t) => (t > ERRORS_FROM ? 3 : 0)),
    // Client spans of the service must not count.
    counter({ service: SERVICE, span_kind: 'SPAN_KIND_CLIENT', status_code: 'STATUS_CODE_ERROR' }, () => 50),
    counter({ ...server('checkout'), status_code: 'STATUS_CODE_UNSET' }, () => 4),
  ];
  const traffic = [
    { service: SERVICE, requestsPerSecond: 10, errorRatio: 0, latencyFractions: SLOW },
    { service: 'checkout', requestsPerSecond: 4, errorRatio: 0, latencyFractions: FAST },
  ];
  const [, latency] = redMetrics(INFO, 'service', traffic, GRID);
  const edge = (client: string, server: string, extra: Record<string, string> = {}) => ({ client, server, ...extra });
  const edgeHistogram = (labels: Record<string, string>, perSecond: number): HistogramSeries => ({
    labels,
    points: times().map((time) => {
      const count = perSecond * (time - GRID.start);
      return {
        time,
        count,
        sum: count * 0.1,
        buckets: LATENCY_BOUNDS_SECONDS.map((le) => [le, count] as [number, number]),
      };
    }),
  });
  return openMetricsText([
    counterFamily(INFO.requests, calls),
    latency,
    counterFamily('traces_service_graph_request_total', [
      counter(edge('checkout', SERVICE), () => 4),
      counter(edge(SERVICE, 'postgres', { connection_type: 'database' }), () => 10),
      counter(edge('storefront', 'checkout'), () => 4),
    ]),
    counterFamily('traces_service_graph_request_failed_total', [
      counter(edge('checkout', SERVICE), (t) => (t > ERRORS_FROM ? 1 : 0)),
    ]),
    histogramFamily('traces_service_graph_request_server_seconds', [
      edgeHistogram(edge('checkout', SERVICE), 4),
      edgeHistogram(edge(SERVICE, 'postgres', { connection_type: 'database' }), 10),
      edgeHistogram(edge('storefront', 'checkout'), 4),
    ]),
  ]);
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, {}, { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
  return { code, ...out };
}

describeWithPrometheus('pivot investigate against a real Prometheus and Loki/Tempo API stand-ins', () => {
  let prom: RunningPrometheus;
  let loki: Loopback;
  let tempo: Loopback;

  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: openMetrics() });
    // No error line in the window before: both patterns are new.
    loki = await startLoopback((req) => ({
      body: lokiQueryRange(
        req.query.get('end') === `${(UNTIL - 900) * 1e9}`
          ? []
          : [
              {
                stream: { service_name: SERVICE, trace_id: TRACE_ID, detected_level: 'error' },
                values: [[`${(UNTIL - 5) * 1e9}`, 'charge failed: card declined\u001b[31m (red?)']],
              },
              {
                stream: { service_name: SERVICE, trace_id: OTHER_TRACE, detected_level: 'error' },
                values: [[`${(UNTIL - 60) * 1e9}`, 'charge failed: timeout\nforged line']],
              },
            ]
      ),
    }));
    tempo = await startLoopback((req) => {
      const q = req.query.get('q') ?? '';
      if (req.path === '/api/search' && q.includes('| select(')) {
        // The suspects' samples: 12 failing spans all on version 2.0.0, 40 others mostly on 1.9.0.
        const rows = (n: number, version: (i: number) => string, at: number): SpanSampleRow[] =>
          Array.from({ length: n }, (_, i) => ({
            traceId: (at + i).toString(16).padStart(32, '0'),
            spanId: (at + i).toString(16).padStart(16, '0'),
            timeMs: (UNTIL - 800 + at + i) * 1000,
            name: 'POST /charge',
            attributes: { 'service.version': version(i), 'http.route': '/charge' },
          }));
        return {
          body: tempoSpanSearch(
            q.includes('status = error')
              ? rows(12, () => '2.0.0', 100)
              : rows(40, (i) => (i < 36 ? '1.9.0' : '2.0.0'), 0)
          ),
        };
      }
      if (req.path === '/api/search') {
        return {
          body: tempoSearch([
            {
              traceID: OTHER_TRACE,
              rootServiceName: 'storefront',
              rootTraceName: 'GET /',
              startMs: (UNTIL - 60) * 1000,
              durationMs: 900,
              matched: 1,
            },
            {
              traceID: TRACE_ID,
              rootServiceName: 'storefront',
              rootTraceName: 'GET /checkout',
              startMs: (UNTIL - 5) * 1000,
              durationMs: 400,
              matched: 2,
            },
          ]),
        };
      }
      if (req.path === `/api/traces/${TRACE_ID}`) {
        return { body: otlpTrace(TRACE_ID, (UNTIL - 5) * 1000, failingCheckout(SERVICE)) };
      }
      return { status: 404, body: 'trace not found' };
    });
  }, 120000);

  afterAll(async () => {
    await Promise.all([prom?.stop(), loki?.close(), tempo?.close()]);
  });

  const args = () => [
    '--service',
    SERVICE,
    '--since',
    '15m',
    '--until',
    String(UNTIL),
    '--prometheus',
    prom.url,
    '--loki',
    loki.url,
    '--tempo',
    tempo.url,
    '--links',
    'https://grafana.example.com',
  ];

  it('prints the error ratio and p95 now and before, the logs, the worst trace, the neighbours and the links; exits 1 (failing)', async () => {
    const { code, stdout, stderr } = await run(args());
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const p95 = expectedQuantile(SLOW, 0.95).interpolated;
    expect(stdout).toContain(
      `Service ${printable(SERVICE)}: 15m from 2023-11-14 22:58:20Z to 2023-11-14 23:13:20Z (before: from 2023-11-14 22:43:20Z)`
    );
    expect(stdout).toContain(
      'FAILING now · metrics: Tempo metrics-generator span metrics (detected), service label service'
    );
    expect(stdout).toContain('  requests      10.0/s        7.0/s\n');
    expect(stdout).toContain('  error ratio   30.0%         0.0%\n');
    expect(stdout).toContain(`p95 latency   ${p95.toFixed(2)} s        ${p95.toFixed(2)} s\n`);
    // Log lines: newest first, trace ids, control characters escaped (one printed line each).
    expect(stdout).toContain(
      `  2023-11-14 23:13:15Z  ${TRACE_ID}  charge failed: card declined\\u001b[31m (red?)\n` +
        `  2023-11-14 23:12:20Z  ${OTHER_TRACE}  charge failed: timeout\\nforged line\n`
    );
    // The worst trace: the one with the most failing spans matched, not the longest.
    expect(stdout).toContain(
      `trace ${TRACE_ID}: 5 failing spans, 400 ms, root storefront: GET /checkout (worst of 2 failing traces)`
    );
    expect(stdout).toContain(`failure origin: ${printable(SERVICE)} · authorize card — card declined (300 ms)`);
    expect(stdout).toContain(`    300 ms    75.0%  ${printable(SERVICE)} · authorize card\n`);
    expect(stdout).toContain(`    FAILING    4.0/s     25.0%   checkout\n`);
    expect(stdout).toContain(`    ok         10.0/s    0.0%    postgres (database)\n`);
    const encoded = encodeURIComponent(SERVICE);
    const range = `from=${(UNTIL - 900) * 1000}&to=${UNTIL * 1000}`;
    expect(stdout).toContain(
      `  service: https://grafana.example.com/a/pivot-correlation-app/services/${encoded}?${range}\n`
    );
    expect(stdout).toContain(
      `  trace:   https://grafana.example.com/a/pivot-correlation-app/trace/${TRACE_ID}?${range}&span=00000000000000c2\n`
    );
    expect(stdout).toContain(
      `  graph:   https://grafana.example.com/a/pivot-correlation-app/graph?${range}&focus=${encoded}&depth=1\n`
    );
    expect(stdout).toContain(
      'What the failing requests share\n' +
        '  12 failing server or consumer spans against 40 others (sampled; values more common among the failing first)\n' +
        '  attribute=value        failing   others\n' +
        '  service.version=2.0.0  100.0%    10.0%\n' +
        '  note: a deploy may be the cause: service.version 2.0.0 first shows at 2023-11-14 23:00:36Z among the sampled spans, after spans of other versions'
    );
    expect(stdout).toMatch(/\n {2}NEW {4}1 {6}0 {7}4bf92f3577b34da6a3ce929d0e0e4736 {2}charge failed: card <_>.*\n/);
    // No raw control character of the name or the lines reached the terminal.
    expect(stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f]/);
  });

  it('sends the name escaped to Loki and Tempo, over the window', async () => {
    loki.requests.length = 0;
    tempo.requests.length = 0;
    await run(args());
    const logs = loki.requests.find((r) => r.path === '/loki/api/v1/query_range');
    expect(logs?.query.get('query')).toBe(
      `{service_name=${logqlString(SERVICE)}} | detected_level=~"error|critical|fatal"`
    );
    expect(logs?.query.get('start')).toBe(`${(UNTIL - 900) * 1e9}`);
    expect(logs?.query.get('end')).toBe(`${UNTIL * 1e9}`);
    expect(logs?.query.get('direction')).toBe('backward');
    const search = tempo.requests.find((r) => r.path === '/api/search' && !r.query.get('q')?.includes('select('));
    const samples = tempo.requests.filter((r) => r.path === '/api/search' && r.query.get('q')?.includes('select('));
    expect(samples.map((r) => r.query.get('q')).sort()).toEqual(
      [
        `{ resource.service.name = ${traceqlString(SERVICE)} && (kind = server || kind = consumer) && status != error } | select(`,
        `{ resource.service.name = ${traceqlString(SERVICE)} && (kind = server || kind = consumer) && status = error } | select(`,
      ].map((prefix) =>
        expect.stringMatching(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}resource\\.service\\.version, `)
      )
    );
    expect(samples.map((r) => [r.query.get('limit'), r.query.get('spss'), r.query.get('start')])).toEqual([
      ['500', '1', String(UNTIL - 900)],
      ['500', '1', String(UNTIL - 900)],
    ]);
    const before = loki.requests.filter((r) => r.query.get('end') === `${(UNTIL - 900) * 1e9}`);
    expect(before.map((r) => [r.query.get('start'), r.query.get('limit')])).toEqual([
      [`${(UNTIL - 1800) * 1e9}`, '1000'],
    ]);
    expect(search?.query.get('q')).toBe(
      `{ resource.service.name = ${traceqlString(SERVICE)} && status = error && (kind = server || kind = consumer) }`
    );
    expect(search?.query.get('start')).toBe(String(UNTIL - 900));
    expect(search?.query.get('end')).toBe(String(UNTIL));
    expect(promqlString(SERVICE)).toContain('\\u0024');
  });

  it('--json holds the same numbers for machines', async () => {
    const { code, stdout } = await run([...args(), '--json']);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.exitCode).toBe(1);
    expect(doc.service).toBe(SERVICE);
    expect(doc.sections.metrics).toMatchObject({
      status: 'ok',
      family: 'tempo-spanmetrics',
      familyHow: 'detected',
      health: 'critical',
    });
    expect(doc.sections.metrics.now.errorRatio).toBeCloseTo(0.3, 10);
    expect(doc.sections.metrics.before.errorRatio).toBe(0);
    expect(doc.sections.metrics.now.requestRate).toBeCloseTo(10, 10);
    expect(doc.sections.metrics.now.p95Seconds).toBeCloseTo(expectedQuantile(SLOW, 0.95).interpolated, 10);
    expect(doc.sections.metrics.before.requestRate).toBeCloseTo(7, 10);
    expect(doc.sections.logs.lines.map((l: { traceId: string }) => l.traceId)).toEqual([TRACE_ID, OTHER_TRACE]);
    expect(doc.sections.trace.failureOrigin).toMatchObject({
      service: SERVICE,
      operation: 'authorize card',
      message: 'card declined',
    });
    expect(doc.sections.neighbours.upstream).toEqual([
      { service: 'checkout', kind: 'service', requestRate: 4, errorRatio: 0.25, health: 'critical' },
    ]);
  });

  it('a healthy service exits 0; the configured family is used as given', async () => {
    const { code, stdout } = await run([
      '--service',
      'checkout',
      '--until',
      String(UNTIL),
      '--prometheus',
      prom.url,
      '--family',
      'tempo-spanmetrics',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('ok now · metrics: Tempo metrics-generator span metrics (configured)');
    expect(stdout).toContain('no Loki to ask (give --loki <url>)');
    expect(stdout).toContain('    ok         4.0/s     0.0%    storefront\n');
  });

  it('--hygiene reads the real Prometheus: series per service, no id label among the span metrics; exit 0', async () => {
    const { code, stdout, stderr } = await run([
      '--hygiene',
      '--until',
      String(UNTIL),
      '--prometheus',
      prom.url,
      '--metrics-service-label',
      'service',
      '--json',
    ]);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    expect(doc.report.pillars.prometheus).toEqual({ state: 'ok' });
    expect(doc.report.pillars.loki).toEqual({
      state: 'not-configured',
      message: 'no Loki to ask (give --loki <url>)',
    });
    expect(doc.report.seriesByService.map((s: { service: string }) => s.service)).toContain(SERVICE);
    expect(doc.report.findings).toEqual([]);
    expect(code).toBe(0);
  });
});
