import fc from 'fast-check';
import { chainSpans, randomTreeSpans, tempoTraceFrame } from '../../analysis/fixtures/traceFrames';
import { analyzeTrace } from '../../analysis/traceAnalysis';
import { CRITICAL_PATH_SHOWN, CriticalPathStep, criticalPathSteps } from './traceSummary';

/** The steps the plain way: every section as an object, all of them sorted by length, the longest kept. */
function referenceSteps(frame: ReturnType<typeof tempoTraceFrame>): CriticalPathStep[] {
  const analysis = analyzeTrace(frame);
  const path = analysis.criticalPath;
  const length = (i: number) => path[i].endMs - path[i].startMs;
  const shown = new Set(
    path
      .map((_, i) => i)
      .sort((a, b) => length(b) - length(a) || a - b)
      .slice(0, CRITICAL_PATH_SHOWN)
  );
  const steps: CriticalPathStep[] = [];
  let skipped = 0;
  path.forEach((section, i) => {
    if (!shown.has(i)) {
      skipped++;
      return;
    }
    if (skipped > 0) {
      steps.push({ kind: 'skipped', count: skipped });
      skipped = 0;
    }
    const span = analysis.getSpan(section.spanId)!;
    steps.push({
      kind: 'section',
      spanId: section.spanId,
      serviceName: span.serviceName,
      operationName: span.operationName,
      durationMs: length(i),
      failed: span.statusCode === 2,
    });
  });
  if (skipped > 0) {
    steps.push({ kind: 'skipped', count: skipped });
  }
  return steps;
}

describe('criticalPathSteps (property)', () => {
  it('shows the longest sections (ties: the earlier) in time order, as sorting every section would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        for (const frame of [tempoTraceFrame(randomTreeSpans(n, seed, 4)), tempoTraceFrame(chainSpans(n % 50))]) {
          expect(criticalPathSteps(analyzeTrace(frame))).toEqual(referenceSteps(frame));
        }
      }),
      { numRuns: 80, seed: 2026 }
    );
  });
});
