import fc from 'fast-check';
import { demoAnswers, fakeHygieneClient } from '../testing/hygieneAnswers';
import { expectValidLogQL, expectValidPromQL, expectValidTraceQL } from '../testing/grammar';
import {
  byLikelihood,
  collectHygieneEvidence,
  labelsToRead,
  HYGIENE_LIMITS,
  HygieneTargets,
  lokiFindingQuery,
  personalDataLineQuery,
  prometheusQueries,
  subqueryStep,
  tempoFindingQuery,
  tempoServiceFilter,
} from './hygieneQueries';
import type { ProbeRequest } from './probes';

const WINDOW = { fromMs: 1_700_000_000_000, toMs: 1_700_003_600_000 };
const hostile = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('$__interval', 'a"b\\c', '[[x]]', '${__range}', 'we"ird $x', '}{', '\n')
);

/** No `$` and no `[[` outside what Grafana leaves alone: every value is escaped (`\u0024`, `\u005b`). */
function noGrafanaVariables(query: string) {
  expect(query).not.toMatch(/\$|\[\[/);
}

describe('hygiene queries', () => {
  it('are valid PromQL, LogQL and TraceQL for any service name, with nothing Grafana would interpolate', () => {
    fc.assert(
      fc.property(
        fc.option(hostile, { nil: undefined }).filter((s) => s === undefined || !/[\uD800-\uDFFF]/.test(s)),
        (service) => {
          const scope = { ...WINDOW, service };
          const q = prometheusQueries(scope, 'service_name');
          for (const expr of [
            q.seriesByService,
            q.seriesByMetric,
            q.labelValues('user_id'),
            q.labelCount('user_id'),
            q.labelByService('user_id'),
          ]) {
            expectValidPromQL(expr);
            noGrafanaVariables(expr);
          }
          const lines = personalDataLineQuery('service_name', scope);
          expectValidLogQL(lines);
          expect(lines).not.toMatch(/\[\[/);
          expectValidTraceQL(tempoServiceFilter(scope));
          noGrafanaVariables(tempoServiceFilter(scope));
          if (service !== undefined) {
            for (const logql of [
              lokiFindingQuery('service_name', service, { pattern: 'email' }),
              lokiFindingQuery('service_name', service, { label: 'pod_uid' }),
            ]) {
              expectValidLogQL(logql);
              noGrafanaVariables(logql);
            }
            for (const traceql of [
              tempoFindingQuery(service, { attribute: 'user.id', scope: 'span' }),
              tempoFindingQuery(service, { attribute: 'odd "key"', scope: 'resource' }),
              tempoFindingQuery(service, { spanNamePattern: 'GET /users/[^/]+' }),
            ]) {
              expectValidTraceQL(traceql);
              noGrafanaVariables(traceql);
            }
          }
        }
      ),
      { numRuns: 150 }
    );
  });

  it('refuse a label name that is not one, instead of writing it into a query', () => {
    const q = prometheusQueries(WINDOW, 'service_name');
    expect(() => q.labelValues('a"} or vector(1) #')).toThrow(/Invalid label name/);
    expect(() => prometheusQueries(WINDOW, 'bad label')).toThrow(/Invalid service label/);
  });

  it('cover the window with subquery steps of at least 5 minutes and at most 30 steps', () => {
    expect(subqueryStep({ fromMs: 0, toMs: 15 * 60_000 })).toBe('300s');
    expect(subqueryStep({ fromMs: 0, toMs: 24 * 3_600_000 })).toBe('2880s');
    expect(prometheusQueries({ fromMs: 0, toMs: 3_600_000 }, 'service_name').seriesByService).toContain('[3600s:300s]');
  });
});

describe('which labels and attributes are read', () => {
  it("the TSDB head's labels with the most values first, then names that suggest ids or personal data, never service labels", () => {
    const names = ['__name__', 'a_label', 'http_method', 'job', 'le', 'service_name', 'status_code', 'user_id', 'zone'];
    const tsdb = {
      labelValueCountByLabelName: [
        { name: 'zone', value: 3 },
        { name: 'status_code', value: 9 },
      ],
      seriesCountByMetricName: [],
    };
    expect(labelsToRead(names, ['service_name', 'job'], tsdb)).toEqual([
      'status_code',
      'zone',
      'user_id',
      'a_label',
      'http_method',
    ]);
    expect(labelsToRead(['bad label', 'x'], ['job'])).toEqual(['x']);
  });

  it('reads at most HYGIENE_LIMITS.fields, likely names first', () => {
    const many = Array.from({ length: 100 }, (_, i) => `attr_${String(i).padStart(3, '0')}`);
    const read = labelsToRead([...many, 'user_id'], ['job']);
    expect(read).toHaveLength(HYGIENE_LIMITS.fields);
    expect(read[0]).toBe('user_id');
    expect(byLikelihood(['http.method', 'user.id', 'client.address', 'session_id', 'orderId', 'zone'])).toEqual([
      'user.id',
      'client.address',
      'session_id',
      'orderId',
      'http.method',
      'zone',
    ]);
    expect(byLikelihood(['http.method', 'http.request.header.referer', 'referrer_policy'])).toEqual([
      'http.request.header.referer',
      'referrer_policy',
      'http.method',
    ]);
  });
});

const targets: HygieneTargets = {
  prometheus: { ds: { uid: 'p', name: 'P', type: 'prometheus' }, serviceLabel: 'service_name' },
  loki: { ds: { uid: 'l', name: 'L', type: 'loki' }, serviceLabel: 'service_name' },
  tempo: { ds: { uid: 't', name: 'T', type: 'tempo' } },
};

/** Each request names its window and a size bound. */
function expectBounded(req: ProbeRequest) {
  const url = new URL(req.url, 'http://grafana');
  const p = (k: string) => url.searchParams.get(k);
  const path = url.pathname.replace(/^\/api\/datasources\/uid\/[^/]+\/resources\//, '');
  if (path === '/api/ds/query') {
    const body = req.data as { from: string; to: string; queries: Array<{ maxLines: number }> };
    expect([body.from, body.to]).toEqual([String(WINDOW.fromMs), String(WINDOW.toMs)]);
    expect(body.queries[0].maxLines).toBe(HYGIENE_LIMITS.lines);
  } else if (path === 'api/v1/query') {
    expect(p('time')).toBe(String(WINDOW.toMs / 1000));
    expect(p('query')).toMatch(/^(topk\(\d+, |count\()/);
    expect(p('query')).toContain('[3600s:300s]');
  } else if (path === 'api/v1/labels') {
    expect([p('start'), p('end')]).toEqual([String(WINDOW.fromMs / 1000), String(WINDOW.toMs / 1000)]);
  } else if (path === 'api/v1/status/tsdb') {
    expect(p('limit')).toBe(String(HYGIENE_LIMITS.tsdb));
  } else if (path === 'index/volume') {
    expect([p('start'), p('end'), p('limit')]).toEqual([
      `${WINDOW.fromMs}000000`,
      `${WINDOW.toMs}000000`,
      String(HYGIENE_LIMITS.streams),
    ]);
  } else if (path.startsWith('api/v2/search/')) {
    expect([p('start'), p('end')]).toEqual([String(WINDOW.fromMs / 1000), String(WINDOW.toMs / 1000)]);
    expect(Number(p('limit'))).toBeGreaterThan(0);
  } else {
    throw new Error(`unexpected request ${req.url}`);
  }
}

describe('collectHygieneEvidence', () => {
  it.each([
    ['every service', undefined],
    ['one service', 'storefront'],
  ])('asks every pillar with requests bounded in time and size (%s)', async (_, service) => {
    const client = fakeHygieneClient(demoAnswers());
    const { evidence, cost } = await collectHygieneEvidence(client, targets, { ...WINDOW, service });
    expect([evidence.metrics.state, evidence.logs.state, evidence.traces.state]).toEqual(['ok', 'ok', 'ok']);
    expect(cost.requests).toBe(client.requests.length);
    client.requests.forEach(expectBounded);
    const paths = client.requests.map((r) => new URL(r.url, 'http://g').pathname.replace(/^.*\/resources\//, ''));
    expect(paths.filter((p) => p === 'api/v1/status/tsdb')).toHaveLength(service === undefined ? 1 : 0);
  });

  it('a pillar whose answers cannot be read is an error of that pillar', async () => {
    const client = fakeHygieneClient((req) =>
      req.url.includes('/index/volume') ? { nonsense: true } : demoAnswers()(req)
    );
    const { evidence } = await collectHygieneEvidence(client, targets, WINDOW);
    expect(evidence.logs).toEqual({ state: 'error', message: 'Loki volume: unexpected answer' });
    expect(evidence.metrics.state).toBe('ok');
  });
});
