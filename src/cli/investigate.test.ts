/**
 * @jest-environment node
 *
 * `pivot investigate` through Grafana, against a loopback stand-in of Grafana's HTTP API:
 * Pivot's saved settings (`GET /api/plugins/<plugin id>/settings`) and `POST /api/ds/query`
 * answering with frames shaped as docs/conventions.md describes. Checks the exact request
 * bodies (data source uid and type, refId, query, time range) and the Authorization header.
 * Then the errors: connection refused, 401, an answer that is not JSON, a timeout, Pivot not
 * installed, a data source's query error, with their exit statuses; and the `pivot` bin.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { promql, logql, traceql } from '../datasources';
import { graphQueries } from '../datasources/serviceGraph';
import { suspectSpans } from '../datasources/suspectQueries';
import { startLoopback, Loopback, Recorded } from './fixtures/loopback';
import { main, withOverrides } from './investigate';
import type { Options } from './args';
import { normalizeSettings } from '../settings';

const ROOT = join(__dirname, '..', '..');
const SERVICE = 'pay"ment $x';
const UNTIL = 1_700_003_600_000;
const FROM = UNTIL - 900_000;
const TOKEN = 'glsa_test_token';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CONV = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
const SAVED = {
  datasources: { prometheus: 'prom-uid', loki: 'loki-uid', tempo: 'tempo-uid' },
  metrics: { family: 'tempo-spanmetrics', serviceLabel: 'service' },
  logs: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
};

/** A Prometheus instant frame as Grafana sends it: `Time` and a `Value` field labelled with the series. */
function instantFrame(refId: string, labels: Record<string, string>, value: number, at: number) {
  return {
    schema: {
      refId,
      meta: { type: 'numeric-multi', typeVersion: [0, 1] },
      fields: [
        { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } },
        { name: 'Value', type: 'number', typeInfo: { frame: 'float64' }, labels },
      ],
    },
    data: Number.isNaN(value)
      ? { values: [[at], [null]], entities: [null, { NaN: [0] }] }
      : { values: [[at], [value]] },
  };
}

/** Sampled server spans: [version, route], one trace each. */
const FAILING_SPANS: Array<[string, string]> = Array.from({ length: 12 }, () => ['2.0.0', '/charge']);
const BASELINE_SPANS: Array<[string, string]> = [
  ...Array.from({ length: 30 }, (): [string, string] => ['1.9.0', '/charge']),
  ...Array.from({ length: 3 }, (): [string, string] => ['2.0.0', '/charge']),
];

/**
 * Grafana's \`Spans\` table for a TraceQL search with \`tableType: 'spans'\`: \`traceIdHidden\`,
 * \`traceService\`, \`traceName\`, \`spanID\`, \`time\`, \`name\`, the selected attributes as Tempo names
 * them (without scope, in name order), \`duration\` (ns); Grafana names the frame's refId \`traces\`.
 */
function spansTable(refId: string, rows: Array<[string, string]>) {
  const columns: Array<[string, string, unknown[]]> = [
    ['traceIdHidden', 'string', rows.map((_, i) => (i + 1).toString(16).padStart(32, '0'))],
    ['traceService', 'string', rows.map(() => 'storefront')],
    ['traceName', 'string', rows.map(() => 'GET /checkout')],
    ['spanID', 'string', rows.map((_, i) => (i + 1).toString(16).padStart(16, '0'))],
    ['time', 'time', rows.map((_, i) => UNTIL - 600_000 + i * 1000)],
    ['name', 'string', rows.map(() => 'POST /charge')],
    ['http.route', 'string', rows.map(([, route]) => route)],
    ['service.version', 'string', rows.map(([version]) => version)],
    ['duration', 'number', rows.map(() => 1_000_000)],
  ];
  return {
    schema: {
      name: 'Spans',
      refId: 'traces',
      meta: { preferredVisualisationType: 'table' },
      fields: columns.map(([name, type]) => ({ name, type, config: {} })),
    },
    data: { values: columns.map(([, , values]) => values) },
  };
}

