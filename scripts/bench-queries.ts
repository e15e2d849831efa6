/**
 * `npm run bench:queries`: the whole Services page load on a real Prometheus (Debian's
 * `prometheus` and `promtool`) backfilled with 1,000 and 10,000 services of Tempo span
 * metrics: every query the page sends, in the order and the requests it sends them
 * (scripts/benchPage.ts), with raw queries and with Pivot's recorded RED series, against the
 * per-service equivalent, in one interleaved run. Prints a Markdown table for
 * docs/benchmarks.md.
 *
 * The raw series are backfilled with `promtool tsdb create-blocks-from openmetrics`; the
 * recorded series with `promtool tsdb create-blocks-from rules` from the rules
 * `npm run red-rules` prints, evaluated against a first Prometheus over the raw blocks at the
 * data's own interval, as a ruler running all along would have recorded them: the 5-minute
 * rules over the whole data, the 1-hour ones (a minute apart) over its last 10 minutes only,
 * the only place the page reads them (an instant read at the end of its 1-hour window). A
 * second Prometheus then serves both.
 *
 * Options (environment): BENCH_SERVICES (default 1000,10000), BENCH_REPEATS (default 5),
 * BENCH_PER_SERVICE_REPEATS (default 2), BENCH_CONCURRENCY for the per-service way (default 6,
 * a browser's connections per host).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { METRIC_FAMILIES, MetricConventions } from '../src/datasources/conventions';
import { RED_WINDOW, recordedRequestRate, redSeriesNames } from '../src/datasources/redSeries';
import { SERVICES_PAGE_SIZE } from '../src/pages/Services/sparklines';
import { redLongRuleGroup, redRuleGroup } from '../src/slo/redRules';
import { rulesYaml } from '../src/slo/rules';
import { redMetrics, ServiceTraffic } from '../src/testing/openmetrics';
import {
  prometheusToolsAvailable,
  RunningPrometheus,
  Sample,
  startPrometheus,
  INSTALL_HINT,
} from '../src/testing/prometheus';
import {
  BenchQuery,
  detailTemplates,
  interpolate,
  listTemplates,
  pageWindow,
  PageWindow,
  perServiceTemplates,
  probeQueries,
  shownServices,
} from './benchPage';
import { SERVICE_STATS, statisticQuery } from '../src/pages/Services/pageRequests';

const SIZES = (process.env.BENCH_SERVICES ?? '1000,10000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const PER_SERVICE_REPEATS = Number(process.env.BENCH_PER_SERVICE_REPEATS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 6);
/**
 * 70 minutes of samples a minute; the page looks at the last hour, its default time range
 * (DEFAULT_RANGE, src/scenes/pageControls.ts): the 5-minute rates at the hour's start and the
 * sparklines' first rate are complete.
 */
const STEP = 60;
const GRID = { start: 1_700_000_040, end: 1_700_000_040 + 70 * 60, step: STEP };
const WINDOW: PageWindow = { rangeSeconds: 3600, rateIntervalSeconds: 4 * STEP };
/** The 1-hour rules are backfilled over the data's last 10 minutes only (they run once a minute). */
const LONG_RULES_SECONDS = 600;
/** The sparklines' range query: SPARKLINE_POINTS (40) points over the window. */
const SPARKLINE_STEP = WINDOW.rangeSeconds / 40;
const CONV: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };
/** Services generated per chunk of the streamed OpenMetrics file. */
const CHUNK = 500;

function traffic(from: number, count: number): ServiceTraffic[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      service: `service-${String(i).padStart(5, '0')}`,
      requestsPerSecond: 1 + (i % 50),
      errorRatio: (i % 10) / 100,
      latencyFractions: [0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0, 0, 0, 0],
    };
  });
}

/**
 * The OpenMetrics file of `services` services, written in chunks (10,000 services are ~0.7 GB
 * of text): each family's lines together, as OpenMetrics requires, then `# EOF`.
 */
