import { DataFrame, FieldType } from '@grafana/data';
import fc from 'fast-check';
import {
  chainSpans,
  checkoutFailureFrame,
  FIXTURE_START_MS,
  FIXTURE_TRACE_ID,
  randomTreeSpans,
  SpanSpec,
  spanIdOf,
  tempoTraceFrame,
} from './fixtures/traceFrames';
import { analyzeTrace } from './traceAnalysis';

const T = FIXTURE_START_MS;
const span = (
  spanId: string,
  parentSpanId: string,
  from: number,
  to: number,
  extra: Partial<SpanSpec> = {}
): SpanSpec => ({
  spanId,
  parentSpanId,
  startTime: T + from,
  duration: to - from,
  ...extra,
});

describe('analyzeTrace on a failing checkout trace', () => {
  const analysis = analyzeTrace(checkoutFailureFrame());

  it('counts spans and finds the root and the trace window', () => {
    expect(analysis.spanCount).toBe(10);
    expect(analysis.traceId).toBe(FIXTURE_TRACE_ID);
    expect(analysis.rootSpanId).toBe('000000000000000a');
    expect(analysis.otherRootSpanIds).toEqual([]);
    expect(analysis.startMs).toBe(T);
    expect(analysis.endMs).toBe(T + 120);
    expect(analysis.durationMs).toBe(120);
  });

  it('finds the failure origin: the deepest failing span without a failing descendant', () => {
    expect(analysis.failureOrigin).toEqual({
      spanId: '0000000000000010',
      serviceName: 'postgres',
      operationName: 'INSERT',
      statusMessage: 'deadlock detected',
      durationMs: 28,
      startMs: T + 21,
      depth: 6,
    });
    expect(analysis.failingSpanCount).toBe(7);
  });

  it('walks the critical path down the fraud check that finishes last and back, not into the parallel payment', () => {
    const at = (spanId: string, from: number, to: number) => ({ spanId, startMs: T + from, endMs: T + to });
    expect(analysis.criticalPath).toEqual([
      at('000000000000000a', 0, 5),
      at('000000000000000b', 5, 10),
      at('000000000000000c', 10, 15),
      at('0000000000000011', 15, 17),
      at('0000000000000012', 17, 20),
      at('0000000000000013', 20, 100),
      at('0000000000000012', 100, 103),
      at('0000000000000011', 103, 105),
      at('000000000000000c', 105, 110),
      at('000000000000000b', 110, 115),
      at('000000000000000a', 115, 120),
    ]);
  });

  it('summarises services with spans, errors and self time', () => {
    expect(analysis.services).toEqual([
      // c 100 - union(d 15..60, h 15..105) = 10; d 45 - 40 = 5; h 90 - 86 = 4
      { name: 'checkout', spans: 3, errors: 2, selfTimeMs: 19 },
      // i 86 - 80 = 6; j 80
      { name: 'fraud', spans: 2, errors: 0, selfTimeMs: 86 },
      // a 120 - 110 = 10; b 110 - 100 = 10
      { name: 'frontend', spans: 2, errors: 2, selfTimeMs: 20 },
      // e 40 - 30 = 10; f 30 - 28 = 2
      { name: 'payment', spans: 2, errors: 2, selfTimeMs: 12 },
      { name: 'postgres', spans: 1, errors: 1, selfTimeMs: 28 },
    ]);
  });

  it('lists the service edges from parent to child with calls and failed calls', () => {
    expect(analysis.edges).toEqual([
      { client: 'checkout', server: 'fraud', calls: 1, errors: 0 },
      { client: 'checkout', server: 'payment', calls: 1, errors: 1 },
      { client: 'frontend', server: 'checkout', calls: 1, errors: 1 },
      { client: 'payment', server: 'postgres', calls: 1, errors: 1 },
    ]);
  });

  it('looks spans up by id', () => {
    expect(analysis.getSpan('000000000000000e')).toMatchObject({
      serviceName: 'payment',
      operationName: 'POST /charge',
      kind: 'server',
      statusCode: 2,
      parentSpanId: '000000000000000d',
      depth: 4,
    });
    expect(analysis.getSpan('ffff')).toBeUndefined();
  });

  it('reports no anomaly on a well-formed trace', () => {
    expect(analysis.anomalies).toEqual({
      orphans: 0,
      cycles: 0,
      duplicateSpanIds: 0,
      missingSpanIds: 0,
      clockSkew: 0,
      missingTimes: 0,
    });
  });
});