const STATS_NOW: Record<string, number> = { requestRate: 10, errorRatio: 0.02, p95: 0.25 };
const STATS_BEFORE: Record<string, number> = { requestRate: 0, errorRatio: NaN, p95: NaN };

function dsAnswer(req: Recorded): unknown {
  const body = JSON.parse(req.body) as { queries: Array<{ refId: string }>; from: string; to: string };
  const refId = body.queries[0].refId;
  const to = Number(body.to);
  const frames = (list: unknown[]) => ({ results: { [refId]: { status: 200, frames: list } } });
  if (refId in STATS_NOW) {
    const value = to === UNTIL ? STATS_NOW[refId] : STATS_BEFORE[refId];
    return frames([instantFrame(refId, { service: SERVICE }, value, to)]);
  }
  if (refId === 'graphRequests') {
    return frames([instantFrame(refId, { client: 'checkout', server: SERVICE }, 4, to)]);
  }
  if (refId.startsWith('graph')) {
    return frames([]);
  }
  if (refId === 'spanSample') {
    const query = (body.queries[0] as unknown as { query: string }).query;
    return frames([spansTable(refId, query.includes('status = error') ? FAILING_SPANS : BASELINE_SPANS)]);
  }
  if (refId === 'errorLogs' && to === FROM) {
    // Nothing in the window before: the error line's pattern is new.
    return frames([]);
  }
  if (refId === 'errorLogs') {
    return frames([
      {
        schema: {
          refId,
          meta: { custom: { frameType: 'LabeledTimeValues' } },
          fields: [
            { name: 'labels', type: 'other' },
            { name: 'Time', type: 'time' },
            { name: 'Line', type: 'string' },
            { name: 'tsNs', type: 'string' },
            { name: 'id', type: 'string' },
          ],
        },
        data: {
          values: [
            [{ service_name: SERVICE, trace_id: TRACE_ID }],
            [UNTIL - 5000],
            ['charge failed: card declined'],
            [`${UNTIL - 5000}000000`],
            ['1'],
          ],
        },
      },
    ]);
  }
  if (refId === 'failingTraces') {
    return frames([
      {
        schema: {
          name: 'Traces',
          refId,
          fields: ['traceID', 'startTime', 'traceService', 'traceName', 'traceDuration'].map((name) => ({
            name,
            type: name === 'traceDuration' || name === 'startTime' ? 'number' : 'string',
          })),
        },
        data: { values: [[TRACE_ID], [UNTIL - 5000], ['storefront'], ['GET /checkout'], [400]] },
      },
    ]);
  }
  if (refId === 'trace') {
    const start = UNTIL - 5000;
    const columns: Array<[string, string, unknown[]]> = [
      ['traceID', 'string', [TRACE_ID, TRACE_ID]],
      ['spanID', 'string', ['00000000000000a1', '00000000000000c1']],
      ['parentSpanID', 'string', ['', '00000000000000a1']],
      ['operationName', 'string', ['GET /checkout', 'POST /charge']],
      ['serviceName', 'string', ['storefront', SERVICE]],
      ['kind', 'string', ['server', 'server']],
      ['statusCode', 'number', [2, 2]],
      ['statusMessage', 'string', ['upstream failed', 'card declined']],
      ['startTime', 'number', [start, start + 50]],
      ['duration', 'number', [400, 300]],
    ];
    return frames([
      {
        schema: {
          name: 'Trace',
          refId,
          meta: { preferredVisualisationType: 'trace' },
          fields: columns.map(([name, type]) => ({ name, type })),
        },
        data: { values: columns.map(([, , values]) => values) },
      },
    ]);
  }
  return { results: { [refId]: { status: 400, error: `unexpected refId ${refId}` } } };
}

