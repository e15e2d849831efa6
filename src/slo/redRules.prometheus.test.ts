/**
 * @jest-environment node
 */
/**
 * Recorded vs raw on a real Prometheus: data this test writes (every metric family, a service
 * graph), the RED rules evaluated over it by `promtool tsdb create-blocks-from rules` (as a
 * ruler would have recorded them), then every statistic the pages read asked both ways of a
 * Prometheus holding the raw and the recorded series.
 */
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions, MetricFamily } from '../datasources/conventions';
import * as promql from '../datasources/promql';
import {
  EDGE_SERIES,
  RED_LONG_WINDOW,
  RED_WINDOW,
  recordedErrorRatio,
  recordedLatencyQuantile,
  recordedRequestRate,
  redLongSeriesNames,
  redSeriesNames,
} from '../datasources/redSeries';
import {
  edgeFailedRate,
  edgeLatencyQuantile,
  edgeRequestRate,
  nodeLatencyQuantile,
  SERVICE_GRAPH_FAILED,
  SERVICE_GRAPH_REQUESTS,
  SERVICE_GRAPH_SERVER_SECONDS_BUCKET,
} from '../datasources/serviceGraph';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import {
  counterFamily,
  CounterSeries,
  histogramFamily,
  HistogramSeries,
  LATENCY_BOUNDS_SECONDS,
  openMetricsText,
  redMetrics,
  ServiceTraffic,
} from '../testing/openmetrics';
import { RunningPrometheus, Sample, startPrometheusWithRecorded } from '../testing/prometheus';
import { redRulesYaml } from './redRules';

// 70 minutes at 15 s from a 5-minute mark: the 10-minute page window at the end sees only full
// 5-minute rates, and the hour before the end holds data throughout (the 1-hour rules run once
// a minute, so they have a sample at the end too).
const GRID = { start: 1_700_000_100, end: 1_700_000_100 + 4200, step: 15 };
const AT = GRID.end;
const PAGE_WINDOW = '10m';
const RELATIVE = 1e-9;

const FAST = [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0];
const SLOW = [0, 0, 0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.07, 0.03, 0];

const TRAFFIC: ServiceTraffic[] = [
  { service: 'checkout', requestsPerSecond: 20, errorRatio: 0.1, latencyFractions: FAST },
  { service: 'we"ird', requestsPerSecond: 4, errorRatio: 0.25, latencyFractions: SLOW },
  { service: 'back\\slash\\', requestsPerSecond: 2.5, errorRatio: 0.02, latencyFractions: FAST },
  { service: '"} or vector(1) # ${x}', requestsPerSecond: 3, errorRatio: 1 / 3, latencyFractions: SLOW },
  { service: 'healthy 😀', requestsPerSecond: 8, errorRatio: 0, latencyFractions: SLOW },
];

interface Edge {
  client: string;
  server: string;
  connection_type?: string;
  rate: number;
  failed: number;
  latency: number[];
}

const EDGES: Edge[] = [
  { client: 'user', server: 'frontend', connection_type: 'virtual_node', rate: 20, failed: 0.4, latency: SLOW },
  { client: 'frontend', server: 'cart "v2"', rate: 12, failed: 0, latency: FAST },
  { client: 'frontend', server: 'checkout', rate: 6, failed: 1.5, latency: SLOW },
  { client: 'checkout', server: 'cart "v2"', rate: 4, failed: 2, latency: SLOW },
];

function times(): number[] {
  const out: number[] = [];
  for (let t = GRID.start; t <= GRID.end; t += GRID.step) {
    out.push(t);
  }
  return out;
}

function edgeMetrics(): string[][] {
  const requests: CounterSeries[] = [];
  const failed: CounterSeries[] = [];
  const latency: HistogramSeries[] = [];
  for (const { rate, failed: failedRate, latency: fractions, ...edge } of EDGES) {
    const labels: Record<string, string> = { ...edge } as Record<string, string>;
    requests.push({ labels, points: times().map((t) => [t, rate * (t - GRID.start)]) });
    if (failedRate > 0) {
      failed.push({ labels, points: times().map((t) => [t, failedRate * (t - GRID.start)]) });
    }
    const cumulative = LATENCY_BOUNDS_SECONDS.map((_, i) => fractions.slice(0, i + 1).reduce((a, b) => a + b, 0));
    latency.push({
      labels,
      points: times().map((time) => {
        const count = rate * (time - GRID.start);
        return {
          time,
          count,
          sum: count * 0.1,
          buckets: LATENCY_BOUNDS_SECONDS.map((le, i) => [le, count * cumulative[i]] as [number, number]),
        };
      }),
    });
  }
  return [
    counterFamily(SERVICE_GRAPH_REQUESTS, requests),
    counterFamily(SERVICE_GRAPH_FAILED, failed),
    histogramFamily(SERVICE_GRAPH_SERVER_SECONDS_BUCKET.replace(/_bucket$/, ''), latency),
  ];
}

