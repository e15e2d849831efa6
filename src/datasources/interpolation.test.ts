/**
 * Grafana rewrites `$name`, `${name…}` and `[[name]]` everywhere in a query's text, string
 * literals included, before a data source sends it. Every builder's output for hostile names
 * goes through the real Scenes interpolation here, with Grafana's built-in macros and the
 * variables a query runner and the Prometheus data source add: the query must come out
 * unchanged, and its literals must still decode (Go's strconv.Unquote) to the names.
 */
import {
  applyFieldOverrides,
  createTheme,
  DataLink,
  dateTime,
  FieldType,
  LoadingState,
  ScopedVars,
  toDataFrame,
} from '@grafana/data';
import { config } from '@grafana/runtime';
import {
  ConstantVariable,
  EmbeddedScene,
  SceneDataNode,
  sceneGraph,
  SceneObject,
  SceneTimeRange,
  SceneVariableSet,
} from '@grafana/scenes';
import fc from 'fast-check';

import serviceOverview from '../dashboards/service-overview.json';
import sloDetail from '../dashboards/slo-detail.json';
import sloOverview from '../dashboards/slo-overview.json';
import { EXEMPLAR_MOMENT_HALF_WINDOW_MS, exemplarMomentLink, traceDataLink } from '../utils/traceLinks';
import { fromPathSegment, serviceRowUrlTemplate, serviceRowValue, serviceUrl } from '../utils/links';
import { goUnquote } from '../testing/goUnquote';
import { nodeTexts, QueryLanguage } from '../testing/grammar';
import { LogConventions, METRIC_FAMILY_LIST, MetricConventions } from './conventions';
import * as logql from './logql';
import * as promql from './promql';
import { recordedGraphQueries } from './recordedEdges';
import * as serviceGraph from './serviceGraph';
import * as slo from './sloQueries';
import { logqlString, promqlString, regexAnyOf, traceqlString } from './strings';
import * as traceql from './traceql';

const FROM = dateTime('2026-01-01T00:00:00Z');
const TO = dateTime('2026-01-01T01:00:00Z');

/** A scene as Pivot's pages have one: a time range, variables, and a query runner's last request. */
function pivotScene(): SceneObject {
  const timeRange = new SceneTimeRange({ from: FROM.toISOString(), to: TO.toISOString() });
  return new EmbeddedScene({
    $timeRange: timeRange,
    $variables: new SceneVariableSet({
      variables: [
        new ConstantVariable({ name: 'service', value: 'checkout' }),
        new ConstantVariable({ name: 'slo', value: 'checkout-availability' }),
      ],
    }),
    $data: new SceneDataNode({
      data: {
        state: LoadingState.Done,
        series: [],
        timeRange: timeRange.state.value,
        request: {
          app: 'pivot',
          requestId: 'A',
          interval: '15s',
          intervalMs: 15000,
          range: timeRange.state.value,
          scopedVars: {},
          targets: [],
          timezone: 'utc',
          startTime: 0,
        },
      },
    }),
    body: new EmbeddedScene({ body: undefined as never }),
  });
}

// What a query runner and the Prometheus data source add before interpolating a query.
const RUNNER_VARS: ScopedVars = {
  __interval: { text: '15s', value: '15s' },
  __interval_ms: { text: '15000', value: 15000 },
  __rate_interval: { text: '1m', value: '1m' },
  __range: { text: '3600s', value: '3600s' },
  __range_s: { text: '3600', value: 3600 },
  __range_ms: { text: '3600000', value: 3600000 },
};

let scene: SceneObject;
let restoreUser: () => void;

beforeAll(() => {
  scene = pivotScene();
  const user = config.bootData.user;
  const before = { login: user.login, email: user.email, id: user.id };
  Object.assign(user, { login: 'viewer-login', email: 'viewer@example.com', id: 7 });
  restoreUser = () => Object.assign(user, before);
});