/** The checkout trace with the start time and duration of one span replaced by raw values. */
function withTimes(spanId: string, startTime: unknown, duration?: unknown): DataFrame {
  const frame = checkoutFailureFrame();
  const row = frame.fields.find((f) => f.name === 'spanID')!.values.indexOf(spanId);
  const set = (name: string, value: unknown) => {
    frame.fields.find((f) => f.name === name)!.values[row] = value;
  };
  set('startTime', startTime);
  if (duration !== undefined) {
    set('duration', duration);
  }
  return frame;
}

describe('analyzeTrace on spans without usable times', () => {
  it.each<[string, unknown]>([
    ['0', 0],
    ['null', null],
    ['NaN', NaN],
    ['undefined', undefined],
    ['negative', -1],
    ['infinite', Infinity],
    ['an empty string', ''],
    ['not a number', 'soon'],
    ['past the last JavaScript date', 1e17],
  ])('leaves a span starting at %s out of the window and the duration, and counts it', (_, startTime) => {
    // A leaf in the middle of the trace: the window stays the root's, 120 ms, not 54 years.
    const analysis = analyzeTrace(withTimes('0000000000000013', startTime));
    expect(analysis.startMs).toBe(T);
    expect(analysis.endMs).toBe(T + 120);
    expect(analysis.durationMs).toBe(120);
    expect(analysis.anomalies.missingTimes).toBe(1);
    expect(analysis.anomalies.clockSkew).toBe(0);
    expect(analysis.spanCount).toBe(10);
    expect(analysis.criticalPath[0].spanId).toBe('000000000000000a');
    // The span without a time is left off the path: its parent holds the time instead.
    expect(analysis.criticalPath.map((s) => s.spanId)).not.toContain('0000000000000013');
  });

  it('keeps the window when the root is the span without a time: its children set it', () => {
    const analysis = analyzeTrace(withTimes('000000000000000a', 0));
    expect(analysis.startMs).toBe(T + 5);
    expect(analysis.endMs).toBe(T + 115);
    expect(analysis.rootSpanId).toBe('000000000000000a');
    expect(analysis.anomalies).toMatchObject({ missingTimes: 1, clockSkew: 0 });
  });

  it.each<[string, unknown]>([
    ['NaN', NaN],
    ['null', null],
    ['negative', -5],
    ['infinite', Infinity],
    ['longer than JavaScript dates reach', 1e16],
  ])('places a span with a %s duration at its start, with no length, and counts it', (_, duration) => {
    const analysis = analyzeTrace(withTimes('000000000000000a', T, duration));
    expect(analysis.startMs).toBe(T);
    expect(analysis.endMs).toBe(T + 115);
    expect(analysis.getSpan('000000000000000a')?.durationMs).toBe(0);
    expect(analysis.anomalies.missingTimes).toBe(1);
  });

  it('has no window when no span has a usable time, and still analyses the tree', () => {
    const spans = checkoutFailureFrame();
    const analysis = analyzeTrace({
      ...spans,
      fields: spans.fields.map((f) => (f.name === 'startTime' ? { ...f, values: f.values.map(() => 0) } : f)),
    });
    expect(analysis.startMs).toBeUndefined();
    expect(analysis.endMs).toBeUndefined();
    expect(analysis.durationMs).toBe(0);
    expect(analysis.anomalies.missingTimes).toBe(10);
    expect(analysis.spanCount).toBe(10);
    expect(analysis.failureOrigin?.spanId).toBe('0000000000000010');
  });

  it('spans exactly the spans with usable times, whichever spans lack them (property)', () => {
    const bad = fc.constantFrom<unknown>(0, null, NaN, -1, Infinity, undefined, '');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.array(fc.tuple(fc.nat(), bad), { maxLength: 20 }),
        (n, seed, breaks) => {
          const spans = randomTreeSpans(n, seed, 5);
          const broken = new Set<number>();
          for (const [at, value] of breaks) {
            const i = at % n;
            broken.add(i);
            spans[i] = { ...spans[i], startTime: value as number };
          }
          const analysis = analyzeTrace(tempoTraceFrame(spans));
          const usable = spans.filter((_, i) => !broken.has(i));
          expect(analysis.anomalies.missingTimes).toBe(broken.size);
          expect(analysis.spanCount).toBe(n);
          if (usable.length === 0) {
            expect(analysis.startMs).toBeUndefined();
            return;
          }
          expect(analysis.startMs).toBe(Math.min(...usable.map((s) => s.startTime)));
          expect(analysis.endMs).toBe(Math.max(...usable.map((s) => s.startTime + s.duration)));
          expect(analysis.startMs).toBeGreaterThan(T - 1);
        }
      ),
      { numRuns: 60, seed: 1212 }
    );
  });
});

