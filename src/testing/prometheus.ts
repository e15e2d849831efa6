/**
 * A real Prometheus for tests and benchmarks: backfills OpenMetrics text with
 * `promtool tsdb create-blocks-from openmetrics`, starts `prometheus` on 127.0.0.1 on a free
 * port, and answers PromQL through the HTTP API. Binaries come from Debian's `prometheus`
 * package (`apt-get install -y prometheus`).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './processes';

export const INSTALL_HINT = 'needs prometheus and promtool on PATH: apt-get install -y prometheus';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

export interface RunningPrometheus {
  url: string;
  /** Evaluates `expr` at `timeSec` (Unix seconds); a scalar comes back as one sample with no labels. */
  instant(expr: string, timeSec: number): Promise<Sample[]>;
  range(expr: string, startSec: number, endSec: number, stepSec: number): Promise<RangeSeries[]>;
  /**
   * Resolves once every loaded rule group has been evaluated at least once since start, so
   * recorded series and alert states exist. Rules run on Prometheus' own clock: this asks once
   * per evaluation interval, for at most RULE_WAIT_INTERVALS intervals.
   */
  rulesEvaluated(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** OpenMetrics exposition text ending in `# EOF`, with timestamps in seconds. */
  openMetrics?: string;
  /** Contents of Prometheus rule files to load. */
  rules?: string[];
  /** Targets to scrape, one job each (loopback addresses only). */
  scrapeTargets?: Array<{ job: string; target: string }>;
  /** Scrape and rule evaluation interval. */
  intervalSeconds?: number;
  /** Extra Prometheus flags. */
  flags?: string[];
  /**
   * Directories of TSDB blocks to load besides the backfill, e.g. the output of `promtool
   * tsdb create-blocks-from rules` (recorded series computed from another Prometheus).
   */
  blockDirs?: string[];
}

function hasBinary(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let toolsAvailable: boolean | undefined;

/** Whether `prometheus` and `promtool` can run here. */
export function prometheusToolsAvailable(): boolean {
  toolsAvailable ??= hasBinary('prometheus') && hasBinary('promtool');
  return toolsAvailable;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One GET to the local server; no timeout of its own (a hung server is jest's timeout to report). */
function httpGetJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface ApiResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

async function api(base: string, path: string, params: Record<string, string>): Promise<ApiResponse['data']> {
  const url = `${base}${path}?${new URLSearchParams(params).toString()}`;
  const { body } = await httpGetJson(url);
  const response = body as ApiResponse;
  if (!response || response.status !== 'success') {
    throw new Error(`Prometheus ${path} failed for ${params.query ?? ''}: ${response?.error ?? JSON.stringify(body)}`);
  }
  return response.data;
}

function toNumber(text: string): number {
  return Number(text);
}

/** The line Prometheus logs (level info) once it serves its API: the readiness event. */
const READY_LINE = 'Server is ready to receive web requests.';
/** Only a guard against a hung process: readiness itself is the event above, whatever the load. */
const HANG_GUARD_MS = 120000;
/** How many evaluation intervals `rulesEvaluated` waits for the first evaluation of every group. */
const RULE_WAIT_INTERVALS = 120;

/**
 * Resolves when Prometheus logs that it is ready, rejects as soon as it exits (or cannot be
 * started) with its output; no polling. `/-/ready` is then asked once, to be sure.
 */
async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(guard);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
      child.off('error', done);
      error ? reject(error) : resolve();
    };
    // `output()` already holds this chunk: the `keep` listener was attached first.
    const check = () => output().includes(READY_LINE) && done();
    const exited = (code: number | null, signal: string | null) =>
      done(new Error(`prometheus exited (${code ?? signal}) before it was ready: ${output()}`));
    const guard = setTimeout(
      () => done(new Error(`prometheus neither became ready nor exited in ${HANG_GUARD_MS / 1000} s: ${output()}`)),
      HANG_GUARD_MS
    );
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    child.once('error', done);
    check();
  });
  const { status, body } = await httpGetJson(`${url}/-/ready`);
  if (status !== 200) {
    throw new Error(`prometheus logged readiness but /-/ready answered ${status}: ${JSON.stringify(body)}`);
  }
}

interface RuleGroupStatus {
  name: string;
  lastEvaluation: string;
}

/** Whether every rule group has run: Prometheus reports Go's zero time before the first run. */
function allEvaluated(groups: RuleGroupStatus[]): boolean {
  return groups.every((g) => !g.lastEvaluation.startsWith('0001-01-01'));
}

