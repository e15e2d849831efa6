// jsdom (the default environment): @grafana/data, which the frame builder uses, needs a window.
import {
  graphQueries,
  SERVICE_GRAPH_FAILED,
  SERVICE_GRAPH_REQUESTS,
  SERVICE_GRAPH_SERVER_SECONDS_BUCKET,
} from '../datasources/serviceGraph';
import {
  counterFamily,
  CounterSeries,
  expectedQuantile,
  histogramFamily,
  HistogramSeries,
  LATENCY_BOUNDS_SECONDS,
  openMetricsText,
} from '../testing/openmetrics';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { instantFrame } from './fixtures/serviceGraphMetrics';
import { graphFromMetrics, viewGraph } from './serviceGraph';
import { graphFrames } from './serviceGraphFrames';

const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 900, step: 15 };
const AT = GRID.end;
const WINDOW = '5m';

// Fractions per bucket of LATENCY_BOUNDS_SECONDS, then +Inf (12 entries).
const FAST = [0.2, 0.3, 0.3, 0.1, 0.05, 0.05, 0, 0, 0, 0, 0, 0];
const SLOW = [0, 0, 0, 0.05, 0.1, 0.15, 0.2, 0.2, 0.2, 0.07, 0.03, 0];

interface Edge {
  client: string;
  server: string;
  connectionType?: string;
  rate: number;
  errorRatio: number;
  latency: number[];
}

/**
 * A known topology: a virtual caller (`user`), three services, a database, a message
 * consumer, an uninstrumented peer; names that need escaping.
 */
const TOPOLOGY: Edge[] = [
  { client: 'user', server: 'frontend', connectionType: 'virtual_node', rate: 20, errorRatio: 0.02, latency: SLOW },
  { client: 'frontend', server: 'cart "v2"', rate: 12, errorRatio: 0, latency: FAST },
  { client: 'frontend', server: 'checkout', rate: 6, errorRatio: 0.25, latency: SLOW },
  { client: 'checkout', server: 'cart "v2"', rate: 4, errorRatio: 0.5, latency: SLOW },
  { client: 'cart "v2"', server: 'postgres', connectionType: 'database', rate: 30, errorRatio: 0.001, latency: FAST },
  {
    client: 'checkout',
    server: 'stripe\\api',
    connectionType: 'virtual_node',
    rate: 3,
    errorRatio: 1 / 3,
    latency: SLOW,
  },
  { client: 'checkout', server: 'shipping', connectionType: 'messaging_system', rate: 2, errorRatio: 0, latency: FAST },
];

function labels(e: Edge): Record<string, string> {
  return e.connectionType
    ? { client: e.client, server: e.server, connection_type: e.connectionType }
    : { client: e.client, server: e.server };
}

function times(): number[] {
  const out: number[] = [];
  for (let t = GRID.start; t <= GRID.end; t += GRID.step) {
    out.push(t);
  }
  return out;
}

const counter = (l: Record<string, string>, perSecond: number): CounterSeries => ({
  labels: l,
  points: times().map((t) => [t, perSecond * (t - GRID.start)]),
});

function histogram(e: Edge): HistogramSeries {
  const cumulative = LATENCY_BOUNDS_SECONDS.map((_, i) => e.latency.slice(0, i + 1).reduce((a, b) => a + b, 0));
  return {
    labels: labels(e),
    points: times().map((time) => {
      const count = e.rate * (time - GRID.start);
      return {
        time,
        count,
        sum: count * 0.1,
        buckets: LATENCY_BOUNDS_SECONDS.map((le, i) => [le, count * cumulative[i]] as [number, number]),
      };
    }),
  };
}

function openMetrics(): string {
  return openMetricsText([
    counterFamily(
      SERVICE_GRAPH_REQUESTS,
      TOPOLOGY.map((e) => counter(labels(e), e.rate))
    ),
    // The generator creates the failed series at the first failure: none for edges that never failed.
    counterFamily(
      SERVICE_GRAPH_FAILED,
      TOPOLOGY.filter((e) => e.errorRatio > 0).map((e) => counter(labels(e), e.rate * e.errorRatio))
    ),
    histogramFamily(SERVICE_GRAPH_SERVER_SECONDS_BUCKET.replace(/_bucket$/, ''), TOPOLOGY.map(histogram)),
  ]);
}

