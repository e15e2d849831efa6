/**
 * The local stack as native processes on 127.0.0.1, without Docker: Prometheus, Loki, Tempo,
 * Pivot's OpenTelemetry Collector, Grafana and the demo services, each found on this machine
 * (PATH, LOKI_BIN/TEMPO_BIN/OTELCOL_BIN, the Collector's build cache), each on free loopback
 * ports with fresh storage in one temp dir, configured from the compose stack's own files
 * (configs.ts rewrites addresses and paths only). `npm run server` (scripts/native-stack.ts)
 * and the live tests (stack/live/) both start it here. Stopping sends SIGTERM to every process,
 * then SIGKILL to any still running after 10 s, and removes the temp dir.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import {
  CONFIG_FILES,
  collectorConfig,
  datasourcesConfig,
  lokiConfig,
  prometheusConfig,
  prometheusFlags,
  readStackFile,
  ROOT,
  tempoConfig,
} from './configs';
import { cachedOtelcolPath, otelcolBinary } from '../../src/testing/otelcol';
import { stopChild } from '../../src/testing/processes';

export type Part = 'prometheus' | 'loki' | 'tempo' | 'collector' | 'grafana';
export const PARTS: Part[] = ['prometheus', 'loki', 'tempo', 'collector', 'grafana'];

/** How to get each part when it is missing (one line each). */
export const HOW_TO_GET: Record<Part, string> = {
  prometheus: 'apt-get install -y prometheus (Debian/Ubuntu), or a release from https://prometheus.io/download/',
  loki: 'put loki (3.4 or newer) on PATH or set LOKI_BIN: an official release binary or your own build (DEVELOPERS.md)',
  tempo: 'put tempo (2.7) on PATH or set TEMPO_BIN: an official release binary or your own build (DEVELOPERS.md)',
  collector: 'run scripts/otelcol.sh to build the Collector (needs Go), or set OTELCOL_BIN',
  grafana: 'put grafana (or grafana-server) on PATH, 11.6 or newer: https://grafana.com/grafana/download',
};

function runs(binary: string, args = ['--version']): boolean {
  try {
    execFileSync(binary, args, { stdio: 'ignore', timeout: 30000 });
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) {
      return join(dir, name);
    }
  }
  return undefined;
}

