/**
 * `npm run bench:trace`: time of `analyzeTrace` on 10,000 and 100,000 spans, and its ratio
 * to one plain pass over the same spans (reading each span's id, parent, start and duration),
 * the floor any analysis pays. Median of several runs after warm-up. Results go into
 * docs/benchmarks.md by hand: a benchmark measures, it does not assert.
 */
import type { DataFrame } from '@grafana/data';
import os from 'node:os';
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

/**
 * Median wall time and median CPU time (user + system of this process) in ms. On a machine
 * shared with other jobs the wall time includes waiting for a core; the CPU time does not.
 */
function time(fn: () => unknown): { wall: number; cpu: number } {
  for (let i = 0; i < WARMUP; i++) {
    fn();
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
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

  console.log(`node ${process.version}, ${RUNS} runs after ${WARMUP} warm-up, median; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
  console.log('| shape | spans | analyzeTrace wall (ms) | analyzeTrace CPU (ms) | plain pass wall (ms) | ratio (wall) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const shape of shapes) {
    for (const n of [10_000, 100_000]) {
      const frame = shape.build(n);
      const analysis = time(() => analyzeTrace(frame));
      const pass = time(() => plainPass(frame));
      const row = [
        shape.name,
        n.toLocaleString('en'),
        analysis.wall.toFixed(1),
        analysis.cpu.toFixed(1),
        pass.wall.toFixed(2),
        (analysis.wall / pass.wall).toFixed(1),
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
