import { METRIC_FAMILIES, METRIC_FAMILY_LIST } from '../datasources/conventions';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { expectedQuantile, openMetricsText, redMetrics, ServiceTraffic } from '../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { dashboardConventions, serviceOverviewDashboard } from './serviceOverview';
import { HOSTILE_SERVICES, interpolateForService } from './serviceVariableTesting';

/**
 * Every family's service overview dashboard on a real Prometheus holding that family's metrics
 * (written by the test): each panel, interpolated by Scenes for a hostile service name, returns
 * that service's numbers and no other's; the first panel returns every service. (jsdom
 * environment: Scenes needs it; the harness only spawns and asks.)
 */
const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 900, step: 15 };
const FRACTIONS = [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0];
const BYSTANDERS = ['aXb', 'y', 'yyy', 'x'];
const TRAFFIC: ServiceTraffic[] = [...HOSTILE_SERVICES, ...BYSTANDERS].map((service, i) => ({
  service,
  requestsPerSecond: i + 1,
  errorRatio: 0.25,
  latencyFractions: FRACTIONS,
}));

describe.each(METRIC_FAMILY_LIST.map((family) => [family]))('%s', (family) => {
  describeWithPrometheus(`service overview dashboard of ${family} on a real Prometheus`, () => {
    let prom: RunningPrometheus;
    const { serviceLabel } = dashboardConventions(family);
    const [all, ...perService] = serviceOverviewDashboard(family).panels.map((p) => ({
      title: p.title,
      expr: p.targets[0].expr,
    }));

    beforeAll(async () => {
      const metrics = redMetrics(METRIC_FAMILIES[family], serviceLabel, TRAFFIC, GRID);
      prom = await startPrometheus({ openMetrics: openMetricsText(metrics) });
    });

    afterAll(async () => {
      await prom?.stop();
    });

    it('shows every service in the first panel', async () => {
      const samples = await prom.instant(all.expr.replace(/\$__rate_interval/g, '5m'), GRID.end);
      expect(samples.map((s) => s.metric[serviceLabel]).sort()).toEqual(TRAFFIC.map((t) => t.service).sort());
    });

    it('shows each hostile service and only it in every per-service panel, with its numbers', async () => {
      for (const service of HOSTILE_SERVICES) {
        const traffic = TRAFFIC.find((t) => t.service === service)!;
        for (const { title, expr } of perService) {
          const sent = interpolateForService(expr, service).replace(/\$__rate_interval/g, '5m');
          const samples = await prom.instant(sent, GRID.end);
          expect({ title, services: samples.map((s) => s.metric[serviceLabel]) }).toEqual({
            title,
            services: [service],
          });
          if (title.startsWith('Request rate')) {
            expect(samples[0].value).toBeCloseTo(traffic.requestsPerSecond, 6);
          }
          if (title.startsWith('Error ratio')) {
            expect(samples[0].value).toBeCloseTo(traffic.errorRatio, 6);
          }
          if (title.startsWith('p95')) {
            // In seconds whatever the family's unit: what histogram_quantile interpolates from the buckets.
            expect(samples[0].value).toBeCloseTo(expectedQuantile(FRACTIONS, 0.95).interpolated, 6);
          }
        }
      }
    });
  });
});
