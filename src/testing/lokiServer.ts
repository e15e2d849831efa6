/**
 * A real Loki for tests, started from the local stack's own configuration
 * (`stack/loki/loki.yaml`) with only what a test must change substituted: listen addresses
 * (127.0.0.1, free ports), storage paths (a fresh temp dir) and the ingester's readiness delay.
 * The binary is `LOKI_BIN` when set, else `loki` on PATH; suites guard with
 * `describeWherePresent([LOKI_HERE], …)` (stack/live/harness.ts): Loki is optional everywhere.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

import { freePort } from './prometheus';
import { stopChild } from './processes';

const STACK_CONFIG = join(__dirname, '..', '..', 'stack', 'loki', 'loki.yaml');

function lokiBinary(): string {
  return process.env.LOKI_BIN || 'loki';
}

export interface LokiStream {
  stream: Record<string, string>;
  /** [unix nanoseconds as a string, line] or with structured metadata as a third element. */
  values: Array<[string, string] | [string, string, Record<string, string>]>;
}

export interface LokiAnswerStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

export interface RunningLoki {
  url: string;
  push(streams: LokiStream[]): Promise<void>;
  /** A log query (`query_range`, direction forward) over [startNs, endNs]. */
  queryLogs(query: string, startNs: bigint, endNs: bigint, limit?: number): Promise<LokiAnswerStream[]>;
  stop(): Promise<void>;
}

function call(
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The stack's configuration with a test's ports and paths. */
export function lokiTestConfig(dir: string, httpPort: number, grpcPort: number): string {
  const config = parse(readFileSync(STACK_CONFIG, 'utf8')) as Record<string, any>;
  config.server = {
    ...config.server,
    http_listen_address: '127.0.0.1',
    http_listen_port: httpPort,
    grpc_listen_address: '127.0.0.1',
    grpc_listen_port: grpcPort,
    log_level: 'warn',
  };
  config.common.path_prefix = dir;
  config.common.storage.filesystem = { chunks_directory: join(dir, 'chunks'), rules_directory: join(dir, 'rules') };
  config.compactor = { ...config.compactor, working_directory: join(dir, 'compactor') };
  // Ready as soon as the ring is: the default waits 15 s after that.
  config.ingester = { ...config.ingester, lifecycler: { min_ready_duration: '0s', final_sleep: '0s' } };
  config.memberlist = { bind_addr: ['127.0.0.1'] };
  return stringify(config);
}

/** Attempts at /ready, 250 ms apart: a guard against a Loki that never becomes ready. */
const READY_ATTEMPTS = 480;

export async function startLoki(): Promise<RunningLoki> {
  const dir = mkdtempSync(join(tmpdir(), 'pivot-loki-'));
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const configFile = join(dir, 'loki.yaml');
  writeFileSync(configFile, lokiTestConfig(dir, httpPort, grpcPort));
  const url = `http://127.0.0.1:${httpPort}`;
  let log = '';
  const child: ChildProcess = spawn(lokiBinary(), [`-config.file=${configFile}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    let ready = false;
    for (let i = 0; i < READY_ATTEMPTS && !ready; i++) {
      if (child.exitCode !== null) {
        throw new Error(`loki exited with ${child.exitCode}: ${log}`);
      }
      ready = await call('GET', `${url}/ready`).then(
        (r) => r.status === 200,
        () => false
      );
      if (!ready) {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (!ready) {
      throw new Error(`loki did not become ready: ${log}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    url,
    async push(streams) {
      const res = await call('POST', `${url}/loki/api/v1/push`, JSON.stringify({ streams }), {
        'content-type': 'application/json',
      });
      if (res.status !== 204) {
        throw new Error(`loki push answered ${res.status}: ${res.text}`);
      }
    },
    async queryLogs(query, startNs, endNs, limit = 1000) {
      const params = new URLSearchParams({
        query,
        start: String(startNs),
        end: String(endNs),
        limit: String(limit),
        direction: 'forward',
      });
      const res = await call('GET', `${url}/loki/api/v1/query_range?${params.toString()}`);
      if (res.status !== 200) {
        throw new Error(`loki query ${query} answered ${res.status}: ${res.text}`);
      }
      const body = JSON.parse(res.text) as { data: { resultType: string; result: LokiAnswerStream[] } };
      if (body.data.resultType !== 'streams') {
        throw new Error(`loki answered ${body.data.resultType} to a log query`);
      }
      return body.data.result;
    },
    stop,
  };
}
