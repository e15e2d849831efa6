/**
 * The service overview dashboard of each metric family, from one template: the queries come
 * from the PromQL builders (so the dashboards and the pages read the same series), the service
 * label from the family's default. `npm run --silent service-dashboards` writes one file per
 * family (`SERVICE_OVERVIEW_FILES`), each listed in plugin.json `includes`, so the admin picks
 * the family's dashboard at import; a test keeps the files equal to what this module builds.
 */
import template from './service-overview.json';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions, MetricFamily } from '../datasources/conventions';
import { errorRatio, familySelector, latencyQuantile, requestRate } from '../datasources/promql';

export type Dashboard = typeof template;

/** The family the original dashboard was written for: its uid and title stay as they were. */
const ORIGINAL_FAMILY: MetricFamily = 'otel-spanmetrics';

/** Each family's dashboard file, under src/dashboards (dist/dashboards once built). */
export const SERVICE_OVERVIEW_FILES: Record<MetricFamily, string> = Object.fromEntries(
  METRIC_FAMILY_LIST.map((family) => [
    family,
    family === ORIGINAL_FAMILY ? 'service-overview.json' : `service-overview-${family}.json`,
  ])
) as Record<MetricFamily, string>;

/** The conventions a family's dashboard reads: the family's own service label. */
export function dashboardConventions(family: MetricFamily): MetricConventions {
  return { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
}

/** The four panels' queries: every service's request rate, then the selected `$service`'s rate, error ratio, p95. */
export function serviceOverviewQueries(family: MetricFamily): string[] {
  const conv = dashboardConventions(family);
  const perService = { service: { variable: 'service' }, window: '$__rate_interval' };
  return [
    requestRate(conv, { window: '$__rate_interval' }),
    requestRate(conv, perService),
    errorRatio(conv, perService),
    latencyQuantile(conv, { ...perService, quantile: 0.95 }),
  ];
}

export function serviceOverviewDashboard(family: MetricFamily): Dashboard {
  const conv = dashboardConventions(family);
  const info = METRIC_FAMILIES[family];
  const label = conv.serviceLabel;
  const queries = serviceOverviewQueries(family);
  const values = `label_values(${familySelector(conv, 'requests')}, ${label})`;
  // The links and legends name the template's label; each family names its own.
  const relabel = (text: string) =>
    text
      .replaceAll('__field.labels.service_name', `__field.labels.${label}`)
      .replaceAll('{{service_name}}', `{{${label}}}`);
  const dashboard: Dashboard = JSON.parse(relabel(JSON.stringify(template)));
  const original = family === ORIGINAL_FAMILY;
  return {
    ...dashboard,
    uid: original ? 'pivot-service-overview' : `pivot-overview-${family}`,
    title: original ? 'Pivot: service overview' : `Pivot: service overview (${info.title})`,
    description: `Request rate, error ratio and p95 latency per service (${info.title}: ${info.requests}), with links into Pivot.`,
    templating: {
      // The service variable is the one with a query object (the data source variable's is a type name).
      list: dashboard.templating.list.map((v) =>
        typeof v.query === 'object' ? { ...v, definition: values, query: { ...v.query, query: values } } : v
      ) as Dashboard['templating']['list'],
    },
    panels: dashboard.panels.map((panel, i) => ({
      ...panel,
      targets: panel.targets.map((target) => ({ ...target, expr: queries[i] })),
    })),
  };
}

/** The file's text as written: two-space JSON and a final newline. */
export function dashboardFileText(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
