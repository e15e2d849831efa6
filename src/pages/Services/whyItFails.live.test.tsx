/**
 * "What the failing requests share" and the error-log patterns against a real Tempo and Loki,
 * started by the native stack module (stack/native/nativeStack.ts) from the stack's own
 * stack/tempo/tempo.yaml and stack/loki/loki.yaml (loopback, free ports, temp storage). The test
 * writes spans through Tempo's OTLP/HTTP JSON receiver and log lines through Loki's push API,
 * shaped like the demo's faults: payment failing on its charge route; inventory failing half
 * of its requests on a new service.version. It runs Pivot's own queries through the real HTTP
 * APIs, turns the answers into the frames Grafana's data sources make of them, and reads them
 * with the page's own code (suspectsView, sampleLines, comparePatterns); then renders the two
 * sections on those frames. Skipped with the reason where loki or tempo is missing.
 */
import React from 'react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { screen } from '@testing-library/react';
import { EmbeddedScene, SceneFlexItem, SceneFlexLayout, SceneTimeRange } from '@grafana/scenes';

import { describeWherePresent, http, LOKI_HERE, poll, TEMPO_HERE } from '../../../stack/live/harness';
import { findBinaries, NativeStack, startNativeStack } from '../../../stack/native/nativeStack';
import { comparePatterns, sampleLines } from '../../analysis/logPatterns';
import { SUSPECT_REFS, suspectsView } from '../../analysis/suspectFrames';
import { failingSpansWith } from '../../datasources/suspectQueries';
import { normalizeSettings } from '../../settings';
import { PROMETHEUS } from '../../testing/describeWithPrometheus';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../../testing/fakeGrafana';
import { LogLine, lokiLogsFrame } from '../../testing/frames';
import { grafanaSpansFrame, SearchTraceAnswer } from '../../testing/tempoSpans';
import { logPatternsSection, PATTERN_REFS, patternQueries, PATTERNS_TEST_IDS } from './LogPatternsSection';
import { suspectQueries, suspectsSection, SUSPECTS_TEST_IDS, TempoSpansQuery } from './SuspectsSection';

jest.setTimeout(300000);

const NS = BigInt(1_000_000);
const MINUTE = 60_000;
const CONV = normalizeSettings({}).logs;
const HOSTS = ['node-a', 'node-b', 'node-c'];

interface SpanSpec {
  service: string;
  version: string;
  host: string;
  route: string;
  atMs: number;
  failed: boolean;
}

let counter = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** One trace per span: a server span of `service` with its route, version and host. */
function otlpTraces(specs: SpanSpec[]) {
  return {
    resourceSpans: specs.map((s) => {
      counter += 1;
      return {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: s.service } },
            { key: 'service.version', value: { stringValue: s.version } },
            { key: 'host.name', value: { stringValue: s.host } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'pivot-test' },
            spans: [
              {
                traceId: `${hex(counter, 8)}5b8efff798038103d269b633`,
                spanId: `${hex(counter, 8)}c0ffee00`,
                name: `POST ${s.route}`,
                kind: 2,
                startTimeUnixNano: (BigInt(s.atMs) * NS).toString(),
                endTimeUnixNano: (BigInt(s.atMs + 40) * NS).toString(),
                attributes: [
                  { key: 'http.route', value: { stringValue: s.route } },
                  { key: 'http.request.method', value: { stringValue: 'POST' } },
                  { key: 'http.response.status_code', value: { intValue: s.failed ? 500 : 200 } },
                  { key: 'request.id', value: { stringValue: `req-${counter}` } },
                ],
                status: s.failed ? { code: 2, message: 'HTTP 500' } : { code: 0 },
              },
            ],
          },
        ],
      };
    }),
  };
}

/**
 * The shop's spans over the 2 minutes before `nowMs`, one every 3 s per service: payment fails
 * two thirds of its charges (and none of its refunds); inventory runs 1.4.0 for the first
 * minute, then 1.5.0, which fails every other request. (Tempo 2.7's search of recent data, in
 * the ingesters, answered only part of a batch of spans spread over 8 or 20 minutes, whatever
 * the limit: the spans are kept recent and few, and the test waits until Pivot's own queries
 * answer all of them.)
 */
function shopSpans(nowMs: number): SpanSpec[] {
  const specs: SpanSpec[] = [];
  for (let i = 0; i < 40; i++) {
    const atMs = nowMs - 2 * MINUTE + i * 3000;
    const host = HOSTS[i % 3];
    const charge = i % 5 < 3;
    specs.push({
      service: 'payment',
      version: '2.3.1',
      host,
      route: charge ? '/charge' : '/refund',
      atMs,
      failed: charge && i % 3 !== 0,
    });
    const released = i >= 20;
    specs.push({
      service: 'inventory',
      version: released ? '1.5.0' : '1.4.0',
      host,
      route: '/reserve',
      atMs: atMs + 1000,
      failed: released && i % 2 === 0,
    });
  }
  return specs;
}

