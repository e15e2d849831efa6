import fc from 'fast-check';
import { DataFrame, FieldType } from '@grafana/data';
import { GRAPH_REFS } from '../datasources/serviceGraph';
import { expectValidLogQL, expectValidTraceQL } from '../testing/grammar';
import { EdgeSpec, graphMetricFrames, instantFrame, syntheticEdges } from './fixtures/serviceGraphMetrics';
import {
  graphFromMetrics,
  graphFromTraces,
  GraphNode,
  health,
  neighbourhood,
  NODE_GRAPH_LIMIT,
  samplesOf,
  ServiceGraph,
  viewGraph,
} from './serviceGraph';
import {
  edgesFrame,
  formatRatio,
  formatRequests,
  formatSeconds,
  graphFrames,
  NAMED_PALETTE,
  NODE_PIVOT_FIELDS,
  nodesFrame,
} from './serviceGraphFrames';
import { ROW_URL_PART, ROW_VALUE } from '../utils/links';

/**
 * user → frontend (virtual caller) → cart → postgres (database), cart → redis (database),
 * frontend → checkout → payments-api (uninstrumented peer), checkout → kafka consumer
 * `shipping` (messaging), checkout → cart.
 */
const TOPOLOGY: EdgeSpec[] = [
  { client: 'user', server: 'frontend', connectionType: 'virtual_node', rate: 50, failedRate: 0.5, p95: 0.3 },
  { client: 'frontend', server: 'cart', rate: 30, p95: 0.05 },
  { client: 'frontend', server: 'checkout', rate: 10, failedRate: 1, p95: 0.8 },
  { client: 'checkout', server: 'cart', rate: 10, p95: 0.04 },
  { client: 'cart', server: 'postgres', connectionType: 'database', rate: 40, failedRate: 0.2, p95: 0.01 },
  { client: 'cart', server: 'redis', connectionType: 'database', rate: 80, p95: 0.001 },
  { client: 'checkout', server: 'payments-api', connectionType: 'virtual_node', rate: 5, failedRate: 0.5, p95: 1.2 },
  { client: 'checkout', server: 'shipping', connectionType: 'messaging_system', rate: 4, p95: 0.02 },
];
const NODE_P95 = {
  frontend: 0.31,
  cart: 0.05,
  checkout: 0.9,
  postgres: 0.01,
  redis: 0.001,
  'payments-api': 1.2,
  shipping: 0.02,
};

const graph = () => graphFromMetrics(graphMetricFrames(TOPOLOGY, NODE_P95));
const nodeOf = (g: ServiceGraph, id: string): GraphNode => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) {
    throw new Error(`no node ${id}`);
  }
  return n;
};
const values = (frame: DataFrame, name: string) => {
  const f = frame.fields.find((x) => x.name === name);
  if (!f) {
    throw new Error(`frame ${frame.name} has no field ${name}`);
  }
  return f.values as unknown[];
};

describe('samplesOf', () => {
  it('reads one frame per series (labels on the value field) and table frames', () => {
    const series = [
      instantFrame('A', { client: 'a', server: 'b' }, 2),
      instantFrame('B', { client: 'x', server: 'y' }, 3),
    ];
    expect(samplesOf(series, 'A')).toEqual([{ labels: { client: 'a', server: 'b' }, value: 2 }]);
    const table: DataFrame = {
      refId: 'A',
      length: 2,
      fields: [
        { name: 'Time', type: FieldType.time, config: {}, values: [1, 1] },
        { name: 'client', type: FieldType.string, config: {}, values: ['a', 'c'] },
        { name: 'server', type: FieldType.string, config: {}, values: ['b', 'd'] },
        { name: 'Value #A', type: FieldType.number, config: {}, values: [2, 5] },
      ],
    };
    expect(samplesOf([table], 'A')).toEqual([
      { labels: { client: 'a', server: 'b' }, value: 2 },
      { labels: { client: 'c', server: 'd' }, value: 5 },
    ]);
  });
});

