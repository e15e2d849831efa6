/**
 * @jest-environment node
 */
import {
  expectedQuantile,
  LATENCY_BOUNDS_SECONDS,
  openMetricsText,
  redMetrics,
  ServiceTraffic,
} from '../testing/openmetrics';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { RunningPrometheus, Sample, startPrometheus } from '../testing/prometheus';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions, MetricFamily } from './conventions';
import * as promql from './promql';
import { regexAnyOf } from './strings';

const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 900, step: 15 };
const AT = GRID.end;
const WINDOW = '5m';

// Fractions per bucket of LATENCY_BOUNDS_SECONDS (12 entries, the last is +Inf).
const FAST = [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0];
const SLOW = [0, 0, 0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.07, 0.03, 0];

const TRAFFIC: ServiceTraffic[] = [
  { service: 'checkout', requestsPerSecond: 20, errorRatio: 0.1, latencyFractions: FAST },
  { service: 'we"ird', requestsPerSecond: 4, errorRatio: 0.25, latencyFractions: SLOW },
  { service: 'back\\slash\\', requestsPerSecond: 2.5, errorRatio: 0.02, latencyFractions: FAST },
  { service: 'new\nline', requestsPerSecond: 1, errorRatio: 0.5, latencyFractions: SLOW },
  { service: '"} or vector(1) # ${x}', requestsPerSecond: 3, errorRatio: 1 / 3, latencyFractions: FAST },
  { service: 'healthy 😀', requestsPerSecond: 8, errorRatio: 0, latencyFractions: SLOW },
  // Grafana variable syntax: Grafana would rewrite these in a literal that kept the `$` or `[[`.
  { service: '$__interval', requestsPerSecond: 5, errorRatio: 0.2, latencyFractions: SLOW },
  { service: '${__from}', requestsPerSecond: 6, errorRatio: 0.5, latencyFractions: FAST },
  { service: '${__user.login}', requestsPerSecond: 7, errorRatio: 1 / 7, latencyFractions: SLOW },
  { service: '[[service]]', requestsPerSecond: 9, errorRatio: 1 / 3, latencyFractions: FAST },
];

function conv(family: MetricFamily): MetricConventions {
  return { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
}

function byService(samples: Sample[], label: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const s of samples) {
    expect(map.has(s.metric[label])).toBe(false);
    map.set(s.metric[label], s.value);
  }
  return map;
}

describeWithPrometheus('PromQL builders against a real Prometheus', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const families = METRIC_FAMILY_LIST.flatMap((family) =>
      redMetrics(METRIC_FAMILIES[family], conv(family).serviceLabel, TRAFFIC, GRID)
    );
    // The Collector's two families write the same request counter (same labels, same
    // traffic): keep it once, as one Prometheus holds it.
    const seen = new Set<string>();
    const unique = families.filter((lines) => !seen.has(lines[0]) && Boolean(seen.add(lines[0])));
    expect(unique.length).toBe(families.length - 1);
    prom = await startPrometheus({ openMetrics: openMetricsText(unique) });
  }, 120000);

  afterAll(async () => {
    await prom?.stop();
  });

  describe.each(METRIC_FAMILY_LIST)('%s', (family) => {
    const c = conv(family);

    it('answers the request rate of every service', async () => {
      const rates = byService(await prom.instant(promql.requestRate(c, { window: WINDOW }), AT), c.serviceLabel);
      expect([...rates.keys()].sort()).toEqual(TRAFFIC.map((t) => t.service).sort());
      for (const t of TRAFFIC) {
        expect(rates.get(t.service)).toBeCloseTo(t.requestsPerSecond, 6);
      }
    });

    it('answers the error ratio of every service exactly, 0 for one without errors', async () => {
      const ratios = byService(await prom.instant(promql.errorRatio(c, { window: WINDOW }), AT), c.serviceLabel);
      expect([...ratios.keys()].sort()).toEqual(TRAFFIC.map((t) => t.service).sort());
      for (const t of TRAFFIC) {
        expect(Math.abs((ratios.get(t.service) ?? NaN) - t.errorRatio)).toBeLessThanOrEqual(1e-6);
      }
    });

    it('answers p50, p95 and p99 in seconds within the right bucket', async () => {
      for (const quantile of [0.5, 0.95, 0.99]) {
        const samples = await prom.instant(promql.latencyQuantile(c, { quantile, window: WINDOW }), AT);
        const latencies = byService(samples, c.serviceLabel);
        expect(latencies.size).toBe(TRAFFIC.length);
        for (const t of TRAFFIC) {
          const expected = expectedQuantile(t.latencyFractions, quantile);
          const actual = latencies.get(t.service) ?? NaN;
          expect(actual).toBeGreaterThanOrEqual(expected.lower - 1e-9);
          expect(actual).toBeLessThanOrEqual(expected.upper + 1e-9);
          expect(actual).toBeCloseTo(expected.interpolated, 6);
        }
      }
    });

    it.each(TRAFFIC.map((t) => [JSON.stringify(t.service), t] as const))(
      'answers for the one service %s only',
      async (_name, t) => {
        const one = async (expr: string) => {
          const samples = await prom.instant(expr, AT);
          expect(samples.map((s) => s.metric[c.serviceLabel])).toEqual([t.service]);
          return samples[0].value;
        };
        expect(await one(promql.requestRate(c, { service: t.service, window: WINDOW }))).toBeCloseTo(
          t.requestsPerSecond,
          6
        );
        expect(
          Math.abs((await one(promql.errorRatio(c, { service: t.service, window: WINDOW }))) - t.errorRatio)
        ).toBeLessThanOrEqual(1e-6);
        const p95 = await one(promql.latencyQuantile(c, { quantile: 0.95, service: t.service, window: WINDOW }));
        expect(p95).toBeCloseTo(expectedQuantile(t.latencyFractions, 0.95).interpolated, 6);
      }
    );
  });

  it('selects exactly the services of a regex alternation of names holding $, [[ and RE2 metacharacters', async () => {
    const c = conv('otel-spanmetrics');
    const names = ['$__interval', '[[service]]', '${__from}', '"} or vector(1) # ${x}'];
    const expr = promql.sumBy(
      [c.serviceLabel],
      promql.rate(
        promql.familySelector(c, 'requests', {
          matchers: [{ label: c.serviceLabel, op: '=~', value: regexAnyOf(names) }],
        }),
        WINDOW
      )
    );
    expect(expr).not.toMatch(/\$|\[\[/);
    const rates = byService(await prom.instant(expr, AT), c.serviceLabel);
    expect([...rates.keys()].sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(rates.get(name)).toBeCloseTo(TRAFFIC.find((t) => t.service === name)?.requestsPerSecond ?? NaN, 6);
    }
  });

  it('uses bounds that the fixtures cover', () => {
    expect(FAST).toHaveLength(LATENCY_BOUNDS_SECONDS.length + 1);
    expect(SLOW).toHaveLength(LATENCY_BOUNDS_SECONDS.length + 1);
  });
});
