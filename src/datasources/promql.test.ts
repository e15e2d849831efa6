import fc from 'fast-check';

import { expectValidPromQL, interpolateGrafanaVariables, nodeCounts, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import { METRIC_FAMILY_LIST, MetricConventions, MetricFamily } from './conventions';
import * as promql from './promql';

const HOSTILE = ['"', '\\', '\n', '}', '{', '`', "'", '|', '=', '~', ',', '[', ']', '(', ')', '$', ' ', 'a', '😀'];
const serviceName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 })
);

const WINDOWS = ['5m', '1h30m', '250ms', '$__rate_interval', '$__interval', '$__range', '${__range}', '${window}'];

type Builder = (conv: MetricConventions, service: string | undefined, window: string) => string;
const STATISTICS: Array<[string, Builder]> = [
  ['requestRate', (conv, service, window) => promql.requestRate(conv, { service, window })],
  ['errorRatio', (conv, service, window) => promql.errorRatio(conv, { service, window })],
  ['latencyQuantile', (conv, service, window) => promql.latencyQuantile(conv, { quantile: 0.95, service, window })],
];

const conv = (family: MetricFamily, serviceLabel = 'service'): MetricConventions => ({ family, serviceLabel });

describe('promql statistics', () => {
  const cases = METRIC_FAMILY_LIST.flatMap((family) =>
    STATISTICS.flatMap(([name, build]) =>
      [undefined, 'checkout', 'we"ird\\name\n'].flatMap((service) =>
        WINDOWS.map((window) => ({ family, name, build, service, label: JSON.stringify(service), window }))
      )
    )
  );

  it.each(cases)('$name for $family, service $label, window $window parses', ({ family, build, service, window }) => {
    expectValidPromQL(build(conv(family), service, window));
  });

  it('writes the request rate of server spans by service', () => {
    expect(promql.requestRate(conv('tempo-spanmetrics'), { window: '$__rate_interval' })).toBe(
      'sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[$__rate_interval]))'
    );
  });

  it('writes the error ratio of one service, 0 when it has no error series', () => {
    expect(promql.errorRatio(conv('http-semconv', 'job'), { service: 'shop/cart', window: '5m' })).toBe(
      '(sum by (job) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5..", job="shop/cart"}[5m]))' +
        ' or sum by (job) (rate(http_server_request_duration_seconds_count{job="shop/cart"}[5m])) * 0)' +
        ' / sum by (job) (rate(http_server_request_duration_seconds_count{job="shop/cart"}[5m]))'
    );
  });

  it('writes latency in seconds for millisecond families', () => {
    expect(promql.latencyQuantile(conv('otel-spanmetrics', 'service_name'), { quantile: 0.99, window: '5m' })).toBe(
      'histogram_quantile(0.99, sum by (le, service_name) (rate(traces_span_metrics_duration_milliseconds_bucket{span_kind="SPAN_KIND_SERVER"}[5m]))) / 1000'
    );
    expect(
      promql.latencyQuantile(conv('otel-spanmetrics-seconds', 'service_name'), { quantile: 0.99, window: '5m' })
    ).toBe(
      'histogram_quantile(0.99, sum by (le, service_name) (rate(traces_span_metrics_duration_seconds_bucket{span_kind="SPAN_KIND_SERVER"}[5m])))'
    );
    expect(promql.latencyQuantile(conv('http-semconv'), { quantile: 0.5, window: '5m' })).not.toMatch(/1000/);
    expect(promql.latencyQuantile(conv('http-semconv-old'), { quantile: 0.5, window: '5m' })).toMatch(/ \/ 1000$/);
  });

  it('selects server spans for span-metrics families and 5xx for HTTP families', () => {
    const errors = (family: MetricFamily) => promql.familySelector(conv(family), 'errors');
    expect(errors('tempo-spanmetrics')).toContain('span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"');
    expect(errors('otel-spanmetrics')).toContain('span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"');
    expect(errors('otel-spanmetrics-seconds')).toBe(
      'traces_span_metrics_calls_total{span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"}'
    );
    expect(errors('http-semconv')).toBe('http_server_request_duration_seconds_count{http_response_status_code=~"5.."}');
    expect(errors('http-semconv-old')).toBe('http_server_duration_milliseconds_count{http_status_code=~"5.."}');
  });

  it.each(['5', 'm', '5m]', '5m) or vector(1', '$__rate_interval]', '${a b}', '$', '', '5 m', '-5m'])(
    'rejects window %j',
    (window) => {
      expect(() => promql.requestRate(conv('tempo-spanmetrics'), { window })).toThrow(/Invalid PromQL window/);
    }
  );

  it.each([-0.1, 1.5, NaN, Infinity])('rejects quantile %p', (quantile) => {
    expect(() => promql.latencyQuantile(conv('tempo-spanmetrics'), { quantile, window: '5m' })).toThrow(
      /Invalid quantile/
    );
  });

  it.each(['service.name', 'job"}', '', '1x'])('rejects service label %j', (serviceLabel) => {
    expect(() => promql.requestRate(conv('tempo-spanmetrics', serviceLabel), { window: '5m' })).toThrow(
      /Invalid service label/
    );
  });

  it('rejects an unknown family', () => {
    const bad = { family: 'nope', serviceLabel: 'job' } as unknown as MetricConventions;
    expect(() => promql.requestRate(bad, { window: '5m' })).toThrow(/Unknown metric family/);
  });
});

