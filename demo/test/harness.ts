/**
 * Starts the demo services as real processes on 127.0.0.1 (free ports), each with its own
 * OpenTelemetry SDK in `local` mode: in-memory span and log exporters read back over
 * /debug/telemetry, metrics at /metrics.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/testing/prometheus';
import { callJson, JsonResponse, sleep } from '../src/http';
import type { LogRecordJson, SpanRecord, TelemetrySnapshot } from '../src/telemetry';

export const INSTRUMENTED = ['storefront', 'checkout', 'payment', 'inventory', 'fulfilment'] as const;
export type Instrumented = (typeof INSTRUMENTED)[number];
const ALL = [...INSTRUMENTED, 'queue'] as const;
type Service = (typeof ALL)[number];

export interface Demo {
  url(service: Service): string;
  port(service: Service): number;
  checkout(body?: unknown): Promise<JsonResponse>;
  setFault(service: 'payment' | 'inventory' | 'checkout', values: Record<string, number>): Promise<JsonResponse>;
  telemetry(service: Instrumented): Promise<TelemetrySnapshot>;
  /** Spans and logs of every instrumented service. */
  allTelemetry(): Promise<{ spans: SpanRecord[]; logs: LogRecordJson[] }>;
  /** Polls until `done` holds for the collected telemetry, at most `timeoutMs`. */
  waitFor(done: (t: { spans: SpanRecord[]; logs: LogRecordJson[] }) => boolean, timeoutMs?: number): Promise<{
    spans: SpanRecord[];
    logs: LogRecordJson[];
  }>;
  stop(): Promise<void>;
}

const MAIN = join(__dirname, '..', 'src', 'main.ts');

async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`service exited with ${child.exitCode}: ${output()}`);
    }
    try {
      const res = await callJson('GET', `${url}/healthz`, undefined, 1000);
      if (res.status === 200) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not become healthy in 30s: ${output()}`);
}

/** `env`: extra environment for every service (e.g. the faults chosen at start). */
export async function startDemo(env: Record<string, string> = {}): Promise<Demo> {
  const ports = {} as Record<Service, number>;
  for (const s of ALL) {
    ports[s] = await freePort();
  }
  const url = (s: Service) => `http://127.0.0.1:${ports[s]}`;
  const children: ChildProcess[] = [];

  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          })
      )
    );
  };

  try {
    await Promise.all(
      ALL.map(async (service) => {
        let log = '';
        const child = spawn(process.execPath, ['--import', 'tsx', MAIN, service], {
          env: {
            ...process.env,
            DEMO_TELEMETRY: 'local',
            DEMO_LOG_STDOUT: 'false',
            HOST: '127.0.0.1',
            PORT: String(ports[service]),
            CHECKOUT_URL: url('checkout'),
            PAYMENT_URL: url('payment'),
            INVENTORY_URL: url('inventory'),
            QUEUE_URL: url('queue'),
            STOREFRONT_URL: url('storefront'),
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        const keep = (c: Buffer) => {
          log = (log + c.toString('utf8')).slice(-4000);
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        await waitHealthy(url(service), child, () => `${service}: ${log}`);
      })
    );
  } catch (e) {
    await stop();
    throw e;
  }

  const telemetry = async (service: Instrumented) => {
    const res = await callJson('GET', `${url(service)}/debug/telemetry`);
    return res.body as TelemetrySnapshot;
  };
  const allTelemetry = async () => {
    const parts = await Promise.all(INSTRUMENTED.map(telemetry));
    return { spans: parts.flatMap((p) => p.spans), logs: parts.flatMap((p) => p.logs) };
  };

  return {
    url,
    port: (s) => ports[s],
    checkout: (body = { user: { email: 'ada@example.com' }, items: [{ sku: 'sku-1', quantity: 2 }] }) =>
      callJson('POST', `${url('storefront')}/checkout`, body),
    setFault: (service, values) => callJson('PUT', `${url(service)}/faults`, values),
    telemetry,
    allTelemetry,
    async waitFor(done, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      let last = await allTelemetry();
      while (!done(last)) {
        if (Date.now() > deadline) {
          throw new Error(`telemetry did not arrive within ${timeoutMs} ms; spans: ${last.spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
        }
        await sleep(100);
        last = await allTelemetry();
      }
      return last;
    },
    stop,
  };
}

export const SERVER = 1;
export const CLIENT = 2;
export const PRODUCER = 3;
export const CONSUMER = 4;
export const STATUS_ERROR = 2;
