/**
 * Reading the two span samples behind "What the failing requests share" out of Tempo's answer
 * as Grafana returns it (the `Spans` table of a TraceQL search with `tableType: 'spans'`,
 * docs/suspects.md#what-tempo-answers), and deciding what the section shows.
 */
import type { DataFrame } from '@grafana/data';
import { attributeName, SPAN_NAME, SUSPECT_ATTRIBUTES } from '../datasources/suspectQueries';
import { rankSuspects, SpanAttributes, Suspect } from './suspects';

/**
 * The two samples' refIds. Grafana's Tempo data source runs only the first TraceQL query of a
 * request and names its frame's refId itself, so each sample is its own request and the
 * frames are not told apart by refId.
 */
export const SUSPECT_REFS = { failing: 'suspectsFailing', baseline: 'suspectsBaseline' } as const;

/** Fewer failing spans than this in the sample, and the section says so instead of ranking. */
export const MIN_FAILING_SPANS = 10;
/** Suspects shown. */
export const SHOWN_SUSPECTS = 5;

export interface SampledSpan {
  traceId: string;
  spanId: string;
  timeMs: number;
  attributes: SpanAttributes;
}

export interface SpanSample {
  spans: SampledSpan[];
  /** Whether any selected attribute came back as a field (false: Tempo ignored the selection). */
  selected: boolean;
}

function fieldValues(frame: DataFrame, name: string): unknown[] | undefined {
  const field = frame.fields.find((f) => f.name === name);
  return field ? Array.from(field.values as ArrayLike<unknown>) : undefined;
}

function cell(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value === '' ? undefined : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

/**
 * The spans of one sample: the answer's span tables (frames with a `spanID` field), one row per
 * span, each selected attribute read from the field Tempo named without its scope.
 */
export function spanSample(series: DataFrame[]): SpanSample {
  const spans: SampledSpan[] = [];
  let selected = false;
  for (const frame of series) {
    if (!frame.fields.some((f) => f.name === 'spanID')) {
      continue;
    }
    const traceIds = fieldValues(frame, 'traceIdHidden') ?? fieldValues(frame, 'traceID') ?? [];
    const spanIds = fieldValues(frame, 'spanID') ?? [];
    const times = fieldValues(frame, 'time') ?? [];
    const names = fieldValues(frame, SPAN_NAME) ?? [];
    const columns = SUSPECT_ATTRIBUTES.map((scoped) => [scoped, fieldValues(frame, attributeName(scoped))] as const);
    selected ||= columns.some(([, values]) => values !== undefined);
    for (let row = 0; row < frame.length; row++) {
      const attributes: SpanAttributes = {};
      const name = cell(names[row]);
      if (name !== undefined) {
        attributes[SPAN_NAME] = name;
      }
      for (const [scoped, values] of columns) {
        const value = values === undefined ? undefined : cell(values[row]);
        if (value !== undefined) {
          attributes[scoped] = value;
        }
      }
      const time = times[row];
      spans.push({
        traceId: String(traceIds[row] ?? ''),
        spanId: String(spanIds[row] ?? ''),
        timeMs: typeof time === 'number' ? time : Number(time),
        attributes,
      });
    }
  }
  return { spans, selected };
}

/** When a version first shows in the samples, and whether other versions ran before it. */
export interface VersionFirstSeen {
  version: string;
  firstSeenMs: number;
  /** Some sampled span of another version (or none) started before it: the rollout is in the window. */
  afterOthers: boolean;
}

export function versionFirstSeen(spans: SampledSpan[], version: string): VersionFirstSeen | undefined {
  let first = Infinity;
  let earliestOther = Infinity;
  for (const span of spans) {
    if (!Number.isFinite(span.timeMs)) {
      continue;
    }
    if (span.attributes['resource.service.version'] === version) {
      first = Math.min(first, span.timeMs);
    } else {
      earliestOther = Math.min(earliestOther, span.timeMs);
    }
  }
  if (first === Infinity) {
    return undefined;
  }
  return { version, firstSeenMs: first, afterOthers: earliestOther < first };
}

export type SuspectsView =
  | { kind: 'not-enough'; failing: number }
  | { kind: 'no-selection'; failing: number }
  | { kind: 'no-baseline'; failing: number }
  | { kind: 'none'; failing: number; baseline: number }
  | {
      kind: 'ranked';
      failing: number;
      baseline: number;
      suspects: Suspect[];
      deploy?: VersionFirstSeen;
    };

/** What the section shows for the answers to its two queries. */
export function suspectsView(failingSeries: DataFrame[], baselineSeries: DataFrame[]): SuspectsView {
  const failing = spanSample(failingSeries);
  const baseline = spanSample(baselineSeries);
  const nf = failing.spans.length;
  const nb = baseline.spans.length;
  if (nf < MIN_FAILING_SPANS) {
    return { kind: 'not-enough', failing: nf };
  }
  if (!failing.selected && !baseline.selected) {
    return { kind: 'no-selection', failing: nf };
  }
  if (nb === 0) {
    return { kind: 'no-baseline', failing: nf };
  }
  const suspects = rankSuspects(
    failing.spans.map((s) => s.attributes),
    baseline.spans.map((s) => s.attributes),
    { limit: SHOWN_SUSPECTS }
  );
  if (suspects.length === 0) {
    return { kind: 'none', failing: nf, baseline: nb };
  }
  const version = suspects.find((s) => s.attribute === 'resource.service.version' && !s.missing);
  const deploy = version ? versionFirstSeen([...failing.spans, ...baseline.spans], version.value) : undefined;
  return { kind: 'ranked', failing: nf, baseline: nb, suspects, deploy };
}