describe('promql low-level builders', () => {
  it('builds selectors with validated names and quoted values', () => {
    expect(
      promql.selector('traces_service_graph_request_total', [
        { label: 'client', op: '=', value: 'a"b' },
        { label: 'server', op: '!~', value: 'x|y' },
      ])
    ).toBe('traces_service_graph_request_total{client="a\\"b", server!~"x|y"}');
    expect(promql.selector('up')).toBe('up');
    expect(() => promql.selector('up{a="b"}')).toThrow(/Invalid metric name/);
    expect(() => promql.selector('up', [{ label: 'a b', op: '=', value: '' }])).toThrow(/Invalid label name/);
    const badOp = { label: 'a', op: '==', value: '' } as unknown as promql.LabelMatcher;
    expect(() => promql.selector('up', [badOp])).toThrow(/operator/);
  });

  it('composes sum by and rate', () => {
    const q = promql.sumBy(
      ['client', 'server'],
      promql.rate(promql.selector('traces_service_graph_request_total'), '$__range')
    );
    expect(q).toBe('sum by (client, server) (rate(traces_service_graph_request_total[$__range]))');
    expectValidPromQL(q);
    expect(promql.sumBy([], 'x')).toBe('sum (x)');
  });

  it('adds extra matchers to a family selector', () => {
    const q = promql.familySelector(conv('tempo-spanmetrics'), 'latencyBucket', {
      service: 'a',
      matchers: [{ label: 'span_name', op: '=', value: 'GET /' }],
    });
    expect(q).toBe('traces_spanmetrics_latency_bucket{span_kind="SPAN_KIND_SERVER", service="a", span_name="GET /"}');
  });

  it('writes a Grafana variable only when a matcher names one, never from a value', () => {
    expect(promql.selector('x', [{ label: 'slo', op: '=~', variable: 'slo' }])).toBe('x{slo=~"$slo"}');
    expect(promql.selector('x', [{ label: 'slo', op: '=', value: '$slo' }])).toBe('x{slo="\\u0024slo"}');
    for (const variable of ['', '$slo', 'a}', 'a"', '1a']) {
      expect(() => promql.selector('x', [{ label: 'slo', op: '=', variable }])).toThrow(
        /Invalid Grafana variable name/
      );
    }
  });
});

describe('grammar helper', () => {
  it('interpolates Grafana variables outside string literals only', () => {
    expect(interpolateGrafanaVariables('rate(x{a="$__range"}[$__rate_interval]) + y[${w}]')).toBe(
      'rate(x{a="$__range"}[1m]) + y[1m]'
    );
  });

  it('reports error nodes with their position', () => {
    expect(() => expectValidPromQL('sum(rate(x[5m])')).toThrow(/error node at \d+-\d+/);
  });
});

/** The parse-tree nodes whose counts make a query's shape. */
const SHAPE_NODES = [
  'UnquotedLabelMatcher',
  'VectorSelector',
  'MatrixSelector',
  'FunctionCall',
  'AggregateExpr',
  'BinaryExpr',
  'StringLiteral',
];

function shapeOf(query: string): Record<string, number | undefined> {
  const counts = nodeCounts('PromQL', interpolateGrafanaVariables(query));
  return Object.fromEntries(SHAPE_NODES.map((node) => [node, counts[node]]));
}

describe('hostile service names never change a query’s shape (properties)', () => {
  it.each(METRIC_FAMILY_LIST)(
    '%s: same matchers, selectors and calls as a plain name; value decodes back',
    (family) => {
      const c = conv(family);
      const baseline = STATISTICS.map(([, build]) => shapeOf(build(c, 'x', '5m')));
      fc.assert(
        fc.property(serviceName, (service) => {
          STATISTICS.forEach(([, build], i) => {
            const query = build(c, service, '$__rate_interval');
            expectValidPromQL(query);
            const serviceValues = nodeTexts('PromQL', query, 'UnquotedLabelMatcher')
              .filter((m) => m.startsWith('service='))
              .map((m) => goUnquote(m.slice('service='.length)));
            // One expect per query, not one per node: each expect captures a 100-frame stack
            // trace, and 27 of them per case were most of this file's time.
            expect({
              shape: shapeOf(query),
              hasServiceMatcher: serviceValues.length > 0,
              everyServiceValueDecodesBack: serviceValues.every((v) => v === service),
            }).toEqual({ shape: baseline[i], hasServiceMatcher: true, everyServiceValueDecodesBack: true });
          });
        }),
        { numRuns: 1000 }
      );
    }
  );
});