describe('graphFromMetrics', () => {
  it('gives every edge its rate, error ratio and p95, 0 errors where no failed series exists', () => {
    const g = graph();
    expect(g.source).toBe('metrics');
    expect(g.edges).toHaveLength(TOPOLOGY.length);
    for (const spec of TOPOLOGY) {
      const e = g.edges.find((x) => x.client === spec.client && x.server === spec.server);
      expect(e).toBeDefined();
      expect(e!.requests).toBe(spec.rate);
      expect(e!.failed).toBe(spec.failedRate ?? 0);
      expect(e!.errorRatio).toBeCloseTo((spec.failedRate ?? 0) / spec.rate, 12);
      expect(e!.p95).toBe(spec.p95);
      expect(e!.connectionType).toBe(spec.connectionType ?? '');
    }
  });

  it('gives every node what it served (sum of incoming edges), what it sent, and its served p95', () => {
    const g = graph();
    const cart = nodeOf(g, 'cart');
    expect(cart.served).toBe(40);
    expect(cart.failed).toBe(0);
    expect(cart.errorRatio).toBe(0);
    expect(cart.sent).toBe(120);
    expect(cart.p95).toBe(0.05);
    const checkout = nodeOf(g, 'checkout');
    expect(checkout.served).toBe(10);
    expect(checkout.errorRatio).toBeCloseTo(0.1, 12);
    expect(checkout.sent).toBe(19);
    const user = nodeOf(g, 'user');
    expect(user.served).toBeUndefined();
    expect(user.sent).toBe(50);
  });

  it('tells services from databases and uninstrumented peers by connection type', () => {
    const kinds = Object.fromEntries(graph().nodes.map((n) => [n.id, n.kind]));
    expect(kinds).toEqual({
      user: 'uninstrumented',
      frontend: 'service',
      cart: 'service',
      checkout: 'service',
      postgres: 'database',
      redis: 'database',
      'payments-api': 'uninstrumented',
      shipping: 'service',
    });
  });

  it('leaves out edges without requests and merges one pair seen with two connection types', () => {
    const g = graphFromMetrics(
      graphMetricFrames([
        { client: 'a', server: 'b', rate: 0 },
        { client: 'a', server: 'c', rate: 2, failedRate: 1, p95: 0.1 },
        { client: 'a', server: 'c', connectionType: 'messaging_system', rate: 6, p95: 0.3 },
      ])
    );
    expect(g.edges).toHaveLength(1);
    expect(g.edges[0]).toMatchObject({
      client: 'a',
      server: 'c',
      requests: 8,
      failed: 1,
      errorRatio: 0.125,
      p95: 0.3,
      connectionType: 'messaging_system',
    });
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['a', 'c']);
  });

  it('is empty when the metrics are missing', () => {
    expect(graphFromMetrics([])).toEqual({ source: 'metrics', sampledTraces: undefined, nodes: [], edges: [] });
  });

  it('computes served stats only for the nodes asked (a neighbourhood)', () => {
    const g = graphFromMetrics(graphMetricFrames(TOPOLOGY, NODE_P95), { statsFor: new Set(['cart']) });
    expect(nodeOf(g, 'cart').served).toBe(40);
    expect(nodeOf(g, 'checkout').served).toBeUndefined();
    expect(nodeOf(g, 'checkout').p95).toBeUndefined();
  });
});

