/**
 * Helpers of the live suites (stack/live/): which binaries they need, a loopback OTLP/HTTP
 * JSON receiver standing in for Tempo and Loki, bounded load against the demo shop, bounded
 * polling, and the HTTP APIs of Prometheus, Loki and Tempo.
 */
import { execFileSync } from 'node:child_process';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { describeWhen, Requirement, skippedTitle } from '../../src/testing/describeWithPrometheus';
import { poll, sleep } from '../../src/testing/poll';
import { HOW_TO_GET } from '../native/nativeStack';

function runs(binary: string, args: string[]): boolean {
  try {
    execFileSync(binary, args, { stdio: 'ignore', timeout: 30000 });
    return true;
  } catch {
    return false;
  }
}

/** `<VAR>` when set, else `name` (found on PATH by the spawn). */
export function binaryOf(variable: string, name: string): string {
  return process.env[variable] || name;
}

function optionalBinary(variable: string, name: string, hint: string): Requirement {
  let found: boolean | undefined;
  return {
    available: () => (found ??= runs(binaryOf(variable, name), ['-version'])),
    reason: `needs ${name} on PATH or ${variable}: ${hint}`,
  };
}

export const LOKI_HERE = optionalBinary(
  'LOKI_BIN',
  'loki',
  'an official release binary or your own build (DEVELOPERS.md)'
);
export const TEMPO_HERE = optionalBinary(
  'TEMPO_BIN',
  'tempo',
  'an official release binary or your own build (DEVELOPERS.md)'
);
export const DEMO_DEPENDENCIES = 'needs the demo services’ dependencies: npm ci --prefix demo';

/**
 * `describe` for a part that runs only where its binaries are (Loki, Tempo): skipped with the
 * reason in its title when one is missing, in CI too (CI has no Loki or Tempo package).
 * Requirements CI must meet (Prometheus, the Collector) go through `describeWhen`.
 */
export function describeWherePresent(requirements: Requirement[], name: string, body: () => void): void {
  const missing = requirements.find((r) => !r.available());
  if (missing) {
    // Documented skip: Loki and Tempo are optional on every machine (DEVELOPERS.md).
    describe.skip(skippedTitle(name, missing.reason), body);
    return;
  }
  describe(name, body);
}

export { describeWhen };

export { poll, sleep };

export function http(
  method: string,
  url: string,
  body?: unknown,
  timeoutMs = 20000
): Promise<{ status: number; text: string; json: () => any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) });
        });
      }
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** One OTLP/HTTP JSON export the Collector sent to the capture receiver. */
export interface Captured {
  path: string;
  body: any;
}

export interface CaptureReceiver {
  url: string;
  received: Captured[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering every POST 200 and keeping its JSON body. */
export async function startCaptureReceiver(): Promise<CaptureReceiver> {
  const received: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (e) {
        res.writeHead(400).end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** OTLP JSON `attributes` ([{key, value: {stringValue|intValue|…}}]) as a plain map. */
export function attributeMap(
  attributes: Array<{ key: string; value: Record<string, unknown> }> = []
): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value ?? {})[0]]));
}

export interface CapturedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  statusCode: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
}

const nsToMs = (ns: unknown) => Number(BigInt(String(ns ?? '0')) / BigInt(1000)) / 1000;

export function capturedSpans(received: Captured[]): CapturedSpan[] {
  return received
    .filter((c) => c.path.endsWith('/v1/traces'))
    .flatMap((c) =>
      (c.body.resourceSpans ?? []).flatMap((rs: any) => {
        const service = String(attributeMap(rs.resource?.attributes)['service.name'] ?? '');
        return (rs.scopeSpans ?? []).flatMap((ss: any) =>
          (ss.spans ?? []).map((s: any) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            service,
            statusCode: s.status?.code ?? 0,
            startMs: nsToMs(s.startTimeUnixNano),
            endMs: nsToMs(s.endTimeUnixNano),
            attributes: attributeMap(s.attributes),
          }))
        );
      })
    );
}

export interface CapturedLog {
  service: string;
  body: unknown;
  traceId: string;
  attributes: Record<string, unknown>;
}

export function capturedLogs(received: Captured[]): CapturedLog[] {
  return received
    .filter((c) => c.path.endsWith('/v1/logs'))
    .flatMap((c) =>
      (c.body.resourceLogs ?? []).flatMap((rl: any) => {
        const service = String(attributeMap(rl.resource?.attributes)['service.name'] ?? '');
        return (rl.scopeLogs ?? []).flatMap((sl: any) =>
          (sl.logRecords ?? []).map((r: any) => ({
            service,
            body: Object.values(r.body ?? {})[0],
            traceId: r.traceId ?? '',
            attributes: attributeMap(r.attributes),
          }))
        );
      })
    );
}

/** The load generator's cart (demo/src/services/loadgen.ts), with the customer's contact details. */
export function cart(n: number) {
  const customer = n % 50;
  return {
    user: {
      id: `user-${String(customer).padStart(4, '0')}`,
      email: `customer${customer}@example.com`,
      phone: `+1-555-01${String(customer).padStart(2, '0')}`,
    },
    items: [{ sku: `sku-${n % 7}`, quantity: 1 + (n % 3) }],
    paymentMethod: n % 4 === 0 ? 'paypal' : 'card',
  };
}

/** Exactly `count` checkouts against the storefront, `concurrency` at a time; the answers' tallies. */
export async function checkouts(
  storefront: string,
  count: number,
  concurrency: number
): Promise<{ ok: number; failed: number }> {
  let next = 0;
  const tally = { ok: 0, failed: 0 };
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const res = await http('POST', `${storefront}/checkout`, cart(n));
      if (res.status < 400) {
        tally.ok++;
      } else if (res.status === 502) {
        tally.failed++;
      } else {
        throw new Error(`the storefront answered ${res.status}: ${res.text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return tally;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** An instant query, at `timeSec` (Unix seconds, may be fractional) or now. */
export async function promInstant(base: string, expr: string, timeSec?: number): Promise<PromSample[]> {
  const params = new URLSearchParams({ query: expr });
  if (timeSec !== undefined) {
    params.set('time', timeSec.toFixed(3));
  }
  const res = await http('GET', `${base}/api/v1/query?${params.toString()}`);
  const answer = res.json();
  if (answer.status !== 'success') {
    throw new Error(`Prometheus refused ${expr}: ${answer.error ?? res.text}`);
  }
  const result = answer.data.result;
  if (answer.data.resultType === 'scalar') {
    return [{ metric: {}, value: Number(result[1]) }];
  }
  return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
    metric: r.metric,
    value: Number(r.value[1]),
  }));
}

export { HOW_TO_GET };
