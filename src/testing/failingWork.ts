/**
 * Spans for the failing-work live tests (src/pages/Services/failingWork.live.test.ts,
 * src/cli/failingWork.live.test.ts): a queue consumer, a server and a service with both kinds,
 * each failing in its own work and also in ways that are not its failing work, written to a real
 * Tempo through its OTLP/HTTP JSON receiver; and Pivot's searches through Tempo's /api/search as
 * Grafana's Tempo data source sends them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import { http, poll } from '../../stack/live/harness';
import { findBinaries, NativeStack, startNativeStack } from '../../stack/native/nativeStack';
import type { SearchTraceAnswer } from './tempoSpans';

const NS = BigInt(1_000_000);
export const MESSAGES = 40;
export const REQUESTS = 40;
export const BOTH = 10;

export type Kind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
const OTLP_KIND: Record<Kind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

interface Span {
  service: string;
  id: string;
  parent?: string;
  name: string;
  kind: Kind;
  failed: boolean;
  attributes?: Record<string, string>;
}

export interface Trace {
  traceId: string;
  atMs: number;
  spans: Span[];
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * The spans over the 80 s before `nowMs`, each message or request its own trace (kept recent
 * and few, as in src/pages/Services/whyItFails.live.test.tsx: Tempo 2.7's search of data still
 * in its ingesters answered part of a batch spread over many minutes):
 * - fulfilment processes 40 messages checkout produced; those to `orders.priority` (every 4th)
 *   fail, consumer span and its internal step; every 4th from the 3rd has a failing internal
 *   step inside a message that succeeded (a retried write): its failing work is the 10 priority
 *   messages only.
 * - payment serves 40 requests; two of every five (i % 5 < 2) fail; i % 5 = 2 has a
 *   failing call to the bank (client span) inside a request that succeeded.
 * - notifier serves requests and consumes messages: the first 5 requests fail, and the 5
 *   messages after them.
 */
export function failingWorkTraces(nowMs: number): Trace[] {
  const out: Trace[] = [];
  let n = 0;
  const next = () => (n += 1);
  for (let i = 0; i < MESSAGES; i++) {
    const t = next();
    const priority = i % 4 === 0;
    out.push({
      traceId: hex(0xf0000 + t, 32),
      atMs: nowMs - 80_000 + i * 2000,
      spans: [
        { service: 'checkout', id: hex(t * 16 + 1, 16), name: 'orders publish', kind: 'producer', failed: false },
        {
          service: 'fulfilment',
          id: hex(t * 16 + 2, 16),
          parent: hex(t * 16 + 1, 16),
          name: 'orders process',
          kind: 'consumer',
          failed: priority,
          attributes: { 'messaging.destination.name': priority ? 'orders.priority' : 'orders' },
        },
        {
          service: 'fulfilment',
          id: hex(t * 16 + 3, 16),
          parent: hex(t * 16 + 2, 16),
          name: 'write shipment',
          kind: 'internal',
          failed: priority || i % 4 === 2,
        },
      ],
    });
  }
  for (let i = 0; i < REQUESTS; i++) {
    const t = next();
    out.push({
      traceId: hex(0xf0000 + t, 32),
      atMs: nowMs - 80_000 + i * 2000 + 500,
      spans: [
        {
          service: 'payment',
          id: hex(t * 16 + 1, 16),
          name: 'POST /charge',
          kind: 'server',
          failed: i % 5 < 2,
          attributes: { 'http.route': '/charge' },
        },
        {
          service: 'payment',
          id: hex(t * 16 + 2, 16),
          parent: hex(t * 16 + 1, 16),
          name: 'POST bank',
          kind: 'client',
          failed: i % 5 === 2,
        },
      ],
    });
  }
  for (let i = 0; i < 2 * BOTH; i++) {
    const t = next();
    const message = i >= BOTH;
    out.push({
      traceId: hex(0xf0000 + t, 32),
      atMs: nowMs - 80_000 + i * 2000 + 1000,
      spans: [
        {
          service: 'notifier',
          id: hex(t * 16 + 1, 16),
          name: message ? 'emails process' : 'POST /notify',
          kind: message ? 'consumer' : 'server',
          failed: message ? i < BOTH + 5 : i < 5,
        },
      ],
    });
  }
  return out;
}