describe('graphFromTraces (sampled fallback)', () => {
  it('counts calls and failed calls over the sample', () => {
    const g = graphFromTraces([
      {
        edges: [
          { client: 'a', server: 'b', calls: 2, errors: 1 },
          { client: 'b', server: 'c', calls: 1, errors: 0 },
        ],
      },
      { edges: [{ client: 'a', server: 'b', calls: 3, errors: 0 }] },
    ]);
    expect(g.source).toBe('sampled');
    expect(g.sampledTraces).toBe(2);
    expect(g.edges.find((e) => e.server === 'b')).toMatchObject({ requests: 5, failed: 1, errorRatio: 0.2 });
    expect(nodeOf(g, 'b')).toMatchObject({ served: 5, failed: 1, sent: 1 });
    const [nodes, edges] = graphFrames(g);
    expect(values(edges, 'mainstat')).toEqual(['5 calls', '1 call']);
    expect(values(nodes, 'detail__served').slice(0, 1)).toEqual(['']);
  });
});

describe('viewGraph: focus and filter', () => {
  it('keeps the focus, its callers and its callees at depth 1, and the edges among them', () => {
    const v = viewGraph(graph(), { focus: 'checkout', depth: 1 });
    expect(v.graph.nodes.map((n) => n.id).sort()).toEqual(['cart', 'checkout', 'frontend', 'payments-api', 'shipping']);
    expect(v.graph.edges.map((e) => e.id).sort()).toEqual([
      'checkout → cart',
      'checkout → payments-api',
      'checkout → shipping',
      'frontend → cart',
      'frontend → checkout',
    ]);
    expect(v.message).toBeUndefined();
  });

  it('follows callers of callers and callees of callees at depth 2, but not siblings', () => {
    const ids = [...neighbourhood(graph(), 'checkout', 2)].sort();
    expect(ids).toEqual(['cart', 'checkout', 'frontend', 'payments-api', 'postgres', 'redis', 'shipping', 'user']);
    const leaf = [...neighbourhood(graph(), 'redis', 1)].sort();
    // postgres shares a caller with redis but is not on a path through it.
    expect(leaf).toEqual(['cart', 'redis']);
  });

  it('shows only unhealthy edges and their ends, keeping the focus', () => {
    const v = viewGraph(graph(), { unhealthyOnly: true });
    expect(v.graph.edges.map((e) => e.id).sort()).toEqual([
      'checkout → payments-api',
      'frontend → checkout',
      'user → frontend',
    ]);
    expect(v.graph.nodes.map((n) => n.id).sort()).toEqual(['checkout', 'frontend', 'payments-api', 'user']);
    // postgres fails 0.5% of calls: under the warning threshold.
    expect(health(0.2 / 40, 40)).toBe('ok');
    // cart's neighbourhood holds one unhealthy edge, between two of its callers.
    const focused = viewGraph(graph(), { focus: 'cart', unhealthyOnly: true });
    expect(focused.graph.nodes.map((n) => n.id).sort()).toEqual(['cart', 'checkout', 'frontend']);
    expect(focused.graph.edges.map((e) => e.id)).toEqual(['frontend → checkout']);
    const quiet = viewGraph(graph(), { focus: 'redis', unhealthyOnly: true });
    expect(quiet.graph.nodes.map((n) => n.id)).toEqual(['redis']);
    expect(quiet.graph.edges).toEqual([]);
  });

  it('says so when the focus is not in the graph', () => {
    const v = viewGraph(graph(), { focus: 'nope' });
    expect(v.focusMissing).toBe(true);
    expect(v.graph.nodes).toEqual([]);
    expect(v.message).toMatch(/nope has no edges/);
  });
});

