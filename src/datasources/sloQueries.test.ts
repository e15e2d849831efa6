import fc from 'fast-check';

import { goUnquote } from '../testing/goUnquote';
import { expectValidPromQL, nodeTexts } from '../testing/grammar';
import { METRIC_FAMILY_LIST, MetricConventions } from './conventions';
import {
  budgetRemainingDirect,
  burnAlertCondition,
  checkLatencyThreshold,
  firingBurnAlerts,
  latencyBoundaries,
  leSpellings,
  recordedBurnRate,
  sliErrorRatio,
  sloMatcher,
  sloVariableMatcher,
  SLO_SERIES,
  thresholdInFamilyUnit,
} from './sloQueries';

const SLIS = [
  { type: 'availability' as const },
  { type: 'latency' as const, thresholdSeconds: 0.5 },
  { type: 'latency' as const, thresholdSeconds: 1 },
];
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d', '30d', '$__range'];

describe('sliErrorRatio', () => {
  const cases = METRIC_FAMILY_LIST.flatMap((family) =>
    SLIS.flatMap((sli) => WINDOWS.map((window) => ({ family, sli, kind: JSON.stringify(sli), window })))
  );
  it.each(cases)('$kind for $family over $window parses', ({ family, sli, window }) => {
    expectValidPromQL(sliErrorRatio({ family, serviceLabel: 'job' }, sli, 'checkout', window));
  });

  it('counts slow requests from the +Inf and threshold buckets, in the family unit', () => {
    const ms: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };
    const q = sliErrorRatio(ms, { type: 'latency', thresholdSeconds: 0.25 }, 'checkout', '5m');
    expect(q).toBe(
      '(sum by (service_name) (rate(traces_span_metrics_duration_milliseconds_bucket{span_kind="SPAN_KIND_SERVER", service_name="checkout", le="+Inf"}[5m]))' +
        ' - sum by (service_name) (rate(traces_span_metrics_duration_milliseconds_bucket{span_kind="SPAN_KIND_SERVER", service_name="checkout", le=~"250|250\\\\.0"}[5m])))' +
        ' / sum by (service_name) (rate(traces_span_metrics_duration_milliseconds_bucket{span_kind="SPAN_KIND_SERVER", service_name="checkout", le="+Inf"}[5m]))'
    );
  });

  it('keeps any service name a literal', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('"', '\\', '\n', '}', '{', '`', '|', 'a', '😀'), maxLength: 20 }),
        (service) => {
          for (const sli of SLIS) {
            const q = sliErrorRatio({ family: 'http-semconv', serviceLabel: 'job' }, sli, service, '1h');
            expectValidPromQL(q);
            const jobs = nodeTexts('PromQL', q, 'StringLiteral')
              .map(goUnquote)
              .filter((v) => v === service);
            // Each SLI reads three selectors (errors or threshold, all requests twice), each holding the service.
            expect(jobs.length).toBe(3);
          }
        }
      ),
      { numRuns: 100 }
    );
  });
});

describe('latency thresholds and bucket boundaries', () => {
  const seconds: MetricConventions = { family: 'http-semconv', serviceLabel: 'job' };
  const millis: MetricConventions = { family: 'http-semconv-old', serviceLabel: 'job' };

  it('writes both spellings of integer bounds (Prometheus 3 writes 1.0)', () => {
    expect(leSpellings(1)).toEqual(['1', '1.0']);
    expect(leSpellings(0.5)).toEqual(['0.5']);
    expect(thresholdInFamilyUnit(millis, 0.3)).toBe(300);
    expect(thresholdInFamilyUnit(seconds, 0.3)).toBe(0.3);
  });

  it('probes the boundaries with one grouped query', () => {
    const q = latencyBoundaries(seconds, 'checkout', '30d');
    expectValidPromQL(q);
    expect(q).toBe('group by (le) (last_over_time(http_server_request_duration_seconds_bucket{job="checkout"}[30d]))');
  });

  it('accepts a boundary in any spelling and refuses others, naming the usable ones in seconds', () => {
    const le = ['0.005', '0.1', '0.25', '0.5', '1.0', '2.5', '+Inf'];
    expect(checkLatencyThreshold(seconds, 0.5, le)).toEqual({ ok: true });
    expect(checkLatencyThreshold(seconds, 1, le)).toEqual({ ok: true });
    const refused = checkLatencyThreshold(seconds, 0.3, le);
    expect(refused).toEqual({
      ok: false,
      message:
        'The threshold 0.3s is not a bucket boundary of the latency histogram, so slow requests cannot be counted exactly. Use one of: 0.005, 0.1, 0.25, 0.5, 1, 2.5 (seconds).',
    });
    expect(checkLatencyThreshold(millis, 0.25, ['100', '250', '500'])).toEqual({ ok: true });
    expect(checkLatencyThreshold(millis, 0.3, ['100', '250']).ok).toBe(false);
    const none = checkLatencyThreshold(seconds, 0.5, []);
    expect(!none.ok && none.message).toMatch(
      /^No latency histogram found \(http_server_request_duration_seconds_bucket\)/
    );
  });
});

describe('queries over the recording rules', () => {
  it('name the series by one scheme and parse', () => {
    expect(SLO_SERIES.sliError('5m')).toBe('pivot_slo:sli_error:ratio_rate5m');
    expect(() => SLO_SERIES.sliError('5 m')).toThrow(/Invalid PromQL window/);
    const queries = [
      burnAlertCondition('checkout-availability', '1h', '5m', 0.0144),
      recordedBurnRate('1h', [sloVariableMatcher('slo', true)]),
      firingBurnAlerts([sloMatcher('a"b')]),
      budgetRemainingDirect(
        { family: 'otel-spanmetrics', serviceLabel: 'service_name' },
        SLIS[1],
        'checkout',
        '28d',
        0.01
      ),
    ];
    queries.forEach(expectValidPromQL);
    expect(queries[1]).toBe(
      'pivot_slo:sli_error:ratio_rate1h{slo=~"$slo"} / on (slo) group_left () pivot_slo:error_budget:ratio{slo=~"$slo"}'
    );
    expect(queries[0]).toBe(
      '(pivot_slo:sli_error:ratio_rate1h{slo="checkout-availability"} > 0.0144) and (pivot_slo:sli_error:ratio_rate5m{slo="checkout-availability"} > 0.0144)'
    );
  });
});
