import type { DataFrame } from '@grafana/data';
import fc from 'fast-check';
import {
  chainSpans,
  FIXTURE_START_MS,
  randomTreeSpans,
  SpanSpec,
  spanIdOf,
  tempoTraceFrame,
} from '../fixtures/traceFrames';
import { analyzeTrace } from '../traceAnalysis';
import type { CriticalPathSection, ServiceEdge, ServiceSummary, TraceAnalysis, TraceSpan } from './types';

/**
 * `analyzeTrace` (typed arrays, numeric id table, explicit queues) against the rules of
 * docs/trace-page.md written the plain way: objects, a Map of ids, arrays of children,
 * recursion. Slow, small, and easy to check by eye; the optimised analysis must give exactly
 * the same result on any input, hostile shapes included.
 */

const MAX_EPOCH_MS = 8.64e15;

interface RefSpan {
  row: number;
  id: string;
  parent?: RefSpan;
  trueRoot: boolean;
  children: RefSpan[];
  service: string;
  failed: boolean;
  timed: boolean;
  start: number;
  end: number;
  depth: number;
  size: number;
  failingBelow: boolean;
}

const textOf = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const timeOf = (v: unknown) =>
  typeof v === 'number' ? v : v === undefined || v === null || v === '' ? NaN : Number(v);

function referenceAnalysis(frame: DataFrame) {
  const column = (name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];
  const [ids, parentIds, services, statuses, starts, durations] = [
    'spanID',
    'parentSpanID',
    'serviceName',
    'statusCode',
    'startTime',
    'duration',
  ].map(column);
  const anomalies = { orphans: 0, cycles: 0, duplicateSpanIds: 0, missingSpanIds: 0, clockSkew: 0, missingTimes: 0 };
  const byId = new Map<string, RefSpan>();
  const spans: RefSpan[] = [];
  for (let row = 0; row < frame.length; row++) {
    const id = textOf(ids[row]);
    if (id === '' || byId.has(id)) {
      anomalies[id === '' ? 'missingSpanIds' : 'duplicateSpanIds']++;
      continue;
    }
    const s = timeOf(starts[row]);
    const d = timeOf(durations[row]);
    const startOk = s > 0 && s <= MAX_EPOCH_MS;
    const durationOk = d >= 0 && d <= MAX_EPOCH_MS && (!startOk || s + d <= MAX_EPOCH_MS);
    anomalies.missingTimes += startOk && durationOk ? 0 : 1;
    const start = startOk ? s : 0;
    const status = Number(statuses[row]);
    const span: RefSpan = {
      row,
      id,
      trueRoot: false,
      children: [],
      service: textOf(services[row]),
      failed: status === 2,
      timed: startOk,
      start,
      end: start + (durationOk ? d : 0),
      depth: 0,
      size: 0,
      failingBelow: false,
    };
    byId.set(id, span);
    spans.push(span);
  }
  for (const span of spans) {
    const pid = textOf(parentIds[span.row]);
    const parent = byId.get(pid);
    if (pid === '') {
      span.trueRoot = true;
    } else if (parent === span) {
      anomalies.cycles++;
    } else if (parent) {
      span.parent = parent;
    } else if (/^0+$/.test(pid)) {
      span.trueRoot = true;
    } else {
      anomalies.orphans++;
    }
  }
  // Breadth-first from every root in row order; then, for each span left (below a parent
  // cycle), the cycle above it is broken at its earliest span, which is visited as a root.
  const order: RefSpan[] = [];
  const roots: RefSpan[] = [];
  const visited = new Set<RefSpan>();
  const visit = (root: RefSpan) => {
    roots.push(root);
    visited.add(root);
    const queue = [root];
    root.depth = 0;
    while (queue.length > 0) {
      const v = queue.shift()!;
      order.push(v);
      for (const c of spans.filter((s) => s.parent === v && !visited.has(s))) {
        visited.add(c);
        c.depth = v.depth + 1;
        queue.push(c);
      }
    }
  };
  spans.filter((s) => !s.parent).forEach(visit);
  for (const span of spans) {
    if (visited.has(span)) {
      continue;
    }
    const seen = new Set<RefSpan>();
    let v = span;
    while (!seen.has(v)) {
      seen.add(v);
      v = v.parent!;
    }
    let earliest = v;
    for (let u = v.parent!; u !== v; u = u.parent!) {
      earliest = u.start < earliest.start ? u : earliest;
    }
    earliest.parent = undefined;
    anomalies.cycles++;
    visit(earliest);
  }
  for (const span of spans) {
    span.children = spans.filter((s) => s.parent === span);
  }
  const sizeOf = (s: RefSpan): number => (s.size = 1 + s.children.reduce((sum, c) => sum + sizeOf(c), 0));
  const failsBelow = (s: RefSpan): boolean =>
    (s.failingBelow = s.children.map((c) => failsBelow(c) || c.failed).some(Boolean));
  roots.forEach((r) => (sizeOf(r), failsBelow(r)));

  let main: RefSpan | undefined;
  for (const r of roots) {
    const better =
      !main ||
      Number(r.trueRoot) > Number(main.trueRoot) ||
      (r.trueRoot === main.trueRoot && (r.size > main.size || (r.size === main.size && r.start < main.start)));
    main = better ? r : main;
  }
  let origin: RefSpan | undefined;
  for (const s of order.filter((o) => o.failed && !o.failingBelow)) {
    origin = !origin || s.depth > origin.depth || (s.depth === origin.depth && s.start < origin.start) ? s : origin;
  }

  const summaries = new Map<string, ServiceSummary>();
  const edges = new Map<string, ServiceEdge>();
  for (const s of order) {
    const summary = summaries.get(s.service) ?? { name: s.service, spans: 0, errors: 0, selfTimeMs: 0 };
    summaries.set(s.service, summary);
    summary.spans++;
    summary.errors += s.failed ? 1 : 0;
    summary.selfTimeMs += selfTime(s);
    if (s.parent && s.parent.service !== s.service) {
      const key = JSON.stringify([s.parent.service, s.service]);
      const edge = edges.get(key) ?? { client: s.parent.service, server: s.service, calls: 0, errors: 0 };
      edges.set(key, edge);
      edge.calls++;
      edge.errors += s.failed ? 1 : 0;
    }
  }
  const timed = order.filter((s) => s.timed);
  anomalies.clockSkew = timed.filter(
    (s) => s.parent?.timed && (s.start < s.parent.start - 1e-6 || s.end > s.parent.end + 1e-6)
  ).length;
  const startMs = timed.length > 0 ? Math.min(...timed.map((s) => s.start)) : undefined;
  const endMs = timed.length > 0 ? Math.max(...timed.map((s) => s.end)) : undefined;
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    spanCount: order.length,
    rootSpanId: main?.id,
    otherRootSpanIds: roots.filter((r) => r !== main).map((r) => r.id),
    failureOriginId: origin?.id,
    failingSpanCount: order.filter((s) => s.failed).length,
    criticalPath: main?.timed ? criticalPathOf(main) : [],
    services: [...summaries.values()].sort((a, b) => byText(a.name, b.name)),
    edges: [...edges.values()].sort((a, b) => byText(a.client, b.client) || byText(a.server, b.server)),
    startMs,
    endMs,
    durationMs: startMs !== undefined && endMs !== undefined ? endMs - startMs : 0,
    anomalies,
    spans: spans.map((s) => ({ span: s, parentSpanId: s.parent?.id ?? '', depth: s.depth })),
  };
}

