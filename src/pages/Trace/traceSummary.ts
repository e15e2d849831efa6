import { t } from '@grafana/i18n';
import {
  STATUS_ERROR,
  type CriticalPathColumns,
  type TraceAnalysis,
  type TraceAnomalies,
} from '../../analysis/traceAnalysis';

export type CriticalPathStep =
  | {
      kind: 'section';
      spanId: string;
      serviceName: string;
      operationName: string;
      /** The section's own length: the time this span, not a child, held the request up. */
      durationMs: number;
      failed: boolean;
    }
  | { kind: 'skipped'; count: number };

/** Sections of the critical path the summary shows: a longer path shows its longest ones. */
export const CRITICAL_PATH_SHOWN = 12;

/**
 * The critical path as the summary shows it: its sections in time order, each with its span's
 * service and operation (a span can appear more than once: before and after a child it waited
 * on). A path of more sections keeps the `CRITICAL_PATH_SHOWN` longest, still in time order,
 * and says how many shorter ones lie between them: where the time went stays visible.
 */
export function criticalPathSteps(
  analysis: Pick<TraceAnalysis, 'criticalPathColumns' | 'getSpan'>
): CriticalPathStep[] {
  const path = analysis.criticalPathColumns;
  const steps: CriticalPathStep[] = [];
  let previous = -1;
  for (const i of longestSections(path, CRITICAL_PATH_SHOWN)) {
    if (i > previous + 1) {
      steps.push({ kind: 'skipped', count: i - previous - 1 });
    }
    previous = i;
    const spanId = path.spanIds[i];
    const span = analysis.getSpan(spanId);
    steps.push({
      kind: 'section',
      spanId,
      serviceName: span?.serviceName ?? '',
      operationName: span?.operationName ?? '',
      durationMs: path.endMs[i] - path.startMs[i],
      failed: span?.statusCode === STATUS_ERROR,
    });
  }
  if (path.length > previous + 1) {
    steps.push({ kind: 'skipped', count: path.length - previous - 1 });
  }
  return steps;
}

/**
 * Positions of the `count` longest sections (ties: the earlier), in time order; all of them
 * when there are no more. One pass keeping the longest so far: a 100,000-span chain has
 * 199,999 sections, too many to sort for twelve.
 */
function longestSections(path: CriticalPathColumns, count: number): number[] {
  const length = (i: number) => path.endMs[i] - path.startMs[i];
  // The longest so far, longest first; a later section enters only when strictly longer.
  const best: number[] = [];
  for (let i = 0; i < path.length; i++) {
    if (best.length === count && length(i) <= length(best[count - 1])) {
      continue;
    }
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && length(best[at - 1]) < length(i)) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
  }
  return best.sort((a, b) => a - b);
}

/**
 * A count as written in a sentence. The sentences pass `count` too, written out in each call so
 * that the extraction sees it: it picks the language's plural form (`_one`, `_other`, ... in the
 * locale file; `defaultValue_<form>` without one).
 */
function written(count: number): string {
  return count.toLocaleString('en');
}

/** One sentence per irregularity of the trace, saying what the page did about it. */
export function anomalyNotes(anomalies: TraceAnomalies): string[] {
  const notes: string[] = [];
  if (anomalies.orphans > 0) {
    notes.push(
      t(
        'pivot.trace.anomalies.orphans',
        '{{n}} span has no parent in this trace (not sampled or not yet ingested): shown as extra roots.',
        {
          count: anomalies.orphans,
          n: written(anomalies.orphans),
          defaultValue_one:
            '{{n}} span has no parent in this trace (not sampled or not yet ingested): shown as extra roots.',
          defaultValue_other:
            '{{n}} spans have no parent in this trace (not sampled or not yet ingested): shown as extra roots.',
        }
      )
    );
  }
  if (anomalies.cycles > 0) {
    notes.push(
      t('pivot.trace.anomalies.cycles', '{{n}} parent cycle was broken at the earliest span of each.', {
        count: anomalies.cycles,
        n: written(anomalies.cycles),
        defaultValue_one: '{{n}} parent cycle was broken at the earliest span of each.',
        defaultValue_other: '{{n}} parent cycles were broken at the earliest span of each.',
      })
    );
  }
  if (anomalies.duplicateSpanIds > 0) {
    notes.push(
      t('pivot.trace.anomalies.duplicate-ids', '{{n}} row repeats a span id: the first row of each id is used.', {
        count: anomalies.duplicateSpanIds,
        n: written(anomalies.duplicateSpanIds),
        defaultValue_one: '{{n}} row repeats a span id: the first row of each id is used.',
        defaultValue_other: '{{n}} rows repeat a span id: the first row of each id is used.',
      })
    );
  }
  if (anomalies.missingSpanIds > 0) {
    notes.push(
      t('pivot.trace.anomalies.missing-ids', '{{n}} row has no span id and was left out.', {
        count: anomalies.missingSpanIds,
        n: written(anomalies.missingSpanIds),
        defaultValue_one: '{{n}} row has no span id and was left out.',
        defaultValue_other: '{{n}} rows have no span id and were left out.',
      })
    );
  }
  if (anomalies.missingTimes > 0) {
    notes.push(
      t(
        'pivot.trace.anomalies.missing-times',
        "{{n}} span has no usable start time or duration (missing, zero or not a number): left out of the trace's time window and duration.",
        {
          count: anomalies.missingTimes,
          n: written(anomalies.missingTimes),
          defaultValue_one:
            "{{n}} span has no usable start time or duration (missing, zero or not a number): left out of the trace's time window and duration.",
          defaultValue_other:
            "{{n}} spans have no usable start time or duration (missing, zero or not a number): left out of the trace's time window and duration.",
        }
      )
    );
  }
  if (anomalies.clockSkew > 0) {
    notes.push(
      t(
        'pivot.trace.anomalies.clock-skew',
        '{{n}} span starts or ends outside its parent: clocks of the services disagree.',
        {
          count: anomalies.clockSkew,
          n: written(anomalies.clockSkew),
          defaultValue_one: '{{n}} span starts or ends outside its parent: clocks of the services disagree.',
          defaultValue_other: '{{n}} spans start or end outside their parent: clocks of the services disagree.',
        }
      )
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

/**
 * The service the "Open the service graph around …" link focuses: where the trace failed, else
 * the main root's service (who was called first); undefined when neither has a service name.
 */
export function graphFocusService(
  analysis: Pick<TraceAnalysis, 'failureOrigin' | 'rootSpanId' | 'getSpan'>
): string | undefined {
  const origin = analysis.failureOrigin?.serviceName;
  if (origin) {
    return origin;
  }
  const root = analysis.rootSpanId === undefined ? undefined : analysis.getSpan(analysis.rootSpanId);
  return root?.serviceName || undefined;
}

/** Test ids of the summary's links (the page's own: src/components/testIds.ts holds the shared ones). */
export const summaryTestIds = {
  /** A service of the "Services crossed" list. */
  crossedService: (service: string) => `data-testid pivot-trace-crossed-service ${service}`,
  /** The service link of the critical path's step at `position` (among the shown steps). */
  stepService: (position: number) => `data-testid pivot-trace-step-service ${position}`,
  graphLink: 'data-testid pivot-trace-graph-link',
  servicesCrossed: 'data-testid pivot-trace-services-crossed',
};