describe('viewGraph: the 1,500-node limit', () => {
  const big = () => graphFromMetrics(graphMetricFrames(syntheticEdges(2000, 10000)));

  it('draws the whole graph up to the limit', () => {
    const g = graphFromMetrics(graphMetricFrames(syntheticEdges(NODE_GRAPH_LIMIT, 3000)));
    const v = viewGraph(g);
    expect(v.graph.nodes).toHaveLength(NODE_GRAPH_LIMIT);
    expect(v.collapsed).toBeUndefined();
  });

  it('collapses a larger graph to its unhealthy edges, with a message', () => {
    const g = big();
    expect(g.nodes).toHaveLength(2000);
    expect(g.edges).toHaveLength(10000);
    const v = viewGraph(g);
    expect(v.collapsed).toBe('unhealthy');
    expect(v.graph.nodes.length).toBeLessThanOrEqual(NODE_GRAPH_LIMIT);
    expect(v.graph.edges.length).toBeGreaterThan(0);
    expect(v.graph.edges.every((e) => (e.errorRatio ?? 0) >= 0.01)).toBe(true);
    expect(v.total).toEqual({ nodes: 2000, edges: 10000 });
    expect(v.message).toMatch(
      /2,000 services, more than the 1,500 the node graph can draw: showing only the unhealthy edges/
    );
  });

  it('keeps the busiest nodes (and the focus) when the narrowed view is still too large', () => {
    const g = big();
    const v = viewGraph(g, { limit: 100 });
    expect(v.collapsed).toBe('busiest');
    expect(v.graph.nodes).toHaveLength(100);
    const kept = new Set(v.graph.nodes.map((n) => n.id));
    expect(v.graph.edges.every((e) => kept.has(e.client) && kept.has(e.server))).toBe(true);
    const quiet = g.nodes.reduce((a, b) => ((a.served ?? 0) + a.sent <= (b.served ?? 0) + b.sent ? a : b));
    const focused = viewGraph(g, { focus: quiet.id, depth: 2, limit: 3 });
    expect(focused.graph.nodes.map((n) => n.id)).toContain(quiet.id);
    expect(focused.graph.nodes.length).toBeLessThanOrEqual(3);
  });
});

describe('viewGraph: invariants (property)', () => {
  const edge = fc.record({
    client: fc.integer({ min: 0, max: 30 }),
    server: fc.integer({ min: 0, max: 30 }),
    rate: fc.integer({ min: 1, max: 1000 }),
    failed: fc.integer({ min: 0, max: 1000 }),
  });

  it('never exceeds the limit, keeps the focus, and draws no edge to a node it left out', () => {
    fc.assert(
      fc.property(
        fc.array(edge, { maxLength: 80 }),
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        fc.constantFrom<1 | 2>(1, 2),
        fc.boolean(),
        (edges, limit, focusIndex, depth, unhealthyOnly) => {
          const specs = edges.map((e) => ({
            client: `s${e.client}`,
            server: `s${e.server}`,
            rate: e.rate,
            failedRate: Math.min(e.failed, e.rate) / 10,
          }));
          const g = graphFromMetrics(graphMetricFrames(specs));
          const focus = focusIndex === undefined ? undefined : `s${focusIndex}`;
          const v = viewGraph(g, { limit, focus, depth, unhealthyOnly });
          const ids = new Set(v.graph.nodes.map((n) => n.id));
          expect(ids.size).toBe(v.graph.nodes.length);
          expect(v.graph.nodes.length).toBeLessThanOrEqual(limit);
          expect(v.graph.edges.every((e) => ids.has(e.client) && ids.has(e.server))).toBe(true);
          if (focus !== undefined && g.nodes.some((n) => n.id === focus)) {
            expect(ids.has(focus)).toBe(true);
          }
          if (unhealthyOnly) {
            expect(v.graph.edges.every((e) => (e.errorRatio ?? 0) >= 0.01)).toBe(true);
          }
          const arcs = graphFrames(v.graph)[0];
          const sum = (i: number) =>
            ['arc__success', 'arc__failed', 'arc__unknown'].reduce(
              (a, name) => a + (values(arcs, name)[i] as number),
              0
            );
          v.graph.nodes.forEach((_, i) => expect(sum(i)).toBeCloseTo(1, 12));
        }
      ),
      { numRuns: 200 }
    );
  });
});

