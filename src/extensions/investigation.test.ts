import { dateTime, RawTimeRange, ScopedVars } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import fc from 'fast-check';
import { logql, promql, promqlString, traceql } from '../datasources';
import { normalizeSettings } from '../settings';
import { configureInvestigateLink, InvestigateContext, InvestigateDeps, readInvestigateUrl } from './investigateLink';
import {
  logqlFindings,
  QueryFindings,
  promqlFindings,
  regexAlternatives,
  regexLiteral,
  serviceLabels,
  traceqlFindings,
} from '../datasources/queryFindings';
import { decideInvestigation, Investigation } from './investigation';
import { unquoteLiteral } from '../datasources/literals';

const settings = normalizeSettings(undefined);
const labels = serviceLabels(settings);

const DS_TYPES: Record<string, string> = {
  'pivot-prometheus': 'prometheus',
  'prom-eu': 'prometheus',
  'loki-eu': 'loki',
  'pivot-loki': 'loki',
  'pivot-tempo': 'tempo',
  'team-mysql': 'mysql',
};

/**
 * Grafana's `getTemplateSrv().replace` as a dashboard with `$service` = checkout and the
 * multi-value `$job` = [api, web] would do it; unknown variables stay as written.
 */
function dashboardDeps(vars: Record<string, string | string[]> = {}): InvestigateDeps {
  return {
    interpolate: (text, scopedVars, formatMulti) =>
      text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (match, braced: string, plain: string) => {
        const name = braced ?? plain;
        const scoped = scopedVars?.[name]?.value;
        const value = scoped ?? vars[name];
        if (value === undefined) {
          return match;
        }
        return Array.isArray(value) ? formatMulti(value) : String(value);
      }),
    dataSourceType: (ref) => DS_TYPES[typeof ref === 'string' ? ref : (ref.uid ?? '')],
    // Grafana resolves the dashboard's `${ds}` to its current data source.
    dataSourceUid: (ref) => {
      const uid = typeof ref === 'string' ? ref : ref.uid;
      return uid === '${ds}' ? 'prom-eu' : uid && DS_TYPES[uid] ? uid : undefined;
    },
  };
}

const prom = { type: 'prometheus', uid: 'pivot-prometheus' };
const loki = { type: 'loki', uid: 'pivot-loki' };
const tempo = { type: 'tempo', uid: 'pivot-tempo' };
const range: RawTimeRange = { from: 'now-1h', to: 'now' };

/** A query as panels and Explore hold it: DataQuery plus its data source's own fields. */
type Target = DataQuery & Record<string, unknown>;

function panelContext(targets: Target[], extra: Partial<InvestigateContext> = {}): InvestigateContext {
  return { targets, timeRange: range, ...extra };
}

/** The whole path a click takes: configure in the preloaded module, then the investigate page. */
function investigate(context: InvestigateContext, deps = dashboardDeps()): Investigation | undefined {
  const link = configureInvestigateLink(context, deps);
  if (!link) {
    return undefined;
  }
  const url = new URL(link.path, 'http://grafana.local');
  expect(url.pathname).toBe('/a/pivot-correlation-app/investigate');
  const { targets, range: r } = readInvestigateUrl(url.search);
  return decideInvestigation(targets, settings, r);
}

const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
const logConv = { serviceLabel: 'service_name', traceId: 'structured-metadata' as const };

