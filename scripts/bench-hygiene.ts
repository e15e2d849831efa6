/**
 * `npx tsx scripts/bench-hygiene.ts`: the Hygiene page's cost on a real Prometheus (Debian's
 * `prometheus` and `promtool`) backfilled with BENCH_SERVICES (default 1,000) services of
 * OpenTelemetry Collector span metrics (about 30 series each) and the demo's misbehaving storefront
 * (`storefront_checkouts_total` with 50 `user_id` values): the overview (every service) and
 * the Service page's section (one service), each run BENCH_REPEATS times (default 5), through
 * the same requests the page sends (src/datasources/hygieneQueries.ts; Grafana's resource paths
 * answered by the server as Grafana forwards them). Prints a Markdown table for
 * docs/benchmarks.md.
 */
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';

import { METRIC_FAMILIES } from '../src/datasources/conventions';
import { collectHygieneEvidence, HygieneTargets } from '../src/datasources/hygieneQueries';
import { hygieneReport } from '../src/analysis/hygiene/findings';
import { customerId } from '../src/analysis/fixtures/hygieneEvidence';
import { counterFamily, openMetricsText, redMetrics, ServiceTraffic } from '../src/testing/openmetrics';
import { hygieneClient } from '../src/testing/hygieneClient';
import { INSTALL_HINT, prometheusToolsAvailable, startPrometheus } from '../src/testing/prometheus';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const STEP = 60;
const GRID = { start: 1_700_000_040, end: 1_700_000_040 + 20 * 60, step: STEP };
/** The page's window: the last 15 minutes of the data. */
const WINDOW = { fromMs: (GRID.end - 15 * 60) * 1000, toMs: GRID.end * 1000 };

function traffic(): ServiceTraffic[] {
  return Array.from({ length: SERVICES }, (_, i) => ({
    service: `service-${String(i).padStart(5, '0')}`,
    requestsPerSecond: 1 + (i % 50),
    errorRatio: (i % 10) / 100,
    latencyFractions: [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0],
  }));
}

function storefront(): string[] {
  const points = (): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let t = GRID.start; t <= GRID.end; t += STEP) {
      out.push([t, t - GRID.start]);
    }
    return out;
  };
  return counterFamily(
    'storefront_checkouts_total',
    Array.from({ length: 50 }, (_, i) => ({
      labels: { job: 'storefront', user_id: customerId(i + 1) },
      points: points(),
    }))
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (!prometheusToolsAvailable()) {
    throw new Error(INSTALL_HINT);
  }
  const info = METRIC_FAMILIES['otel-spanmetrics'];
  const text = openMetricsText([...redMetrics(info, 'service_name', traffic(), GRID), storefront()]);
  const backfillStart = performance.now();
  const prom = await startPrometheus({ openMetrics: text });
  const backfillSeconds = (performance.now() - backfillStart) / 1000;
  const targets: HygieneTargets = {
    prometheus: { ds: { uid: 'prom', name: 'Prometheus', type: 'prometheus' }, serviceLabel: 'service_name' },
    loki: { problem: 'not in this benchmark' },
    tempo: { problem: 'not in this benchmark' },
  };
  try {
    const rows: string[] = [];
    for (const [what, service] of [
      ['Hygiene page (every service)', undefined],
      ['Service page section (storefront)', 'storefront'],
      ['Service page section (service-00042)', 'service-00042'],
    ] as const) {
      const times: number[] = [];
      let requests = 0;
      let findings = '';
      let slowest = '';
      for (let i = 0; i < REPEATS; i++) {
        const direct = hygieneClient({ prometheus: { uid: 'prom', url: prom.url } });
        const timed: Array<[number, string]> = [];
        const client = {
          request: async (req: Parameters<typeof direct.request>[0]) => {
            const t0 = performance.now();
            const answer = await direct.request(req);
            timed.push([performance.now() - t0, req.url]);
            return answer;
          },
        };
        const started = performance.now();
        const { evidence, cost } = await collectHygieneEvidence(client, targets, { ...WINDOW, service });
        times.push(performance.now() - started);
        requests = cost.requests;
        if (evidence.metrics.state !== 'ok') {
          throw new Error(`${what}: ${evidence.metrics.message}`);
        }
        const [ms, url] = timed.sort((a, b) => b[0] - a[0])[0] ?? [0, ''];
        const q = new URL(url, 'http://grafana').searchParams.get('query');
        slowest = `${Math.round(ms)} ms: \`${(q ?? url.replace(/\?.*/, '')).replace(/\|/g, '\\|')}\``;
        findings = hygieneReport(evidence)
          .findings.map((f) => `${f.service} ${f.field} (${f.count})`)
          .join(', ');
      }
      rows.push(
        `| ${what} | ${requests} | ${Math.round(median(times))} | ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} | ${findings || 'none'} | ${slowest} |`
      );
    }
    const [total] = await prom.instant('count({__name__=~".+"})', GRID.end);
    const series = total?.value ?? 0;
    console.log(
      [
        `${SERVICES} services, ${series} series, 20 minutes at ${STEP} s; window 15 minutes; ${REPEATS} runs each; ${cpus().length} cores; backfill and start ${backfillSeconds.toFixed(0)} s.`,
        '',
        '| what | requests | median ms | min–max ms | findings | slowest request (last run) |',
        '| --- | ---: | ---: | ---: | --- | --- |',
        ...rows,
      ].join('\n')
    );
  } finally {
    await prom.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
