/**
 * The service graph read from Pivot's recorded edge series (recordedEdges.ts) against the raw
 * service-graph queries (serviceGraph.ts), on a real Prometheus: traffic and latency change
 * every 5 minutes, so an average of the wrong 5-minute rates shows. Over 5 minutes the
 * recorded read equals the raw query at the same instant, and over exactly 1 hour the recorded
 * 1-hour series equal the raw hour at the instant the 1-hour rules last ran (the sample an
 * instant read returns, at most a minute before the query); over another window ending between
 * two 5-minute marks (every relative time range) it equals the raw query over the same length
 * ending at the last mark (docs/scaling.md#over-a-longer-window), for the whole graph and for
 * one service's neighbourhood.
 */
import { edgeLongRuleGroup, edgeRuleGroup, RED_LONG_INTERVAL } from '../slo/redRules';
import { rulesYaml } from '../slo/rules';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import {
  counterFamily,
  CounterSeries,
  histogramFamily,
  HistogramSeries,
  LATENCY_BOUNDS_SECONDS,
  openMetricsText,
} from '../testing/openmetrics';
import { RunningPrometheus, Sample, startPrometheusWithRecorded } from '../testing/prometheus';
import { recordedGraphQueries } from './recordedEdges';
import { EDGE_LONG_SERIES, EDGE_SERIES } from './redSeries';
import {
  GRAPH_REFS,
  graphQueries,
  SERVICE_GRAPH_FAILED,
  SERVICE_GRAPH_REQUESTS,
  SERVICE_GRAPH_SERVER_SECONDS_BUCKET,
} from './serviceGraph';

const MARK = 300;
/** An hour and a half at 15 s from a 5-minute mark, the rules evaluated on the same grid. */
const START = 1_700_000_100;
const END = START + 5400;
const STEP = 15;
const RELATIVE = 1e-9;
const FAST = [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0];
const SLOW = [0, 0, 0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.07, 0.03, 0];
const HOSTILE = '"} or vector(1) # ${x}';

interface Edge {
  client: string;
  server: string;
  connection_type?: string;
  /** Requests per second in each 5-minute slot, repeating. */
  rates: number[];
  /** Failed per second in each slot; none: the edge never fails (no failed series). */
  failed?: number[];
}

const EDGES: Edge[] = [
  {
    client: 'user',
    server: 'frontend',
    connection_type: 'virtual_node',
    rates: [20, 5, 40, 10],
    failed: [1, 0, 4, 0.5],
  },
  { client: 'frontend', server: HOSTILE, rates: [12, 3, 7] },
  { client: 'frontend', server: 'checkout', rates: [6, 18, 2, 9, 4], failed: [1.5, 0, 2, 3, 0.25] },
  { client: HOSTILE, server: 'cart', connection_type: 'database', rates: [4, 8], failed: [2, 0.5] },
];

const slotOf = (t: number) => Math.floor((t - START) / MARK);

/** Cumulative value at each grid time of a per-second rate that changes every slot. */
function cumulative(rates: number[]): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  let count = 0;
  for (let t = START; t <= END; t += STEP) {
    points.push([t, count]);
    count += rates[slotOf(t) % rates.length] * STEP;
  }
  return points;
}

function edgeMetrics(): string[][] {
  const requests: CounterSeries[] = [];
  const failed: CounterSeries[] = [];
  const latency: HistogramSeries[] = [];
  for (const { rates, failed: failedRates, ...edge } of EDGES) {
    const labels = { ...edge } as Record<string, string>;
    const counts = cumulative(rates);
    requests.push({ labels, points: counts });
    if (failedRates) {
      failed.push({ labels, points: cumulative(failedRates) });
    }
    // The latency distribution alternates every slot, so the window's quantile depends on which slots it averages.
    const buckets = new Array<number>(LATENCY_BOUNDS_SECONDS.length).fill(0);
    let count = 0;
    latency.push({
      labels,
      points: counts.map(([time]) => {
        const point = {
          time,
          count,
          sum: count * 0.1,
          buckets: LATENCY_BOUNDS_SECONDS.map((le, i) => [le, buckets[i]] as [number, number]),
        };
        const added = rates[slotOf(time) % rates.length] * STEP;
        const fractions = slotOf(time) % 2 === 0 ? FAST : SLOW;
        let below = 0;
        LATENCY_BOUNDS_SECONDS.forEach((_, i) => {
          below += fractions[i];
          buckets[i] += added * below;
        });
        count += added;
        return point;
      }),
    });
  }
  return [
    counterFamily(SERVICE_GRAPH_REQUESTS, requests),
    counterFamily(SERVICE_GRAPH_FAILED, failed),
    histogramFamily(SERVICE_GRAPH_SERVER_SECONDS_BUCKET.replace(/_bucket$/, ''), latency),
  ];
}

/** Samples keyed by refId and labels (the metric name left out: recorded and raw answers differ there). */
function keyed(refId: string, samples: Sample[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const s of samples) {
    const { __name__: _, ...labels } = s.metric;
    const key = refId + JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    expect(map.has(key)).toBe(false);
    map.set(key, s.value);
  }
  return map;
}

function expectSame(recorded: Map<string, number>, raw: Map<string, number>) {
  expect([...recorded.keys()].sort()).toEqual([...raw.keys()].sort());
  for (const [key, value] of raw) {
    const got = recorded.get(key) as number;
    if (Number.isNaN(value)) {
      expect(got).toBeNaN();
    } else {
      expect(Math.abs(got - value)).toBeLessThanOrEqual(RELATIVE * Math.max(1, Math.abs(value)));
    }
  }
}