describe('Investigate in Pivot on dashboard panels', () => {
  it('opens the Service page from a Prometheus error-ratio panel built by Pivot', () => {
    const expr = promql.errorRatio(conv, { service: 'checkout', window: '5m' });
    const result = investigate(panelContext([{ refId: 'A', datasource: prom, expr }]));
    expect(result).toEqual({
      page: 'service',
      service: 'checkout',
      url: '/a/pivot-correlation-app/services/checkout?from=now-1h&to=now&var-metrics=pivot-prometheus&from-panel=prometheus',
    });
  });

  it('interpolates a dashboard variable and opens that service', () => {
    const expr = 'sum(rate(http_server_request_duration_seconds_count{service_name="$service"}[$__rate_interval]))';
    const result = investigate(
      panelContext([{ refId: 'A', datasource: prom, expr }]),
      dashboardDeps({ service: 'checkout' })
    );
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
  });

  it('takes a repeated panel value from scopedVars', () => {
    const scopedVars: ScopedVars = { service: { text: 'cart', value: 'cart' } };
    const expr = 'sum(rate(traces_spanmetrics_calls_total{service="${service}"}[5m]))';
    const result = investigate(panelContext([{ refId: 'A', datasource: prom, expr }], { scopedVars }));
    expect(result).toMatchObject({ page: 'service', service: 'cart' });
  });

  it('never takes a variable Grafana could not interpolate for a service name', () => {
    const expr = 'sum(rate(traces_spanmetrics_calls_total{service="$service"}[5m]))';
    const result = investigate(panelContext([{ refId: 'A', datasource: prom, expr }]));
    expect(result).toMatchObject({ page: 'services', reason: expect.stringContaining('variable') });
  });

  it('goes to Services for a multi-value variable (${job:regex}) and for a regex of several services', () => {
    const multi = investigate(
      panelContext([{ refId: 'A', datasource: prom, expr: 'sum by (job) (rate(up{job=~"${job:regex}"}[5m]))' }]),
      dashboardDeps({ job: ['api', 'web'] })
    );
    expect(multi).toMatchObject({ page: 'services' });
    const regex = investigate(
      panelContext([{ refId: 'A', datasource: prom, expr: 'traces_spanmetrics_calls_total{service=~"a|b"}' }])
    );
    expect(regex).toMatchObject({ page: 'services', reason: expect.stringContaining('"a", "b"') });
  });

  it('treats a regex that is one literal as that service', () => {
    const expr = 'traces_spanmetrics_calls_total{service=~"checkout\\\\.v2"}';
    expect(investigate(panelContext([{ refId: 'A', datasource: prom, expr }]))).toMatchObject({
      page: 'service',
      service: 'checkout.v2',
    });
  });

  it('reads a multi-target panel: one service across Prometheus and Loki targets', () => {
    const result = investigate(
      panelContext([
        { refId: 'A', datasource: prom, expr: promql.requestRate(conv, { service: 'checkout', window: '5m' }) },
        {
          refId: 'B',
          datasource: loki,
          expr: `sum(count_over_time(${logql.serviceLogs(logConv, { service: 'checkout', errorsOnly: true })} [5m]))`,
        },
      ])
    );
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
  });

  it('goes to Services when the targets name different services, and ignores hidden targets', () => {
    const a = { refId: 'A', datasource: prom, expr: 'traces_spanmetrics_calls_total{service="checkout"}' };
    const b = { refId: 'B', datasource: prom, expr: 'traces_spanmetrics_calls_total{service="cart"}' };
    expect(investigate(panelContext([a, b]))).toMatchObject({ page: 'services' });
    expect(investigate(panelContext([a, { ...b, hide: true }]))).toMatchObject({
      page: 'service',
      service: 'checkout',
    });
  });

  it('goes to Services, with the range, for a Prometheus query with no service', () => {
    const result = investigate(
      panelContext([{ refId: 'A', datasource: prom, expr: 'sum(rate(node_cpu_seconds_total[5m]))' }])
    );
    expect(result).toEqual({
      page: 'services',
      reason: expect.stringContaining('No query selects a service'),
      url: '/a/pivot-correlation-app/services?from=now-1h&to=now&var-metrics=pivot-prometheus&from-panel=prometheus',
    });
  });

  it('hides the link when no target is a Prometheus, Loki or Tempo query with text', () => {
    const deps = dashboardDeps();
    expect(configureInvestigateLink(undefined, deps)).toBeUndefined();
    expect(
      configureInvestigateLink(
        panelContext([{ refId: 'A', datasource: { type: 'mysql', uid: 'team-mysql' }, rawSql: 'SELECT 1' }]),
        deps
      )
    ).toBeUndefined();
    expect(
      configureInvestigateLink(panelContext([{ refId: 'A', datasource: prom, expr: '  ' }]), deps)
    ).toBeUndefined();
    // A query that relies on the panel's data source: the panel context does not say which.
    expect(configureInvestigateLink(panelContext([{ refId: 'A', expr: 'up' }]), deps)).toBeUndefined();
  });

  it('finds the type of a data source referenced by uid only, or by a variable Grafana resolves', () => {
    const result = investigate(
      panelContext([{ refId: 'A', datasource: { uid: 'pivot-loki' }, expr: '{service_name="cart"}' }])
    );
    expect(result).toMatchObject({ page: 'service', service: 'cart' });
  });

  it('opens the Trace page from a Tempo trace-id query, and from a Loki query of one trace', () => {
    const byId = investigate(
      panelContext([{ refId: 'A', datasource: tempo, queryType: 'traceql', query: '00000000000000004bf92f3577b34da6' }])
    );
    expect(byId).toEqual({
      page: 'trace',
      traceId: '4bf92f3577b34da6',
      url: '/a/pivot-correlation-app/trace/4bf92f3577b34da6?from=now-1h&to=now&var-traces=pivot-tempo&from-panel=tempo',
    });
    const logs = investigate(
      panelContext([
        { refId: 'A', datasource: loki, expr: logql.traceLogs(logConv, { traceId: 'abc123', services: ['checkout'] }) },
      ])
    );
    expect(logs).toMatchObject({ page: 'trace', traceId: 'abc123' });
  });

  it('opens the Service page from a TraceQL query with resource.service.name', () => {
    const result = investigate(
      panelContext([
        { refId: 'A', datasource: tempo, queryType: 'traceql', query: traceql.failingSpans({ service: 'payments' }) },
      ])
    );
    expect(result).toMatchObject({ page: 'service', service: 'payments' });
  });

  it('writes an absolute range as epoch milliseconds', () => {
    const from = dateTime(1_700_000_000_000);
    const to = dateTime(1_700_000_360_000);
    const link = configureInvestigateLink(
      panelContext([{ refId: 'A', datasource: prom, expr: 'up{service="a"}' }], { timeRange: { from, to } }),
      dashboardDeps()
    );
    expect(readInvestigateUrl(new URL(link!.path, 'http://x').search).range).toEqual({
      from: '1700000000000',
      to: '1700000360000',
    });
  });
});