function otlp(all: Trace[]) {
  return {
    resourceSpans: all.flatMap((trace) =>
      trace.spans.map((s, depth) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: s.service } }] },
        scopeSpans: [
          {
            scope: { name: 'pivot-test' },
            spans: [
              {
                traceId: trace.traceId,
                spanId: s.id,
                ...(s.parent ? { parentSpanId: s.parent } : {}),
                name: s.name,
                kind: OTLP_KIND[s.kind],
                startTimeUnixNano: (BigInt(trace.atMs + depth * 5) * NS).toString(),
                endTimeUnixNano: (BigInt(trace.atMs + 100 - depth * 5) * NS).toString(),
                attributes: Object.entries(s.attributes ?? {}).map(([key, v]) => ({ key, value: { stringValue: v } })),
                status: s.failed ? { code: 2, message: `${s.name} failed` } : { code: 0 },
              },
            ],
          },
        ],
      }))
    ),
  };
}

/** The traces where `service` has a failing span of one of `kinds`. */
export function expectedTraces(all: Trace[], service: string, kinds: Kind[]): string[] {
  return all
    .filter((t) => t.spans.some((s) => s.service === service && s.failed && kinds.includes(s.kind)))
    .map((t) => t.traceId.replace(/^0+/, ''))
    .sort();
}

/** A TraceQL search as Grafana's Tempo data source sends it (/api/search, seconds). */
export async function tempoSearch(
  base: string,
  query: { query: string; limit: number; spss?: number },
  fromMs: number,
  toMs: number
) {
  const params = new URLSearchParams({
    q: query.query,
    limit: String(query.limit),
    start: String(Math.floor(fromMs / 1000)),
    end: String(Math.ceil(toMs / 1000)),
    ...(query.spss === undefined ? {} : { spss: String(query.spss) }),
  });
  const res = await http('GET', `${base}/api/search?${params.toString()}`, undefined, 60000);
  if (res.status !== 200) {
    throw new Error(`Tempo refused ${query.query}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return (res.json().traces ?? []) as SearchTraceAnswer[];
}

export const traceIds = (answer: SearchTraceAnswer[]) => answer.map((t) => t.traceID.replace(/^0+/, '')).sort();

export interface FailingWorkTempo {
  stack: NativeStack;
  tempo: string;
  nowMs: number;
  traces: Trace[];
  /** The window searched: the 10 minutes before the spans' writing, and one after. */
  window: { fromMs: number; toMs: number };
}

/**
 * Starts Tempo (and the Prometheus the native stack needs) from the stack's own configuration,
 * writes the spans and waits, with bounded attempts, until every one is in Tempo's search.
 */
export async function startFailingWorkTempo(): Promise<FailingWorkTempo> {
  const found = findBinaries();
  const stack = await startNativeStack({ binaries: { prometheus: found.prometheus, tempo: found.tempo } });
  try {
    const tempo = stack.urls.tempo ?? '';
    const tempoConfig = parse(readFileSync(join(stack.dir, 'config', 'tempo.yaml'), 'utf8'));
    const otlpHttp = `http://${tempoConfig.distributor.receivers.otlp.protocols.http.endpoint}`;
    const nowMs = Date.now();
    const traces = failingWorkTraces(nowMs);
    const sent = await http('POST', `${otlpHttp}/v1/traces`, otlp(traces));
    if (sent.status !== 200) {
      throw new Error(`Tempo's OTLP receiver answered ${sent.status}: ${sent.text.slice(0, 300)}`);
    }
    const window = { fromMs: nowMs - 10 * 60_000, toMs: nowMs + 60_000 };
    // Every span searchable: each service's traces, counted.
    let seen = '';
    await poll(
      'every written span in Tempo’s search',
      120,
      500,
      async () => {
        const counts = [];
        for (const service of ['checkout', 'fulfilment', 'payment', 'notifier']) {
          const query = { query: `{ resource.service.name = "${service}" }`, limit: 1000 };
          const answer = await tempoSearch(tempo, query, window.fromMs, window.toMs);
          const want = traces.filter((t) => t.spans.some((s) => s.service === service)).length;
          counts.push(`${service} ${answer.length}/${want}`);
        }
        seen = counts.join(', ');
        return counts.every((c) => /(\d+)\/\1$/.test(c)) ? true : undefined;
      },
      () => seen
    );
    return { stack, tempo, nowMs, traces, window };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