describe('analyzeTrace on a malformed frame length', () => {
  it.each<[string, unknown, RegExp]>([
    ['1.5', 1.5, /length is 1\.5, not a whole number of rows/],
    ['2^31', 2 ** 31, /says it has 2,147,483,648 rows but its columns hold 10/],
    ['negative', -1, /length is -1/],
    ['NaN', NaN, /length is NaN/],
    ['infinite', Infinity, /length is Infinity/],
    ['a string', '10', /length is "10", not a whole number/],
  ])('reports a length of %s instead of throwing, with an empty analysis', (_, length, message) => {
    const frame = { ...checkoutFailureFrame(), length } as unknown as DataFrame;
    const analysis = analyzeTrace(frame);
    expect(analysis.frameProblem).toMatch(message);
    expect(analysis.spanCount).toBe(0);
    expect(analysis.startMs).toBeUndefined();
  });

  it('reads a frame whose length is shorter than its columns up to its length', () => {
    const analysis = analyzeTrace({ ...checkoutFailureFrame(), length: 3 });
    expect(analysis.frameProblem).toBeUndefined();
    expect(analysis.spanCount).toBe(3);
  });
});

describe('analyzeTrace on hard shapes', () => {
  it('returns an empty analysis for an empty frame, a frame without fields and no frame', () => {
    for (const frame of [tempoTraceFrame([]), { fields: [], length: 0 } as DataFrame, undefined]) {
      const analysis = analyzeTrace(frame);
      expect(analysis.spanCount).toBe(0);
      expect(analysis.rootSpanId).toBeUndefined();
      expect(analysis.failureOrigin).toBeUndefined();
      expect(analysis.criticalPath).toEqual([]);
      expect(analysis.services).toEqual([]);
      expect(analysis.edges).toEqual([]);
      expect(analysis.startMs).toBeUndefined();
      expect(analysis.durationMs).toBe(0);
    }
  });

  it('makes orphans extra roots and picks the true root as main root even when smaller', () => {
    const frame = tempoTraceFrame([
      span('r', '', 0, 10),
      span('x', 'missing', 1, 50),
      span('y', 'x', 2, 40),
      span('z', 'y', 3, 30),
    ]);
    const analysis = analyzeTrace(frame);
    expect(analysis.rootSpanId).toBe('r');
    expect(analysis.otherRootSpanIds).toEqual(['x']);
    expect(analysis.anomalies.orphans).toBe(1);
    expect(analysis.criticalPath).toEqual([{ spanId: 'r', startMs: T, endMs: T + 10 }]);
    expect(analysis.spanCount).toBe(4);
  });

  it('picks the orphan heading the most spans when no true root came back', () => {
    const frame = tempoTraceFrame([span('a', 'gone', 0, 10), span('b', 'gone2', 0, 10), span('c', 'b', 1, 5)]);
    const analysis = analyzeTrace(frame);
    expect(analysis.rootSpanId).toBe('b');
    expect(analysis.criticalPath.map((s) => [s.spanId, s.startMs - T, s.endMs - T])).toEqual([
      ['b', 0, 1],
      ['c', 1, 5],
      ['b', 5, 10],
    ]);
    expect(analysis.anomalies.orphans).toBe(2);
  });

  it('treats an all-zero parent id as no parent', () => {
    const analysis = analyzeTrace(tempoTraceFrame([span('a', '0000000000000000', 0, 10), span('b', 'a', 1, 2)]));
    expect(analysis.rootSpanId).toBe('a');
    expect(analysis.anomalies.orphans).toBe(0);
  });

  it('breaks a parent cycle at its earliest span and still visits every span', () => {
    const frame = tempoTraceFrame([
      span('r', '', 0, 100),
      span('a', 'c', 5, 20),
      span('b', 'a', 3, 20),
      span('c', 'b', 4, 20),
      span('d', 'b', 6, 8, { statusCode: 2 }),
    ]);
    const analysis = analyzeTrace(frame);
    expect(analysis.spanCount).toBe(5);
    expect(analysis.anomalies.cycles).toBe(1);
    expect(analysis.rootSpanId).toBe('r');
    expect(analysis.otherRootSpanIds).toEqual(['b']);
    expect(analysis.getSpan('b')?.parentSpanId).toBe('');
    expect(analysis.getSpan('a')?.depth).toBe(2);
    expect(analysis.failureOrigin?.spanId).toBe('d');
  });

  it('handles a span that is its own parent and a trace that is only a cycle', () => {
    const self = analyzeTrace(tempoTraceFrame([span('s', 's', 0, 10), span('t', 's', 1, 5)]));
    expect(self.rootSpanId).toBe('s');
    expect(self.criticalPath.map((s) => s.spanId)).toEqual(['s', 't', 's']);
    expect(self.anomalies.cycles).toBe(1);

    const ring = analyzeTrace(tempoTraceFrame([span('a', 'b', 2, 10), span('b', 'a', 1, 10)]));
    expect(ring.rootSpanId).toBe('b');
    expect(ring.criticalPath.map((s) => [s.spanId, s.startMs - T, s.endMs - T])).toEqual([
      ['b', 1, 2],
      ['a', 2, 10],
    ]);
    expect(ring.spanCount).toBe(2);
  });

  it('keeps the first row of a duplicated span id and ignores rows without one', () => {
    const frame = tempoTraceFrame([
      span('a', '', 0, 10, { serviceName: 'one' }),
      span('b', 'a', 1, 5, { serviceName: 'two' }),
      span('b', 'a', 1, 9, { serviceName: 'three' }),
      span('', 'a', 1, 9, { serviceName: 'four' }),
    ]);
    const analysis = analyzeTrace(frame);
    expect(analysis.spanCount).toBe(2);
    expect(analysis.anomalies.duplicateSpanIds).toBe(1);
    expect(analysis.anomalies.missingSpanIds).toBe(1);
    expect(analysis.services.map((s) => s.name)).toEqual(['one', 'two']);
    expect(analysis.getSpan('b')?.durationMs).toBe(4);
  });

  it('counts clock skew, and clips children overflowing their parent for the critical path', () => {
    const frame = tempoTraceFrame([span('r', '', 10, 20), span('early', 'r', 5, 15), span('late', 'r', 12, 30)]);
    const analysis = analyzeTrace(frame);
    expect(analysis.anomalies.clockSkew).toBe(2);
    // late (12..30) is cut to r's end, 20; early (5..15) overlaps late, so r holds 10..12.
    expect(analysis.criticalPath.map((s) => [s.spanId, s.startMs - T, s.endMs - T])).toEqual([
      ['r', 10, 12],
      ['late', 12, 20],
    ]);
    expect(analysis.startMs).toBe(T + 5);
    expect(analysis.endMs).toBe(T + 30);
    // r's own 10 ms are all covered by its children clipped to it.
    expect(analysis.getSpan('r')?.durationMs).toBe(10);
    expect(analysis.services).toEqual([{ name: 'svc', spans: 3, errors: 0, selfTimeMs: 28 }]);
  });

  it('prefers, among failing spans at the same depth, the one that started first', () => {
    const frame = tempoTraceFrame([
      span('r', '', 0, 100, { statusCode: 2 }),
      span('x', 'r', 20, 30, { statusCode: 2, serviceName: 'late' }),
      span('y', 'r', 10, 30, { statusCode: 2, serviceName: 'early' }),
    ]);
    expect(analyzeTrace(frame).failureOrigin?.serviceName).toBe('early');
  });

  it('picks the deepest failing leaf of several failing chains', () => {
    const frame = tempoTraceFrame([
      span('r', '', 0, 100),
      span('a', 'r', 1, 50, { statusCode: 2 }),
      span('b', 'r', 1, 50),
      span('b1', 'b', 2, 40),
      span('b2', 'b1', 3, 30, { statusCode: 2, statusMessage: 'deep' }),
    ]);
    const analysis = analyzeTrace(frame);
    expect(analysis.failureOrigin?.spanId).toBe('b2');
    expect(analysis.failureOrigin?.statusMessage).toBe('deep');
  });

  it('reads statusCode sent as a string and tolerates missing optional fields', () => {
    const frame: DataFrame = {
      length: 2,
      fields: [
        { name: 'spanID', type: FieldType.string, config: {}, values: ['a', 'b'] },
        { name: 'parentSpanID', type: FieldType.string, config: {}, values: ['', 'a'] },
        { name: 'statusCode', type: FieldType.string, config: {}, values: ['0', '2'] },
      ],
    };
    const analysis = analyzeTrace(frame);
    expect(analysis.failureOrigin).toMatchObject({ spanId: 'b', serviceName: '', durationMs: 0 });
  });

  it('analyses a 100,000-span chain without overflowing the stack', () => {
    const n = 100_000;
    const analysis = analyzeTrace(tempoTraceFrame(chainSpans(n)));
    expect(analysis.spanCount).toBe(n);
    // Down the chain to the leaf and back up: every span but the leaf twice.
    expect(analysis.criticalPath).toHaveLength(2 * n - 1);
    expect(analysis.criticalPath[n - 1].spanId).toBe(spanIdOf(n - 1));
    expect(analysis.failureOrigin?.spanId).toBe(spanIdOf(n - 1));
    expect(analysis.failureOrigin?.depth).toBe(n - 1);
    expect(analysis.edges).toHaveLength(3);
  });

  it('analyses a 100,000-span cycle without overflowing the stack', () => {
    const n = 100_000;
    const spans = chainSpans(n);
    spans[0] = { ...spans[0], parentSpanId: spanIdOf(n - 1) };
    const analysis = analyzeTrace(tempoTraceFrame(spans));
    expect(analysis.spanCount).toBe(n);
    expect(analysis.anomalies.cycles).toBe(1);
    expect(analysis.rootSpanId).toBe(spanIdOf(0));
  });
});