function writeOpenMetrics(dir: string, services: number): string {
  const parts = [join(dir, 'calls.om'), join(dir, 'latency.om')];
  const fds = parts.map((p) => openSync(p, 'w'));
  for (let from = 0; from < services; from += CHUNK) {
    const families = redMetrics(
      METRIC_FAMILIES[CONV.family],
      CONV.serviceLabel,
      traffic(from, Math.min(CHUNK, services - from)),
      GRID
    );
    families.forEach((lines, i) => writeSync(fds[i], `${(from === 0 ? lines : lines.slice(1)).join('\n')}\n`));
  }
  fds.forEach((fd) => closeSync(fd));
  const file = join(dir, 'input.om');
  execFileSync('bash', [
    '-c',
    `cat "${parts[0]}" "${parts[1]}" > "${file}" && echo '# EOF' >> "${file}" && rm "${parts[0]}" "${parts[1]}"`,
  ]);
  return file;
}

function sizeOf(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((sum, e) => sum + sizeOf(join(path, e)), 0) : s.size;
}

function promtool(args: string[]): void {
  execFileSync('promtool', args, { stdio: 'pipe', maxBuffer: 1 << 26 });
}

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

/** Prometheus' own figures from its /metrics: resident memory, Go heap in use, CPU seconds so far. */
async function selfMetrics(prom: RunningPrometheus): Promise<{ rss: number; heap: number; cpu: number }> {
  const text = await getText(`${prom.url}/metrics`);
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    rss: value('process_resident_memory_bytes'),
    heap: value('go_memstats_heap_inuse_bytes'),
    cpu: value('process_cpu_seconds_total'),
  };
}

/**
 * The samples Prometheus read to answer `q` (`stats=all`, totalQueryableSamples): the work a
 * query does, whatever the machine's load.
 */
async function samplesOf(prom: RunningPrometheus, q: BenchQuery): Promise<number> {
  const params = new URLSearchParams(
    q.range
      ? {
          query: q.expr,
          start: String(GRID.end - WINDOW.rangeSeconds),
          end: String(GRID.end),
          step: String(SPARKLINE_STEP),
          stats: 'all',
        }
      : { query: q.expr, time: String(GRID.end), stats: 'all' }
  );
  const body = JSON.parse(
    await getText(`${prom.url}/api/v1/${q.range ? 'query_range' : 'query'}?${params.toString()}`)
  );
  return Number(body?.data?.stats?.samples?.totalQueryableSamples ?? NaN);
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function send(prom: RunningPrometheus, q: BenchQuery): Promise<unknown[]> {
  return q.range
    ? prom.range(q.expr, GRID.end - WINDOW.rangeSeconds, GRID.end, SPARKLINE_STEP)
    : prom.instant(q.expr, GRID.end);
}

/**
 * One request as Grafana sends it: its queries run side by side (Grafana's Prometheus data
 * source runs a request's queries concurrently); the request ends with its slowest query.
 */
async function oneRequest(prom: RunningPrometheus, queries: BenchQuery[]): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  await Promise.all(
    queries.map(async (q) => {
      const [ms] = await timed(() => send(prom, q));
      times[q.refId] = ms;
    })
  );
  return times;
}

/**
 * One Services page load as the page sends it: the list's request (what lists every service
 * and orders them, its queries side by side), then, once it answered, the other statistics
 * and the sparklines of the rows shown (a second request, side by side). Returns each query's
 * wall time (by refId: each statistic is in one of the two), the services the second named and
 * its queries.
 */
async function pageLoad(
  prom: RunningPrometheus,
  stats: BenchQuery[],
  recorded: boolean
): Promise<{ times: Record<string, number>; shown: string[]; details: BenchQuery[] }> {
  const answers: Record<string, Sample[]> = {};
  const times: Record<string, number> = {};
  await Promise.all(
    stats.map(async (q) => {
      const [ms, got] = await timed(() => prom.instant(q.expr, GRID.end));
      times[q.refId] = ms;
      answers[q.refId] = got;
    })
  );
  const shown = shownServices(answers, CONV.serviceLabel);
  const details = interpolate(detailTemplates(CONV, recorded, windowOf(recorded), shown), WINDOW);
  Object.assign(times, await oneRequest(prom, details));
  return { times, shown, details };
}

/** The statistics' window the page chooses for WINDOW (recorded over exactly 1 hour: the 1-hour series). */
function windowOf(recorded: boolean): string {
  return pageWindow(recorded, WINDOW.rangeSeconds);
}

