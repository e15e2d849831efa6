import { DataFrame, FieldType } from '@grafana/data';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricFamily } from '../datasources/conventions';
import { familyProbeFromCounts, MetricFamilyProbe, rankFamilies } from '../datasources/detect';
import { RECORDED_EDGES_PROBE_REF } from '../datasources/recordedEdges';
import { recordedProbeRefId } from '../datasources/redSeries';

/**
 * Runtime resolution of the metric family `auto`: the pages run the configuration check's
 * Prometheus probe (`prometheusProbeQueries`, one request of series counts) once at load and
 * pick the family here, by the same ranking the configuration page uses.
 */

/** The value of one `count(...)` instant query: 0 when no series matched (no frame or no row). */
function countOf(frames: DataFrame[], refId: string): number {
  for (const frame of frames) {
    if (frame.refId !== refId) {
      continue;
    }
    const value = frame.fields.find((f) => f.type === FieldType.number)?.values[0];
    if (typeof value === 'number' && Number.isFinite(value)) {
      return value;
    }
  }
  return 0;
}

/** Reads the probe's answer (Grafana frames, refIds `<family>:all`, `:server`, `:latency`) into detect.ts' shape. */
export function familyProbesFromFrames(frames: DataFrame[]): MetricFamilyProbe[] {
  return METRIC_FAMILY_LIST.map((family) => familyProbeFromCounts(family, (refId) => countOf(frames, refId)));
}

/** Whether the probe found Pivot's recorded RED series for `family` (`recordedProbeQueries`). */
export function recordedSeriesIn(frames: DataFrame[], family: MetricFamily): boolean {
  return countOf(frames, recordedProbeRefId(family)) > 0;
}

/** Whether the probe found Pivot's recorded service-graph edge series (`recordedEdgesProbeQuery`). */
export function recordedEdgesIn(frames: DataFrame[]): boolean {
  return countOf(frames, RECORDED_EDGES_PROBE_REF) > 0;
}

export type FamilyChoice =
  { kind: 'configured'; family: MetricFamily } | { kind: 'detected'; family: MetricFamily } | { kind: 'none' };

/** The family to query with: the configured one, else the best-ranked family that has series. */
export function chooseMetricFamily(configured: MetricFamily | 'auto', frames: DataFrame[] = []): FamilyChoice {
  if (configured !== 'auto') {
    return { kind: 'configured', family: configured };
  }
  const best = rankFamilies(familyProbesFromFrames(frames))[0];
  return best ? { kind: 'detected', family: best.family } : { kind: 'none' };
}

/** One line for the page: which family the numbers come from and why. */
export function describeFamilyChoice(choice: FamilyChoice): string {
  switch (choice.kind) {
    case 'configured':
      return `Metrics: ${METRIC_FAMILIES[choice.family].title} (set in Configuration)`;
    case 'detected':
      return `Metrics: ${METRIC_FAMILIES[choice.family].title} (detected; set the metric family in Configuration to skip detection)`;
    case 'none':
      return 'Metrics: no metric family has data';
  }
}
