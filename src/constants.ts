import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** Page paths under the app's base URL. */
export const ROUTES = {
  Services: 'services',
  Trace: 'trace',
  Graph: 'graph',
  Slos: 'slos',
  /** Labels with ids and personal data in telemetry, with the Collector fixes. */
  Hygiene: 'hygiene',
  /** Where "Investigate in Pivot" links land: parses the queries, then opens the right page. */
  Investigate: 'investigate',
} as const;
