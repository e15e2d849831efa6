/**
 * `npm run bench:graph`: time of the Graph page's client-side work on 2,000 services and
 * 10,000 edges: reading the Prometheus frames of the four graph queries into the graph model,
 * narrowing it to a view (the whole graph collapses past the node graph's 1,500 nodes; a
 * focus at depth 2), and building the node graph frames. Median of several runs after
 * warm-up. Results go into docs/benchmarks.md by hand: a benchmark measures, it does not assert.
 */
import type { DataFrame } from '@grafana/data';
import { JSDOM } from 'jsdom';

const SERVICES = 2_000;
const EDGES = 10_000;
const RUNS = 9;
const WARMUP = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) {
    fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** `@grafana/data` (field types of the frames) reads browser globals when loaded: give it jsdom's. */
function installDom(): void {
  const { window } = new JSDOM('', { url: 'http://localhost/' });
  Object.assign(globalThis, { window, document: window.document });
}

async function main(): Promise<void> {
  installDom();
  const { graphMetricFrames, syntheticEdges } = await import('../src/analysis/fixtures/serviceGraphMetrics');
  const { graphFromMetrics, viewGraph } = await import('../src/analysis/serviceGraph');
  const { graphFrames } = await import('../src/analysis/serviceGraphFrames');

  const specs = syntheticEdges(SERVICES, EDGES);
  const nodeP95 = Object.fromEntries(Array.from({ length: SERVICES }, (_, i) => [`svc-${i}`, 0.1]));
  const frames: DataFrame[] = graphMetricFrames(specs, nodeP95);
  const graph = graphFromMetrics(frames);
  if (graph.nodes.length !== SERVICES || graph.edges.length !== EDGES) {
    throw new Error(
      `expected ${SERVICES} services and ${EDGES} edges, got ${graph.nodes.length} and ${graph.edges.length}`
    );
  }
  const whole = viewGraph(graph);
  const focus = 'svc-1000';
  const focused = viewGraph(graph, { focus, depth: 2 });
  const links = {
    serviceUrl: '/a/pivot-correlation-app/services/${__value.raw}',
    tempo: { uid: 'tempo', name: 'Tempo' },
    loki: {
      uid: 'loki',
      name: 'Loki',
      conventions: { serviceLabel: 'service_name', traceId: 'structured-metadata' as const },
    },
  };

  const steps: Array<[string, () => unknown]> = [
    [`frames → graph (${frames.length.toLocaleString('en')} Prometheus frames)`, () => graphFromMetrics(frames)],
    ['view: whole graph (collapses past 1,500 nodes)', () => viewGraph(graph)],
    [`view: focus ${focus}, depth 2`, () => viewGraph(graph, { focus, depth: 2 })],
    [
      `node graph frames of the collapsed view (${whole.graph.nodes.length} nodes, ${whole.graph.edges.length} edges)`,
      () => graphFrames(whole.graph, { links }),
    ],
    [
      `node graph frames of all ${SERVICES.toLocaleString('en')} nodes, ${EDGES.toLocaleString('en')} edges`,
      () => graphFrames(graph, { links }),
    ],
    [
      '**whole pipeline: frames → graph → view → node graph frames**',
      () => graphFrames(viewGraph(graphFromMetrics(frames)).graph, { links }),
    ],
  ];

  console.log(
    `node ${process.version}, ${SERVICES} services, ${EDGES} edges, ${RUNS} runs after ${WARMUP} warm-up, median`
  );
  console.log(`focused view: ${focused.graph.nodes.length} nodes, ${focused.graph.edges.length} edges`);
  console.log('| step | time (ms) |');
  console.log('|---|---:|');
  for (const [name, fn] of steps) {
    console.log(`| ${name} | ${time(fn).toFixed(1)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