/** Own interval less the union of the children's intervals clipped to it. */
function selfTime(s: RefSpan): number {
  const own = s.end - s.start;
  if (own <= 0) {
    return 0;
  }
  const parts = s.children
    .map((c) => [Math.max(s.start, c.start), Math.min(s.end, c.end)])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let [runStart, runEnd] = [s.start, s.start];
  for (const [from, to] of parts) {
    if (from > runEnd) {
      covered += runEnd - runStart;
      [runStart, runEnd] = [from, to];
    } else {
      runEnd = Math.max(runEnd, to);
    }
  }
  covered += runEnd - runStart;
  return Math.max(0, own - covered);
}

/** docs/trace-page.md#critical-path, recursive: children clipped to their clipped parent, the latest-ending first. */
function criticalPathOf(root: RefSpan): CriticalPathSection[] {
  const clipped = new Map<RefSpan, [number, number]>();
  const clip = (s: RefSpan, from: number, to: number) => {
    clipped.set(s, [from, to]);
    for (const c of s.children) {
      if (c.timed && !(c.start >= to || (c.start < from && c.end <= from))) {
        clip(c, Math.max(c.start, from), Math.min(c.end, to));
      }
    }
  };
  clip(root, root.start, root.end);
  const backwards: CriticalPathSection[] = [];
  const add = (s: RefSpan, startMs: number, endMs: number) =>
    startMs !== endMs && backwards.push({ spanId: s.id, startMs, endMs });
  const walk = (s: RefSpan, moment: number) => {
    const unused = s.children.filter((c) => clipped.has(c));
    for (;;) {
      let next: RefSpan | undefined;
      for (const c of unused) {
        const end = clipped.get(c)![1];
        next = end <= moment && (!next || end > clipped.get(next)![1]) ? c : next;
      }
      if (!next) {
        break;
      }
      unused.splice(unused.indexOf(next), 1);
      add(s, clipped.get(next)![1], moment);
      walk(next, clipped.get(next)![1]);
      moment = clipped.get(next)![0];
    }
    add(s, clipped.get(s)![0], moment);
  };
  walk(root, root.end);
  return backwards.reverse();
}