describeWithPrometheus('Service graph from the recorded edge series vs raw, on a real Prometheus', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    prom = await startPrometheusWithRecorded({
      openMetrics: openMetricsText(edgeMetrics()),
      rules: [rulesYaml({ groups: [edgeRuleGroup(), edgeLongRuleGroup()] })],
      start: START,
      end: END,
      stepSeconds: STEP,
    });
  }, 600000);

  afterAll(async () => {
    await prom?.stop();
  });

  /** Every query of `queries` at `at`, keyed by refId and labels. */
  const answer = async (queries: Array<{ refId: string; expr: string }>, at: number) => {
    const all = new Map<string, number>();
    for (const q of queries) {
      for (const [k, v] of keyed(q.refId, await prom.instant(q.expr, at))) {
        all.set(k, v);
      }
    }
    return all;
  };
  const count = (answers: Map<string, number>, refId: string) =>
    [...answers.keys()].filter((k) => k.startsWith(refId + '[')).length;

  it.each([undefined, HOSTILE, 'frontend'])(
    'over 5 minutes: the raw answer at the rules’ last evaluation (focus %s)',
    async (service) => {
      const at = START + 7 * MARK + 45;
      // The backfill evaluates at a per-group offset within the 15 s interval, as Prometheus does.
      const evaluated = await prom.instant(`timestamp(${EDGE_SERIES.requests})`, at);
      expect(evaluated.length).toBe(EDGES.length);
      const last = evaluated[0].value;
      expect(at - last).toBeGreaterThanOrEqual(0);
      expect(at - last).toBeLessThan(STEP);
      const options = { window: '5m', service };
      const raw = await answer(graphQueries(options), last);
      expectSame(await answer(recordedGraphQueries(options), at), raw);
      expect(count(raw, GRAPH_REFS.requests)).toBeGreaterThan(0);
      expect(count(raw, GRAPH_REFS.edgeP95)).toBeGreaterThan(0);
    }
  );

  it.each([
    [13 * MARK + 45, undefined],
    [16 * MARK + 130, HOSTILE],
    [17 * MARK + 290, 'frontend'],
  ])(
    'over exactly 1 hour, %i s into the data (focus %s): the raw hour at the 1-hour rules’ last evaluation',
    async (offset, service) => {
      const at = START + offset;
      expect(RED_LONG_INTERVAL).toBe('1m');
      const evaluated = await prom.instant(`timestamp(${EDGE_LONG_SERIES.requests})`, at);
      expect(evaluated.length).toBe(EDGES.length);
      const last = evaluated[0].value;
      expect(at - last).toBeGreaterThanOrEqual(0);
      expect(at - last).toBeLessThan(60);
      const options = { window: '1h', service };
      const queries = recordedGraphQueries(options);
      // Instant reads of the 1-hour series: no subquery, no 5-minute series.
      queries.forEach((q) => expect(q.expr).not.toMatch(/\[|rate5m/));
      const raw = await answer(graphQueries(options), last);
      expectSame(await answer(queries, at), raw);
      const edges = service === undefined ? EDGES : EDGES.filter((e) => e.client === service || e.server === service);
      expect(count(raw, GRAPH_REFS.requests)).toBe(edges.length);
      expect(count(raw, GRAPH_REFS.failed)).toBe(edges.filter((e) => e.failed).length);
      expect(count(raw, GRAPH_REFS.edgeP95)).toBe(edges.length);
      expect(count(raw, GRAPH_REFS.latencyBuckets)).toBe(LATENCY_BOUNDS_SECONDS.length + 1);
      expect(count(raw, GRAPH_REFS.nodeP95)).toBeGreaterThan(0);
      // Not the 5-minute tiling: the subquery form over the hour answers otherwise here.
      const tiled = await answer(recordedGraphQueries({ window: '60m', service }), at);
      const differs = [...raw].filter(
        ([k, v]) => k.startsWith(GRAPH_REFS.requests) && Math.abs((tiled.get(k) ?? 0) - v) > 1e-3
      );
      expect(differs.length).toBeGreaterThan(0);
    }
  );

  it.each([
    ['10m', 6 * MARK + 120, undefined],
    ['30m', 11 * MARK + 285, undefined],
    ['45m', 13 * MARK + 15, undefined],
    ['50m', 14 * MARK + 200, HOSTILE],
    ['30m', 9 * MARK + 100, 'frontend'],
  ])(
    'over %s, %i s into the data (focus %s): the raw answer over the same length ending at the last 5-minute mark',
    async (window, offset, service) => {
      const at = START + offset;
      const mark = at - (at % MARK);
      const options = { window, service };
      const raw = await answer(graphQueries(options), mark);
      const recorded = await answer(recordedGraphQueries(options), at);
      expectSame(recorded, raw);
      // Not vacuous: every statistic has answers, the never-failing edge has no failed rate...
      const edges = service === undefined ? EDGES : EDGES.filter((e) => e.client === service || e.server === service);
      expect(count(raw, GRAPH_REFS.requests)).toBe(edges.length);
      expect(count(raw, GRAPH_REFS.failed)).toBe(edges.filter((e) => e.failed).length);
      expect(count(raw, GRAPH_REFS.edgeP95)).toBe(edges.length);
      expect(count(raw, GRAPH_REFS.latencyBuckets)).toBe(LATENCY_BOUNDS_SECONDS.length + 1);
      expect(count(raw, GRAPH_REFS.nodeP95)).toBeGreaterThan(0);
      // ...and the traffic changed, so the raw window ending at the query time differs.
      const now = await answer(graphQueries(options), at);
      const moved = [...raw].filter(
        ([k, v]) => k.startsWith(GRAPH_REFS.requests) && Math.abs((now.get(k) ?? 0) - v) > 1e-3
      );
      expect(moved.length).toBeGreaterThan(0);
    }
  );
});
