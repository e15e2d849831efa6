/**
 * `npm run bench:graph`: time of the Graph page's client-side work at 2,000 services (10,000
 * edges) and 10,000 services (50,000 edges): reading the Prometheus frames of the four graph
 * queries into the graph model, narrowing it to a view (the whole graph collapses past the node
 * graph's 1,500 nodes; a focus at depth 2), building the node graph frames, and choosing the
 * edge list's rows. Then what the page does per event, before and after it recomputed only on
 * answers and controls (docs/benchmarks.md#at-2000-and-10000-services-recomputing-only-on-answers-and-controls). Each step: median and spread
 * (p25-p75, min-max) of this process's CPU time (user + system: on a shared machine, wall time
 * also counts waiting for a core) over several runs after warm-up. Results go into docs/benchmarks.md by hand:
 * a benchmark measures, it does not assert. Not part of npm test.
 */
import type { DataFrame } from '@grafana/data';
import os from 'node:os';
import { JSDOM } from 'jsdom';

const SIZES = [
  { services: 2_000, edges: 10_000, runs: 15 },
  { services: 10_000, edges: 50_000, runs: 9 },
];
const WARMUP = 3;

interface Spread {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), min: sorted[0], max: sorted[sorted.length - 1] };
}

function time(fn: () => unknown, runs: number): Spread {
  for (let i = 0; i < WARMUP; i++) {
    fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    samples.push((c.user + c.system) / 1000);
  }
  return spread(samples);
}

const ms = (s: Spread) =>
  `${s.median.toFixed(1)} | ${s.p25.toFixed(1)}-${s.p75.toFixed(1)} | ${s.min.toFixed(1)}-${s.max.toFixed(1)}`;

/** `@grafana/data` (field types of the frames) reads browser globals when loaded: give it jsdom's. */
function installDom(): void {
  const { window } = new JSDOM('', { url: 'http://localhost/' });
  Object.assign(globalThis, { window, document: window.document });
}

async function main(): Promise<void> {
  installDom();
  const { graphMetricFrames, syntheticEdges } = await import('../src/analysis/fixtures/serviceGraphMetrics');
  const { graphFromMetrics, viewGraph, health } = await import('../src/analysis/serviceGraph');
  type GraphEdge = import('../src/analysis/serviceGraph').GraphEdge;
  const { graphFrames } = await import('../src/analysis/serviceGraphFrames');
  const { edgeRows } = await import('../src/pages/Graph/graphModel');

  const HEALTH_ORDER = { critical: 0, warning: 1, ok: 2, idle: 3 } as const;
  /** The edge list's rows as they were chosen before: every edge sorted, then the first 50. */
  const sortedRows = (edges: GraphEdge[]) =>
    [...edges]
      .sort(
        (a, b) =>
          HEALTH_ORDER[health(a.errorRatio, a.requests)] - HEALTH_ORDER[health(b.errorRatio, b.requests)] ||
          (b.errorRatio ?? 0) - (a.errorRatio ?? 0) ||
          b.requests - a.requests ||
          a.id.localeCompare(b.id)
      )
      .slice(0, 50);

  const links = {
    serviceUrl: '/a/pivot-correlation-app/services/${__value.raw}',
    tempo: { uid: 'tempo', name: 'Tempo' },
    loki: {
      uid: 'loki',
      name: 'Loki',
      conventions: { serviceLabel: 'service_name', traceId: 'structured-metadata' as const },
    },
  };

  console.log(
    `node ${process.version}, ${WARMUP} warm-up runs, then CPU ms: median | p25-p75 | min-max; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`
  );
  for (const { services, edges, runs } of SIZES) {
    const specs = syntheticEdges(services, edges);
    const nodeP95 = Object.fromEntries(Array.from({ length: services }, (_, i) => [`svc-${i}`, 0.1]));
    const frames: DataFrame[] = graphMetricFrames(specs, nodeP95);
    const graph = graphFromMetrics(frames);
    if (graph.nodes.length !== services || graph.edges.length !== edges) {
      throw new Error(
        `expected ${services} services and ${edges} edges, got ${graph.nodes.length} and ${graph.edges.length}`
      );
    }
    const whole = viewGraph(graph);
    const focus = `svc-${services / 2}`;
    const focused = viewGraph(graph, { focus, depth: 2 });
    // What the page computes from an answer, and from new controls on the same answer.
    const fromAnswer = (rows: (e: GraphEdge[]) => GraphEdge[]) => {
      const view = viewGraph(graphFromMetrics(frames));
      return [graphFrames(view.graph, { links }), rows(view.graph.edges)];
    };
    const fromControls = (rows: (e: GraphEdge[]) => GraphEdge[]) => {
      const view = viewGraph(graph, { focus, depth: 2 });
      return [graphFrames(view.graph, { links }), rows(view.graph.edges)];
    };

    const steps: Array<[string, () => unknown]> = [
      [`frames → graph (${frames.length.toLocaleString('en')} Prometheus frames)`, () => graphFromMetrics(frames)],
      ['view: whole graph (collapses past 1,500 nodes)', () => viewGraph(graph)],
      [
        `view: focus ${focus}, depth 2 (${focused.graph.nodes.length} nodes)`,
        () => viewGraph(graph, { focus, depth: 2 }),
      ],
      [
        `node graph frames of the whole view (${whole.graph.nodes.length} nodes, ${whole.graph.edges.length} edges)`,
        () => graphFrames(whole.graph, { links }),
      ],
      [
        `edge list rows of all ${edges.toLocaleString('en')} edges, before: sort all, keep 50`,
        () => sortedRows(graph.edges),
      ],
      [
        `edge list rows of all ${edges.toLocaleString('en')} edges, now: keep the first 50 only`,
        () => edgeRows(graph.edges),
      ],
      ['**one computation from an answer, before** (graph, view, frames, rows)', () => fromAnswer(sortedRows)],
      ['**one computation from an answer, now**', () => fromAnswer(edgeRows)],
      [
        'time-range change with a slow query, before: 3 computations (old answer on the change, old answer again while loading, the answer)',
        () => [fromAnswer(sortedRows), fromAnswer(sortedRows), fromAnswer(sortedRows)],
      ],
      ['time-range change with a slow query, now: 1 computation (the answer)', () => fromAnswer(edgeRows)],
      ['control change (focus, depth 2), before: from the answer again', () => fromAnswer(sortedRows)],
      ['control change (focus, depth 2), now: the view of the graph already computed', () => fromControls(edgeRows)],
    ];

    console.log(`\n${services.toLocaleString('en')} services, ${edges.toLocaleString('en')} edges, ${runs} runs`);
    console.log('| step | median | p25-p75 | min-max |');
    console.log('|---|---:|---:|---:|');
    for (const [name, fn] of steps) {
      console.log(`| ${name} | ${ms(time(fn, runs))} |`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
