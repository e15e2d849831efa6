import dashboard from './service-overview.json';
import pluginJson from '../plugin.json';
import { promql } from '../datasources';
import { PROVISIONED_UIDS } from '../settings';
import { expectValidPromQL, nodeTexts, syntaxErrors } from '../testing/grammar';
import { HOSTILE_SERVICES, interpolateForService } from './serviceVariableTesting';

const conv = { family: 'otel-spanmetrics' as const, serviceLabel: 'service_name' };
const perService = { service: { variable: 'service' }, window: '$__rate_interval' };
const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('the shipped service overview dashboard', () => {
  it('is listed in plugin.json includes with its path, and has a stable uid', () => {
    expect(pluginJson.includes).toContainEqual({
      type: 'dashboard',
      name: dashboard.title,
      path: 'dashboards/service-overview.json',
    });
    expect(dashboard.uid).toBe('pivot-service-overview');
  });

  it('runs exactly the queries of the PromQL builders, which parse with the PromQL grammar', () => {
    expect(exprs).toEqual([
      promql.requestRate(conv, { window: '$__rate_interval' }),
      promql.requestRate(conv, perService),
      promql.errorRatio(conv, perService),
      promql.latencyQuantile(conv, { ...perService, quantile: 0.95 }),
    ]);
    exprs.forEach(expectValidPromQL);
    const service = dashboard.templating.list.find((v) => v.name === 'service');
    expect(service?.definition).toBe(`label_values(${promql.familySelector(conv, 'requests')}, service_name)`);
  });

  it("matches exactly the selected service, whatever its name holds, after Grafana's interpolation", () => {
    for (const service of HOSTILE_SERVICES) {
      for (const expr of exprs.slice(1)) {
        const sent = interpolateForService(expr, service);
        expect({ service, errors: syntaxErrors('PromQL', sent.replace(/\$__rate_interval/g, '1m')) }).toEqual({
          service,
          errors: [],
        });
        // The raw string holds an RE2 pattern; Prometheus anchors it. JavaScript reads these
        // escaped literals the same way.
        const patterns = nodeTexts('PromQL', sent.replace(/\$__rate_interval/g, '1m'), 'StringLiteral')
          .filter((text) => text.startsWith('`'))
          .map((text) => new RegExp(`^(?:${text.slice(1, -1)})$`, 'u'));
        expect(patterns.length).toBeGreaterThan(0);
        for (const pattern of patterns) {
          expect({ service, matches: pattern.test(service) }).toEqual({ service, matches: true });
          for (const other of HOSTILE_SERVICES.filter((o) => o !== service).concat(['aXb', 'x', 'y', 'yyy', ''])) {
            expect({ service, other, matches: pattern.test(other) }).toEqual({ service, other, matches: false });
          }
        }
      }
    }
  });

  it('writes the regex format only where a regex is read', () => {
    expect(promql.matcher({ label: 'service_name', op: '=~', variable: 'service', format: 'regex' })).toBe(
      'service_name=~`${service:regex}`'
    );
    expect(() => promql.matcher({ label: 'service_name', op: '=', variable: 'service', format: 'regex' })).toThrow(
      /needs =~ or !~/
    );
  });

  it('fails loudly, never on another series, for a service name with a backtick', () => {
    const sent = interpolateForService(exprs[1], 'back`tick');
    expect(syntaxErrors('PromQL', sent.replace(/\$__rate_interval/g, '1m')).length).toBeGreaterThan(0);
  });

  it('reads Prometheus through its data source variable, defaulting to the provisioned uid', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
      current: { value: PROVISIONED_UIDS.prometheus },
    });
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      panel.targets.forEach((t) => expect(t.datasource).toEqual(panel.datasource));
    }
  });

  it('links every series and the dashboard back into Pivot, keeping the time range', () => {
    for (const panel of dashboard.panels) {
      expect(panel.fieldConfig.defaults.links).toEqual([
        {
          title: 'Investigate ${__field.labels.service_name} in Pivot',
          url: '/a/pivot-correlation-app/services/${__field.labels.service_name:percentencode}?${__url_time_range}',
        },
      ]);
    }
    expect(dashboard.links.map((l) => [l.url, l.keepTime])).toEqual([
      ['/a/pivot-correlation-app/services', true],
      ['/a/pivot-correlation-app/services/${service:percentencode}', true],
    ]);
  });

  it('gives every panel a unique id and a place on the grid', () => {
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    dashboard.panels.forEach((p) => expect(p.gridPos.w).toBeGreaterThan(0));
  });
});