afterAll(() => restoreUser());

function interpolate(text: string): string {
  return sceneGraph.interpolate(scene, text, RUNNER_VARS);
}

/** Names that Grafana would rewrite if they reached its template syntax as written. */
const HOSTILE_NAMES = [
  '$__interval',
  '${__from}',
  '${__to:date}',
  '${__user.login}',
  '$__rate_interval',
  '$service',
  '${service:regex}',
  '[[service]]',
  '[[slo:csv]]',
  '$__range_ms',
  '${__org.name}',
  'a$b${c}[[d]]',
  '\\$__interval',
  '$',
  '[[',
];

describe('the interpolation the test relies on is live', () => {
  // Each name, quoted without Pivot's rule, is rewritten: what the issue reported.
  it.each([
    ['$__interval', '"15s"'],
    ['${__from}', `"${FROM.valueOf()}"`],
    ['${__user.login}', '"viewer-login"'],
    ['[[service]]', '"checkout"'],
    ['$__rate_interval', '"1m"'],
  ])('a naive literal of %j becomes %s', (name, rewritten) => {
    expect(interpolate(JSON.stringify(name))).toBe(rewritten);
  });

  it('a naive Loki regex of $__interval becomes an invalid regex', () => {
    const naive = `{service_name=~${JSON.stringify(regexAnyOf(['$__interval', 'checkout']))}}`;
    expect(interpolate(naive)).toBe('{service_name=~"\\\\15s|checkout"}');
  });
});

const METRICS: MetricConventions[] = METRIC_FAMILY_LIST.map((family) => ({ family, serviceLabel: 'service_name' }));
const LOGS: LogConventions[] = (['structured-metadata', 'logfmt', 'json'] as const).map((traceId) => ({
  serviceLabel: 'service_name',
  traceId,
}));
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LATENCY: slo.SloSli = { type: 'latency', thresholdSeconds: 0.5 };

interface Built {
  what: string;
  language: QueryLanguage;
  query: string;
  /** The decoded literal values the query must hold. */
  values: string[];
}

