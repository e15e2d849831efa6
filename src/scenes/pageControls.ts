import { SceneControlsSpacer, SceneRefreshPicker, SceneTimePicker } from '@grafana/scenes';

/** The time range every Pivot page opens with when the URL has none. */
export const DEFAULT_RANGE = { from: 'now-1h', to: 'now' };

/** Every page's controls: the time picker and refresh picker, right-aligned. */
export function pageControls() {
  return [new SceneControlsSpacer(), new SceneTimePicker({}), new SceneRefreshPicker({})];
}
