// jsdom (the default environment): @grafana/data, which the frame builder uses, needs a window.
/**
 * Issue 18, item 2, on a real Prometheus: the demo's calls (10 to 60 ms) under Tempo's default
 * service-graph buckets (lowest 0.1 s) all fall in the lowest bucket, so histogram_quantile
 * answers 0.095 s on every edge; Pivot now shows `≤ 100 ms` and says why. Under the stack's
 * buckets (read from stack/tempo/tempo.yaml) the same calls give a measured p95.
 */
import { NodeGraphDataFrameFieldNames as N } from '@grafana/data';
import { readYaml, at } from '../../stack/yamlFiles';
import { graphQueries, SERVICE_GRAPH_REQUESTS, SERVICE_GRAPH_SERVER_SECONDS_BUCKET } from '../datasources/serviceGraph';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { counterFamily, histogramFamily, HistogramSeries, openMetricsText } from '../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { instantFrame } from './fixtures/serviceGraphMetrics';
import { graphFromMetrics, ServiceGraph } from './serviceGraph';
import { graphFrames } from './serviceGraphFrames';

const START = 1_700_000_000;
const STEP = 15;
const AT = START + 900;
const WINDOW = '5m';
/** Tempo 2.7's default service_graphs.histogram_buckets. */
const TEMPO_DEFAULT_BUCKETS = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8];
const STACK_BUCKETS = at(
  readYaml('stack/tempo/tempo.yaml'),
  'metrics_generator',
  'processor',
  'service_graphs',
  'histogram_buckets'
) as number[];

interface Edge {
  client: string;
  server: string;
  rate: number;
  /** Share of calls at or below a latency in seconds: the demo's uniform 10 to 60 ms, or a slow peer. */
  cdf: (seconds: number) => number;
}

const demoCdf = (s: number) => Math.min(1, Math.max(0, (s - 0.01) / 0.05));
const EDGES: Edge[] = [
  { client: 'storefront', server: 'checkout', rate: 5, cdf: demoCdf },
  { client: 'checkout', server: 'payment', rate: 5, cdf: demoCdf },
  { client: 'checkout', server: 'inventory', rate: 5, cdf: demoCdf },
  // Every call over 20 s: past any highest bucket here.
  { client: 'checkout', server: 'ledger', rate: 1, cdf: (s) => (s >= 20 ? 1 : 0) },
];

function openMetrics(bounds: number[]): string {
  const times: number[] = [];
  for (let t = START; t <= AT; t += STEP) {
    times.push(t);
  }
  const histogram = (e: Edge): HistogramSeries => ({
    labels: { client: e.client, server: e.server },
    points: times.map((time) => {
      const count = e.rate * (time - START);
      return {
        time,
        count,
        sum: count * 0.035,
        buckets: bounds.map((le) => [le, count * e.cdf(le)] as [number, number]),
      };
    }),
  });
  return openMetricsText([
    counterFamily(
      SERVICE_GRAPH_REQUESTS,
      EDGES.map((e) => ({
        labels: { client: e.client, server: e.server },
        points: times.map((t) => [t, e.rate * (t - START)] as [number, number]),
      }))
    ),
    histogramFamily(SERVICE_GRAPH_SERVER_SECONDS_BUCKET.replace(/_bucket$/, ''), EDGES.map(histogram)),
  ]);
}

async function graphOn(prom: RunningPrometheus): Promise<ServiceGraph> {
  const frames = [];
  for (const q of graphQueries({ window: WINDOW })) {
    for (const s of await prom.instant(q.expr, AT)) {
      frames.push(instantFrame(q.refId, s.metric, s.value, AT * 1000));
    }
  }
  return graphFromMetrics(frames);
}

function p95Texts(graph: ServiceGraph): Record<string, string> {
  const edges = graphFrames(graph)[1];
  const ids = edges.fields.find((f) => f.name === N.id)!.values as string[];
  const p95 = edges.fields.find((f) => f.name === `${N.detail}p95`)!.values as string[];
  return Object.fromEntries(ids.map((id, i) => [id, p95[i]]));
}

describeWithPrometheus('p95 against the histogram buckets on a real Prometheus (issue 18)', () => {
  describe('Tempo default buckets (lowest 0.1 s)', () => {
    let prom: RunningPrometheus;
    beforeAll(async () => {
      prom = await startPrometheus({ openMetrics: openMetrics(TEMPO_DEFAULT_BUCKETS) });
    }, 120000);
    afterAll(async () => {
      await prom?.stop();
    });

    it('the demo`s edges read the lowest bound (0.095 s from Prometheus), shown as at most 100 ms; the slow edge at least 12.8 s', async () => {
      const graph = await graphOn(prom);
      const byId = new Map(graph.edges.map((e) => [e.id, e]));
      for (const id of ['storefront → checkout', 'checkout → payment', 'checkout → inventory']) {
        expect(byId.get(id)?.p95).toBeCloseTo(0.095, 9);
        expect(byId.get(id)?.p95Edge).toEqual({ side: 'lowest', bound: 0.1 });
      }
      expect(byId.get('checkout → ledger')?.p95).toBeCloseTo(12.8, 9);
      expect(byId.get('checkout → ledger')?.p95Edge).toEqual({ side: 'highest', bound: 12.8 });
      expect(p95Texts(graph)).toEqual({
        'storefront → checkout': '≤ 100 ms',
        'checkout → payment': '≤ 100 ms',
        'checkout → inventory': '≤ 100 ms',
        'checkout → ledger': '≥ 12.8 s',
      });
      expect(graph.nodes.find((n) => n.id === 'payment')?.p95Edge).toEqual({ side: 'lowest', bound: 0.1 });
    });
  });

  describe('the stack`s buckets (stack/tempo/tempo.yaml)', () => {
    let prom: RunningPrometheus;
    beforeAll(async () => {
      prom = await startPrometheus({ openMetrics: openMetrics(STACK_BUCKETS) });
    }, 120000);
    afterAll(async () => {
      await prom?.stop();
    });

    it('the same calls give a measured p95 between 50 and 100 ms', async () => {
      const graph = await graphOn(prom);
      // Uniform 10-60 ms: 80% by 50 ms, all by 100 ms; p95 interpolates to 87.5 ms.
      for (const id of ['storefront → checkout', 'checkout → payment', 'checkout → inventory']) {
        const e = graph.edges.find((x) => x.id === id)!;
        expect(e.p95).toBeCloseTo(0.0875, 9);
        expect(e.p95Edge).toBeUndefined();
        expect(p95Texts(graph)[id]).toBe('88 ms');
      }
      // 20 s is past the stack's highest bound (10 s): still said so.
      expect(graph.edges.find((x) => x.id === 'checkout → ledger')?.p95Edge).toEqual({ side: 'highest', bound: 10 });
    });
  });
});