async function run(args: string[], env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, env, { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
  return { code, ...out };
}

describe('pivot investigate through Grafana', () => {
  let grafana: Loopback;

  beforeAll(async () => {
    grafana = await startLoopback((req) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return { status: 401, body: { message: 'Unauthorized' } };
      }
      if (req.method === 'GET' && req.path === '/api/plugins/pivot-correlation-app/settings') {
        return { body: { id: 'pivot-correlation-app', enabled: true, pinned: true, jsonData: SAVED } };
      }
      if (req.method === 'POST' && req.path === '/api/ds/query') {
        return { body: dsAnswer(req) };
      }
      return { status: 404, body: { message: 'Not found' } };
    });
  });

  afterAll(() => grafana.close());

  it("reads Pivot's settings and sends each query to its saved data source, with the token", async () => {
    grafana.requests.length = 0;
    const { code, stdout, stderr } = await run(
      ['--service', SERVICE, '--until', String(UNTIL / 1000), '--grafana', grafana.url],
      {
        GRAFANA_TOKEN: TOKEN,
      }
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(grafana.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(grafana.requests[0]).toMatchObject({ method: 'GET', path: '/api/plugins/pivot-correlation-app/settings' });
    const bodies = grafana.requests.filter((r) => r.path === '/api/ds/query').map((r) => JSON.parse(r.body));
    expect(
      grafana.requests
        .filter((r) => r.path === '/api/ds/query')
        .every((r) => r.headers['content-type'] === 'application/json')
    ).toBe(true);
    const prom = { uid: 'prom-uid', type: 'prometheus' };
    const opts = { service: SERVICE, window: '15m' };
    const instant = (refId: string, expr: string, from: number, to: number) => ({
      queries: [{ refId, expr, instant: true, range: false, datasource: prom }],
      from: String(from),
      to: String(to),
    });
    const expected = [
      instant('requestRate', promql.requestRate(CONV, opts), FROM, UNTIL),
      instant('errorRatio', promql.errorRatio(CONV, opts), FROM, UNTIL),
      instant('p95', promql.latencyQuantile(CONV, { ...opts, quantile: 0.95 }), FROM, UNTIL),
      instant('requestRate', promql.requestRate(CONV, opts), FROM - 900_000, FROM),
      instant('errorRatio', promql.errorRatio(CONV, opts), FROM - 900_000, FROM),
      instant('p95', promql.latencyQuantile(CONV, { ...opts, quantile: 0.95 }), FROM - 900_000, FROM),
      ...graphQueries(opts).map((q) => instant(q.refId, q.expr, FROM, UNTIL)),
      {
        queries: [
          {
            refId: 'errorLogs',
            expr: logql.serviceLogs(
              { serviceLabel: 'service_name', traceId: 'structured-metadata' },
              { service: SERVICE, errorsOnly: true }
            ),
            queryType: 'range',
            maxLines: 10,
            direction: 'backward',
            datasource: { uid: 'loki-uid', type: 'loki' },
          },
        ],
        from: String(FROM),
        to: String(UNTIL),
      },
      {
        queries: [
          {
            refId: 'failingTraces',
            queryType: 'traceql',
            query: traceql.failingSpans({ service: SERVICE }),
            limit: 20,
            tableType: 'traces',
            datasource: { uid: 'tempo-uid', type: 'tempo' },
          },
        ],
        from: String(FROM),
        to: String(UNTIL),
      },
      {
        queries: [
          { refId: 'trace', queryType: 'traceql', query: TRACE_ID, datasource: { uid: 'tempo-uid', type: 'tempo' } },
        ],
        from: String(FROM),
        to: String(UNTIL),
      },
      ...(['failing', 'baseline'] as const).map((side) => ({
        queries: [
          {
            refId: 'spanSample',
            queryType: 'traceql',
            query: suspectSpans(SERVICE, side),
            limit: 500,
            spss: 1,
            tableType: 'spans',
            datasource: { uid: 'tempo-uid', type: 'tempo' },
          },
        ],
        from: String(FROM),
        to: String(UNTIL),
      })),
      ...[FROM, UNTIL].map((to) => ({
        queries: [
          {
            refId: 'errorLogs',
            expr: logql.serviceLogs(
              { serviceLabel: 'service_name', traceId: 'structured-metadata' },
              { service: SERVICE, errorsOnly: true }
            ),
            queryType: 'range',
            maxLines: 1000,
            direction: 'backward',
            datasource: { uid: 'loki-uid', type: 'loki' },
          },
        ],
        from: String(to - 900_000),
        to: String(to),
      })),
    ];
    const key = (b: { queries: Array<{ refId: string }>; to: string }) => `${JSON.stringify(b.queries)}@${b.to}`;
    const sorted = (list: typeof bodies) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(bodies)).toEqual(sorted(expected));

    expect(stdout).toContain(
      '  DEGRADED now · metrics: Tempo metrics-generator span metrics (configured), service label service\n'
    );
    expect(stdout).toContain('  requests      10.0/s        0.0/s\n');
    expect(stdout).toContain('  error ratio   2.0%          –\n');
    expect(stdout).toContain('  p95 latency   250 ms        –\n');
    expect(stdout).toContain(`  2023-11-14 23:13:15Z  ${TRACE_ID}  charge failed: card declined\n`);
    expect(stdout).toContain(
      `  trace ${TRACE_ID}: 2 failing spans, 400 ms, root storefront: GET /checkout (worst of 1 failing trace)\n`
    );
    expect(stdout).toContain('  failure origin: pay"ment $x · POST /charge — card declined (300 ms)\n');
    expect(stdout).toContain(
      'What the failing requests share\n' +
        '  12 failing server or consumer spans against 33 others (sampled; values more common among the failing first)\n' +
        '  attribute=value        failing   others\n' +
        '  service.version=2.0.0  100.0%    9.1%\n'
    );
    expect(stdout).toContain(
      'New and grown error-log patterns (this window against the one before)\n' +
        '  1 error line read now, 0 before (at most 1000 each, newest first)\n' +
        '         now    before  example trace                     pattern (<_> varies)\n' +
        `  NEW    1      0       ${TRACE_ID}  charge failed: card declined\n`
    );
    expect(stdout).toContain('    ok         4.0/s     0.0%    checkout\n');
    expect(stdout).toContain(
      `  service: ${grafana.url}/a/pivot-correlation-app/services/pay%22ment%20%24x?from=${FROM}&to=${UNTIL}\n`
    );
  });

  it('a refused token is exit 3, naming the URL and the cause', async () => {
    const { code, stdout, stderr } = await run(['--service', SERVICE, '--grafana', grafana.url], {
      GRAFANA_TOKEN: 'wrong',
    });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `pivot investigate: Grafana at ${grafana.url}/api/plugins/pivot-correlation-app/settings answered 401 Unauthorized: the credentials were refused: check the token (body: {"message":"Unauthorized"})\n`
    );
  });
});

