/**
 * The ids, titles and targets of what Pivot adds to Grafana and exposes to other plugins.
 * module.tsx registers exactly these and plugin.json declares exactly these (a test checks both).
 * Imported by the preloaded module: keep it to constants.
 *
 * The titles and descriptions stay English, outside t(): Grafana reads them as the module loads,
 * before the language is known, and matches each registration to plugin.json by its title.
 */

/** Grafana's extension points Pivot adds its "Investigate in Pivot" link to. */
export const INVESTIGATE_LINK_TARGETS = ['grafana/dashboard/panel/menu', 'grafana/explore/toolbar/action'];

export const INVESTIGATE_LINK = {
  title: 'Investigate in Pivot',
  description: 'Open the service or trace of this query in Pivot, at the same time range',
};

export const EXPOSED = {
  serviceHealth: {
    id: 'pivot-correlation-app/service-health/v1',
    title: 'Pivot service health',
    description: "A service's request rate, error ratio, p95 latency and SLO status, linking into Pivot",
  },
  traceSummary: {
    id: 'pivot-correlation-app/trace-summary/v1',
    title: 'Pivot trace summary',
    description: 'Where a trace failed (the deepest failing span), with links to the trace and its logs in Pivot',
  },
};

/** Grafana's own form, used by "Add to dashboard" on Pivot's panels. */
export const ADD_TO_DASHBOARD_FORM_ID = 'grafana/add-to-dashboard-form/v1';

/** The data source types a query can be investigated from, and the query field each keeps its text in. */
export const QUERY_FIELDS = {
  prometheus: 'expr',
  loki: 'expr',
  tempo: 'query',
} as const;

export type QueryLanguageSource = keyof typeof QUERY_FIELDS;
