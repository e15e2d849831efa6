import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pluginJson from '../plugin.json';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricFamily } from '../datasources/conventions';
import { expectValidPromQL, nodeTexts, syntaxErrors } from '../testing/grammar';
import {
  dashboardConventions,
  dashboardFileText,
  SERVICE_OVERVIEW_FILES,
  serviceOverviewDashboard,
  serviceOverviewQueries,
} from './serviceOverview';
import { HOSTILE_SERVICES, interpolateForService } from './serviceVariableTesting';

function shipped(family: MetricFamily): string {
  return readFileSync(join(__dirname, SERVICE_OVERVIEW_FILES[family]), 'utf8');
}

const FAMILIES = METRIC_FAMILY_LIST.map((family) => [family] as const);

describe('the service overview dashboard of every metric family', () => {
  it.each(FAMILIES)(
    '%s: the shipped file is what the generator builds (npm run --silent service-dashboards)',
    (family) => {
      expect(shipped(family)).toBe(dashboardFileText(serviceOverviewDashboard(family)));
    }
  );

  it('one dashboard per family, each listed in plugin.json includes, with distinct uids and titles', () => {
    const dashboards = METRIC_FAMILY_LIST.map((family) => ({ family, dashboard: serviceOverviewDashboard(family) }));
    for (const { family, dashboard } of dashboards) {
      expect(pluginJson.includes).toContainEqual({
        type: 'dashboard',
        name: dashboard.title,
        path: `dashboards/${SERVICE_OVERVIEW_FILES[family]}`,
      });
      // Grafana refuses a uid longer than 40 characters.
      expect(dashboard.uid.length).toBeLessThanOrEqual(40);
      expect(dashboard.description).toContain(METRIC_FAMILIES[family].requests);
    }
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(METRIC_FAMILY_LIST.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(METRIC_FAMILY_LIST.length);
  });

  it.each(FAMILIES)('%s: runs the builders’ queries on its own metrics and label, valid PromQL', (family) => {
    const dashboard = serviceOverviewDashboard(family);
    const { serviceLabel } = dashboardConventions(family);
    const info = METRIC_FAMILIES[family];
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs).toEqual(serviceOverviewQueries(family));
    for (const expr of exprs) {
      expectValidPromQL(expr);
      expect(expr).toContain(`by (${expr.startsWith('histogram_quantile') ? 'le, ' : ''}${serviceLabel})`);
    }
    expect(exprs.join('\n')).toContain(info.requests);
    expect(exprs[3]).toContain(info.latencyBucket);
    const service = dashboard.templating.list.find((v) => v.name === 'service');
    expect(service?.definition).toMatch(new RegExp(`^label_values\\(${info.requests}.*, ${serviceLabel}\\)$`));
    expect(service && 'query' in service && typeof service.query === 'object' && service.query.query).toBe(
      service?.definition
    );
    for (const panel of dashboard.panels) {
      expect(panel.targets[0].legendFormat).toBe(`{{${serviceLabel}}}`);
      expect(panel.fieldConfig.defaults.links).toEqual([
        {
          title: `Investigate \${__field.labels.${serviceLabel}} in Pivot`,
          url: `/a/pivot-correlation-app/services/\${__field.labels.${serviceLabel}:percentencode}?\${__url_time_range}`,
        },
      ]);
    }
    if (serviceLabel !== 'service_name') {
      expect(JSON.stringify(dashboard)).not.toContain('service_name');
    }
  });

  it.each(FAMILIES)(
    "%s: matches exactly the selected service, whatever its name holds, after Grafana's interpolation",
    (family) => {
      for (const expr of serviceOverviewQueries(family).slice(1)) {
        for (const service of HOSTILE_SERVICES) {
          const sent = interpolateForService(expr, service).replace(/\$__rate_interval/g, '1m');
          expect({ service, errors: syntaxErrors('PromQL', sent) }).toEqual({ service, errors: [] });
          const patterns = nodeTexts('PromQL', sent, 'StringLiteral')
            .filter((text) => text.startsWith('`'))
            .map((text) => new RegExp(`^(?:${text.slice(1, -1)})$`, 'u'));
          expect(patterns.length).toBeGreaterThan(0);
          for (const pattern of patterns) {
            expect({ service, matches: pattern.test(service) }).toEqual({ service, matches: true });
            for (const other of HOSTILE_SERVICES.filter((o) => o !== service)) {
              expect({ service, other, matches: pattern.test(other) }).toEqual({ service, other, matches: false });
            }
          }
        }
      }
    }
  );
});