/** Every builder's queries for a service `name` (and `other`, for two-service forms), over `window`. */
function builtQueries(name: string, window: string, other = 'checkout'): Built[] {
  const out: Built[] = [];
  const add = (what: string, language: QueryLanguage, query: string, values: string[] = [name]) =>
    out.push({ what, language, query, values });

  for (const conv of METRICS) {
    const opts = { service: name, window };
    add(`requestRate ${conv.family}`, 'PromQL', promql.requestRate(conv, opts));
    add(`errorRatio ${conv.family}`, 'PromQL', promql.errorRatio(conv, opts));
    add(`latencyQuantile ${conv.family}`, 'PromQL', promql.latencyQuantile(conv, { ...opts, quantile: 0.95 }));
    add(
      `familySelector ${conv.family}`,
      'PromQL',
      promql.familySelector(conv, 'requests', {
        service: name,
        matchers: [{ label: 'route', op: '=~', value: regexAnyOf([name]) }],
      }),
      [name, regexAnyOf([name])]
    );
    add(`sliErrorRatio ${conv.family}`, 'PromQL', slo.sliErrorRatio(conv, LATENCY, name, window));
    add(
      `budgetRemainingDirect ${conv.family}`,
      'PromQL',
      slo.budgetRemainingDirect(conv, { type: 'availability' }, name, window, 0.001)
    );
    add(`latencyBoundaries ${conv.family}`, 'PromQL', slo.latencyBoundaries(conv, name, window));
  }
  // Recorded series carry their window in the metric name: always a literal duration.
  add('budgetRemainingFromRecorded', 'PromQL', slo.budgetRemainingFromRecorded(name, '30d', 0.001));
  add('burnAlertCondition', 'PromQL', slo.burnAlertCondition(name, '1h', '5m', 14.4));
  add('recordedBurnRate', 'PromQL', slo.recordedBurnRate('1h', [slo.sloMatcher(name)]));
  add('firingBurnAlerts', 'PromQL', slo.firingBurnAlerts([slo.sloMatcher(name)]));
  for (const [i, q] of serviceGraph.graphQueries({ window, service: name }).entries()) {
    add(`graphQueries[${i}]`, 'PromQL', q.expr);
  }
  for (const [i, q] of recordedGraphQueries({ window, service: name }).entries()) {
    add(`recordedGraphQueries[${i}]`, 'PromQL', q.expr);
  }

  for (const conv of LOGS) {
    add(`streamSelector ${conv.traceId}`, 'LogQL', logql.streamSelector(conv, [name]));
    add(`streamSelector of two ${conv.traceId}`, 'LogQL', logql.streamSelector(conv, [name, other]), [
      regexAnyOf([name, other]),
    ]);
    add(
      `serviceLogs ${conv.traceId}`,
      'LogQL',
      logql.serviceLogs(conv, { service: name, errorsOnly: true, lineFilter: name })
    );
    add(`traceLogs ${conv.traceId}`, 'LogQL', logql.traceLogs(conv, { traceId: TRACE_ID, services: [name, other] }), [
      regexAnyOf([name, other]),
    ]);
    add(`edgeErrorLogs ${conv.traceId}`, 'LogQL', serviceGraph.edgeErrorLogs(conv, name));
  }

  add('failingSpans', 'TraceQL', traceql.failingSpans({ service: name }));
  add('failingBetween', 'TraceQL', serviceGraph.failingBetween({ client: name, server: other }), [name, other]);
  add('failingBetween (server)', 'TraceQL', serviceGraph.failingBetween({ client: other, server: name }));
  add('failingToPeer', 'TraceQL', serviceGraph.failingToPeer({ client: other, server: name }));
  add('failingFromUninstrumented', 'TraceQL', serviceGraph.failingFromUninstrumented({ server: name }));
  return out;
}

const LITERAL_NODE: Record<QueryLanguage, string> = { PromQL: 'StringLiteral', LogQL: 'String', TraceQL: 'String' };

/** The decoded values of every string literal of `query`, as the server reads them. */
function literalValues(language: QueryLanguage, query: string): string[] {
  return nodeTexts(language, query, LITERAL_NODE[language]).map(goUnquote);
}

function expectSurvives(built: Built, sent: string): void {
  expect({ what: built.what, sent }).toEqual({ what: built.what, sent: built.query });
  const literals = literalValues(built.language, sent);
  for (const value of built.values) {
    expect({ what: built.what, literals: literals.includes(value) }).toEqual({ what: built.what, literals: true });
  }
}

describe('every builder’s query reaches the server unchanged after Grafana’s interpolation', () => {
  it.each(HOSTILE_NAMES)('for the service %j', (name) => {
    const queries = builtQueries(name, '5m');
    expect(queries.length).toBeGreaterThan(50);
    for (const built of queries) {
      expectSurvives(built, interpolate(built.query));
    }
  });

  it('Grafana still fills in the windows Pivot means it to, and nothing else', () => {
    for (const built of builtQueries('$__rate_interval', '$__rate_interval')) {
      const sent = interpolate(built.query);
      // A range, or a subquery's range (the recorded series over a window: `[w:5m]`).
      const filled = built.query.split('[$__rate_interval]').join('[1m]').split('[$__rate_interval:').join('[1m:');
      expectSurvives({ ...built, query: filled }, sent);
      expect(sent).not.toContain('[$__rate_interval]');
    }
  });

  it('a dashboard variable matcher is the one literal Grafana fills in', () => {
    const query = slo.recordedBurnRate('1h', [slo.sloVariableMatcher('slo')]);
    expect(interpolate(query)).toBe(query.split('"$slo"').join('"checkout-availability"'));
  });

  it('holds for any name made of variable syntax (property)', () => {
    const piece = fc.constantFrom(
      '$',
      '{',
      '}',
      '[',
      ']',
      ':',
      '.',
      '_',
      'a',
      '"',
      '\\',
      ' ',
      '\n',
      '__interval',
      '__from',
      '__user',
      'login',
      'service',
      'slo',
      'raw',
      'percentencode'
    );
    const name = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(name, fc.string({ maxLength: 6 }), (n, noise) => {
        for (const built of builtQueries(n + noise, '5m')) {
          expectSurvives(built, interpolate(built.query));
        }
      }),
      { numRuns: 100 }
    );
  });
});

