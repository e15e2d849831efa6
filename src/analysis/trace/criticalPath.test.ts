import fc from 'fast-check';
import { FIXTURE_START_MS, randomTreeSpans, SpanSpec, spanIdOf, tempoTraceFrame } from '../fixtures/traceFrames';
import { analyzeTrace, timeOnCriticalPath } from '../traceAnalysis';
import type { CriticalPathSection } from './types';

const T = FIXTURE_START_MS;
const span = (spanId: string, parentSpanId: string, from: number, to: number): SpanSpec => ({
  spanId,
  parentSpanId,
  startTime: T + from,
  duration: to - from,
});

/** The critical path as [span, from, to] relative to T: easy to read against the drawings. */
function pathOf(spans: SpanSpec[]): Array<[string, number, number]> {
  return analyzeTrace(tempoTraceFrame(spans)).criticalPath.map((s) => [s.spanId, s.startMs - T, s.endMs - T]);
}

describe('criticalPathOf on traces whose critical path is known', () => {
  it('runs through every one of sequential children, the parent holding the gaps', () => {
    // r |0-----------------------------------100|
    // a    |10--30|  b |40--60|  c |70--90|
    const path = pathOf([
      span('r', '', 0, 100),
      span('a', 'r', 10, 30),
      span('b', 'r', 40, 60),
      span('c', 'r', 70, 90),
    ]);
    expect(path).toEqual([
      ['r', 0, 10],
      ['a', 10, 30],
      ['r', 30, 40],
      ['b', 40, 60],
      ['r', 60, 70],
      ['c', 70, 90],
      ['r', 90, 100],
    ]);
  });

  it('takes, of overlapping children, the one finishing last, then one that finished before it started', () => {
    // r |0--------------------------------100|
    // x   |5-20|
    // a      |10-----------60|      (overlaps b: not waited on)
    // b                |40----------90|
    const path = pathOf([span('r', '', 0, 100), span('x', 'r', 5, 20), span('a', 'r', 10, 60), span('b', 'r', 40, 90)]);
    expect(path).toEqual([
      ['r', 0, 5],
      ['x', 5, 20],
      ['r', 20, 40],
      ['b', 40, 90],
      ['r', 90, 100],
    ]);
  });

  it('descends through grandchildren and back up through each level', () => {
    const path = pathOf([
      span('r', '', 0, 100),
      span('a', 'r', 10, 90),
      span('a1', 'a', 20, 40),
      span('a2', 'a', 50, 80),
      span('a21', 'a2', 55, 60),
    ]);
    expect(path).toEqual([
      ['r', 0, 10],
      ['a', 10, 20],
      ['a1', 20, 40],
      ['a', 40, 50],
      ['a2', 50, 55],
      ['a21', 55, 60],
      ['a2', 60, 80],
      ['a', 80, 90],
      ['r', 90, 100],
    ]);
  });

  it('keeps abutting sequential children: one ending as the next starts came before it', () => {
    const path = pathOf([span('r', '', 0, 30), span('a', 'r', 0, 10), span('b', 'r', 10, 20), span('c', 'r', 20, 30)]);
    expect(path).toEqual([
      ['a', 0, 10],
      ['b', 10, 20],
      ['c', 20, 30],
    ]);
  });

  it('clips a child ending after its parent to the parent, and its own children with it', () => {
    // The child's clock runs late: it "ends" at 80, after its parent. Its child at 60..70 lies
    // past the clipped end (50) and is left out with it.
    const path = pathOf([span('r', '', 0, 50), span('a', 'r', 10, 80), span('g', 'a', 60, 70), span('e', 'r', -5, 5)]);
    expect(path).toEqual([
      ['e', 0, 5],
      ['r', 5, 10],
      ['a', 10, 50],
    ]);
  });

  it('leaves out a child entirely outside its parent, with its subtree', () => {
    const path = pathOf([span('r', '', 0, 50), span('late', 'r', 60, 90), span('under', 'late', 61, 89)]);
    expect(path).toEqual([['r', 0, 50]]);
  });

  it('follows the main root only: orphans (parent not in the trace) stay off the path', () => {
    const path = pathOf([
      span('r', '', 0, 50),
      span('a', 'r', 10, 20),
      span('o', 'missing', 0, 100),
      span('o1', 'o', 10, 90),
    ]);
    expect(path).toEqual([
      ['r', 0, 10],
      ['a', 10, 20],
      ['r', 20, 50],
    ]);
  });

  it('gives no section to a span of no length (the parent is cut there) and one to a lone span', () => {
    // z starts at r's end: outside r, left out. z0 is taken at 4 but holds no time.
    expect(pathOf([span('r', '', 0, 10), span('z', 'r', 10, 10), span('z0', 'r', 4, 4)])).toEqual([
      ['r', 0, 4],
      ['r', 4, 10],
    ]);
    expect(pathOf([span('r', '', 0, 10)])).toEqual([['r', 0, 10]]);
    expect(pathOf([span('r', '', 0, 0)])).toEqual([]);
  });

  it('walks the first row of a repeated span id, and a cycle broken at its earliest span', () => {
    // The second 'a' (10..45) is ignored: the first (10..20) is the span.
    expect(pathOf([span('r', '', 0, 50), span('a', 'r', 10, 20), span('a', 'r', 10, 45)])).toEqual([
      ['r', 0, 10],
      ['a', 10, 20],
      ['r', 20, 50],
    ]);
    // x → y → x: broken at x (earliest), which becomes the main root.
    expect(pathOf([span('x', 'y', 0, 40), span('y', 'x', 5, 30)])).toEqual([
      ['x', 0, 5],
      ['y', 5, 30],
      ['x', 30, 40],
    ]);
  });

  it('is empty when the main root has no usable time', () => {
    const spans = [span('r', '', 0, 10), span('a', 'r', 1, 5)];
    spans[0] = { ...spans[0], startTime: 0 };
    expect(pathOf(spans)).toEqual([]);
  });
});