function conv(family: MetricFamily): MetricConventions {
  return { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
}

/** Samples keyed by their labels (the metric name left out: recorded and raw answers differ there). */
function keyed(samples: Sample[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const s of samples) {
    const { __name__: _, ...labels } = s.metric;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    expect(map.has(key)).toBe(false);
    map.set(key, s.value);
  }
  return map;
}

function expectSame(recorded: Sample[], raw: Sample[], expectedCount: number) {
  const r = keyed(recorded);
  const w = keyed(raw);
  expect(w.size).toBe(expectedCount);
  expect([...r.keys()].sort()).toEqual([...w.keys()].sort());
  for (const [key, value] of w) {
    const got = r.get(key) as number;
    if (Number.isNaN(value)) {
      expect(got).toBeNaN();
    } else {
      expect(Math.abs(got - value)).toBeLessThanOrEqual(RELATIVE * Math.max(1, Math.abs(value)));
    }
  }
}

describeWithPrometheus('RED recording rules: recorded vs raw on a real Prometheus', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const families = METRIC_FAMILY_LIST.flatMap((family) =>
      redMetrics(METRIC_FAMILIES[family], conv(family).serviceLabel, TRAFFIC, GRID)
    );
    // The Collector's two families write the same request counter: keep it once.
    const seen = new Set<string>();
    const unique = families.filter((lines) => !seen.has(lines[0]) && Boolean(seen.add(lines[0])));
    const text = openMetricsText([...unique, ...edgeMetrics()]);
    prom = await startPrometheusWithRecorded({
      openMetrics: text,
      // One backfill per family: the Collector's two families record the same request series,
      // which one rules file would write twice.
      rules: METRIC_FAMILY_LIST.map((family) =>
        redRulesYaml(conv(family), { serviceGraph: family === METRIC_FAMILY_LIST[0] })
      ),
      start: GRID.start,
      end: GRID.end,
      stepSeconds: GRID.step,
    });
  }, 600000);

  afterAll(async () => {
    await prom?.stop();
  });

  const both = (recorded: string, raw: string) => Promise.all([prom.instant(recorded, AT), prom.instant(raw, AT)]);

  describe.each(METRIC_FAMILY_LIST)('%s', (family) => {
    const c = conv(family);
    const names = redSeriesNames(c);
    const count = TRAFFIC.length;

    it('records each statistic as the raw query computes it at the same instant', async () => {
      const at5m = { window: RED_WINDOW };
      expectSame(...(await both(names.requests, promql.requestRate(c, at5m))), count);
      expectSame(
        ...(await both(
          names.failed,
          promql.sumBy([c.serviceLabel], promql.rate(promql.familySelector(c, 'errors'), RED_WINDOW))
        )),
        // The service that never failed has no failed series at all.
        count - 1
      );
      expectSame(...(await both(names.errorRatio, promql.errorRatio(c, at5m))), count);
      expectSame(
        ...(await both(
          names.latencyBucket,
          promql.sumBy(['le', c.serviceLabel], promql.rate(promql.familySelector(c, 'latencyBucket'), RED_WINDOW))
        )),
        count * (LATENCY_BOUNDS_SECONDS.length + 1)
      );
      const p95 = promql.latencyQuantile(c, { window: RED_WINDOW, quantile: 0.95 });
      const [recordedP95, rawP95] = await both(names.latencyQuantile, p95);
      const toSeconds = METRIC_FAMILIES[family].latencyToSeconds;
      expectSame(
        recordedP95.map((s) => ({ ...s, value: s.value * toSeconds })),
        rawP95,
        count
      );
    });

    it('records the 1-hour statistics as the raw queries over the same hour compute them at the same instant', async () => {
      const long = redLongSeriesNames(c);
      const hour = { window: RED_LONG_WINDOW };
      // The 1-hour rules run once a minute, at their group's offset: compare with the raw
      // queries at the instant of the sample read.
      const stamps = await prom.instant(`timestamp(${long.requests})`, AT);
      expect(stamps).toHaveLength(count);
      const evaluated = stamps[0].value;
      expect(AT - evaluated).toBeGreaterThanOrEqual(0);
      expect(AT - evaluated).toBeLessThan(60);
      const pair = (recorded: string, raw: string) =>
        Promise.all([prom.instant(recorded, AT), prom.instant(raw, evaluated)]);
      expectSame(...(await pair(long.requests, promql.requestRate(c, hour))), count);
      const ratios = await pair(long.errorRatio, promql.errorRatio(c, hour));
      expectSame(...ratios, count);
      // One series for every service, the one that never failed at 0.
      expect(ratios[0].find((s) => s.metric[c.serviceLabel] === 'healthy 😀')?.value).toBe(0);
      const [recordedP95, rawP95] = await pair(
        long.latencyQuantile,
        promql.latencyQuantile(c, { ...hour, quantile: 0.95 })
      );
      const toSeconds = METRIC_FAMILIES[family].latencyToSeconds;
      expectSame(
        recordedP95.map((s) => ({ ...s, value: s.value * toSeconds })),
        rawP95,
        count
      );
      // What the page reads over exactly 1 hour is that sample, in seconds.
      expectSame(
        ...(await pair(
          recordedLatencyQuantile(c, { ...hour, quantile: 0.95 }),
          promql.latencyQuantile(c, { ...hour, quantile: 0.95 })
        )),
        count
      );
    });

    it.each([RED_WINDOW, PAGE_WINDOW, RED_LONG_WINDOW])(
      'answers the pages’ statistics from the recorded series as the raw queries do (window %s)',
      async (window) => {
        const opts = { window };
        expectSame(...(await both(recordedRequestRate(c, opts), promql.requestRate(c, opts))), count);
        const ratios = await both(recordedErrorRatio(c, opts), promql.errorRatio(c, opts));
        expectSame(...ratios, count);
        // Not vacuous: the ratios differ between services, and the healthy one is 0, not missing.
        expect(new Set(ratios[1].map((s) => s.value)).size).toBe(count);
        expect(ratios[0].find((s) => s.metric[c.serviceLabel] === 'healthy 😀')?.value).toBe(0);
        const q = { ...opts, quantile: 0.95 };
        expectSame(...(await both(recordedLatencyQuantile(c, q), promql.latencyQuantile(c, q))), count);
        // One service, named with every character PromQL and Grafana care about.
        const one = { ...opts, service: '"} or vector(1) # ${x}' };
        expectSame(...(await both(recordedRequestRate(c, one), promql.requestRate(c, one))), 1);
        expectSame(...(await both(recordedErrorRatio(c, one), promql.errorRatio(c, one))), 1);
      }
    );

    it('gives the sparkline the raw 5-minute request rate at every step', async () => {
      const [recorded, raw] = await Promise.all([
        prom.range(recordedRequestRate(c, { window: RED_WINDOW }), AT - 600, AT, 60),
        prom.range(promql.requestRate(c, { window: RED_WINDOW }), AT - 600, AT, 60),
      ]);
      expect(raw).toHaveLength(count);
      for (const series of raw) {
        const match = recorded.find((r) => r.metric[c.serviceLabel] === series.metric[c.serviceLabel]);
        expect(match?.values.length).toBe(series.values.length);
        series.values.forEach(([t, v], i) => {
          expect(match?.values[i][0]).toBe(t);
          expect(Math.abs((match?.values[i][1] ?? NaN) - v)).toBeLessThanOrEqual(RELATIVE * Math.max(1, v));
        });
      }
    });
  });

  it('records the service-graph edge statistics as the graph’s raw queries compute them', async () => {
    const opts = { window: RED_WINDOW };
    expectSame(...(await both(EDGE_SERIES.requests, edgeRequestRate(opts))), EDGES.length);
    expectSame(...(await both(EDGE_SERIES.failed, edgeFailedRate(opts))), EDGES.length - 1);
    expectSame(
      ...(await both(EDGE_SERIES.serverQuantile, edgeLatencyQuantile({ ...opts, quantile: 0.95 }))),
      EDGES.length
    );
    // A node's latency from the recorded edge buckets, summed over its callers.
    expectSame(
      ...(await both(
        `histogram_quantile(0.95, sum by (le, server) (${EDGE_SERIES.serverBucket}))`,
        nodeLatencyQuantile({ ...opts, quantile: 0.95 })
      )),
      3
    );
  });
});