/** The served latency distribution of a server: its incoming edges' fractions weighted by rate. */
function servedFractions(server: string): number[] {
  const incoming = TOPOLOGY.filter((e) => e.server === server);
  const total = incoming.reduce((a, e) => a + e.rate, 0);
  return FAST.map((_, i) => incoming.reduce((a, e) => a + (e.latency[i] * e.rate) / total, 0));
}

describeWithPrometheus('service graph against a real Prometheus', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: openMetrics() });
  }, 120000);

  afterAll(async () => {
    await prom?.stop();
  });

  async function framesFor(service?: string) {
    const frames = [];
    for (const q of graphQueries({ window: WINDOW, service })) {
      for (const s of await prom.instant(q.expr, AT)) {
        frames.push(instantFrame(q.refId, s.metric, s.value, AT * 1000));
      }
    }
    return frames;
  }

  it('gives exactly the expected edges with their rate, error ratio and p95', async () => {
    const graph = graphFromMetrics(await framesFor());
    expect(graph.edges.map((e) => e.id).sort()).toEqual(TOPOLOGY.map((e) => `${e.client} → ${e.server}`).sort());
    for (const t of TOPOLOGY) {
      const e = graph.edges.find((x) => x.client === t.client && x.server === t.server)!;
      expect(e.connectionType).toBe(t.connectionType ?? '');
      expect(e.requests).toBeCloseTo(t.rate, 9);
      expect(Math.abs(e.errorRatio! - t.errorRatio)).toBeLessThanOrEqual(1e-9);
      const q = expectedQuantile(t.latency, 0.95);
      expect(e.p95).toBeCloseTo(q.interpolated, 9);
    }
  });

  it('gives exactly the expected nodes, kinds and numbers', async () => {
    const graph = graphFromMetrics(await framesFor());
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect([...byId.keys()].sort()).toEqual(
      ['cart "v2"', 'checkout', 'frontend', 'postgres', 'shipping', 'stripe\\api', 'user'].sort()
    );
    expect(Object.fromEntries(graph.nodes.map((n) => [n.id, n.kind]))).toEqual({
      user: 'uninstrumented',
      frontend: 'service',
      'cart "v2"': 'service',
      checkout: 'service',
      postgres: 'database',
      'stripe\\api': 'uninstrumented',
      shipping: 'service',
    });
    const cart = byId.get('cart "v2"')!;
    expect(cart.served).toBeCloseTo(16, 9);
    expect(cart.errorRatio).toBeCloseTo(2 / 16, 9);
    expect(cart.sent).toBeCloseTo(30, 9);
    expect(cart.p95).toBeCloseTo(expectedQuantile(servedFractions('cart "v2"'), 0.95).interpolated, 9);
    const checkout = byId.get('checkout')!;
    expect(checkout.served).toBeCloseTo(6, 9);
    expect(checkout.errorRatio).toBeCloseTo(0.25, 9);
    expect(checkout.sent).toBeCloseTo(9, 9);
    expect(byId.get('user')!.served).toBeUndefined();
    expect(byId.get('user')!.sent).toBeCloseTo(20, 9);

    const [nodes, edges] = graphFrames(graph);
    expect(nodes.length).toBe(7);
    expect(edges.length).toBe(7);
  });

  it('answers one service neighbourhood (depth 1) with the same numbers', async () => {
    const graph = graphFromMetrics(await framesFor('checkout'), { statsFor: new Set(['checkout']) });
    expect(graph.edges.map((e) => e.id).sort()).toEqual([
      'checkout → cart "v2"',
      'checkout → shipping',
      'checkout → stripe\\api',
      'frontend → checkout',
    ]);
    const whole = viewGraph(graphFromMetrics(await framesFor()), { focus: 'checkout', depth: 1 });
    for (const e of graph.edges) {
      const same = whole.graph.edges.find((x) => x.id === e.id)!;
      expect(e.requests).toBeCloseTo(same.requests, 9);
      expect(e.errorRatio).toBeCloseTo(same.errorRatio!, 9);
      expect(e.p95).toBeCloseTo(same.p95!, 9);
    }
    const checkout = graph.nodes.find((n) => n.id === 'checkout')!;
    expect(checkout.p95).toBeCloseTo(expectedQuantile(SLOW, 0.95).interpolated, 9);
  });
});
