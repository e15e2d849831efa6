import type { Pillar } from '../settings';

// Written out, not imported from settings: "Investigate in Pivot" builds links in the preloaded
// module, which should not carry the settings code.
const PILLARS: Pillar[] = ['prometheus', 'loki', 'tempo'];

/**
 * The data sources a page queries are page state: one per pillar, kept in the URL under
 * Grafana's variable keys (`var-metrics`, `var-logs`, `var-traces`, each a data source uid) and
 * carried by every link Pivot makes, so a link pasted into an incident channel queries the
 * same Prometheus, Loki and Tempo. Without a key the page uses the configured one.
 * (The Drilldown apps, with one data source each, call theirs `var-ds`; Pivot has three.)
 * A page resolves its choice in src/utils/pageContext.ts.
 */
export const DS_VARIABLES: Record<Pillar, string> = {
  prometheus: 'metrics',
  loki: 'logs',
  tempo: 'traces',
};

/** The URL key of a pillar's data source, as Scenes writes a variable: `var-<name>`. */
export function dsUrlKey(pillar: Pillar): string {
  return `var-${DS_VARIABLES[pillar]}`;
}

export const DS_URL_KEYS: string[] = PILLARS.map(dsUrlKey);

/** A data source uid per pillar; a pillar left out uses the configured data source. */
export type DataSourceChoice = Partial<Record<Pillar, string>>;

/** The choice a URL carries (its `var-` keys; empty values are no choice). */
export function choiceFromUrl(search: string | URLSearchParams): DataSourceChoice {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const choice: DataSourceChoice = {};
  for (const pillar of PILLARS) {
    const uid = params.get(dsUrlKey(pillar))?.trim();
    if (uid) {
      choice[pillar] = uid;
    }
  }
  return choice;
}

/** The choice as URL parameters, pillar by pillar in a fixed order. */
export function choiceParams(choice: DataSourceChoice | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pillar of PILLARS) {
    const uid = choice?.[pillar];
    if (uid) {
      params[dsUrlKey(pillar)] = uid;
    }
  }
  return params;
}

/**
 * Set by "Investigate in Pivot": the pillars whose data sources came from the panel (the others
 * are the defaults, and the page says so). Not carried further by links.
 */
export const FROM_PANEL_KEY = 'from-panel';

/** The pillars a `from-panel` value lists, or undefined when the URL has none. */
export function pillarsFromPanel(search: string | URLSearchParams): Pillar[] | undefined {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const value = params.get(FROM_PANEL_KEY);
  if (value === null) {
    return undefined;
  }
  const listed = value.split(',');
  return PILLARS.filter((p) => listed.includes(p));
}

let current: DataSourceChoice = {};

/**
 * The choice of the page on screen: what Pivot's links carry when their builder is not given
 * one (src/utils/links.ts). Set by the page when it is built and when its choice changes.
 */
export function currentDataSources(): DataSourceChoice {
  return current;
}

export function setCurrentDataSources(choice: DataSourceChoice): void {
  current = { ...choice };
}
