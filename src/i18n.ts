import { initPluginTranslations } from '@grafana/i18n';
import { loadResources } from '@grafana/scenes';
import { PLUGIN_ID } from './constants';

let ready: Promise<unknown> | undefined;

/** Scenes' own strings need the plugin's translations set up before the first render. */
export function ensureTranslations(): Promise<unknown> {
  ready ??= initPluginTranslations(PLUGIN_ID, [loadResources]);
  return ready;
}
