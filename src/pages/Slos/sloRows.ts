/**
 * The SLO pages' data, pure: the instant queries of each SLO's error ratio over every window
 * (straight from the metrics, so an SLO shows as soon as it is defined, before any rule is
 * loaded), and the frames they return turned into each SLO's status (analysis/slo.ts).
 */
import { DataFrame, FieldType } from '@grafana/data';
import { t } from '@grafana/i18n';
import type { SceneDataQuery } from '@grafana/scenes';
import { sloStatus, sliWindows, SloStatus, WindowRatios } from '../../analysis/slo';
import type { MetricConventions } from '../../datasources/conventions';
import { latencyBoundaries, sliErrorRatio } from '../../datasources/sloQueries';
import type { SloDefinition } from '../../slo/definition';
import { textValues } from '../../utils/i18nValues';
import type { UrlTimeRange } from '../../utils/links';

export interface PromQuery extends SceneDataQuery {
  expr: string;
  instant: boolean;
  range: boolean;
}

/** `slo<index>_<window>`: refIds must be plain, and SLO names may hold '.' and '-'. */
export function ratioRef(index: number, window: string): string {
  return `slo${index}_${window}`;
}

export const BOUNDARIES_REF = 'boundaries';

/** One instant query per SLO and window (8 per SLO; one request for the page). */
export function statusQueries(conv: MetricConventions, slos: SloDefinition[]): PromQuery[] {
  return slos.flatMap((slo, i) =>
    sliWindows(slo.period).map((window) => ({
      refId: ratioRef(i, window),
      expr: sliErrorRatio(conv, slo.sli, slo.service, window),
      instant: true,
      range: false,
    }))
  );
}

/** The detail page adds the latency histogram's boundaries, to check the threshold against them. */
export function detailQueries(conv: MetricConventions, slo: SloDefinition): PromQuery[] {
  const queries = statusQueries(conv, [slo]);
  if (slo.sli.type === 'latency') {
    queries.push({
      refId: BOUNDARIES_REF,
      expr: latencyBoundaries(conv, slo.service, slo.period),
      instant: true,
      range: false,
    });
  }
  return queries;
}

function lastNumber(frame: DataFrame): number | undefined {
  const field = frame.fields.find((f) => f.type === FieldType.number);
  const values = field?.values ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    const v: unknown = values[i];
    if (typeof v === 'number' && !Number.isNaN(v)) {
      return v;
    }
  }
  return undefined;
}

/** Error ratio per window for each SLO; a window without an answer is left out. */
export function ratiosFromFrames(frames: DataFrame[], slos: SloDefinition[]): WindowRatios[] {
  const ratios: WindowRatios[] = slos.map(() => ({}));
  slos.forEach((slo, i) => {
    for (const window of sliWindows(slo.period)) {
      const frame = frames.find((f) => f.refId === ratioRef(i, window));
      const value = frame ? lastNumber(frame) : undefined;
      if (value !== undefined) {
        ratios[i][window] = value;
      }
    }
  });
  return ratios;
}

export interface SloRow {
  slo: SloDefinition;
  status: SloStatus;
}

export function sloRows(frames: DataFrame[], slos: SloDefinition[]): SloRow[] {
  const ratios = ratiosFromFrames(frames, slos);
  return slos.map((slo, i) => ({ slo, status: sloStatus(slo.objective, slo.period, ratios[i]) }));
}

/** The `le` values the boundary probe returned (one frame per boundary, `le` on its labels). */
export function boundariesFromFrames(frames: DataFrame[]): string[] {
  return frames
    .filter((f) => f.refId === BOUNDARIES_REF)
    .flatMap((f) => f.fields.map((field) => field.labels?.le).filter((le): le is string => le !== undefined));
}

/** "Investigate": the Service page over the long window of the fastest-burning pair, ending now. */
export function investigateRange(status: SloStatus, nowMs: number): UrlTimeRange {
  const seconds = status.fastest?.pair.longSeconds ?? 3600;
  return { from: nowMs - seconds * 1000, to: nowMs };
}

export function formatPercent(fraction: number | undefined, digits = 2): string {
  return fraction === undefined || !Number.isFinite(fraction) ? '–' : `${(fraction * 100).toFixed(digits)}%`;
}

export function formatBurn(rate: number | undefined): string {
  return rate === undefined || !Number.isFinite(rate) ? '–' : `${rate.toFixed(rate < 10 ? 2 : 1)}x`;
}

export function formatExhaustion(seconds: number | undefined): string {
  if (seconds === undefined) {
    return t('pivot.slos.duration.not-burning', 'not burning');
  }
  if (seconds <= 0) {
    return t('pivot.slos.duration.exhausted', 'exhausted');
  }
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      return `${(seconds / size).toFixed(1)}${unit}`;
    }
  }
  return `${Math.round(seconds)}s`;
}

export type Edit = { kind: 'save'; slo: SloDefinition; replacing?: string } | { kind: 'delete'; name: string };

/** The definitions after an edit; an error when a new or renamed SLO takes an existing name. */
export function applyEdit(slos: SloDefinition[], edit: Edit): { slos: SloDefinition[] } | { error: string } {
  if (edit.kind === 'delete') {
    return { slos: slos.filter((s) => s.name !== edit.name) };
  }
  const clash = slos.some((s) => s.name === edit.slo.name && s.name !== edit.replacing);
  if (clash) {
    return {
      error: t(
        'pivot.slos.name-taken',
        'An SLO named {{name}} exists already: choose another name.',
        textValues({ name: edit.slo.name })
      ),
    };
  }
  if (edit.replacing === undefined) {
    return { slos: [...slos, edit.slo] };
  }
  return { slos: slos.map((s) => (s.name === edit.replacing ? edit.slo : s)) };
}
