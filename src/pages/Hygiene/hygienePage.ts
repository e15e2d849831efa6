import { EmbeddedScene } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { grafanaProbeClient } from '../../components/AppConfig/grafanaProbeClient';
import type { ProbeClient } from '../../datasources/probes';
import { pageScene } from '../../scenes/pageControls';
import { HygieneScene } from '../../scenes/HygieneScene';

/** The Hygiene page's scene (its route, hygieneRoute.ts, loads this module when the page is shown). */
export function buildHygieneScene(ctx: PivotContext, client: ProbeClient = grafanaProbeClient()): EmbeddedScene {
  return pageScene([new HygieneScene({ ctx, client })]);
}
