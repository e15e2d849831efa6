/**
 * `npm run bench:queries`: how much the Services page saves by asking one query per
 * statistic for all services, against one query per service. Backfills a real Prometheus
 * (Debian's `prometheus` and `promtool`) with ~1,000 services of span metrics, then times
 * both ways through the HTTP API. Prints a Markdown table for docs/benchmarks.md.
 *
 * Options (environment): BENCH_SERVICES (default 1000), BENCH_REPEATS (default 5),
 * BENCH_CONCURRENCY for the per-service run (default 6, a browser's connections per host).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

import { METRIC_FAMILIES, MetricConventions } from '../src/datasources/conventions';
import * as promql from '../src/datasources/promql';
import { openMetricsText, redMetrics, ServiceTraffic } from '../src/testing/openmetrics';
import { prometheusToolsAvailable, RunningPrometheus, startPrometheus, INSTALL_HINT } from '../src/testing/prometheus';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 6);
const GRID = { start: 1_700_000_000, end: 1_700_000_000 + 600, step: 30 };
const WINDOW = '5m';
const CONV: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };

type Statistic = 'requestRate' | 'errorRatio' | 'latencyQuantile';
const STATISTICS: Statistic[] = ['requestRate', 'errorRatio', 'latencyQuantile'];

function query(statistic: Statistic, service?: string): string {
  switch (statistic) {
    case 'requestRate':
      return promql.requestRate(CONV, { service, window: WINDOW });
    case 'errorRatio':
      return promql.errorRatio(CONV, { service, window: WINDOW });
    case 'latencyQuantile':
      return promql.latencyQuantile(CONV, { quantile: 0.95, service, window: WINDOW });
  }
}

function traffic(count: number): ServiceTraffic[] {
  return Array.from({ length: count }, (_, i) => ({
    service: `service-${String(i).padStart(4, '0')}`,
    requestsPerSecond: 1 + (i % 50),
    errorRatio: (i % 10) / 100,
    latencyFractions: [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0],
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
}

/** Runs `tasks` with at most `limit` in flight; returns the wall time in ms. */
async function runPool(tasks: Array<() => Promise<unknown>>, limit: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await task();
    }
  };
  const [ms] = await timed(() => Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker)));
  return ms;
}

async function bench(prom: RunningPrometheus, services: string[]) {
  const expectCount = async (expr: string, count: number) => {
    const samples = await prom.instant(expr, GRID.end);
    if (samples.length !== count) {
      throw new Error(`expected ${count} series from ${expr}, got ${samples.length}`);
    }
  };
  // Warm-up: every query once, which also checks the answers' shape.
  for (const s of STATISTICS) {
    await expectCount(query(s), services.length);
    await expectCount(query(s, services[0]), 1);
  }

  const batchPerStat: Record<string, number> = {};
  const batchTotals: number[] = [];
  const perServiceSequential: number[] = [];
  const perServiceConcurrent: number[] = [];
  const perServiceQuery: number[] = [];
  const stats: Record<Statistic, number[]> = { requestRate: [], errorRatio: [], latencyQuantile: [] };
  for (let r = 0; r < REPEATS; r++) {
    let total = 0;
    for (const s of STATISTICS) {
      const [ms] = await timed(() => prom.instant(query(s), GRID.end));
      stats[s].push(ms);
      total += ms;
    }
    batchTotals.push(total);

    let sequential = 0;
    for (const service of services) {
      for (const s of STATISTICS) {
        const [ms] = await timed(() => prom.instant(query(s, service), GRID.end));
        perServiceQuery.push(ms);
        sequential += ms;
      }
    }
    perServiceSequential.push(sequential);

    const tasks = services.flatMap((service) => STATISTICS.map((s) => () => prom.instant(query(s, service), GRID.end)));
    perServiceConcurrent.push(await runPool(tasks, CONCURRENCY));
    process.stderr.write(`repeat ${r + 1}/${REPEATS} done\n`);
  }
  for (const s of STATISTICS) {
    batchPerStat[s] = median(stats[s]);
  }
  return {
    batchPerStat,
    batchTotal: median(batchTotals),
    perServiceSequential: median(perServiceSequential),
    perServiceConcurrent: median(perServiceConcurrent),
    perServiceQuery: median(perServiceQuery),
  };
}

async function main() {
  if (!prometheusToolsAvailable()) {
    throw new Error(`bench:queries ${INSTALL_HINT}`);
  }
  const data = traffic(SERVICES);
  const text = openMetricsText(redMetrics(METRIC_FAMILIES[CONV.family], CONV.serviceLabel, data, GRID));
  process.stderr.write(`backfilling ${SERVICES} services (${(text.length / 1e6).toFixed(1)} MB of OpenMetrics)\n`);
  const [backfillMs, prom] = await timed(() => startPrometheus({ openMetrics: text }));
  try {
    const series = await prom.instant('count({__name__=~"traces_spanmetrics_.+"})', GRID.end);
    const r = await bench(
      prom,
      data.map((d) => d.service)
    );
    const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
    const lines = [
      `Run ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}),`,
      `${SERVICES} services of ${CONV.family} (${series[0]?.value ?? '?'} series), window ${WINDOW}, median of ${REPEATS} repeats,`,
      `backfill + start ${f(backfillMs)}. Times are wall clock through the HTTP API on 127.0.0.1.`,
      '',
      '| way | queries | time |',
      '|---|---|---|',
      ...STATISTICS.map((s) => `| all services, ${s} | 1 | ${f(r.batchPerStat[s])} |`),
      `| **all services, the three statistics** | 3 | **${f(r.batchTotal)}** |`,
      `| one service, one statistic (median query) | 1 | ${f(r.perServiceQuery)} |`,
      `| **per service, sequential** | ${3 * SERVICES} | **${f(r.perServiceSequential)}** |`,
      `| per service, ${CONCURRENCY} in flight | ${3 * SERVICES} | ${f(r.perServiceConcurrent)} |`,
      '',
      `Ratio per service / all services: ${(r.perServiceSequential / r.batchTotal).toFixed(1)}x sequential, ` +
        `${(r.perServiceConcurrent / r.batchTotal).toFixed(1)}x with ${CONCURRENCY} in flight.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await prom.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