describe('Investigate in Pivot carries the panel’s data sources', () => {
  const expr = 'sum(rate(traces_spanmetrics_calls_total{service="checkout"}[5m]))';
  const promEu = { type: 'prometheus', uid: 'prom-eu' };

  function carried(result: Investigation | undefined): URLSearchParams {
    expect(result && 'url' in result).toBe(true);
    const url = result && 'url' in result ? result.url : '';
    return new URLSearchParams(url.split('?')[1]);
  }

  it('opens the Service page on the panel’s non-default Prometheus', () => {
    const result = investigate(panelContext([{ refId: 'A', datasource: promEu, expr }]));
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
    expect(carried(result).get('var-metrics')).toBe('prom-eu');
    expect(carried(result).get('from-panel')).toBe('prometheus');
  });

  it('resolves a data source variable of the dashboard to the uid it stands for', () => {
    const result = investigate(panelContext([{ refId: 'A', datasource: { type: 'prometheus', uid: '${ds}' }, expr }]));
    expect(carried(result).get('var-metrics')).toBe('prom-eu');
  });

  it('takes the panel’s data source for queries that inherit it (from the request the panel ran)', () => {
    const result = investigate(
      panelContext([{ refId: 'A', expr }], {
        data: { request: { targets: [{ refId: 'A', datasource: promEu }] } },
      })
    );
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
    expect(carried(result).get('var-metrics')).toBe('prom-eu');
  });

  it('reads a mixed panel per target: each language its own data source, the one naming the service first', () => {
    const result = investigate(
      panelContext(
        [
          { refId: 'A', datasource: prom, expr: 'sum(rate(traces_spanmetrics_calls_total[5m]))' },
          { refId: 'B', datasource: promEu, expr },
          { refId: 'C', datasource: { type: 'loki', uid: 'loki-eu' }, expr: '{service_name="checkout"}' },
        ],
        // The mixed data source is the panel's; each query names its own.
        { data: { request: { targets: [{ refId: 'A', datasource: { type: 'datasource', uid: '-- Mixed --' } }] } } }
      )
    );
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
    const ds = carried(result);
    expect([ds.get('var-metrics'), ds.get('var-logs'), ds.get('var-traces')]).toEqual(['prom-eu', 'loki-eu', null]);
    expect(ds.get('from-panel')).toBe('prometheus,loki');
  });

  it('from a Loki panel, carries its Loki and lists only loki as from the panel (metrics are the default’s)', () => {
    const result = investigate(
      panelContext([{ refId: 'A', datasource: { type: 'loki', uid: 'loki-eu' }, expr: '{service_name="checkout"}' }])
    );
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
    const ds = carried(result);
    expect(ds.get('var-logs')).toBe('loki-eu');
    expect(ds.get('var-metrics')).toBeNull();
    expect(ds.get('from-panel')).toBe('loki');
  });

  it('keeps each query’s data source in step with it through the investigate URL, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ uid: fc.constantFrom('pivot-prometheus', 'prom-eu', ''), expr: fc.string() }), {
          maxLength: 6,
        }),
        (queries) => {
          const link = configureInvestigateLink(
            panelContext(
              queries.map((q, i) => ({
                refId: String(i),
                datasource: q.uid ? { type: 'prometheus', uid: q.uid } : { type: 'prometheus', uid: '$unknown' },
                expr: q.expr,
              }))
            ),
            dashboardDeps()
          );
          const expected = queries
            .filter((q) => q.expr.trim())
            .map((q) => ({ query: q.expr.trim(), uid: q.uid || undefined }));
          const read = link ? readInvestigateUrl(link.path.split('?')[1]).targets : [];
          expect(read.map((t) => ({ query: t.query, uid: t.uid }))).toEqual(expected);
        }
      )
    );
  });
});