describe('the quoting functions alone', () => {
  it.each([
    ['promqlString', promqlString],
    ['logqlString', logqlString],
    ['traceqlString', traceqlString],
  ])('%s: any string survives interpolation and decodes to itself (property)', (_name, quote) => {
    const text = fc.string({
      unit: fc.constantFrom('$', '{', '}', '[', ']', ':', '_', 'a', '.', '\\', '"'),
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 30 })), (value) => {
        const literal = quote(value);
        expect(goUnquote(interpolate(literal))).toBe(value);
      }),
      { numRuns: 1000 }
    );
  });
});

/**
 * The href Grafana makes of a data link for one value: field overrides bind the links to the
 * field (`getLinksSupplier`, default format `encodeURI`), and the panel's interpolation is the
 * scene's, as in a VizPanel.
 */
function dataLinkHref(link: DataLink, value: string, labels: Record<string, string> = {}): string {
  const frame = toDataFrame({
    fields: [{ name: 'value', type: FieldType.string, values: [value], labels, config: { links: [link] } }],
  });
  const [processed] = applyFieldOverrides({
    data: [frame],
    fieldConfig: { defaults: {}, overrides: [] },
    theme: createTheme(),
    timeZone: 'utc',
    // As VizPanel does: Grafana's formats are names or formatter functions, both of which Scenes takes.
    replaceVariables: (text, vars, format) =>
      sceneGraph.interpolate(scene, text, vars, format as Parameters<typeof sceneGraph.interpolate>[3]),
  });
  const links = processed.fields[0].getLinks?.({ valueRowIndex: 0 }) ?? [];
  expect(links).toHaveLength(1);
  return links[0].href;
}

/** The page and the value of the path segment after it, as the app's route reads them. */
function routeOf(href: string): { page: string; value: string; search: URLSearchParams } {
  const url = new URL(href, 'https://grafana.example.com');
  const segments = url.pathname.split('/');
  expect(segments.slice(0, 3)).toEqual(['', 'a', 'pivot-correlation-app']);
  expect(segments).toHaveLength(5);
  return { page: segments[3], value: fromPathSegment(decodeURIComponent(segments[4])), search: url.searchParams };
}

// Values a link must carry whole: variable syntax, and what ends a path segment or a URL part.
const LINK_VALUES = [
  '4bf92f3577b34da6a3ce929d0e0e4736',
  '$__interval',
  '${__from}',
  '[[service]]',
  '${__user.login}',
  'a/b?c=d&e#f',
  '%2F 50% off',
  '../../admin',
  'päyment 🚀',
];