function expectSameAsReference(frame: DataFrame): void {
  const analysis: TraceAnalysis = analyzeTrace(frame);
  const ref = referenceAnalysis(frame);
  expect({
    spanCount: analysis.spanCount,
    rootSpanId: analysis.rootSpanId,
    otherRootSpanIds: analysis.otherRootSpanIds,
    failureOriginId: analysis.failureOrigin?.spanId,
    failingSpanCount: analysis.failingSpanCount,
    criticalPath: analysis.criticalPath,
    services: analysis.services,
    edges: analysis.edges,
    startMs: analysis.startMs,
    endMs: analysis.endMs,
    durationMs: analysis.durationMs,
    anomalies: analysis.anomalies,
  }).toEqual({ ...ref, spans: undefined });
  for (const { span, parentSpanId, depth } of ref.spans) {
    expect(analysis.getSpan(span.id)).toMatchObject<Partial<TraceSpan>>({
      spanId: span.id,
      parentSpanId,
      serviceName: span.service,
      startMs: span.start,
      durationMs: span.end - span.start,
      depth,
    });
  }
  if (analysis.failureOrigin) {
    expect(analysis.failureOrigin.depth).toBe(analysis.getSpan(analysis.failureOrigin.spanId)!.depth);
  }
}

const T = FIXTURE_START_MS;

/**
 * Hostile traces: ids drawn from a small pool (so duplicates, self-parents and parent cycles
 * are common), some empty, uppercase or longer than 16 digits (the string index); parents
 * empty, all zeros, absent from the trace or any id; times whole milliseconds (sums exact in
 * any order), some missing, zero, negative or past the last date.
 */
const hostileTraces = fc.array(
  fc.record({
    spanId: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }).map(spanIdOf) },
      { weight: 1, arbitrary: fc.constantFrom('', 'A1', 'a1', '1', '01', 'span-x', '0123456789abcdef0', 'ABCDEF') }
    ),
    parentSpanId: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }).map(spanIdOf) },
      { weight: 2, arbitrary: fc.constantFrom('', '0000000000000000', '0', 'ffffffffffffffff', 'A1', 'span-x', '1') }
    ),
    serviceName: fc.constantFrom('api', 'db', 'cart', 'Cart', ''),
    statusCode: fc.constantFrom(0, 1, 2),
    startTime: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: 40 }).map((t) => T + t) },
      { weight: 1, arbitrary: fc.constantFrom(0, -5, NaN, MAX_EPOCH_MS + 1) }
    ),
    duration: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom(-1, NaN, MAX_EPOCH_MS) }
    ),
  }),
  { maxLength: 60 }
);

/**
 * Every span's parent another span of the trace (or itself): a random function, so most
 * traces are one or more parent cycles with trees hanging off them. Few distinct start
 * times, so the earliest span of a cycle is often a tie.
 */
const cyclicTraces = fc
  .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 2)), { minLength: 1, maxLength: 40 })
  .map((rows) =>
    rows.map(([parent, start, statusCode], i): SpanSpec => ({
      spanId: spanIdOf(i),
      parentSpanId: spanIdOf(parent % rows.length),
      startTime: T + start,
      duration: 10 - start,
      statusCode,
    }))
  );

describe('analyzeTrace against the plain reference (property)', () => {
  it('agrees on hostile traces: duplicates, orphans, self-parents, cycles, missing and bad times', () => {
    fc.assert(
      fc.property(hostileTraces, (spans) => expectSameAsReference(tempoTraceFrame(spans as SpanSpec[]))),
      { numRuns: 400, seed: 1616 }
    );
  });

  it('agrees on traces made of parent cycles, breaking each at its earliest span', () => {
    fc.assert(
      fc.property(cyclicTraces, (spans) => expectSameAsReference(tempoTraceFrame(spans))),
      { numRuns: 300, seed: 1618 }
    );
  });

  it('agrees on random trees with rows shuffled, and on chains', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        expectSameAsReference(tempoTraceFrame(randomTreeSpans(n, seed, 5)));
        expectSameAsReference(tempoTraceFrame(chainSpans(n % 120)));
      }),
      { numRuns: 60, seed: 1617 }
    );
  });

  it('agrees on a trace that is one parent cycle with trees hanging off it', () => {
    const spans: SpanSpec[] = [0, 1, 2, 3, 4, 5, 6].map((i) => ({
      spanId: spanIdOf(i),
      parentSpanId: spanIdOf(i < 3 ? (i + 1) % 3 : i - 3),
      startTime: T + 10 - i,
      duration: 20,
      statusCode: i === 6 ? 2 : 0,
    }));
    expectSameAsReference(tempoTraceFrame(spans));
    expect(analyzeTrace(tempoTraceFrame(spans)).anomalies.cycles).toBe(1);
  });
});