describe('timeOnCriticalPath', () => {
  it("sums each span's sections, longest first, ties in order of first appearance", () => {
    const section = (spanId: string, startMs: number, endMs: number) => ({ spanId, startMs, endMs });
    expect(
      timeOnCriticalPath([section('r', 0, 10), section('a', 10, 30), section('r', 30, 40), section('b', 40, 60)])
    ).toEqual([
      { spanId: 'r', ms: 20 },
      { spanId: 'a', ms: 20 },
      { spanId: 'b', ms: 20 },
    ]);
    expect(timeOnCriticalPath([])).toEqual([]);
  });
});

/**
 * The definition written the plain way, recursive and quadratic (fine for small trees): clip
 * every child to its clipped parent, then from each span's moment take the unused child with
 * the latest end by that moment, walk it, and continue from its start.
 */
function referencePath(spans: SpanSpec[]): CriticalPathSection[] {
  const children = new Map<string, SpanSpec[]>();
  spans.forEach((s) => children.set(s.parentSpanId ?? '', [...(children.get(s.parentSpanId ?? '') ?? []), s]));
  const clipped = new Map<string, [number, number]>();
  const clip = (s: SpanSpec, from: number, to: number) => {
    clipped.set(s.spanId, [from, to]);
    for (const c of children.get(s.spanId) ?? []) {
      const e = c.startTime + c.duration;
      if (!(c.startTime >= to || (c.startTime < from && e <= from))) {
        clip(c, Math.max(c.startTime, from), Math.min(e, to));
      }
    }
  };
  const root = spans.find((s) => !s.parentSpanId)!;
  clip(root, root.startTime, root.startTime + root.duration);
  const backwards: CriticalPathSection[] = [];
  const add = (spanId: string, startMs: number, endMs: number) =>
    startMs !== endMs && backwards.push({ spanId, startMs, endMs });
  const walk = (s: SpanSpec, moment: number) => {
    const [from] = clipped.get(s.spanId)!;
    const unused = (children.get(s.spanId) ?? []).filter((c) => clipped.has(c.spanId));
    for (;;) {
      let next: SpanSpec | undefined;
      for (const c of unused) {
        const end = clipped.get(c.spanId)![1];
        if (end <= moment && (!next || end > clipped.get(next.spanId)![1])) {
          next = c;
        }
      }
      if (!next) {
        break;
      }
      unused.splice(unused.indexOf(next), 1);
      const [childFrom, childTo] = clipped.get(next.spanId)!;
      add(s.spanId, childTo, moment);
      walk(next, childTo);
      moment = childFrom;
    }
    add(s.spanId, from, moment);
  };
  walk(root, clipped.get(root.spanId)![1]);
  return backwards.reverse();
}

/** Random trees, with some spans' clocks shifted so children start before or end after their parent. */
const skewedTrees = fc
  .record({
    n: fc.integer({ min: 1, max: 150 }),
    seed: fc.integer({ min: 1, max: 1e6 }),
    shifts: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3000, max: 3000 })), { maxLength: 10 }),
  })
  .map(({ n, seed, shifts }) => {
    const spans = randomTreeSpans(n, seed, 5);
    for (const [at, shift] of shifts) {
      const i = at % n;
      if (spans[i].parentSpanId) {
        spans[i] = { ...spans[i], startTime: spans[i].startTime + shift };
      }
    }
    return spans;
  });

describe('criticalPathOf properties over random trees with clock skew', () => {
  it('covers the root from its start to its end in contiguous, non-empty sections, each inside its span', () => {
    fc.assert(
      fc.property(skewedTrees, (spans) => {
        const analysis = analyzeTrace(tempoTraceFrame(spans));
        const path = analysis.criticalPath;
        const root = analysis.getSpan(spanIdOf(0))!;
        expect(path[0].startMs).toBe(root.startMs);
        expect(path[path.length - 1].endMs).toBe(root.startMs + root.durationMs);
        path.forEach((section, i) => {
          expect(section.startMs).toBeLessThan(section.endMs);
          if (i > 0) {
            expect(section.startMs).toBe(path[i - 1].endMs);
          }
          const own = analysis.getSpan(section.spanId)!;
          expect(section.startMs).toBeGreaterThanOrEqual(own.startMs);
          expect(section.endMs).toBeLessThanOrEqual(own.startMs + own.durationMs);
        });
      }),
      { numRuns: 200, seed: 1414 }
    );
  });

  it('finds the same sections as the definition written recursively', () => {
    fc.assert(
      fc.property(skewedTrees, (spans) => {
        expect(analyzeTrace(tempoTraceFrame(spans)).criticalPath).toEqual(referencePath(spans));
      }),
      { numRuns: 200, seed: 1415 }
    );
  });
});
