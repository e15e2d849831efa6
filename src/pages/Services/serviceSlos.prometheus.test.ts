// jsdom (the default environment): @grafana/data, which the frame builder uses, needs a window.
/**
 * The Services page's SLO status query in a real Prometheus: eight hours of span metrics for
 * three services are backfilled up to now, the rules Pivot generates for their SLOs are loaded,
 * and the one query for all services (`sloStatusAllServices`) answers each SLO's budget left
 * and firing burn-rate alerts, which `serviceSloStatuses` turns into each service's worst SLO.
 */
import { METRIC_FAMILIES, type MetricConventions } from '../../datasources/conventions';
import { sloStatusAllServices } from '../../datasources/sloQueries';
import { generateRules, rulesYaml } from '../../slo/rules';
import type { SloDefinition } from '../../slo/definition';
import { describeWithPrometheus } from '../../testing/describeWithPrometheus';
import { promSeries } from '../../testing/frames';
import { openMetricsText, redMetrics } from '../../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../../testing/prometheus';
import { poll } from '../../testing/poll';
import { serviceSloStatuses, SLO_STATUS_REF } from './serviceSlos';

const CONV: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };
const STEP = 60;
/** A service name that is a Go template and a PromQL string's worst case at once. */
const HOSTILE = 'pay"ments{{ range query "up" }}\\';
const FLAT = [0, 0, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0];

const SLOS: SloDefinition[] = [
  // Half the requests fail: far over every burn-rate threshold, the 1h/5m pair pages (critical).
  { name: 'checkout-availability', service: 'checkout', sli: { type: 'availability' }, objective: 99.9, period: '30d' },
  // 2% fail against a 1% budget: only the 3d/6h pair (factor 1) fires (warning); the budget is overspent by 100%.
  { name: 'hostile-availability', service: HOSTILE, sli: { type: 'availability' }, objective: 99, period: '30d' },
  // Nothing fails: the whole budget is left.
  { name: 'cart-availability', service: 'cart', sli: { type: 'availability' }, objective: 99.5, period: '28d' },
];
/** Defined in the settings but its rules are not loaded. */
const UNLOADED: SloDefinition = {
  name: 'search-availability',
  service: 'search',
  sli: { type: 'availability' },
  objective: 99,
  period: '30d',
};

describeWithPrometheus('Services page SLO status query in a real Prometheus', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const end = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP + 0.5;
    const grid = { start: end - 8 * 3600, end, step: STEP };
    const traffic = [
      { service: 'checkout', requestsPerSecond: 10, errorRatio: 0.5, latencyFractions: FLAT },
      { service: HOSTILE, requestsPerSecond: 5, errorRatio: 0.02, latencyFractions: FLAT },
      { service: 'cart', requestsPerSecond: 4, errorRatio: 0, latencyFractions: FLAT },
      { service: 'search', requestsPerSecond: 2, errorRatio: 0.5, latencyFractions: FLAT },
    ];
    prom = await startPrometheus({
      openMetrics: openMetricsText(redMetrics(METRIC_FAMILIES[CONV.family], CONV.serviceLabel, traffic, grid)),
      rules: [rulesYaml(generateRules(CONV, SLOS))],
    });
    await prom.rulesEvaluated();
  }, 180000);

  /**
   * The status query's answer once both firing SLOs' alerts are in it: they fire at the first
   * evaluation, but a loaded machine may answer between a group's recorded series and its
   * alerts, so the query is asked again once per evaluation interval, at most 30 times.
   */
  async function statusOnceEveryAlertIsIn() {
    let samples: Awaited<ReturnType<typeof prom.instant>> = [];
    return poll(
      'the firing alerts of checkout-availability and hostile-availability in the status query',
      31,
      1000,
      async () => {
        samples = await prom.instant(sloStatusAllServices(), Date.now() / 1000);
        const firing = new Set(samples.filter((s) => s.metric.alertstate === 'firing').map((s) => s.metric.slo));
        return firing.has('checkout-availability') && firing.has('hostile-availability') ? samples : undefined;
      },
      () => JSON.stringify(samples.map((s) => s.metric))
    );
  }

  afterAll(async () => {
    await prom?.stop();
  });

  it("answers every service's worst SLO in one query: firing critical, firing warning, ok, not recorded", async () => {
    const samples = await statusOnceEveryAlertIsIn();
    const frames = samples.map((s, i) => promSeries(SLO_STATUS_REF, s.metric, [[i, s.value]]));
    const statuses = serviceSloStatuses(frames, [...SLOS, UNLOADED]);

    const checkout = statuses.get('checkout')?.worst;
    expect(checkout?.firing).toBe('critical');
    expect(checkout?.budgetRemaining).toBeCloseTo(1 - 0.5 / 0.001, 6);

    const hostile = statuses.get(HOSTILE)?.worst;
    expect(hostile?.slo.name).toBe('hostile-availability');
    expect(hostile?.firing).toBe('warning');
    expect(hostile?.budgetRemaining).toBeCloseTo(-1, 6);

    const cart = statuses.get('cart')?.worst;
    expect(cart?.firing).toBeUndefined();
    expect(cart?.budgetRemaining).toBe(1);

    // search has traffic failing at 50% but no rules loaded: nothing is known, nothing invented.
    expect(statuses.get('search')?.worst).toEqual({ slo: UNLOADED });
    // The alert series are told apart by alertstate and name their SLO verbatim.
    expect(
      samples
        .filter((s) => s.metric.alertstate === 'firing')
        .map((s) => s.metric.slo)
        .sort()
    ).toEqual(expect.arrayContaining(['checkout-availability', 'hostile-availability']));
    expect(samples.some((s) => s.metric.slo === 'cart-availability' && s.metric.alertstate)).toBe(false);
  });
});
