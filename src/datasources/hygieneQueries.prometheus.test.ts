// A real Prometheus answers the Hygiene page's queries for data shaped like the demo's
// misbehaving storefront (docs/local-stack.md, FAULT_TELEMETRY_HYGIENE).
import { hygieneReport } from '../analysis/hygiene/findings';
import { counterFamily, CounterSeries, openMetricsText } from '../testing/openmetrics';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { hygieneClient } from '../testing/hygieneClient';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { customerId, DEMO_CUSTOMERS } from '../analysis/fixtures/hygieneEvidence';
import { collectHygieneEvidence, HygieneTargets } from './hygieneQueries';

const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 900, step: 15 };
const HOSTILE = 'we"ird $__interval [[x]]';

function times(): number[] {
  const out: number[] = [];
  for (let t = GRID.start; t <= GRID.end; t += GRID.step) {
    out.push(t);
  }
  return out;
}

const counter = (labels: Record<string, string>): CounterSeries => ({
  labels,
  points: times().map((t) => [t, t - GRID.start]),
});

function openMetrics(): string {
  const spanMetrics: CounterSeries[] = [];
  for (const service of ['storefront', 'checkout', HOSTILE]) {
    for (const status of ['STATUS_CODE_UNSET', 'STATUS_CODE_ERROR']) {
      spanMetrics.push(
        counter({
          job: service,
          service_name: service,
          span_name: 'POST /checkout',
          span_kind: 'SPAN_KIND_SERVER',
          status_code: status,
        })
      );
    }
  }
  const checkouts = Array.from({ length: DEMO_CUSTOMERS }, (_, i) =>
    counter({ job: 'storefront', user_id: customerId(i + 1) })
  );
  const hostileIds = Array.from({ length: 30 }, (_, i) => counter({ job: HOSTILE, order_id: `${90_000 + i * 7}` }));
  return openMetricsText([
    counterFamily('traces_span_metrics_calls_total', spanMetrics),
    counterFamily('storefront_checkouts_total', checkouts),
    counterFamily('orders_total', hostileIds),
  ]);
}

describeWithPrometheus('Hygiene queries against a real Prometheus', () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: openMetrics() });
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });

  const targets = (): HygieneTargets => ({
    prometheus: { ds: { uid: 'prom', name: 'Prometheus', type: 'prometheus' }, serviceLabel: 'service_name' },
    loki: { problem: 'not in this test' },
    tempo: { problem: 'not in this test' },
  });
  const scope = { fromMs: GRID.start * 1000, toMs: GRID.end * 1000 };

  it('the overview names the storefront, its user_id label and the fix; and the service with a hostile name', async () => {
    const client = hygieneClient({ prometheus: { uid: 'prom', url: prom.url } });
    const { evidence, cost } = await collectHygieneEvidence(client, targets(), scope);
    expect(evidence.metrics).toEqual(expect.objectContaining({ state: 'ok' }));
    if (evidence.metrics.state !== 'ok') {
      return;
    }
    const { seriesByService, seriesByMetric } = evidence.metrics.evidence;
    expect(seriesByService).toEqual(
      expect.arrayContaining([
        { service: 'storefront', series: DEMO_CUSTOMERS + 2 },
        { service: 'checkout', series: 2 },
        { service: HOSTILE, series: 32 },
      ])
    );
    expect(seriesByMetric).toContainEqual({
      service: 'storefront',
      metric: 'storefront_checkouts_total',
      series: DEMO_CUSTOMERS,
    });

    const report = hygieneReport(evidence);
    const labels = report.findings.filter((f) => f.kind === 'id-metric-label');
    expect(labels.map((f) => [f.service, f.field, f.count]).sort()).toEqual(
      [
        ['storefront', 'user_id', DEMO_CUSTOMERS],
        [HOSTILE, 'order_id', 30],
      ].sort()
    );
    expect(labels.every((f) => f.fix.component === 'transform/hygiene_metrics')).toBe(true);
    // Bounded: a fixed number of requests, whatever the data.
    expect(cost.requests).toBeLessThanOrEqual(4 + 25 + 10);
    expect(report.pillars.loki.state).toBe('not-configured');
  });

  it('a service scope reads only that service, hostile name included', async () => {
    const client = hygieneClient({ prometheus: { uid: 'prom', url: prom.url } });
    for (const [service, label, count] of [
      ['storefront', 'user_id', DEMO_CUSTOMERS],
      [HOSTILE, 'order_id', 30],
    ] as const) {
      const { evidence } = await collectHygieneEvidence(client, targets(), { ...scope, service });
      expect(evidence.metrics).toEqual(expect.objectContaining({ state: 'ok' }));
      const report = hygieneReport(evidence);
      expect(report.findings.map((f) => [f.service, f.field, f.count])).toEqual([[service, label, count]]);
    }
    const { evidence } = await collectHygieneEvidence(client, targets(), { ...scope, service: 'checkout' });
    expect(hygieneReport(evidence).findings).toEqual([]);
    expect(evidence.metrics.state === 'ok' && evidence.metrics.evidence.labels.map((l) => l.field).sort()).toEqual(
      ['service_name', 'span_kind', 'span_name', 'status_code'].filter((l) => l !== 'service_name')
    );
  });

  it('an unreachable Prometheus is an error, not a finding', async () => {
    const client = hygieneClient({ prometheus: { uid: 'prom', url: 'http://127.0.0.1:1' } });
    const { evidence } = await collectHygieneEvidence(client, targets(), scope);
    expect(evidence.metrics.state).toBe('error');
    expect(hygieneReport(evidence).findings).toEqual([]);
  });
});