describe('Investigate in Pivot from Explore', () => {
  // Explore's context: { exploreId, targets, data, timeRange, timeZone }; every query has its data source.
  const explore = (targets: Target[]) => ({ exploreId: 'left', targets, timeRange: range, timeZone: 'browser' });

  it('opens the Service page from a Loki stream selector', () => {
    const result = investigate(
      explore([{ refId: 'A', datasource: loki, expr: '{service_name="checkout"} |= "timeout"' }])
    );
    expect(result).toMatchObject({ page: 'service', service: 'checkout' });
  });

  it('goes to Services for a Loki query over every service', () => {
    const result = investigate(explore([{ refId: 'A', datasource: loki, expr: '{service_name=~".+"} |= "error"' }]));
    expect(result).toMatchObject({ page: 'services' });
  });

  it('goes to Services for a TraceQL query with no service, or a service regex', () => {
    expect(investigate(explore([{ refId: 'A', datasource: tempo, query: '{ status = error }' }]))).toMatchObject({
      page: 'services',
    });
    expect(
      investigate(explore([{ refId: 'A', datasource: tempo, query: '{ resource.service.name =~ "check.*" }' }]))
    ).toMatchObject({ page: 'services' });
  });

  it('prefers the trace when Explore holds a trace query next to a service query', () => {
    const result = investigate(
      explore([
        { refId: 'A', datasource: loki, expr: '{service_name="checkout"}' },
        { refId: 'B', datasource: tempo, query: 'abcdef0123456789' },
      ])
    );
    expect(result).toMatchObject({ page: 'trace', traceId: 'abcdef0123456789' });
  });
});