/** Runs `tasks` with at most `limit` in flight. */
async function runPool(tasks: Array<() => Promise<unknown>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      await tasks[next++]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

interface SizeResult {
  services: number;
  series: number;
  recordedSeries: number;
  openMetricsBytes: number;
  rawBlocksBytes: number;
  ruleBlocksBytes: number;
  backfillMs: number;
  ruleBackfillMs: number;
  /** The part of ruleBackfillMs the 1-hour rules took (over the data's last LONG_RULES_SECONDS). */
  longRuleBackfillMs: number;
  memory: { rss: number; heap: number };
  /** Samples read by each way (all its queries). */
  samples: { probe: number; raw: number; recorded: number; recordedInstant: number; perService: number };
  /** Mean Prometheus CPU ms of each way. */
  cpu: { probe: number; raw: number; recorded: number; recordedInstant: number; perService: number };
  /** Median wall ms of each way. */
  probe: number;
  raw: number;
  recorded: number;
  recordedInstant: number;
  perService: number;
  perStatistic: { raw: Record<string, number>; recorded: Record<string, number> };
  perServiceQueries: number;
  /** Ways the page does not take, timed for comparison: median wall ms, mean CPU ms, samples. */
  alternatives: Record<string, { wall: number; cpu: number; samples: number }>;
}

/**
 * Ways the page does not take, one request each, to show where the time goes: the recorded
 * page's first request as it was before it asked only the list (the three statistics for every
 * service), the same with every service's sparkline (before the sparklines were bounded), the
 * page's first request alone, and the table from the recorded 5-minute values at the window's
 * end (the last 5 minutes, not the window).
 */
function alternativeWays(
  names: ReturnType<typeof redSeriesNames>,
  recordedList: BenchQuery[]
): Record<string, BenchQuery[]> {
  const everyStatistic = interpolate(
    SERVICE_STATS.map((stat) => statisticQuery(CONV, true, stat, windowOf(true))),
    WINDOW
  );
  const latest: BenchQuery[] = [
    { refId: 'requestRate', expr: names.requests, range: false },
    { refId: 'errorRatio', expr: names.errorRatio, range: false },
    { refId: 'p95', expr: names.latencyQuantile, range: false },
  ];
  const everySparkline: BenchQuery = {
    refId: 'sparkline',
    expr: recordedRequestRate(CONV, { window: RED_WINDOW }),
    range: true,
  };
  return {
    'recorded, the three statistics for every service (the first request before)': everyStatistic,
    'recorded, the three statistics and every service’s sparkline in one request': [...everyStatistic, everySparkline],
    'recorded, the page’s first request alone': recordedList,
    'table from the last 5 minutes, no sparkline': latest,
  };
}

async function benchSize(services: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-bench-'));
  let prom: RunningPrometheus | undefined;
  try {
    process.stderr.write(`${services} services: writing OpenMetrics\n`);
    const input = writeOpenMetrics(dir, services);
    const openMetricsBytes = sizeOf(input);
    const rawBlocks = join(dir, 'raw');
    process.stderr.write(
      `${services} services: backfilling ${(openMetricsBytes / 1e6).toFixed(0)} MB of OpenMetrics\n`
    );
    const [backfillMs] = await timed(async () =>
      promtool(['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=720h', input, rawBlocks])
    );
    rmSync(input);

    // The 5-minute rules over the whole data, the 1-hour ones over its last minutes: one rules
    // file each (every rule reads raw series only, so each group backfills on its own).
    const ruleBackfills = [
      { group: redRuleGroup(CONV), start: GRID.start, blocks: join(dir, 'rules') },
      { group: redLongRuleGroup(CONV), start: GRID.end - LONG_RULES_SECONDS, blocks: join(dir, 'rules-1h') },
    ];
    const ruleBlocks = ruleBackfills.map((b) => b.blocks);
    const first = await startPrometheus({ blockDirs: [rawBlocks] });
    const ruleBackfillMsOf: number[] = [];
    try {
      for (const { group, start, blocks } of ruleBackfills) {
        const rulesFile = join(dir, `${group.name}.rules.yaml`);
        writeFileSync(rulesFile, rulesYaml({ groups: [group] }));
        process.stderr.write(`${services} services: backfilling the recording rules of ${group.name}\n`);
        const [ms] = await timed(async () =>
          promtool([
            'tsdb',
            'create-blocks-from',
            'rules',
            `--url=${first.url}`,
            `--start=${start}`,
            `--end=${GRID.end}`,
            `--eval-interval=${STEP}s`,
            `--output-dir=${blocks}`,
            '--quiet',
            rulesFile,
          ])
        );
        ruleBackfillMsOf.push(ms);
      }
    } finally {
      await first.stop();
    }
    const ruleBackfillMs = ruleBackfillMsOf.reduce((a, b) => a + b, 0);
    prom = await startPrometheus({ blockDirs: [rawBlocks, ...ruleBlocks] });
    const p = prom;

    const names = redSeriesNames(CONV);
    const series = (await p.instant('count({__name__=~"traces_spanmetrics_.+"})', GRID.end))[0]?.value ?? NaN;
    const recordedSeries =
      (await p.instant(`count({__name__=~"${CONV.serviceLabel}:traces_spanmetrics_.+"})`, GRID.end))[0]?.value ?? NaN;
    const probe = probeQueries();
    const raw = interpolate(listTemplates(CONV, false, windowOf(false)), WINDOW);
    const recorded = interpolate(listTemplates(CONV, true, windowOf(true)), WINDOW);
    const instant: BenchQuery = { refId: 'recorded', expr: names.requests, range: false };
    const servicesList = traffic(0, services).map((t) => t.service);
    const perServiceQueries = servicesList.flatMap((s) => interpolate(perServiceTemplates(CONV, s), WINDOW));

    // Every statistic of the list answers one series per service, both ways, before anything is
    // timed; the second request names the first page of rows and answers one series each.
    for (const q of [...raw, ...recorded]) {
      const got = await send(p, q);
      if (got.length !== services) {
        throw new Error(`expected ${services} series from ${q.expr}, got ${got.length}`);
      }
    }
    const detailsOf: Record<'raw' | 'recorded', BenchQuery[]> = {} as never;
    for (const [way, stats] of [
      ['raw', raw],
      ['recorded', recorded],
    ] as const) {
      const { shown, details } = await pageLoad(p, stats, way === 'recorded');
      for (const q of details) {
        const got = await send(p, q);
        if (shown.length !== SERVICES_PAGE_SIZE || got.length !== SERVICES_PAGE_SIZE) {
          throw new Error(
            `expected ${SERVICES_PAGE_SIZE} series from ${q.expr}, named ${shown.length}, got ${got.length}`
          );
        }
      }
      detailsOf[way] = details;
    }

    const samplesOfAll = async (qs: BenchQuery[]) => {
      let total = 0;
      for (const q of qs) {
        total += await samplesOf(p, q);
      }
      return total;
    };
    process.stderr.write(`${services} services: counting the samples each way reads\n`);
    const alternatives = alternativeWays(names, recorded);
    const alternativeSamples: Record<string, number> = {};
    for (const [name, qs] of Object.entries(alternatives)) {
      alternativeSamples[name] = await samplesOfAll(qs);
    }
    const alternativeWall: Record<string, number[]> = {};
    const alternativeCpu: Record<string, number[]> = {};
    const samples = {
      probe: await samplesOfAll(probe),
      raw: await samplesOfAll([...raw, ...detailsOf.raw]),
      recorded: await samplesOfAll([...recorded, ...detailsOf.recorded]),
      recordedInstant: await samplesOfAll([instant]),
      perService: await samplesOfAll(perServiceQueries),
    };
    const cpuMs = {
      probe: [] as number[],
      raw: [] as number[],
      recorded: [] as number[],
      recordedInstant: [] as number[],
      perService: [] as number[],
    };
    /** Runs `fn` and keeps Prometheus' CPU time over it (its /metrics read included, ~1 ms). */
    const withCpu = async (into: number[], fn: () => Promise<void>) => {
      const before = (await selfMetrics(p)).cpu;
      await fn();
      into.push(((await selfMetrics(p)).cpu - before) * 1000);
    };
    const times = { probe: [] as number[], raw: [] as number[], recorded: [] as number[], instant: [] as number[] };
    const perService: number[] = [];
    const stats = { raw: {} as Record<string, number[]>, recorded: {} as Record<string, number[]> };
    const keep = (into: Record<string, number[]>, t: Record<string, number>) =>
      Object.entries(t).forEach(([k, v]) => (into[k] ??= []).push(v));
    const ways: Array<() => Promise<void>> = [
      ...Object.entries(alternatives).map(
        ([name, qs]) =>
          () =>
            withCpu((alternativeCpu[name] ??= []), async () => {
              (alternativeWall[name] ??= []).push((await timed(() => oneRequest(p, qs)))[0]);
            })
      ),
      () =>
        withCpu(cpuMs.raw, async () => {
          const [ms, t] = await timed(() => pageLoad(p, raw, false));
          times.raw.push(ms);
          keep(stats.raw, t.times);
        }),
      () =>
        withCpu(cpuMs.recorded, async () => {
          const [ms, t] = await timed(() => pageLoad(p, recorded, true));
          times.recorded.push(ms);
          keep(stats.recorded, t.times);
        }),
      () =>
        withCpu(cpuMs.recordedInstant, async () => {
          times.instant.push((await timed(() => send(p, instant)))[0]);
        }),
      () =>
        withCpu(cpuMs.probe, async () => {
          times.probe.push((await timed(() => oneRequest(p, probe)))[0]);
        }),
    ];
    for (let r = 0; r < REPEATS; r++) {
      // Interleaved, in a rotating order, so drift on the shared machine falls on every way alike.
      for (let i = 0; i < ways.length; i++) {
        await ways[(i + r) % ways.length]();
      }
      if (r < PER_SERVICE_REPEATS) {
        const tasks = perServiceQueries.map((q) => () => send(p, q));
        await withCpu(cpuMs.perService, async () => {
          perService.push((await timed(() => runPool(tasks, CONCURRENCY)))[0]);
        });
      }
      process.stderr.write(`${services} services: repeat ${r + 1}/${REPEATS}\n`);
    }
    const medians = (m: Record<string, number[]>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
    return {
      services,
      series,
      recordedSeries,
      openMetricsBytes,
      rawBlocksBytes: sizeOf(rawBlocks),
      ruleBlocksBytes: ruleBlocks.reduce((sum, b) => sum + sizeOf(b), 0),
      longRuleBackfillMs: ruleBackfillMsOf[1],
      backfillMs,
      ruleBackfillMs,
      memory: await selfMetrics(p),
      samples,
      cpu: {
        probe: mean(cpuMs.probe),
        raw: mean(cpuMs.raw),
        recorded: mean(cpuMs.recorded),
        recordedInstant: mean(cpuMs.recordedInstant),
        perService: mean(cpuMs.perService),
      },
      probe: median(times.probe),
      raw: median(times.raw),
      recorded: median(times.recorded),
      recordedInstant: median(times.instant),
      perService: median(perService),
      perStatistic: { raw: medians(stats.raw), recorded: medians(stats.recorded) },
      perServiceQueries: perServiceQueries.length,
      alternatives: Object.fromEntries(
        Object.keys(alternatives).map((name) => [
          name,
          { wall: median(alternativeWall[name]), cpu: mean(alternativeCpu[name]), samples: alternativeSamples[name] },
        ])
      ),
    };
  } finally {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

/** What the page's two requests ask, e.g. "request rate, error ratio for every service, then p95, sparkline of the 50 rows shown". */
function requestsOf(recorded: boolean): string {
  const words: Record<string, string> = {
    requestRate: 'request rate',
    errorRatio: 'error ratio',
    p95: 'p95',
    sparkline: 'sparkline',
  };
  const refs = (qs: BenchQuery[]) => qs.map((q) => words[q.refId] ?? q.refId).join(', ');
  const window = windowOf(recorded);
  return `${refs(listTemplates(CONV, recorded, window))} for every service, then ${refs(detailTemplates(CONV, recorded, window, ['x']))} of the ${SERVICES_PAGE_SIZE} rows shown; window ${window}`;
}

function table(results: SizeResult[]): string {
  const row = (label: string, cell: (r: SizeResult) => string) => `| ${label} | ${results.map(cell).join(' | ')} |`;
  const stat = (way: 'raw' | 'recorded', refId: string) => (r: SizeResult) => f(r.perStatistic[way][refId]);
  return [
    `| | ${results.map((r) => `${r.services.toLocaleString('en')} services`).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    row(
      'series (raw / recorded)',
      (r) => `${r.series.toLocaleString('en')} / ${r.recordedSeries.toLocaleString('en')}`
    ),
    row('metric-family probe (once per app load, family auto)', (r) => f(r.probe)),
    row(`**page, raw queries** (${requestsOf(false)})`, (r) => `**${f(r.raw)}**`),
    row('&nbsp;&nbsp;request rate / error ratio / p95 / sparkline', (r) =>
      ['requestRate', 'errorRatio', 'p95', 'sparkline'].map((s) => stat('raw', s)(r)).join(' / ')
    ),
    row(`**page, recorded series** (${requestsOf(true)})`, (r) => `**${f(r.recorded)}**`),
    row('&nbsp;&nbsp;request rate / error ratio / p95 / sparkline', (r) =>
      ['requestRate', 'errorRatio', 'p95', 'sparkline'].map((s) => stat('recorded', s)(r)).join(' / ')
    ),
    row('one recorded-series instant query', (r) => f(r.recordedInstant)),
    row(
      `**per service** (4 queries each, ${CONCURRENCY} in flight)`,
      (r) => `**${f(r.perService)}** (${r.perServiceQueries.toLocaleString('en')} queries)`
    ),
    row('per service / raw page', (r) => x(r.perService, r.raw)),
    row('per service / recorded page', (r) => x(r.perService, r.recorded)),
    row('raw page / recorded page', (r) => x(r.raw, r.recorded)),
    row('recorded page / one recorded instant query', (r) => x(r.recorded, r.recordedInstant)),
    row('samples read: raw page / recorded page / one recorded instant / per service', (r) =>
      [r.samples.raw, r.samples.recorded, r.samples.recordedInstant, r.samples.perService]
        .map((n) => n.toLocaleString('en'))
        .join(' / ')
    ),
    row('Prometheus CPU (mean): raw page / recorded page / one recorded instant / per service', (r) =>
      [r.cpu.raw, r.cpu.recorded, r.cpu.recordedInstant, r.cpu.perService].map(f).join(' / ')
    ),
    row(
      'CPU ratios: per service / raw page, per service / recorded page, recorded page / instant',
      (r) =>
        `${x(r.cpu.perService, r.cpu.raw)}, ${x(r.cpu.perService, r.cpu.recorded)}, ${x(r.cpu.recorded, r.cpu.recordedInstant)}`
    ),
    ...Object.keys(results[0].alternatives).map((name) =>
      row(`not the page: ${name} (wall / CPU / samples; x one instant query)`, (r) => {
        const a = r.alternatives[name];
        return `${f(a.wall)} / ${f(a.cpu)} / ${a.samples.toLocaleString('en')}; ${x(a.wall, r.recordedInstant)}`;
      })
    ),
    row('metric-family probe: samples / CPU', (r) => `${r.samples.probe.toLocaleString('en')} / ${f(r.cpu.probe)}`),
    row('first load with the probe, raw / recorded', (r) => `${f(r.probe + r.raw)} / ${f(r.probe + r.recorded)}`),
    row('Prometheus memory after the run (RSS / Go heap in use)', (r) => `${mb(r.memory.rss)} / ${mb(r.memory.heap)}`),
    row(
      'backfill: OpenMetrics text → raw blocks',
      (r) => `${mb(r.openMetricsBytes)} → ${mb(r.rawBlocksBytes)} in ${f(r.backfillMs)}`
    ),
    row(
      `backfill: recorded series blocks (of which the 1-hour rules over the last ${LONG_RULES_SECONDS / 60} minutes)`,
      (r) => `${mb(r.ruleBlocksBytes)} in ${f(r.ruleBackfillMs)} (${f(r.longRuleBackfillMs)})`
    ),
  ].join('\n');
}

async function main() {
  if (!prometheusToolsAvailable()) {
    throw new Error(`bench:queries ${INSTALL_HINT}`);
  }
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    results.push(await benchSize(size));
  }
  const lines = [
    `Run ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}),`,
    `${CONV.family}, ${GRID.end - GRID.start} s of samples every ${STEP} s, page window ${WINDOW.rangeSeconds} s ($__rate_interval ${WINDOW.rateIntervalSeconds} s),`,
    `median of ${REPEATS} interleaved repeats (per service: ${PER_SERVICE_REPEATS}); wall clock through the HTTP API on 127.0.0.1.`,
    '',
    table(results),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
