import { EmbeddedScene } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { pageScene } from '../../scenes/pageControls';
import { graphScene } from './GraphScene';

/** The Graph page's scene (its route, graphRoute.ts, loads this module when the page is shown). */
export function buildGraphScene(ctx: PivotContext): EmbeddedScene {
  return pageScene([graphScene(ctx)]);
}
