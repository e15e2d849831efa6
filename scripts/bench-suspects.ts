/**
 * `npm run bench:suspects`: time of `rankSuspects` (src/analysis/suspects.ts) on 10,000 failing
 * and 10,000 baseline spans of 40 attributes each: 32 low-cardinality attributes (2 to 40
 * values), 4 of a few hundred values, and 4 ids and timestamps (unique per span), with one
 * planted suspect. Median of several runs after warm-up, wall clock and the process's CPU time
 * (user + system: what the ranking costs when other programs share the cores); the planted
 * suspect must come first.
 * Results go into docs/benchmarks.md by hand: a benchmark measures, it does not assert a time.
 */
import { rankSuspects, SpanAttributes } from '../src/analysis/suspects';

const SPANS = 10_000;
const ATTRIBUTES = 40;
const RUNS = 11;
const WARMUP = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** mulberry32: the same spans on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spans(count: number, seed: number, planted: boolean): SpanAttributes[] {
  const next = random(seed);
  const out: SpanAttributes[] = [];
  for (let i = 0; i < count; i++) {
    const span: SpanAttributes = {};
    for (let a = 0; a < 32; a++) {
      span[`span.attr${a}`] = `v${Math.floor(next() * (2 + a))}`;
    }
    for (let a = 0; a < 4; a++) {
      span[`resource.wide${a}`] = `w${Math.floor(next() * 300)}`;
    }
    span['span.request.id'] = `req-${seed}-${i}`;
    span['span.user.session'] = Math.floor(next() * 2 ** 52).toString(36);
    span['span.event.time'] = new Date(1_764_644_645_000 + i * 37).toISOString();
    span['resource.service.instance.id'] = `${seed}-${i}-${Math.floor(next() * 1e9)}`;
    if (planted && next() < 0.6) {
      span['span.attr7'] = 'planted';
    }
    out.push(span);
  }
  return out;
}

function main(): void {
  // Through JSON, as the page gets them (Tempo's answer, parsed): V8 internalizes the short
  // strings JSON.parse reads, as it does for real answers.
  const failing: SpanAttributes[] = JSON.parse(JSON.stringify(spans(SPANS, 1, true)));
  const baseline: SpanAttributes[] = JSON.parse(JSON.stringify(spans(SPANS, 2, false)));
  if (Object.keys(failing[0]).length !== ATTRIBUTES) {
    throw new Error(`expected ${ATTRIBUTES} attributes, got ${Object.keys(failing[0]).length}`);
  }
  let ranked = rankSuspects(failing, baseline);
  for (let i = 1; i < WARMUP; i++) {
    ranked = rankSuspects(failing, baseline);
  }
  if (ranked[0]?.attribute !== 'span.attr7' || ranked[0].value !== 'planted') {
    throw new Error(`the planted suspect is not first: ${JSON.stringify(ranked[0])}`);
  }
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    rankSuspects(failing, baseline);
    samples.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    `rankSuspects: ${SPANS.toLocaleString('en')} failing + ${SPANS.toLocaleString('en')} baseline spans, ` +
      `${ATTRIBUTES} attributes each: median ${median(samples).toFixed(1)} ms wall ` +
      `(min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}), ` +
      `median ${median(cpu).toFixed(1)} ms CPU; ${RUNS} runs after ${WARMUP} warm-up; ` +
      `${ranked.length} suspects, first ${ranked[0].attribute}=${ranked[0].value} (score ${ranked[0].score.toFixed(1)})`
  );
}

main();
