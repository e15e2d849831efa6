import type { TraceAnalysis, TraceAnomalies } from '../../analysis/traceAnalysis';

export type CriticalPathStep =
  | { kind: 'span'; spanId: string; serviceName: string; operationName: string; durationMs: number; failed: boolean }
  | { kind: 'skipped'; count: number };

/** Steps of the critical path shown in the summary: a deep trace shows its first and last spans. */
export const CRITICAL_PATH_SHOWN = { head: 4, tail: 6 } as const;

/** The critical path as the summary shows it: spans with their service, the middle of a long path elided. */
export function criticalPathSteps(analysis: Pick<TraceAnalysis, 'criticalPath' | 'getSpan'>): CriticalPathStep[] {
  const path = analysis.criticalPath;
  const { head, tail } = CRITICAL_PATH_SHOWN;
  const step = (spanId: string): CriticalPathStep => {
    const span = analysis.getSpan(spanId);
    return {
      kind: 'span',
      spanId,
      serviceName: span?.serviceName ?? '',
      operationName: span?.operationName ?? '',
      durationMs: span?.durationMs ?? 0,
      failed: span?.statusCode === 2,
    };
  };
  if (path.length <= head + tail + 1) {
    return path.map(step);
  }
  return [
    ...path.slice(0, head).map(step),
    { kind: 'skipped', count: path.length - head - tail },
    ...path.slice(path.length - tail).map(step),
  ];
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** One sentence per irregularity of the trace, saying what the page did about it. */
export function anomalyNotes(anomalies: TraceAnomalies): string[] {
  const notes: string[] = [];
  if (anomalies.orphans > 0) {
    notes.push(
      `${plural(anomalies.orphans, 'span has', 'spans have')} no parent in this trace (not sampled or not yet ingested): shown as extra roots.`
    );
  }
  if (anomalies.cycles > 0) {
    notes.push(
      `${plural(anomalies.cycles, 'parent cycle was', 'parent cycles were')} broken at the earliest span of each.`
    );
  }
  if (anomalies.duplicateSpanIds > 0) {
    notes.push(
      `${plural(anomalies.duplicateSpanIds, 'row repeats', 'rows repeat')} a span id: the first row of each id is used.`
    );
  }
  if (anomalies.missingSpanIds > 0) {
    notes.push(
      `${plural(anomalies.missingSpanIds, 'row has', 'rows have')} no span id and ${anomalies.missingSpanIds === 1 ? 'was' : 'were'} left out.`
    );
  }
  if (anomalies.missingTimes > 0) {
    notes.push(
      `${plural(anomalies.missingTimes, 'span has', 'spans have')} no usable start time or duration (missing, zero or not a number): left out of the trace's time window and duration.`
    );
  }
  if (anomalies.clockSkew > 0) {
    notes.push(
      `${plural(anomalies.clockSkew, 'span starts or ends', 'spans start or end')} outside ${anomalies.clockSkew === 1 ? 'its' : 'their'} parent: clocks of the services disagree.`
    );
  }
  return notes;
}

/** A duration as people read it: microseconds, milliseconds or seconds. */
export function formatDuration(ms: number): string {
  if (ms < 1) {
    return `${Math.round(ms * 1000)} µs`;
  }
  if (ms < 1000) {
    return `${Number(ms.toPrecision(3))} ms`;
  }
  return `${Number((ms / 1000).toPrecision(3))} s`;
}
