/**
 * A small JSON HTTP layer on node:http. Outgoing calls use node:http too (not fetch), because
 * the OpenTelemetry HTTP instrumentation patches node:http: that is what makes client spans
 * and injects the W3C `traceparent` header into every call between services.
 */
import { trace } from '@opentelemetry/api';
import http, { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Telemetry } from './telemetry';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

export interface JsonRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export type Handler = (req: JsonRequest) => Promise<JsonResponse>;

/** Routes keyed by `METHOD /path`. */
export type Routes = Record<string, Handler>;

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, 'request body over 1 MiB');
    }
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface ServeOptions {
  port: number;
  host: string;
  routes: Routes;
  telemetry: Telemetry;
}

/** Servers being stopped: their answers close the connection (see stopServer). */
const stopping = new WeakSet<Server>();

/** Starts a server with the service's routes plus /healthz, /metrics and /debug/telemetry. */
export async function serve({ port, host, routes, telemetry }: ServeOptions): Promise<Server> {
  const server = http.createServer((req, res) => {
    if (stopping.has(server)) {
      // A keep-alive client would otherwise keep the connection, and so the process, alive.
      res.shouldKeepAlive = false;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      send(res, 200, { ok: true });
      return;
    }
    if (url.pathname === '/metrics' && telemetry.metricsHandler) {
      telemetry.metricsHandler(req, res);
      return;
    }
    if (url.pathname === '/debug/telemetry' && telemetry.snapshot) {
      send(res, 200, telemetry.snapshot());
      return;
    }
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler) {
      send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      return;
    }
    // Without a web framework the instrumentation names server spans by method alone; the
    // route makes span names (and so span metrics) say which endpoint was called.
    const span = trace.getActiveSpan();
    span?.setAttribute('http.route', url.pathname);
    span?.updateName(`${req.method} ${url.pathname}`);
    readBody(req)
      .then((body) => handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body }))
      .then(
        (out) => send(res, out.status, out.body),
        (e: unknown) => {
          const status = e instanceof HttpError ? e.status : 500;
          send(res, status, { error: e instanceof Error ? e.message : String(e) });
        }
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/**
 * Stops a server promptly under load: no new connections; every answer from now on closes
 * its connection; idle keep-alive connections close now; requests still running after
 * `graceMs` have their connections closed.
 */
export function stopServer(server: Server, graceMs = 1500): Promise<void> {
  stopping.add(server);
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** One JSON call to another service; rejects on network errors and timeouts, not on 4xx/5xx. */
export function callJson(method: string, url: string, body?: unknown, timeoutMs = 10000): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      }
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads a non-negative number field from a JSON object, within bounds. */
export function numberField(body: unknown, key: string, min: number, max: number): number | undefined {
  if (typeof body !== 'object' || body === null || !(key in body)) {
    return undefined;
  }
  const value = (body as Record<string, unknown>)[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new HttpError(400, `${key} must be a number from ${min} to ${max}`);
  }
  return value;
}