/** Error lines of inventory in both windows: one new pattern, one grown, one steady. */
function lokiPush(nowMs: number) {
  const values: Array<[string, string, Record<string, string>]> = [];
  const add = (atMs: number, line: string, i: number) =>
    values.push([
      (BigInt(atMs) * NS).toString(),
      line,
      { trace_id: `${hex(i + 1, 8)}5b8efff798038103d269b633`, level: 'error' },
    ]);
  for (let i = 0; i < 30; i++) {
    add(nowMs - 5 * MINUTE + i * 5000, 'stock service 1.5.0: reservation lock timed out', i);
  }
  for (let i = 0; i < 3; i++) {
    add(nowMs - 19 * MINUTE + i * 60_000, `db pool exhausted after ${20 + i}s`, 100 + i);
  }
  for (let i = 0; i < 9; i++) {
    add(nowMs - 9 * MINUTE + i * 30_000, `db pool exhausted after ${20 + i}s`, 200 + i);
  }
  for (const at of [nowMs - 15 * MINUTE, nowMs - 14 * MINUTE, nowMs - 4 * MINUTE, nowMs - 3 * MINUTE]) {
    add(at, 'cache refresh failed', 300);
  }
  values.sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1));
  return { streams: [{ stream: { service_name: 'inventory' }, values }] };
}

