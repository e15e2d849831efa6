import fc from 'fast-check';
import { expectValidPromQL, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import {
  consumerOnlyQueries,
  consumerOnlyRate,
  familyCountsConsumers,
  isConsumerSeries,
  serverOrConsumerOnly,
} from './consumerQueries';
import { METRIC_FAMILY_LIST, MetricConventions } from './conventions';
import { errorRatio, latencyQuantile, requestRate } from './promql';
import { promqlString } from './strings';

describe('consumerOnlyQueries', () => {
  it('asks the span-metrics families for consumer spans of services without server spans', () => {
    const conv: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };
    expect(consumerOnlyQueries(conv, '$__range')).toEqual([
      {
        refId: 'consumerRate',
        expr:
          'sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_CONSUMER"}[$__range]))' +
          ' unless on (service) sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[$__range]))',
        instant: true,
        range: false,
      },
      {
        refId: 'consumerErrors',
        expr:
          'sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_CONSUMER", status_code="STATUS_CODE_ERROR"}[$__range]))' +
          ' unless on (service) sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[$__range]))',
        instant: true,
        range: false,
      },
    ]);
  });

  it('has nothing to ask of the HTTP families, which have no span kinds', () => {
    expect(familyCountsConsumers({ family: 'http-semconv', serviceLabel: 'job' })).toBe(false);
    expect(consumerOnlyQueries({ family: 'http-semconv-old', serviceLabel: 'job' }, '5m')).toBeUndefined();
  });

  it('parses for every span-metrics family and rejects a service label that is not a label name (property)', () => {
    for (const family of METRIC_FAMILY_LIST) {
      for (const q of consumerOnlyQueries({ family, serviceLabel: 'service_name' }, '5m') ?? []) {
        expectValidPromQL(q.expr);
        expect(nodeTexts('PromQL', q.expr, 'StringLiteral').map(goUnquote)).not.toContain('');
      }
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (label) => {
        let queries;
        try {
          queries = consumerOnlyQueries({ family: 'otel-spanmetrics', serviceLabel: label }, '5m');
        } catch (e) {
          expect(String(e)).toMatch(/service label/);
          return;
        }
        expect(/^[A-Za-z_][A-Za-z0-9_]*$/.test(label)).toBe(true);
        queries?.forEach((q) => expectValidPromQL(q.expr));
      }),
      { numRuns: 100 }
    );
  });
});

const FIXED = new Set(
  ['SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER', 'STATUS_CODE_ERROR', '+Inf', '5..'].map((v) => JSON.stringify(v))
);

describe('the Service page of a queue consumer: serverOrConsumerOnly, consumerOnlyRate', () => {
  const conv: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };
  const serversInWindow =
    'sum by (service_name) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_SERVER", service_name="fulfilment"}[$__range] @ end()))';

  it('asks the server statistic, or the consumer one (by span kind) unless the service had server spans in the window', () => {
    const opts = { service: 'fulfilment', window: '$__rate_interval' };
    const expr = serverOrConsumerOnly(conv, 'fulfilment', (consumer) => errorRatio(conv, { ...opts, consumer }));
    const consumer =
      '(sum by (service_name, span_kind) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_CONSUMER", status_code="STATUS_CODE_ERROR", service_name="fulfilment"}[$__rate_interval]))' +
      ' or sum by (service_name, span_kind) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_CONSUMER", service_name="fulfilment"}[$__rate_interval])) * 0)' +
      ' / sum by (service_name, span_kind) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_CONSUMER", service_name="fulfilment"}[$__rate_interval]))';
    expect(expr).toBe(`(${errorRatio(conv, opts)}) or ((${consumer}) unless on (service_name) ${serversInWindow})`);
    expectValidPromQL(expr);
    expect(consumerOnlyRate(conv, 'fulfilment', '$__rate_interval')).toBe(
      'sum by (service_name, span_kind) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_CONSUMER", service_name="fulfilment"}[$__rate_interval]))' +
        ` unless on (service_name) ${serversInWindow}`
    );
  });

  it('leaves the HTTP families’ statistics as they are, and has no messages to ask of them', () => {
    for (const family of ['http-semconv', 'http-semconv-old'] as const) {
      const http: MetricConventions = { family, serviceLabel: 'job' };
      const opts = { service: 'worker', window: '5m', quantile: 0.95 };
      expect(serverOrConsumerOnly(http, 'worker', (consumer) => latencyQuantile(http, { ...opts, consumer }))).toBe(
        latencyQuantile(http, opts)
      );
      expect(consumerOnlyRate(http, 'worker', '5m')).toBeUndefined();
      expect(() => requestRate(http, { window: '5m', consumer: true })).toThrow(/no span kinds/);
    }
  });

  it('tells a consumer statistic’s series by its span kind', () => {
    expect(isConsumerSeries({ service_name: 'fulfilment', span_kind: 'SPAN_KIND_CONSUMER' })).toBe(true);
    expect(isConsumerSeries({ service_name: 'checkout' })).toBe(false);
    expect(isConsumerSeries(undefined)).toBe(false);
  });

  it('parses for every span-metrics family and any service name, each name matched exactly as given (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METRIC_FAMILY_LIST), fc.string({ maxLength: 30 }), (family, service) => {
        const c: MetricConventions = { family, serviceLabel: 'service_name' };
        const opts = { service, window: '$__rate_interval' };
        const exprs = [
          serverOrConsumerOnly(c, service, (consumer) => errorRatio(c, { ...opts, consumer })),
          serverOrConsumerOnly(c, service, (consumer) => latencyQuantile(c, { ...opts, quantile: 0.95, consumer })),
          consumerOnlyRate(c, service, opts.window) ?? requestRate(c, opts),
        ];
        for (const expr of exprs) {
          expectValidPromQL(expr);
          // Every literal is the family's fixed value or the service name, quoted; the name at least once.
          const literals = nodeTexts('PromQL', expr, 'StringLiteral');
          expect(literals.filter((l) => !FIXED.has(l) && l !== promqlString(service))).toEqual([]);
          expect(literals).toContain(promqlString(service));
        }
      }),
      { numRuns: 200 }
    );
  });
});
