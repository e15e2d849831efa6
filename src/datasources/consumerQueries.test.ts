import fc from 'fast-check';
import { expectValidPromQL, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import { consumerOnlyQueries, familyCountsConsumers } from './consumerQueries';
import { METRIC_FAMILY_LIST, MetricConventions } from './conventions';

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
