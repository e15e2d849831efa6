/**
 * Loopback: a real Prometheus on 127.0.0.1 scrapes the demo services' /metrics; Pivot's own
 * family detection picks the family their metrics form, and Pivot's error-ratio query on
 * that Prometheus shows the payment fault once it is switched on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, promql } from '../../src/datasources';
import { MetricFamilyProbe, rankFamilies } from '../../src/datasources/detect';
import { metricConventionsFor, normalizeSettings } from '../../src/settings';
import { sleep } from '../src/http';
import { INSTALL_HINT, prometheusToolsAvailable, Sample, startPrometheus } from '../../src/testing/prometheus';
import { Demo, INSTRUMENTED, startDemo } from './harness';

interface Prometheus {
  query(expr: string): Promise<Sample[]>;
  stop(): Promise<void>;
}

/** Pivot's test Prometheus (src/testing/prometheus.ts), scraping every instrumented service. */
async function startScraping(demo: Demo): Promise<Prometheus> {
  // One job per service, named after it: `job` is the service label of the HTTP semantic
  // convention family, as the collector's OTLP translation sets it from service.name.
  const prom = await startPrometheus({
    scrapeTargets: INSTRUMENTED.map((s) => ({ job: s, target: `127.0.0.1:${demo.port(s)}` })),
  });
  return { stop: prom.stop, query: (expr) => prom.instant(expr, Date.now() / 1000) };
}

/** Polls an instant query until its single value satisfies `ok`, at most 20 s. */
async function waitForValue(prom: Prometheus, expr: string, ok: (v: number) => boolean): Promise<number> {
  const deadline = Date.now() + 20000;
  let last = NaN;
  while (Date.now() < deadline) {
    const result = await prom.query(expr);
    last = result.length === 1 ? result[0].value : NaN;
    if (ok(last)) {
      return last;
    }
    await sleep(500);
  }
  throw new Error(`${expr} stayed at ${last}`);
}

const available = prometheusToolsAvailable();
if (!available && process.env.CI === 'true') {
  it('has Prometheus available', () => {
    throw new Error(`demo loopback test ${INSTALL_HINT}`);
  });
}

describe(`demo metrics in a real Prometheus${available ? '' : ` (skipped: ${INSTALL_HINT})`}`, { skip: !available }, () => {
  let demo: Demo;
  let prom: Prometheus;
  const conv = metricConventionsFor(normalizeSettings({}), 'http-semconv');
  const requests = (service: string) =>
    `sum(${promql.familySelector(conv, 'requests', { service })})`;
  const errors = (service: string) => `sum(${promql.familySelector(conv, 'errors', { service })})`;
  const errorRatio = (service: string) => promql.errorRatio(conv, { service, window: '1m' });

  before(async () => {
    demo = await startDemo();
    prom = await startScraping(demo);
    // Prometheus hands new targets to the scraper every 5 s: wait until every service is scraped.
    await waitForValue(prom, 'count(up == 1)', (v) => v === INSTRUMENTED.length);
  });

  after(async () => {
    await prom?.stop();
    await demo?.stop();
  });

  it('produces the metric family Pivot detects, and the error ratio is 0 while no fault is on', async () => {
    // Paced over several scrapes: rate() counts increases between samples, so a counter
    // first scraped after all its requests would show a rate of 0.
    for (let i = 0; i < 10; i++) {
      assert.equal((await demo.checkout()).status, 201);
      await sleep(400);
    }
    await waitForValue(prom, requests('payment'), (v) => v >= 10);
    // Two more scrapes, so that rate() has the counters' current values.
    await sleep(2500);

    const probes: MetricFamilyProbe[] = [];
    for (const family of METRIC_FAMILY_LIST) {
      const info = METRIC_FAMILIES[family];
      const c = metricConventionsFor(normalizeSettings({}), family);
      const all = await prom.query(`count(${promql.selector(info.requests)})`);
      const server = await prom.query(`count(${promql.familySelector(c, 'requests')})`);
      probes.push({ family, series: all[0]?.value ?? 0, serverSeries: server[0]?.value ?? 0, labels: [] });
    }
    const ranked = rankFamilies(probes);
    assert.equal(ranked[0]?.family, 'http-semconv', JSON.stringify(probes));

    const services = (await prom.query(promql.requestRate(conv, { window: '1m' }))).map((s) => s.metric.job).sort();
    assert.deepEqual(services, [...INSTRUMENTED].filter((s) => s !== 'fulfilment').sort(), 'every HTTP service has a request rate');
    for (const service of ['storefront', 'checkout', 'payment', 'inventory']) {
      const [ratio] = await prom.query(errorRatio(service));
      assert.equal(ratio?.value, 0, `${service} error ratio without faults`);
    }
  });

  it("reflects the switched-on payment fault in Pivot's error-ratio query", async () => {
    await demo.setFault('payment', { errorRatio: 1 });
    try {
      for (let i = 0; i < 10; i++) {
        assert.equal((await demo.checkout()).status, 502);
        await sleep(400);
      }
    } finally {
      await demo.setFault('payment', { errorRatio: 0 });
    }
    await waitForValue(prom, errors('payment'), (v) => v >= 10);
    await sleep(2500);

    const [payment] = await prom.query(errorRatio('payment'));
    const [storefront] = await prom.query(errorRatio('storefront'));
    const [inventory] = await prom.query(errorRatio('inventory'));
    // Half the requests of the last minute failed; rate() extrapolates, so leave room.
    assert.ok(payment.value > 0.25 && payment.value <= 1, `payment error ratio ${payment.value}`);
    assert.ok(storefront.value > 0.25, `the failure reaches the storefront: ${storefront.value}`);
    assert.equal(inventory.value, 0, 'inventory is not affected');
  });
});