describe('pivot investigate when a backend cannot answer', () => {
  let closedUrl: string;
  let html: Loopback;
  let hang: Loopback;
  let notPivot: Loopback;
  let failingQuery: Loopback;

  beforeAll(async () => {
    const closed = await startLoopback(() => ({}));
    closedUrl = closed.url;
    await closed.close();
    html = await startLoopback(() => ({
      body: '<!doctype html><html><title>Login</title></html>',
      contentType: 'text/html',
    }));
    hang = await startLoopback(() => ({ hang: true }));
    notPivot = await startLoopback(() => ({
      status: 404,
      body: { message: 'Plugin not found, no installed plugin with that id' },
    }));
    failingQuery = await startLoopback((req) =>
      req.path === '/api/ds/query'
        ? {
            status: 400,
            body: {
              results: { [JSON.parse(req.body).queries[0].refId]: { status: 404, error: 'data source not found' } },
            },
          }
        : { body: { jsonData: { metrics: { family: 'http-semconv' } } } }
    );
  });

  afterAll(async () => {
    await Promise.all([html.close(), hang.close(), notPivot.close(), failingQuery.close()]);
  });

  it('connection refused: exit 3, each section says which URL and why', async () => {
    const { code, stdout } = await run(['--service', 'payment', '--prometheus', closedUrl, '--loki', closedUrl]);
    expect(code).toBe(3);
    expect(stdout).toContain(
      `Error ratio and p95 latency\n  could not answer: cannot reach Prometheus at ${closedUrl}/api/v1/query: connection refused (nothing listens there) (ECONNREFUSED)\n`
    );
    expect(stdout).toContain(
      `Error logs (newest first, with trace ids)\n  could not answer: cannot reach Loki at ${closedUrl}/loki/api/v1/query_range: connection refused (nothing listens there) (ECONNREFUSED)\n`
    );
    expect(stdout).toContain('Worst failing trace\n  no Tempo to ask (give --tempo <url>)\n');
  });

  it('a port fetch refuses: exit 3, saying so', async () => {
    const { code, stdout } = await run(['--service', 'payment', '--prometheus', 'http://127.0.0.1:1']);
    expect(code).toBe(3);
    expect(stdout).toContain(
      'could not answer: cannot reach Prometheus at http://127.0.0.1:1/api/v1/query: the port is one fetch refuses to connect to (a "bad port" such as 1, 25 or 6000): use another port\n'
    );
  });

  it('an answer that is not JSON: exit 3, with the start of the body', async () => {
    const { code, stdout } = await run(['--service', 'payment', '--loki', html.url, '--json']);
    expect(code).toBe(3);
    expect(JSON.parse(stdout).sections.logs).toEqual({
      status: 'error',
      error: `Loki at ${html.url}/loki/api/v1/query_range answered 200 with something that is not JSON (is it Loki's root URL?): <!doctype html><html><title>Login</title></html>`,
    });
  });

  it('no answer within --timeout: exit 3, saying so', async () => {
    const { code, stdout } = await run(['--service', 'payment', '--tempo', hang.url, '--timeout', '1']);
    expect(code).toBe(3);
    expect(stdout).toContain(
      `Worst failing trace\n  could not answer: cannot reach Tempo at ${hang.url}/api/search: no answer within 1 s (timeout)\n`
    );
  });

  it('Pivot not installed in that Grafana: exit 3 before any query', async () => {
    const { code, stderr } = await run(['--service', 'payment', '--grafana', notPivot.url], { GRAFANA_TOKEN: 't' });
    expect(code).toBe(3);
    expect(stderr).toContain(
      `pivot investigate: Pivot (pivot-correlation-app) is not installed in the Grafana at ${notPivot.url}: `
    );
    expect(notPivot.requests.map((r) => r.path)).toEqual(['/api/plugins/pivot-correlation-app/settings']);
  });

  it("a data source's query error is its section's error, naming the query", async () => {
    const { code, stdout } = await run(['--service', 'payment', '--grafana', failingQuery.url], { GRAFANA_TOKEN: 't' });
    expect(code).toBe(3);
    expect(stdout).toContain(
      `Error ratio and p95 latency\n  could not answer: the Prometheus data source pivot-prometheus refused query requestRate: data source not found (query: ${promql.requestRate(
        { family: 'http-semconv', serviceLabel: 'job' },
        { service: 'payment', window: '15m' }
      )})\n`
    );
  });
});

