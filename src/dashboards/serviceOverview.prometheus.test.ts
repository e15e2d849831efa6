import dashboard from './service-overview.json';
import { METRIC_FAMILIES } from '../datasources/conventions';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { openMetricsText, redMetrics, ServiceTraffic } from '../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { HOSTILE_SERVICES, interpolateForService } from './serviceVariableTesting';

/**
 * The shipped service overview dashboard's per-service panels, interpolated by Scenes for
 * hostile service names, on a real Prometheus: each returns that service's numbers and no
 * other service's. (jsdom environment: Scenes needs it; the harness only spawns and asks.)
 */
const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 900, step: 15 };
const FRACTIONS = [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0];
// Services a mis-escaped pattern would also match ('aXb' for 'a.b', 'y' and 'yyy' for '(x)|y*').
const BYSTANDERS = ['aXb', 'y', 'yyy', 'x'];
const TRAFFIC: ServiceTraffic[] = [...HOSTILE_SERVICES, ...BYSTANDERS].map((service, i) => ({
  service,
  requestsPerSecond: i + 1,
  errorRatio: 0.25,
  latencyFractions: FRACTIONS,
}));
const PER_SERVICE = dashboard.panels.slice(1).map((p) => ({ title: p.title, expr: p.targets[0].expr }));

describeWithPrometheus('service overview dashboard on a real Prometheus', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const info = METRIC_FAMILIES['otel-spanmetrics'];
    prom = await startPrometheus({ openMetrics: openMetricsText(redMetrics(info, 'service_name', TRAFFIC, GRID)) });
  });

  afterAll(async () => {
    await prom?.stop();
  });

  it.each(HOSTILE_SERVICES.map((service) => [JSON.stringify(service), service]))(
    'shows %s and only it in every per-service panel',
    async (_, service) => {
      const traffic = TRAFFIC.find((t) => t.service === service)!;
      for (const { title, expr } of PER_SERVICE) {
        const sent = interpolateForService(expr, service).replace(/\$__rate_interval/g, '5m');
        const samples = await prom.instant(sent, GRID.end);
        expect({ title, services: samples.map((s) => s.metric.service_name) }).toEqual({ title, services: [service] });
        if (title.startsWith('Request rate')) {
          expect(samples[0].value).toBeCloseTo(traffic.requestsPerSecond, 6);
        }
        if (title.startsWith('Error ratio')) {
          expect(samples[0].value).toBeCloseTo(traffic.errorRatio, 6);
        }
      }
    }
  );
});