/** Each part's binary on this machine, or undefined; `<PART>_BIN` wins over PATH. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): Partial<Record<Part, string>> {
  const pick = (variable: string, names: string[]) => {
    const named = env[variable];
    if (named) {
      return runs(named) || runs(named, ['-version']) ? named : undefined;
    }
    for (const name of names) {
      const found = onPath(name, env);
      if (found && (runs(found) || runs(found, ['-version']))) {
        return found;
      }
    }
    return undefined;
  };
  return {
    prometheus: pick('PROMETHEUS_BIN', ['prometheus']),
    loki: pick('LOKI_BIN', ['loki']),
    tempo: pick('TEMPO_BIN', ['tempo']),
    collector: otelcolBinary(env),
    grafana: pick('GRAFANA_BIN', ['grafana', 'grafana-server']),
  };
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

/** GET on loopback: the status and body, or the connection error's code. */
export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: String(e) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often and how many times a process's readiness URL is asked before start gives up. */
export const READY_POLL_MS = 500;
export const READY_ATTEMPTS = 360;

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** The process's last output (up to 8 KB), for error messages. */
  tail(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startProcess(
  dir: string,
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
): Proc {
  const logFile = join(dir, 'logs', `${name}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile);
  const child = spawn(command, args, {
    cwd: options.cwd ?? dir,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let tail = '';
  const keep = (c: Buffer) => {
    out.write(c);
    tail = (tail + c.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (e) => {
      tail += `\n${String(e)}`;
      resolve({ code: -1, signal: null });
    });
  });
  void exited.then(() => out.end());
  return { name, child, logFile, tail: () => tail, exited };
}

/** SIGTERM; SIGKILL when still running 10 s later (stopChild). Resolves once it exited. */
export async function stopProcess(proc: Proc): Promise<void> {
  await stopChild(proc.child);
  await proc.exited;
}

/**
 * Resolves when `url` answers 200 (and `body`, when given, matches), asking every
 * READY_POLL_MS, at most READY_ATTEMPTS times; rejects at once when the process exits.
 */
export async function waitReady(proc: Proc, url: string, body?: RegExp): Promise<void> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  let last = '';
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
    if (exited) {
      throw new Error(`${proc.name} exited before it was ready (log ${proc.logFile}):\n${proc.tail()}`);
    }
    const res = await httpGet(url, 2000);
    if (res.status === 200 && (!body || body.test(res.body))) {
      return;
    }
    last = `${res.status} ${res.body.slice(0, 200)}`;
    await sleep(READY_POLL_MS);
  }
  throw new Error(
    `${proc.name} was not ready at ${url} after ${READY_ATTEMPTS} tries (last answer: ${last}):\n${proc.tail()}`
  );
}

export const DEMO_SERVICES = ['queue', 'payment', 'inventory', 'checkout', 'fulfilment', 'storefront'] as const;
export type DemoService = (typeof DEMO_SERVICES)[number];

export interface StackOptions {
  /** Binaries to run; a part without one does not start. Default: findBinaries(). */
  binaries?: Partial<Record<Part, string>>;
  /** Start the demo services (demo/, through tsx). */
  demo?: boolean;
  /** Also start the demo's load generator (LOADGEN_RATE requests per second). */
  loadgen?: boolean;
  /** Extra environment for the demo services (faults chosen at start). */
  demoEnv?: Record<string, string>;
  /** Tests: where the Collector sends traces and logs instead of Tempo and Loki. */
  capture?: { traces?: string; logs?: string };
  /** Prometheus' scrape and rule evaluation interval override, e.g. '5s' (tests). */
  prometheusInterval?: string;
  /** Where to report progress; default nothing. */
  log?: (line: string) => void;
}

export interface NativeStack {
  dir: string;
  running: Part[];
  urls: {
    prometheus: string;
    loki?: string;
    tempo?: string;
    grafana?: string;
    otlpHttp?: string;
    otlpGrpc?: string;
    collectorHealth?: string;
  };
  demo: Partial<Record<DemoService, string>>;
  processes: Proc[];
  stop(): Promise<void>;
}

/** The demo's entry point, run with the demo package's tsx (demo/node_modules). */
export const DEMO_MAIN = join(ROOT, 'demo', 'src', 'main.ts');
export function demoInstalled(): boolean {
  return (
    existsSync(join(ROOT, 'demo', 'node_modules', 'tsx')) &&
    existsSync(join(ROOT, 'demo', 'node_modules', '@opentelemetry', 'api'))
  );
}

/** Grafana's home (conf/defaults.ini, public/): GRAFANA_HOME, else beside the binary, else Debian's. */
function grafanaHome(binary: string, env: NodeJS.ProcessEnv): string {
  const candidates = [env.GRAFANA_HOME, dirname(dirname(realpathSync(binary))), '/usr/share/grafana'];
  return (
    candidates.find((c): c is string => !!c && existsSync(join(c, 'conf', 'defaults.ini'))) ?? '/usr/share/grafana'
  );
}

/** Starts every part that has a binary (Prometheus is required), then the demo when asked. */
export async function startNativeStack(options: StackOptions = {}): Promise<NativeStack> {
  const binaries = options.binaries ?? findBinaries();
  const say = options.log ?? (() => undefined);
  if (!binaries.prometheus) {
    throw new Error(`the native stack needs prometheus: ${HOW_TO_GET.prometheus}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pivot-stack-'));
  const processes: Proc[] = [];
  const running: Part[] = [];
  const stop = async () => {
    // Reverse order: load and services first, the storage last, so nothing is lost in flight.
    for (const proc of [...processes].reverse()) {
      await stopProcess(proc);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const write = (name: string, text: string) => {
    const path = join(dir, 'config', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const urls: NativeStack['urls'] = { prometheus: '' };
  const demo: NativeStack['demo'] = {};
  try {
    // Prometheus
    const prom = await freePort();
    urls.prometheus = `http://127.0.0.1:${prom}`;
    let promText = prometheusConfig(readStackFile(CONFIG_FILES.prometheus), {
      web: prom,
      rulesDir: join(ROOT, CONFIG_FILES.rules),
    });
    if (options.prometheusInterval) {
      promText = promText
        .replace(/scrape_interval: 15s/, `scrape_interval: ${options.prometheusInterval}`)
        .replace(/evaluation_interval: 15s/, `evaluation_interval: ${options.prometheusInterval}`);
    }
    const promConfig = write('prometheus.yml', promText);
    const promProc = startProcess(
      dir,
      'prometheus',
      binaries.prometheus,
      prometheusFlags(promConfig, join(dir, 'prometheus'), prom)
    );
    processes.push(promProc);
    const remoteWrite = `${urls.prometheus}/api/v1/write`;

    const starting: Array<Promise<void>> = [
      waitReady(promProc, `${urls.prometheus}/-/ready`).then(() => void running.push('prometheus')),
    ];

    if (binaries.loki) {
      const http = await freePort();
      const grpc = await freePort();
      urls.loki = `http://127.0.0.1:${http}`;
      const config = write(
        'loki.yaml',
        lokiConfig(readStackFile(CONFIG_FILES.loki), { http, grpc, dataDir: join(dir, 'loki') })
      );
      const proc = startProcess(dir, 'loki', binaries.loki, [`-config.file=${config}`]);
      processes.push(proc);
      starting.push(waitReady(proc, `${urls.loki}/ready`).then(() => void running.push('loki')));
    }
    let tempoOtlp: string | undefined;
    if (binaries.tempo) {
      const [http, grpc, otlpGrpc, otlpHttp] = [await freePort(), await freePort(), await freePort(), await freePort()];
      urls.tempo = `http://127.0.0.1:${http}`;
      tempoOtlp = `127.0.0.1:${otlpGrpc}`;
      const config = write(
        'tempo.yaml',
        tempoConfig(readStackFile(CONFIG_FILES.tempo), {
          http,
          grpc,
          otlpGrpc,
          otlpHttp,
          remoteWrite,
          dataDir: join(dir, 'tempo'),
        })
      );
      const proc = startProcess(dir, 'tempo', binaries.tempo, [`-config.file=${config}`]);
      processes.push(proc);
      starting.push(waitReady(proc, `${urls.tempo}/ready`).then(() => void running.push('tempo')));
    }
    // The backends first: the Collector's exporters then find them up.
    await Promise.all(starting);
    say(
      `prometheus ${urls.prometheus}${urls.loki ? `, loki ${urls.loki}` : ''}${urls.tempo ? `, tempo ${urls.tempo}` : ''}`
    );

    if (binaries.collector) {
      const [otlpGrpc, otlpHttp, health] = [await freePort(), await freePort(), await freePort()];
      urls.otlpGrpc = `127.0.0.1:${otlpGrpc}`;
      urls.otlpHttp = `http://127.0.0.1:${otlpHttp}`;
      urls.collectorHealth = `http://127.0.0.1:${health}`;
      const config = write(
        'otelcol.yaml',
        collectorConfig(readStackFile(CONFIG_FILES.collector), {
          otlpGrpc,
          otlpHttp,
          health,
          remoteWrite,
          tempoOtlp,
          lokiOtlp: urls.loki ? `${urls.loki}/otlp` : undefined,
          captureTraces: options.capture?.traces,
          captureLogs: options.capture?.logs,
        })
      );
      const proc = startProcess(dir, 'otelcol', binaries.collector, [`--config=${config}`], {
        env: { ...process.env, PIVOT_PII_SALT: process.env.PIVOT_PII_SALT ?? '' },
      });
      processes.push(proc);
      await waitReady(proc, `${urls.collectorHealth}/`);
      running.push('collector');
      say(`collector: OTLP ${urls.otlpHttp} (HTTP), ${urls.otlpGrpc} (gRPC)`);
    }

    if (binaries.grafana) {
      const http = await freePort();
      urls.grafana = `http://127.0.0.1:${http}`;
      const provisioning = join(dir, 'grafana', 'provisioning');
      mkdirSync(join(provisioning, 'datasources'), { recursive: true });
      writeFileSync(
        join(provisioning, 'datasources', 'pivot.yaml'),
        datasourcesConfig(readStackFile(CONFIG_FILES.datasources), {
          prometheus: urls.prometheus,
          loki: urls.loki ?? 'http://127.0.0.1:1',
          tempo: urls.tempo ?? 'http://127.0.0.1:1',
        })
      );
      symlinkSync(join(ROOT, 'provisioning', 'plugins'), join(provisioning, 'plugins'));
      const plugins = join(dir, 'grafana', 'plugins');
      mkdirSync(plugins, { recursive: true });
      symlinkSync(join(ROOT, 'dist'), join(plugins, 'pivot-correlation-app'));
      const home = grafanaHome(binaries.grafana, process.env);
      const serverArgs = binaries.grafana.endsWith('grafana-server') ? [] : ['server'];
      // The compose stack's Grafana environment (docker-compose.yaml), plus paths and the port.
      const env = {
        ...process.env,
        GF_SERVER_HTTP_ADDR: '127.0.0.1',
        GF_SERVER_HTTP_PORT: String(http),
        GF_PATHS_DATA: join(dir, 'grafana', 'data'),
        GF_PATHS_LOGS: join(dir, 'grafana', 'logs'),
        GF_PATHS_PLUGINS: plugins,
        GF_PATHS_PROVISIONING: provisioning,
        GF_AUTH_ANONYMOUS_ENABLED: 'true',
        GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
        GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: 'pivot-correlation-app',
        GF_NEWS_NEWS_FEED_ENABLED: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_FEATURE_TOGGLES_ENABLE: 'localizationForPlugins',
      };
      const proc = startProcess(dir, 'grafana', binaries.grafana, [...serverArgs, `--homepath=${home}`], { env });
      processes.push(proc);
      await waitReady(proc, `${urls.grafana}/api/health`);
      running.push('grafana');
    }

    if (options.demo) {
      if (!urls.otlpHttp) {
        throw new Error(`the demo services send telemetry to the Collector, which is missing: ${HOW_TO_GET.collector}`);
      }
      const ports = Object.fromEntries(
        await Promise.all(DEMO_SERVICES.map(async (s) => [s, await freePort()]))
      ) as Record<DemoService, number>;
      const url = (s: DemoService) => `http://127.0.0.1:${ports[s]}`;
      // docker-compose.yaml's demo environment, with loopback addresses.
      const base: NodeJS.ProcessEnv = {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: urls.otlpHttp,
        DEMO_TELEMETRY: 'otlp',
        FAULT_TELEMETRY_HYGIENE: 'on',
        FAULT_INVENTORY_VERSION: process.env.FAULT_INVENTORY_VERSION ?? '',
        HOST: '127.0.0.1',
        CHECKOUT_URL: url('checkout'),
        PAYMENT_URL: url('payment'),
        INVENTORY_URL: url('inventory'),
        QUEUE_URL: url('queue'),
        STOREFRONT_URL: url('storefront'),
        ...options.demoEnv,
      };
      const cwd = join(ROOT, 'demo');
      const procs = DEMO_SERVICES.map((service) => {
        const proc = startProcess(dir, service, process.execPath, ['--import', 'tsx', DEMO_MAIN, service], {
          cwd,
          env: { ...base, PORT: String(ports[service]) },
        });
        processes.push(proc);
        demo[service] = url(service);
        return { service, proc };
      });
      await Promise.all(procs.map(({ service, proc }) => waitReady(proc, `${url(service)}/healthz`)));
      if (options.loadgen) {
        processes.push(
          startProcess(dir, 'loadgen', process.execPath, ['--import', 'tsx', DEMO_MAIN, 'loadgen'], {
            cwd,
            env: { ...base, PORT: '0', LOADGEN_RATE: base.LOADGEN_RATE ?? '5' },
          })
        );
      }
      say(`demo: storefront ${url('storefront')}${options.loadgen ? ', with the load generator' : ''}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, running, urls, demo, processes, stop };
}

/** Where the Collector would be cached for the current builder config (for messages). */
export function collectorCachePath(): string {
  return cachedOtelcolPath();
}