describe('data links Pivot builds come back unchanged through Grafana’s link interpolation', () => {
  it.each(LINK_VALUES)('the trace link of log lines and exemplars carries %j whole', (value) => {
    const href = dataLinkHref(traceDataLink(), value);
    expect(routeOf(href)).toMatchObject({ page: 'trace', value });
    expect(routeOf(href).search.get('from')).toBe(String(FROM.valueOf()));
    expect(routeOf(href).search.get('to')).toBe(String(TO.valueOf()));
  });

  // Node and span links to a Service page: the row's value is the service's path segment
  // (`serviceRowValue`), taken as it is (`${__value.raw:raw}`).
  it.each([...LINK_VALUES, '.', '..', '~.', '~~..', '%2e%2e'])(
    'the node graph’s and waterfall’s Service page link carries %j whole',
    (value) => {
      const range = { from: '$__from', to: 'now' };
      const href = dataLinkHref({ title: 'Service', url: serviceRowUrlTemplate(range) }, serviceRowValue(value));
      expect(href).toBe(serviceUrl(value, range));
      expect(routeOf(href)).toMatchObject({ page: 'services', value });
      expect(routeOf(href).search.get('from')).toBe('$__from');
    }
  );

  // An exemplar frame as Prometheus' exemplars come to a panel: `Time`, `Value` and the trace id.
  const AT = Date.parse('2026-01-01T00:20:00Z');
  function exemplarLinks(service: string, time: number | undefined): Array<{ title: string; href: string }> {
    const frame = toDataFrame({
      name: 'exemplar',
      fields: [
        { name: 'Time', type: FieldType.time, values: time === undefined ? [] : [time] },
        { name: 'Value', type: FieldType.number, values: [0.2] },
        {
          name: 'traceID',
          type: FieldType.string,
          values: ['4bf92f3577b34da6a3ce929d0e0e4736'],
          config: { links: [traceDataLink(), exemplarMomentLink(service, 'Narrow to this moment')] },
        },
      ].filter((f) => time !== undefined || f.name !== 'Time'),
    });
    const [processed] = applyFieldOverrides({
      data: [frame],
      fieldConfig: { defaults: {}, overrides: [] },
      theme: createTheme(),
      timeZone: 'utc',
      replaceVariables: (text, vars, format) =>
        sceneGraph.interpolate(scene, text, vars, format as Parameters<typeof sceneGraph.interpolate>[3]),
    });
    const field = processed.fields.find((f) => f.name === 'traceID');
    return (field?.getLinks?.({ valueRowIndex: 0 }) ?? []).map((l) => ({ title: l.title, href: l.href }));
  }

  it.each(LINK_VALUES)('an exemplar opens its trace, or %j narrowed to ±5 minutes of its Time', (service) => {
    const [trace, moment] = exemplarLinks(service, AT);
    expect(routeOf(trace.href)).toMatchObject({ page: 'trace', value: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(moment.title).toBe('Narrow to this moment');
    const route = routeOf(moment.href);
    expect(route).toMatchObject({ page: 'services', value: service });
    expect(route.search.get('from')).toBe(String(AT - EXEMPLAR_MOMENT_HALF_WINDOW_MS));
    expect(route.search.get('to')).toBe(String(AT + EXEMPLAR_MOMENT_HALF_WINDOW_MS));
    expect(EXEMPLAR_MOMENT_HALF_WINDOW_MS).toBe(5 * 60 * 1000);
  });

  it('an exemplar row without a time narrows to nothing: the service over the panel range', () => {
    const [, moment] = exemplarLinks('checkout', undefined);
    const route = routeOf(moment.href);
    expect(route).toMatchObject({ page: 'services', value: 'checkout' });
    expect(route.search.get('from')).toBe(String(FROM.valueOf()));
    expect(route.search.get('to')).toBe(String(TO.valueOf()));
  });

  const DASHBOARD_LINKS = [serviceOverview, sloDetail, sloOverview].flatMap((d) =>
    d.panels.flatMap((p) => (p.fieldConfig.defaults.links ?? []).map((l) => ({ dashboard: d.uid, ...l })))
  );

  it.each(LINK_VALUES.slice(1))('the shipped dashboards’ links carry a label value %j whole', (value) => {
    expect(DASHBOARD_LINKS.length).toBeGreaterThan(0);
    for (const link of DASHBOARD_LINKS) {
      const href = dataLinkHref(link, '1', { service_name: value, service: value, slo: value });
      expect({ url: link.url, value: routeOf(href).value }).toEqual({ url: link.url, value });
    }
  });
});