describe('query findings, per grammar', () => {
  it('reads PromQL matchers on the most specific service label of each selector', () => {
    expect(promqlFindings('up{service_name="a", job="ns/a"}', labels.promql)).toEqual({
      services: ['a'],
      broad: false,
      traceIds: [],
    });
    // Negative matchers do not select a service; grouping labels are not matchers.
    expect(promqlFindings('sum by (service) (rate(x{service!="a"}[5m]))', labels.promql).services).toEqual([]);
    // A value that merely contains the label's name is text, not a matcher.
    expect(promqlFindings('x{route="service=\\"a\\""}', labels.promql).services).toEqual([]);
  });

  it('reads service-graph edges by their server and client labels', () => {
    const f = promqlFindings('sum(rate(traces_service_graph_request_failed_total{server="db"}[5m]))', labels.promql);
    expect(f.services).toEqual(['db']);
  });

  it('uses only the configured label when the metric family is set', () => {
    const configured = serviceLabels(normalizeSettings({ metrics: { family: 'otel-spanmetrics' } }));
    expect(configured.promql).toEqual(['service_name']);
    expect(promqlFindings('up{job="node"}', configured.promql).services).toEqual([]);
    expect(promqlFindings('up{job="node"}', labels.promql).services).toEqual(['node']);
  });

  it('reads LogQL stream selectors, not label filters, for the service', () => {
    expect(logqlFindings('{app="web"} | logfmt | service_name="other"', labels.logql)).toEqual({
      services: ['web'],
      broad: false,
      traceIds: [],
    });
  });

  it('reads TraceQL resource.service.name and the unscoped .service.name, not span.service.name', () => {
    expect(traceqlFindings('{ .service.name = "a" }').services).toEqual(['a']);
    expect(traceqlFindings('{ span.service.name = "a" }').services).toEqual([]);
    expect(traceqlFindings('{ resource.service.name = $svc }').broad).toBe(true);
    // Trace ids in Tempo's form: lowercase, leading zeros trimmed.
    expect(traceqlFindings('{ trace:id = "0af7651916cd43dd8448eb211c80319c" }').traceIds).toEqual([
      'af7651916cd43dd8448eb211c80319c',
    ]);
  });

  describe('a $ in a service name', () => {
    // Written as Pivot writes it (\u0024), a real `$x` is a value; a raw `$x` left in the text
    // after Grafana's interpolation is a variable the panel's dashboard does not have.
    const cases: Array<[string, (literal: string) => QueryFindings]> = [
      ['PromQL', (l) => promqlFindings(`sum(rate(traces_spanmetrics_calls_total{service=${l}}[5m]))`, labels.promql)],
      ['LogQL', (l) => logqlFindings(`{service_name=${l}} |= "error"`, labels.logql)],
      ['TraceQL', (l) => traceqlFindings(`{ resource.service.name = ${l} }`)],
    ];

    it.each(cases)('%s: a name written \\u0024x is the service $x', (_, findings) => {
      for (const name of ['$x', '${x}', '[[x]]', 'a$__interval']) {
        expect(findings(promqlString(name))).toEqual({ services: [name], broad: false, traceIds: [] });
      }
    });

    it.each(cases)('%s: a raw $x, ${x} or [[x]] in the literal is a leftover variable', (_, findings) => {
      for (const raw of ['"$x"', '"${x}"', '"${x:raw}"', '"[[x]]"', '"a-$x"']) {
        expect(findings(raw)).toMatchObject({ services: [], broad: true });
      }
    });

    it('opens the Service page of a service named $x from a panel query', () => {
      const expr = promql.requestRate(conv, { service: '$x', window: '5m' });
      const result = investigate(panelContext([{ refId: 'A', datasource: prom, expr }]));
      expect(result).toMatchObject({ page: 'service', service: '$x' });
    });
  });

  it('says so when the link carried nothing', () => {
    expect(decideInvestigation([], settings)).toMatchObject({ page: 'none' });
  });

  it('finds any service name the builders quote, whatever its characters', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('$', '${', '}', '[[', ']]', '$x', ':raw')), {
            minLength: 1,
            maxLength: 6,
          })
          .map((parts) => parts.join(''))
          // Lone surrogates have no UTF-8 form.
          .filter((s) => s !== '' && !/[\uD800-\uDFFF]/.test(s)),
        (service) => {
          const expr = promql.requestRate(conv, { service, window: '5m' });
          expect(promqlFindings(expr, labels.promql).services).toEqual([service]);
          expect(unquoteLiteral(promqlString(service))).toBe(service);
        }
      ),
      { numRuns: 200 }
    );
  });
});

describe('regexAlternatives', () => {
  it.each([
    ['a|b', ['a', 'b']],
    ['api|web\\.v2', ['api', 'web.v2']],
    ['a|.*', undefined],
    ['(a|b)', undefined],
  ])('%s → %j', (pattern, expected) => {
    expect(regexAlternatives(pattern)).toEqual(expected);
  });
});

describe('regexLiteral', () => {
  it.each([
    ['checkout', 'checkout'],
    ['checkout\\.v2', 'checkout.v2'],
    ['a|b', undefined],
    ['.+', undefined],
    ['check.*', undefined],
    ['trailing\\', undefined],
  ])('%s → %s', (pattern, expected) => {
    expect(regexLiteral(pattern)).toBe(expected);
  });
});