export async function startPrometheus(options: StartOptions = {}): Promise<RunningPrometheus> {
  if (options.flags?.some((f) => f.startsWith('--log.level'))) {
    throw new Error('startPrometheus reads readiness from the info-level log: do not pass --log.level');
  }
  const dir = mkdtempSync(join(tmpdir(), 'pivot-prom-'));
  const dataDir = join(dir, 'data');
  if (options.openMetrics) {
    const input = join(dir, 'input.om');
    writeFileSync(input, options.openMetrics);
    // Large blocks keep the backfill to a few blocks even when the data spans weeks.
    execFileSync(
      'promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=720h', input, dataDir],
      {
        stdio: 'pipe',
      }
    );
  }
  for (const blocks of options.blockDirs ?? []) {
    cpSync(blocks, dataDir, { recursive: true });
  }
  const ruleFiles = (options.rules ?? []).map((content, i) => {
    const file = join(dir, `rules-${i}.yaml`);
    writeFileSync(file, content);
    return file;
  });
  const configFile = join(dir, 'prometheus.yml');
  const interval = `${options.intervalSeconds ?? 1}s`;
  const scrapeConfigs = (options.scrapeTargets ?? []).flatMap(({ job, target }) => [
    `  - job_name: ${JSON.stringify(job)}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(target)}]`,
  ]);
  writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'rule_files:',
      ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
      scrapeConfigs.length ? 'scrape_configs:' : 'scrape_configs: []',
      ...scrapeConfigs,
      '',
    ].join('\n')
  );

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Backfilled samples are old: keep them, and let queries see them.
      '--storage.tsdb.retention.time=100y',
      // Info level: readiness is read from the log (waitReady).
      '--log.level=info',
      ...(options.flags ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitReady(url, child, () => log);
  } catch (e) {
    await stop();
    throw e;
  }

  const intervalMs = (options.intervalSeconds ?? 1) * 1000;
  return {
    url,
    stop,
    async rulesEvaluated() {
      for (let attempt = 0; attempt < RULE_WAIT_INTERVALS; attempt++) {
        const { body } = await httpGetJson(`${url}/api/v1/rules`);
        const groups = (body as { data?: { groups?: RuleGroupStatus[] } })?.data?.groups ?? [];
        if (allEvaluated(groups)) {
          return;
        }
        // The next evaluation is at most one interval away.
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      throw new Error(`prometheus did not evaluate every rule group within ${RULE_WAIT_INTERVALS} intervals: ${log}`);
    },
    async instant(expr, timeSec) {
      const data = await api(url, '/api/v1/query', { query: expr, time: String(timeSec) });
      if (data?.resultType === 'scalar') {
        const [, v] = data.result as [number, string];
        return [{ metric: {}, value: toNumber(v) }];
      }
      const result = (data?.result ?? []) as Array<{ metric: Record<string, string>; value: [number, string] }>;
      return result.map((r) => ({ metric: r.metric, value: toNumber(r.value[1]) }));
    },
    async range(expr, startSec, endSec, stepSec) {
      const data = await api(url, '/api/v1/query_range', {
        query: expr,
        start: String(startSec),
        end: String(endSec),
        step: String(stepSec),
      });
      const result = (data?.result ?? []) as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
      return result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [t, toNumber(v)]) }));
    },
  };
}

export interface RecordedOptions {
  /** OpenMetrics exposition text of the raw series, ending in `# EOF`, timestamps in seconds. */
  openMetrics: string;
  /** Rule files' contents, each backfilled by its own promtool run (two files may record the same series). */
  rules: string[];
  /** The rules' first and last evaluation (Unix seconds) and the interval between evaluations (seconds). */
  start: number;
  end: number;
  stepSeconds: number;
}

/** Only a guard against a hung promtool: one backfill of a test's rules takes seconds. */
const BACKFILL_GUARD_MS = 300000;

/**
 * A Prometheus holding the raw series and the series `rules` record over them, as a ruler
 * would have recorded them: a first Prometheus serves the raw text, `promtool tsdb
 * create-blocks-from rules` evaluates each rule file against it, and the one returned starts
 * on the raw text plus those blocks. The first is stopped and the blocks' temp dir removed
 * whatever happens.
 */
export async function startPrometheusWithRecorded(options: RecordedOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-recorded-'));
  try {
    const raw = await startPrometheus({ openMetrics: options.openMetrics });
    const blockDirs: string[] = [];
    try {
      options.rules.forEach((content, i) => {
        const rules = join(dir, `rules-${i}.yaml`);
        writeFileSync(rules, content);
        const out = join(dir, `blocks-${i}`);
        execFileSync(
          'promtool',
          [
            'tsdb',
            'create-blocks-from',
            'rules',
            `--url=${raw.url}`,
            `--start=${options.start}`,
            `--end=${options.end}`,
            `--eval-interval=${options.stepSeconds}s`,
            `--output-dir=${out}`,
            '--quiet',
            rules,
          ],
          { stdio: 'pipe', timeout: BACKFILL_GUARD_MS }
        );
        blockDirs.push(out);
      });
    } finally {
      await raw.stop();
    }
    // startPrometheus copies the blocks into its own storage: this dir can go once it started.
    return await startPrometheus({ openMetrics: options.openMetrics, blockDirs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
