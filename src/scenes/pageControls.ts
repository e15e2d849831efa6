import {
  EmbeddedScene,
  SceneControlsSpacer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneObject,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
} from '@grafana/scenes';

/** The time range every Pivot page opens with when the URL has none. */
export const DEFAULT_RANGE = { from: 'now-1h', to: 'now' };

/** Every page's controls: the time picker and refresh picker, right-aligned. */
export function pageControls() {
  return [new SceneControlsSpacer(), new SceneTimePicker({}), new SceneRefreshPicker({})];
}

/**
 * A Pivot page: its time range (the default until the URL says otherwise), the page controls,
 * and its sections one under the other. One time range drives every section.
 */
export function pageScene(sections: SceneObject[]): EmbeddedScene {
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange(DEFAULT_RANGE),
    controls: pageControls(),
    body: new SceneFlexLayout({ direction: 'column', children: sections.map((body) => new SceneFlexItem({ body })) }),
  });
}
