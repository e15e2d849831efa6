/**
 * Which window a page's statistics over its whole time range are read at, from Pivot's
 * recorded series (docs/scaling.md#over-exactly-1-hour): over a range of exactly 1 hour or 5
 * minutes, that recorded window as one instant read (redSeries.ts recordedWindowFor);
 * otherwise `$__range` (the recorded 5-minute rates tiling the range, or the raw queries).
 * The Graph page and the Service page's neighbourhood ask it before every request, so a
 * request always carries the queries of the range it is sent for.
 */
import { sceneGraph, SceneObject } from '@grafana/scenes';
import { recordedWindowFor } from '../datasources/redSeries';

/** The length of the time range `scene` is in, in whole seconds (Grafana's `$__range_s`). */
export function rangeSecondsOf(scene: SceneObject): number {
  const { from, to } = sceneGraph.getTimeRange(scene).state.value;
  return Math.round((to.valueOf() - from.valueOf()) / 1000);
}

/** `$__range`, or with recorded series and a range of exactly a recorded window's length, that window. */
export function recordedWindowOf(scene: SceneObject, recorded: boolean): string {
  return (recorded && recordedWindowFor(rangeSecondsOf(scene))) || '$__range';
}