describe('analyzeTrace properties over random trees', () => {
  it('visits every span once, with a critical path that covers the root from its start to its end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const spans = randomTreeSpans(n, seed, 5);
        const analysis = analyzeTrace(tempoTraceFrame(spans));
        expect(analysis.spanCount).toBe(n);
        expect(analysis.rootSpanId).toBe(spanIdOf(0));
        const path = analysis.criticalPath;
        const root = analysis.getSpan(spanIdOf(0))!;
        expect(path[0]).toMatchObject({ spanId: spanIdOf(0), startMs: root.startMs });
        expect(path[path.length - 1]).toMatchObject({ spanId: spanIdOf(0), endMs: root.startMs + root.durationMs });
        expect(analysis.services.reduce((sum, s) => sum + s.spans, 0)).toBe(n);
        expect(analysis.services.reduce((sum, s) => sum + s.errors, 0)).toBe(analysis.failingSpanCount);
        const crossings = spans.filter((s) => {
          const p = spans.find((q) => q.spanId === s.parentSpanId);
          return p !== undefined && p.serviceName !== s.serviceName;
        }).length;
        expect(analysis.edges.reduce((sum, e) => sum + e.calls, 0)).toBe(crossings);
        if (analysis.failureOrigin) {
          const origin = analysis.failureOrigin.spanId;
          expect(spans.find((s) => s.spanId === origin)?.statusCode).toBe(2);
          // No failing span hangs below the origin.
          const below = new Set([origin]);
          for (let grew = true; grew;) {
            grew = false;
            for (const s of spans) {
              if (s.parentSpanId && below.has(s.parentSpanId) && !below.has(s.spanId)) {
                below.add(s.spanId);
                grew = true;
                expect(s.statusCode).not.toBe(2);
              }
            }
          }
        } else {
          expect(analysis.failingSpanCount).toBe(0);
        }
        for (const s of analysis.services) {
          expect(s.selfTimeMs).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 60, seed: 4242 }
    );
  });
});