/** Pivot's TraceQL search through Tempo's /api/search, as Grafana's Tempo data source sends it. */
async function tempoSearch(base: string, query: TempoSpansQuery, fromMs: number, toMs: number) {
  const params = new URLSearchParams({
    q: query.query,
    limit: String(query.limit),
    spss: String(query.spss),
    start: String(Math.floor(fromMs / 1000)),
    end: String(Math.ceil(toMs / 1000)),
  });
  const res = await http('GET', `${base}/api/search?${params.toString()}`, undefined, 60000);
  if (res.status !== 200) {
    throw new Error(`Tempo refused ${query.query}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return res.json().traces as SearchTraceAnswer[];
}

/** Pivot's LogQL through Loki's query_range, its answer as Grafana's Loki logs frame. */
async function lokiFrame(base: string, expr: string, limit: number, fromMs: number, toMs: number, refId: string) {
  const params = new URLSearchParams({
    query: expr,
    start: `${fromMs}000000`,
    end: `${toMs}000000`,
    limit: String(limit),
    direction: 'backward',
  });
  const res = await http('GET', `${base}/loki/api/v1/query_range?${params.toString()}`, undefined, 60000);
  if (res.status !== 200) {
    throw new Error(`Loki refused ${expr}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  type Stream = { stream: Record<string, string>; values: Array<[string, string, Record<string, unknown>?]> };
  const lines: LogLine[] = (res.json().data.result as Stream[])
    .flatMap((s) => s.values.map(([ts, line]) => ({ timeMs: Number(BigInt(ts) / NS), line, labels: s.stream })))
    .sort((a, b) => b.timeMs - a.timeMs);
  return lokiLogsFrame(refId, lines);
}

describeWherePresent([PROMETHEUS, LOKI_HERE, TEMPO_HERE], 'why it fails, on a real Tempo and Loki', () => {
  let stack: NativeStack;
  let nowMs: number;
  const window = () => ({ fromMs: nowMs - 10 * MINUTE, toMs: nowMs + MINUTE });
  const before = () => {
    const { fromMs, toMs } = window();
    return { fromMs: fromMs - (toMs - fromMs), toMs: fromMs };
  };

  beforeAll(async () => {
    const found = findBinaries();
    stack = await startNativeStack({
      binaries: { prometheus: found.prometheus, loki: found.loki, tempo: found.tempo },
    });
    const tempoConfig = parse(readFileSync(join(stack.dir, 'config', 'tempo.yaml'), 'utf8'));
    const otlpHttp = `http://${tempoConfig.distributor.receivers.otlp.protocols.http.endpoint}`;
    nowMs = Date.now();
    const spans = shopSpans(nowMs);
    const sent = await http('POST', `${otlpHttp}/v1/traces`, otlpTraces(spans));
    expect(sent.status).toBe(200);
    const pushed = await http('POST', `${stack.urls.loki}/loki/api/v1/push`, lokiPush(nowMs));
    expect(pushed.status).toBe(204);
    // Searchable in Tempo and queryable in Loki, error level derived (bounded attempts).
    const { fromMs, toMs } = window();
    let seen = '';
    await poll(
      "every span in the answers to Pivot's queries",
      120,
      500,
      async () => {
        const counts = [];
        for (const service of ['payment', 'inventory']) {
          const queries = suspectQueries(service);
          for (const side of ['failing', 'baseline'] as const) {
            const traces = await tempoSearch(stack.urls.tempo ?? '', queries[side], fromMs, toMs);
            const want = spans.filter((s) => s.service === service && s.failed === (side === 'failing')).length;
            counts.push(`${service} ${side} ${traces.length}/${want}`);
          }
        }
        seen = counts.join(', ');
        return counts.every((c) => /(\d+)\/\1$/.test(c)) ? true : undefined;
      },
      () => seen
    );
    let lines = 0;
    await poll(
      'the error lines in Loki',
      120,
      500,
      async () => {
        const frame = await lokiFrame(
          stack.urls.loki ?? '',
          patternQueries(CONV, 'inventory').expr,
          5000,
          nowMs - 30 * MINUTE,
          nowMs + MINUTE,
          'x'
        );
        lines = frame.length;
        return frame.length === 46 ? true : undefined;
      },
      () => `${lines} lines of 46`
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function suspectFrames(service: string) {
    const { fromMs, toMs } = window();
    const queries = suspectQueries(service);
    const failing = grafanaSpansFrame(await tempoSearch(stack.urls.tempo ?? '', queries.failing, fromMs, toMs));
    const baseline = grafanaSpansFrame(await tempoSearch(stack.urls.tempo ?? '', queries.baseline, fromMs, toMs));
    return { failing, baseline };
  }

  it('Tempo 2.7 answers select() with the attributes on each span, named without their scope', async () => {
    const { fromMs, toMs } = window();
    const traces = await tempoSearch(stack.urls.tempo ?? '', suspectQueries('payment').failing, fromMs, toMs);
    const attributes = traces[0].spanSets?.[0].spans[0].attributes?.map((a) => a.key).sort();
    expect(attributes).toEqual(
      expect.arrayContaining(['host.name', 'http.request.method', 'http.route', 'service.name', 'service.version'])
    );
    expect(attributes?.some((k) => k.startsWith('resource.') || k.startsWith('span.'))).toBe(false);
  });

  it('attributes the payment fault to the charge route', async () => {
    const { failing, baseline } = await suspectFrames('payment');
    const view = suspectsView([failing], [baseline]);
    expect(view.kind).toBe('ranked');
    if (view.kind !== 'ranked') {
      return;
    }
    // Tempo's search answers carry no span name unless the query filters on it: the route it is.
    expect(view.suspects[0]).toMatchObject({ attribute: 'span.http.route', value: '/charge', failingShare: 1 });
    expect(view.suspects.some((s) => s.attribute.includes('host') || s.attribute.includes('version'))).toBe(false);
    expect(view.deploy).toBeUndefined();
    // Its pivot finds exactly the failing spans on the route, in the real Tempo.
    const { fromMs, toMs } = window();
    const query = {
      ...suspectQueries('payment').failing,
      query: failingSpansWith('payment', 'span.http.route', '/charge'),
    };
    const traces = await tempoSearch(stack.urls.tempo ?? '', query, fromMs, toMs);
    expect(traces).toHaveLength(view.suspects[0].failing);
    // Spans without an attribute cannot be asked for: Tempo 2.7 refuses `= nil`.
    const nil = new URLSearchParams({ q: '{ resource.service.name = "payment" && span.db.system = nil }' });
    const refused = await http('GET', `${stack.urls.tempo}/api/search?${nil.toString()}`);
    expect([refused.status, refused.text.trim()]).toEqual([400, 'invalid TraceQL query: {.a = nil} not yet supported']);
  });

  it('attributes the inventory fault to the new version, first seen when it was rolled out', async () => {
    const { failing, baseline } = await suspectFrames('inventory');
    const view = suspectsView([failing], [baseline]);
    expect(view.kind).toBe('ranked');
    if (view.kind !== 'ranked') {
      return;
    }
    expect(view.suspects[0]).toMatchObject({ attribute: 'resource.service.version', value: '1.5.0', failingShare: 1 });
    // The first 1.5.0 span: the 21st, a minute in.
    expect(view.deploy).toEqual({ version: '1.5.0', firstSeenMs: expect.any(Number), afterOthers: true });
    // Grafana's span frame holds start nanoseconds / 1e6 as a double: 1796194222898 ms can
    // arrive as 1796194222897.9998, so the instant is compared to the millisecond.
    expect(view.deploy?.firstSeenMs).toBeCloseTo(nowMs - 2 * MINUTE + 20 * 3000 + 1000, 0);
  });

  it('finds the new and grown error-log patterns of inventory against the window before', async () => {
    const expr = patternQueries(CONV, 'inventory').expr;
    const now = await lokiFrame(
      stack.urls.loki ?? '',
      expr,
      1000,
      window().fromMs,
      window().toMs,
      PATTERN_REFS.current
    );
    const prev = await lokiFrame(
      stack.urls.loki ?? '',
      expr,
      1000,
      before().fromMs,
      before().toMs,
      PATTERN_REFS.previous
    );
    const patterns = comparePatterns(sampleLines([now], CONV.traceId), sampleLines([prev], CONV.traceId));
    expect(patterns.map((p) => [p.status, p.pattern, p.current, p.previous])).toEqual([
      ['new', 'stock service <_>: reservation lock timed out', 30, 0],
      ['grown', 'db pool exhausted after <_>', 9, 3],
      ['steady', 'cache refresh failed', 2, 2],
    ]);
    expect(patterns[0].examples[0].traceId).toMatch(/^[0-9a-f]{8}5b8efff798038103d269b633$/);
  });

  it("Loki 3.4's patterns API answers for the service's streams (the stack's loki.yaml enables the pattern ingester)", async () => {
    const params = new URLSearchParams({
      query: '{service_name="inventory"}',
      start: String(Math.floor(before().fromMs / 1000)),
      end: String(Math.ceil(window().toMs / 1000)),
    });
    const res = await http('GET', `${stack.urls.loki}/loki/api/v1/patterns?${params.toString()}`);
    expect(res.status).toBe(200);
    expect(res.json().status).toBe('success');
    if (process.env.PIVOT_SHOW_RENDERED) {
      console.log(`patterns API: ${res.text.slice(0, 2000)}`);
    }
  });

  it('renders both sections on the real answers', async () => {
    const tempo = await suspectFrames('inventory');
    const expr = patternQueries(CONV, 'inventory').expr;
    const now = await lokiFrame(stack.urls.loki ?? '', expr, 1000, window().fromMs, window().toMs, 'traces');
    const prev = await lokiFrame(stack.urls.loki ?? '', expr, 1000, before().fromMs, before().toMs, 'traces');
    installFakeGrafana((ds, request) => {
      const refId = request.targets[0]?.refId;
      if (ds.type === 'tempo') {
        return { frames: [refId === SUSPECT_REFS.failing ? tempo.failing : tempo.baseline] };
      }
      return { frames: [refId === PATTERN_REFS.previous ? prev : now] };
    });
    const scene = new EmbeddedScene({
      $timeRange: new SceneTimeRange({
        from: new Date(window().fromMs).toISOString(),
        to: new Date(window().toMs).toISOString(),
      }),
      body: new SceneFlexLayout({
        direction: 'column',
        children: [
          new SceneFlexItem({ body: suspectsSection(pivotContext(), 'inventory') }),
          new SceneFlexItem({ body: logPatternsSection(pivotContext(), 'inventory') }),
        ],
      }),
    });
    renderInGrafana(<scene.Component model={scene} />);
    const suspects = await screen.findByTestId(SUSPECTS_TEST_IDS.view('ranked'));
    const patterns = await screen.findByTestId(PATTERNS_TEST_IDS.list);
    const text = (el: HTMLElement) =>
      Array.from(el.querySelectorAll('tr, p, div[role="alert"], h3, span'))
        .filter((e) => e.tagName === 'TR' || e.children.length === 0)
        .map((e) =>
          e.tagName === 'TR'
            ? Array.from(e.children)
                .map((c) => c.textContent)
                .join(' | ')
            : e.textContent
        )
        .join('\n');
    // The sections' text, for the record (docs/suspects.md quotes it): PIVOT_SHOW_RENDERED=1.
    if (process.env.PIVOT_SHOW_RENDERED) {
      console.log(`${text(suspects.parentElement ?? suspects)}\n---\n${text(patterns.parentElement ?? patterns)}`);
    }
    expect(suspects).toHaveTextContent('resource.service.version1.5.0100% (');
    expect(screen.getByTestId(SUSPECTS_TEST_IDS.deploy)).toHaveTextContent(
      'A deploy may be the cause: inventory version 1.5.0'
    );
    expect(patterns).toHaveTextContent('Newstock service <_>: reservation lock timed out300');
  });
});