describe('node graph frames', () => {
  const frames = () => {
    const g = graph();
    return graphFrames(g, {
      focus: 'checkout',
      links: {
        serviceUrl: `/a/pivot-correlation-app/services/${ROW_URL_PART}?from=1&to=2`,
        tempo: { uid: 'tempo-uid', name: 'Tempo' },
        loki: {
          uid: 'loki-uid',
          name: 'Loki',
          conventions: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
        },
      },
    });
  };

  it('names the frames and asks for the node graph', () => {
    const [nodes, edges] = frames();
    expect(nodes.name).toBe('nodes');
    expect(edges.name).toBe('edges');
    expect(nodes.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(edges.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(nodes.length).toBe(8);
    expect(edges.length).toBe(8);
    for (const f of [...nodes.fields, ...edges.fields]) {
      expect(f.values).toHaveLength(8);
    }
  });

  it('writes node stats, arcs summing to 1 with fixed colours, icons and details', () => {
    const [nodes] = frames();
    const ids = values(nodes, 'id') as string[];
    const row = (id: string) => ids.indexOf(id);
    expect(values(nodes, 'title')).toEqual(ids);
    expect(values(nodes, 'mainstat')[row('cart')]).toBe('40 req/s');
    expect(values(nodes, 'secondarystat')[row('checkout')]).toBe('10% err · p95 900 ms');
    expect(values(nodes, 'mainstat')[row('user')]).toBe('');
    const success = values(nodes, 'arc__success') as number[];
    const failed = values(nodes, 'arc__failed') as number[];
    const unknown = values(nodes, 'arc__unknown') as number[];
    ids.forEach((_, i) => expect(success[i] + failed[i] + unknown[i]).toBeCloseTo(1, 12));
    expect(failed[row('checkout')]).toBeCloseTo(0.1, 12);
    expect(unknown[row('user')]).toBe(1);
    expect(nodes.fields.find((f) => f.name === 'arc__success')?.config.color).toEqual({
      mode: 'fixed',
      fixedColor: NAMED_PALETTE.ok,
    });
    expect(nodes.fields.find((f) => f.name === 'arc__failed')?.config.color?.fixedColor).toBe(NAMED_PALETTE.critical);
    expect(values(nodes, 'icon')[row('postgres')]).toBe('database');
    expect(values(nodes, 'subtitle')[row('postgres')]).toBe('database');
    expect(values(nodes, 'icon')[row('payments-api')]).toBe('cloud');
    expect(values(nodes, 'subtitle')[row('user')]).toBe('uninstrumented');
    expect(values(nodes, 'highlighted')[row('checkout')]).toBe(true);
    expect(values(nodes, 'detail__p95')[row('cart')]).toBe('50 ms');
    // The Service page link is on a field of the services' path segments, not on the id.
    expect(nodes.fields.find((f) => f.name === 'id')?.config.links).toBeUndefined();
    const pivot = nodes.fields.find((f) => f.name === NODE_PIVOT_FIELDS.pivotService);
    expect(pivot?.config.links?.[0].url).toBe('/a/pivot-correlation-app/services/${__value.raw:raw}?from=1&to=2');
    expect(pivot?.values[row('checkout')]).toBe('checkout');
  });

  it('writes edge stats, thickness by volume, colour by health, dashes for non-direct connections', () => {
    const [, edges] = frames();
    const ids = values(edges, 'id') as string[];
    const row = (id: string) => ids.indexOf(id);
    expect(values(edges, 'source')[row('cart → redis')]).toBe('cart');
    expect(values(edges, 'target')[row('cart → redis')]).toBe('redis');
    expect(values(edges, 'mainstat')[row('frontend → checkout')]).toBe('10 req/s');
    expect(values(edges, 'secondarystat')[row('frontend → checkout')]).toBe('10% err');
    expect(values(edges, 'detail__p95')[row('frontend → checkout')]).toBe('800 ms');
    const thickness = values(edges, 'thickness') as number[];
    expect(thickness[row('cart → redis')]).toBe(8);
    expect(thickness[row('checkout → shipping')]).toBeLessThan(thickness[row('frontend → cart')]);
    expect(Math.min(...thickness)).toBeGreaterThanOrEqual(1);
    const color = values(edges, 'color');
    expect(color[row('frontend → checkout')]).toBe(NAMED_PALETTE.critical);
    // 1% exactly is degraded; 0.5% is healthy.
    expect(color[row('user → frontend')]).toBe(NAMED_PALETTE.warning);
    expect(color[row('cart → postgres')]).toBe(NAMED_PALETTE.ok);
    expect(color[row('checkout → payments-api')]).toBe(NAMED_PALETTE.critical);
    expect(values(edges, 'strokedasharray')[row('frontend → cart')]).toBe('');
    expect(values(edges, 'strokedasharray')[row('cart → postgres')]).not.toBe('');
    expect(values(edges, 'detail__connection')[row('checkout → shipping')]).toBe('messaging (asynchronous)');
  });

  it('links each edge to its failing traces (TraceQL on both ends) and the answering service error logs', () => {
    const [, edges] = frames();
    const ids = values(edges, 'id') as string[];
    const traceql = values(edges, 'traceql') as string[];
    const logql = values(edges, 'logql') as string[];
    const row = (id: string) => ids.indexOf(id);
    expect(traceql[row('frontend → checkout')]).toBe(
      '{ resource.service.name = "frontend" && kind = client } > { resource.service.name = "checkout" && kind = server && status = error }'
    );
    expect(traceql[row('cart → postgres')]).toMatch(
      /^\{ resource.service.name = "cart" && kind = client && status = error && \(/
    );
    expect(traceql[row('user → frontend')]).toBe(
      '{ resource.service.name = "frontend" && kind = server && status = error }'
    );
    expect(logql[row('frontend → checkout')]).toBe(
      '{service_name="checkout"} | detected_level=~"error|critical|fatal"'
    );
    expect(logql[row('cart → postgres')]).toBe('{service_name="cart"} | detected_level=~"error|critical|fatal"');
    traceql.forEach(expectValidTraceQL);
    logql.forEach(expectValidLogQL);
    const tempoLink = edges.fields.find((f) => f.name === 'traceql')?.config.links?.[0];
    expect(tempoLink?.internal).toMatchObject({
      datasourceUid: 'tempo-uid',
      query: { queryType: 'traceql', query: ROW_VALUE },
    });
    const lokiLink = edges.fields.find((f) => f.name === 'logql')?.config.links?.[0];
    expect(lokiLink?.internal).toMatchObject({ datasourceUid: 'loki-uid', query: { expr: ROW_VALUE } });
  });

  it('leaves out pivots whose data source is not available', () => {
    const [nodes, edges] = graphFrames(graph());
    expect(edges.fields.some((f) => f.name === 'traceql' || f.name === 'logql')).toBe(false);
    expect(nodes.fields.some((f) => f.name === NODE_PIVOT_FIELDS.pivotService || f.config.links?.length)).toBe(false);
  });

  it('formats numbers as the panel shows them', () => {
    expect(formatRequests(0.0123, 'metrics')).toBe('0.012 req/s');
    expect(formatRequests(1234.5, 'metrics')).toBe('1,235 req/s');
    expect(formatRatio(0.00001)).toBe('<0.01%');
    expect(formatRatio(0.1234)).toBe('12.3%');
    expect(formatSeconds(0.0004)).toBe('<1 ms');
    expect(formatSeconds(0.0052)).toBe('5.2 ms');
    expect(formatSeconds(2.5)).toBe('2.5 s');
  });

  it('builds empty frames for an empty graph', () => {
    const empty = graphFromMetrics([instantFrame(GRAPH_REFS.failed, { client: 'a', server: 'b' }, 1)]);
    expect(nodesFrame(empty).length).toBe(0);
    expect(edgesFrame(empty).length).toBe(0);
  });
});
