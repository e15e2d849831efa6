/**
 * `npm run bench:trace`: time of `analyzeTrace` on 10,000 and 100,000 spans, and its ratio
 * to one plain pass over the same spans (reading each span's id, parent, start and duration),
 * the floor any analysis pays. Median of several runs after warm-up. Results go into
 * docs/benchmarks.md by hand: a benchmark measures, it does not assert.
 */
import type { DataFrame } from '@grafana/data';
import { JSDOM } from 'jsdom';

const RUNS = 9;
const WARMUP = 3;

function plainPass(frame: DataFrame): number {
  const get = (name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];
  const ids = get('spanID');
  const parents = get('parentSpanID');
  const starts = get('startTime');
  const durations = get('duration');
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    sum += String(ids[i]).length + String(parents[i]).length + Number(starts[i]) + Number(durations[i]);
  }
  return sum;
}

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

/** `@grafana/data` (the fixtures' field types) reads browser globals when loaded: give it jsdom's. */
function installDom(): void {
  const { window } = new JSDOM('', { url: 'http://localhost/' });
  Object.assign(globalThis, { window, document: window.document });
}

async function main(): Promise<void> {
  installDom();
  const { analyzeTrace } = await import('../src/analysis/traceAnalysis');
  const { chainSpans, randomTreeSpans, tempoTraceFrame } = await import('../src/analysis/fixtures/traceFrames');

  const shapes: Array<{ name: string; build: (n: number) => DataFrame }> = [
    { name: 'random tree, rows shuffled', build: (n) => tempoTraceFrame(randomTreeSpans(n, 7)) },
    { name: 'chain (depth = spans)', build: (n) => tempoTraceFrame(chainSpans(n)) },
  ];

  console.log(`node ${process.version}, ${RUNS} runs after ${WARMUP} warm-up, median`);
  console.log('| shape | spans | analyzeTrace (ms) | plain pass (ms) | ratio |');
  console.log('|---|---:|---:|---:|---:|');
  for (const shape of shapes) {
    for (const n of [10_000, 100_000]) {
      const frame = shape.build(n);
      const analysis = time(() => analyzeTrace(frame));
      const pass = time(() => plainPass(frame));
      const row = [shape.name, n.toLocaleString('en'), analysis.toFixed(1), pass.toFixed(2), (analysis / pass).toFixed(1)];
      console.log(`| ${row.join(' | ')} |`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