describe('the pivot bin', () => {
  function bin(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'src/cli/pivot.cjs'), ...args],
        { cwd: ROOT, encoding: 'utf8' },
        (error, stdout, stderr) => {
          resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        }
      );
    });
  }

  it('pivot investigate --help prints the usage and exit codes; a bad command is exit 2', async () => {
    const help = await bin(['investigate', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run --silent investigate -- --service <name>/);
    expect(help.stdout).toContain('Exit status:');
    const bad = await bin(['investigat']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'usage: pivot investigate --service <name> [options]   (pivot investigate --help for the options)\n'
    );
    const usage = await bin(['investigate', '--service', 'x']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^pivot investigate: say where the data is/);
  }, 30000);
});

describe('withOverrides', () => {
  it("keeps the saved service-name mapping while the command's options replace family and labels", () => {
    const saved = normalizeSettings({
      metrics: { family: 'tempo-spanmetrics', serviceLabel: 'job', serviceNames: 'as-is' },
    });
    const settings = withOverrides(saved, {
      family: 'otel-spanmetrics',
      metricsServiceLabel: 'service_name',
    } as Options);
    expect(settings.metrics).toMatchObject({
      family: 'otel-spanmetrics',
      serviceLabel: 'service_name',
      serviceNames: 'as-is',
    });
  });
});
