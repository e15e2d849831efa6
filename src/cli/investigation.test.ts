/**
 * @jest-environment node
 *
 * The investigation with recording stand-ins of the backends (no network): hostile service
 * names reach every query escaped for its language and decode back to themselves, and are
 * printed on their own line without a raw control character; the worst trace and the exit
 * status follow docs/investigate-cli.md.
 */
import fc from 'fast-check';

import { graphQueries } from '../datasources/serviceGraph';
import { normalizeSettings } from '../settings';
import { expectValidLogQL, expectValidPromQL, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import type { Backends } from './backends';
import { otlpTraceFrame, tempoSpanTable, TraceHit } from './answers';
import { failingCheckout, otlpTrace, SpanSampleRow as SpanRow, tempoSpanSearch } from './fixtures/backendAnswers';
import { exitCodeOf, investigate, Investigation, SECTIONS } from './investigation';
import { printable, renderJson, renderText, unprintable } from './render';

const HOSTILE = [
  '"',
  '\\',
  '\n',
  '\r',
  '\u001b',
  '\u0007',
  '$',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '.',
  '*',
  '|',
  '`',
  "'",
  '=',
  ',',
  ' ',
  'a',
  '😀',
  '\u202e',
  '\u2028',
  '\u0085',
];
const serviceName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOSTILE), minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 })
);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const UNTIL = 1_700_003_600_000;

/** Span rows of one sample: `n` server spans, the i-th with `attributes(i)` (Tempo's unscoped names). */
function spanRows(n: number, attributes: (i: number) => Record<string, string>, offset = 0): SpanRow[] {
  return Array.from({ length: n }, (_, i) => ({
    traceId: (offset + i + 1).toString(16).padStart(32, '0'),
    spanId: (offset + i + 1).toString(16).padStart(16, '0'),
    timeMs: UNTIL - 600_000 + (offset + i) * 1000,
    name: 'POST /charge',
    attributes: attributes(i),
  }));
}

/** Payment 2.0.0 rolled out in the window: 20 of its spans fail; 40 of 1.9.0's and 10 of 2.0.0's do not. */
const VERSION_SAMPLES = {
  failing: spanRows(20, () => ({ 'service.version': '2.0.0', 'http.route': '/charge' }), 100),
  baseline: [
    ...spanRows(40, () => ({ 'service.version': '1.9.0', 'http.route': '/charge' })),
    ...spanRows(10, () => ({ 'service.version': '2.0.0', 'http.route': '/charge' }), 120),
  ],
};

interface Sent {
  promql: string[];
  logql: string[];
  traceql: string[];
}

/** Backends that record every query and answer: the service failing at `errorRatio`, one log line, one failing trace. */
function recording(
  service: string,
  options: {
    errorRatio?: number;
    hits?: TraceHit[];
    lokiDown?: boolean;
    noTraffic?: boolean;
    samples?: { failing: SpanRow[]; baseline: SpanRow[] };
  } = {}
) {
  const sent: Sent = { promql: [], logql: [], traceql: [] };
  const backends: Backends = {
    sources: {},
    prometheus: async (queries) => {
      sent.promql.push(...queries.map((q) => q.expr));
      const value = (refId: string) =>
        refId === 'errorRatio' ? (options.errorRatio ?? 0.3) : refId === 'requestRate' ? 10 : 0.25;
      if (options.noTraffic) {
        return new Map(queries.map((q) => [q.refId, []]));
      }
      return new Map(
        queries.map((q) => [
          q.refId,
          q.refId.startsWith('graph') ? [] : [{ labels: { service }, value: value(q.refId) }],
        ])
      );
    },
    loki: async (expr, window) => {
      sent.logql.push(expr);
      if (options.lokiDown) {
        throw new Error(
          'cannot reach Loki at http://127.0.0.1:1/loki/api/v1/query_range: connection refused (ECONNREFUSED)'
        );
      }
      // Nothing in the window before: the line's pattern is new.
      return window.toMs <= UNTIL - 900_000
        ? []
        : [{ timeMs: UNTIL - 1000, line: `charge failed for ${service}`, labels: { trace_id: TRACE_ID } }];
    },
    tempo: {
      search: async (query) => {
        sent.traceql.push(query);
        return (
          options.hits ?? [
            {
              traceId: TRACE_ID,
              rootService: service,
              rootName: 'GET /',
              startMs: UNTIL - 1000,
              durationMs: 400,
              matched: 2,
            },
          ]
        );
      },
      spans: async (query) => {
        sent.traceql.push(query);
        const samples = options.samples ?? VERSION_SAMPLES;
        return tempoSpanTable(tempoSpanSearch(query.includes('status = error') ? samples.failing : samples.baseline));
      },
      trace: async (id) =>
        id === TRACE_ID ? otlpTraceFrame(otlpTrace(TRACE_ID, UNTIL - 1000, failingCheckout(service))) : undefined,
    },
  };
  return { sent, backends };
}

function run(service: string, backends: Backends): Promise<Investigation> {
  const settings = normalizeSettings({ metrics: { family: 'tempo-spanmetrics' } });
  return investigate({ service, since: '15m', sinceMs: 900_000, untilMs: UNTIL, settings, backends, lines: 10 });
}

/** The decoded values of a query's string literals that follow one of `labels`, as the server reads them. */
function promqlValuesOf(query: string, labels: string[]): string[] {
  return nodeTexts('PromQL', query, 'UnquotedLabelMatcher')
    .map((m) => /^([a-z_]+)(=~|!~|!=|=)(.*)$/s.exec(m))
    .filter((m): m is RegExpExecArray => m !== null && labels.includes(m[1]))
    .map((m) => goUnquote(m[3]));
}

describe('pivot investigate with hostile service names', () => {
  it('every query carries the name escaped for its language, and the server reads back exactly the name', async () => {
    await fc.assert(
      fc.asyncProperty(serviceName, async (service) => {
        const { sent, backends } = recording(service);
        await run(service, backends);
        // Three statistics now, three before, and the graph's queries.
        expect(sent.promql).toHaveLength(6 + graphQueries({ window: '15m', service }).length);
        for (const query of sent.promql) {
          expectValidPromQL(query);
          const values = promqlValuesOf(query, ['service', 'server', 'client']);
          // The statistics select the service; the graph's queries its edges (some may read every edge).
          const mustSelect = query.includes('traces_spanmetrics') || query.includes('request_total');
          expect({
            query,
            selects: values.length > 0 || !mustSelect,
            exact: values.every((v) => v === service),
          }).toEqual({
            query,
            selects: true,
            exact: true,
          });
          expect(query).not.toMatch(/\$(?!__)|\[\[/);
        }
        // The error logs, and the patterns' two windows.
        expect(sent.logql).toHaveLength(3);
        for (const query of sent.logql) {
          expectValidLogQL(query);
          expect(goUnquote(nodeTexts('LogQL', query, 'String')[0])).toBe(service);
          expect(query).not.toMatch(/\$|\[\[/);
        }
        // The failing traces, and the suspects' two span samples.
        expect(sent.traceql).toHaveLength(3);
        for (const query of sent.traceql) {
          expect(goUnquote(nodeTexts('TraceQL', query, 'String')[0])).toBe(service);
          expect(query).not.toMatch(/\$|\[\[/);
        }
      }),
      { numRuns: 60 }
    );
  });

  it('prints the name, its logs and its spans without a raw control character, on the same lines as a plain name', async () => {
    const plain = renderText(await run('payment', recording('payment').backends)).split('\n');
    await fc.assert(
      fc.asyncProperty(serviceName, async (service) => {
        const text = renderText(await run(service, recording(service).backends));
        const lines = text.split('\n');
        expect(lines).toHaveLength(plain.length);
        expect(lines.some((l) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(l))).toBe(false);
        expect(lines[0].startsWith(`Service ${printable(service)}: 15m from`)).toBe(true);
        expect(unprintable(printable(service))).toBe(service);
        const json = renderJson(await run(service, recording(service).backends), 1);
        expect(JSON.parse(json).service).toBe(service);
        expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(json)).toBe(false);
      }),
      { numRuns: 60 }
    );
  });
});

describe('the investigation', () => {
  it('takes the failing trace with the most failing spans matched, then the longest', async () => {
    const hits = (matched: number[], durations: number[]): TraceHit[] =>
      matched.map((m, i) => ({
        traceId: i === 1 ? TRACE_ID : `${i + 1}`.padStart(32, 'a'),
        rootService: 's',
        rootName: 'r',
        startMs: UNTIL - 1000,
        durationMs: durations[i],
        matched: m,
      }));
    const byMatched = await run('payment', recording('payment', { hits: hits([1, 3, 2], [900, 100, 900]) }).backends);
    expect(byMatched.sections.trace).toMatchObject({ status: 'ok', traceId: TRACE_ID, candidates: 3 });
    const byDuration = await run('payment', recording('payment', { hits: hits([2, 2, 2], [100, 900, 300]) }).backends);
    expect(byDuration.sections.trace).toMatchObject({ status: 'ok', traceId: TRACE_ID });
    const none = await run('payment', recording('payment', { hits: [] }).backends);
    expect(none.sections.trace).toEqual({
      status: 'skipped',
      reason:
        'no failing trace of this service in the window (Tempo search { resource.service.name = "payment" && status = error && (kind = server || kind = consumer) })',
    });
    expect(none.sections.links).toMatchObject({ status: 'ok', trace: undefined });
  });

  it('exits 1 when failing (even with a backend down), 3 when a backend is down, 0 otherwise', async () => {
    const code = async (errorRatio: number, lokiDown = false) =>
      exitCodeOf(await run('payment', recording('payment', { errorRatio, lokiDown }).backends));
    expect(await code(0.05)).toBe(1);
    expect(await code(0.3, true)).toBe(1);
    expect(await code(0.049)).toBe(0);
    expect(await code(0.01, true)).toBe(3);
    const down = await run('payment', recording('payment', { lokiDown: true }).backends);
    expect(down.sections.logs).toEqual({
      status: 'error',
      error: 'cannot reach Loki at http://127.0.0.1:1/loki/api/v1/query_range: connection refused (ECONNREFUSED)',
    });
    expect(renderText(down)).toContain(
      'Error logs (newest first, with trace ids)\n  could not answer: cannot reach Loki at http://127.0.0.1:1/loki/api/v1/query_range: connection refused (ECONNREFUSED)\n'
    );
  });

  it('a service without requests says so, with what to check; exit 0', async () => {
    const quiet = await run('paymnet', recording('paymnet', { noTraffic: true }).backends);
    expect(quiet.sections.metrics).toMatchObject({ status: 'ok', health: 'idle', now: {}, before: {} });
    expect(exitCodeOf(quiet)).toBe(0);
    expect(renderText(quiet)).toContain(
      '  no traffic now · metrics: Tempo metrics-generator span metrics (configured), service label service\n' +
        "  no requests of this service in the window under this family and label: check the name, or the service label (--metrics-service-label, or Pivot's Configuration)\n"
    );
  });

  it('lists its sections in one place, in print order', async () => {
    const investigation = await run('payment', recording('payment').backends);
    expect(Object.keys(investigation.sections)).toEqual(SECTIONS);
    const text = renderText(investigation);
    const titles = [
      'Error ratio and p95 latency',
      'What the failing requests share',
      'Error logs',
      'New and grown error-log patterns',
      'Worst failing trace',
      'Neighbours',
      'Pivot',
    ];
    const at = titles.map((t) => text.indexOf(`\n\n${t}`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("an invalid service label in the settings is the section's error, with the fix", async () => {
    const settings = normalizeSettings({
      metrics: { family: 'tempo-spanmetrics', serviceLabel: 'service.name' },
      logs: { serviceLabel: 'app-name' },
    });
    const { backends, sent } = recording('payment');
    const result = await investigate({
      service: 'payment',
      since: '15m',
      sinceMs: 900_000,
      untilMs: UNTIL,
      settings,
      backends,
      lines: 10,
    });
    expect(result.sections.metrics).toMatchObject({
      status: 'error',
      error: expect.stringContaining('"service.name" is not a label name'),
    });
    expect(result.sections.logs).toMatchObject({ status: 'error', error: expect.stringContaining('Use app_name.') });
    expect(sent.logql).toEqual([]);
  });
});

describe('what the failing requests share', () => {
  it('names the version the failing spans share first, with both shares and a deploy note', async () => {
    const result = await run('payment', recording('payment').backends);
    const suspects = result.sections.suspects;
    expect(suspects).toMatchObject({ status: 'ok', state: 'ranked', failing: 20, baseline: 50 });
    if (suspects.status !== 'ok') {
      return;
    }
    expect(suspects.suspects[0]).toMatchObject({
      attribute: 'resource.service.version',
      name: 'service.version',
      value: '2.0.0',
      failingShare: 1,
      baselineShare: 0.2,
    });
    expect(suspects.version).toEqual({ version: '2.0.0', firstSeenMs: UNTIL - 600_000 + 100_000, afterOthers: true });
    const text = renderText(result);
    expect(text).toContain(
      'What the failing requests share\n' +
        '  20 failing server or consumer spans against 50 others (sampled; values more common among the failing first)\n' +
        '  attribute=value        failing   others\n' +
        '  service.version=2.0.0  100.0%    20.0%\n'
    );
    expect(text).toContain(
      '  note: a deploy may be the cause: service.version 2.0.0 first shows at 2023-11-14 23:05:00Z among the sampled spans, after spans of other versions'
    );
    const json = JSON.parse(renderJson(result, exitCodeOf(result)));
    expect(json.sections.suspects.suspects[0]).toMatchObject({ name: 'service.version', value: '2.0.0' });
  });

  it('says plainly when there are too few failing spans, when Tempo ignored select(), and when nothing stands out', async () => {
    const section = async (samples: { failing: SpanRow[]; baseline: SpanRow[] }) => {
      const result = await run('payment', recording('payment', { samples }).backends);
      return { outcome: result.sections.suspects, text: renderText(result) };
    };
    const few = await section({ failing: VERSION_SAMPLES.failing.slice(0, 3), baseline: VERSION_SAMPLES.baseline });
    expect(few.outcome).toMatchObject({ status: 'ok', state: 'too-few-failing', failing: 3, suspects: [] });
    expect(few.text).toContain(
      'What the failing requests share\n  too few failing spans to compare: 3 failing server or consumer spans of this service in the window, at least 10 needed (widen --since)\n'
    );
    // Tempo without select(): the spans come back with none of the selected attributes.
    const bare = (rows: SpanRow[]) => rows.map((r) => ({ ...r, attributes: {} }));
    const noSelect = await section({
      failing: bare(VERSION_SAMPLES.failing),
      baseline: bare(VERSION_SAMPLES.baseline),
    });
    expect(noSelect.outcome).toMatchObject({ status: 'ok', state: 'no-select' });
    expect(noSelect.text).toContain(
      '  Tempo answered without the selected attributes: comparing them needs TraceQL select()'
    );
    const same = (i: number) => ({ 'service.version': i % 2 ? '1.9.0' : '2.0.0' });
    const none = await section({ failing: spanRows(20, same, 100), baseline: spanRows(40, same) });
    expect(none.outcome).toMatchObject({ status: 'ok', state: 'none', failing: 20, baseline: 40 });
    expect(none.text).toContain(
      '  nothing stands out: no attribute value is clearly more common among the 20 spans that failed'
    );
    const allFail = await section({ failing: VERSION_SAMPLES.failing, baseline: [] });
    expect(allFail.outcome).toMatchObject({ status: 'ok', state: 'no-baseline' });
  });

  it("a Tempo that cannot parse select() is said plainly; one that fails is the section's error (exit 3); no Tempo is said", async () => {
    const { backends } = recording('payment', { errorRatio: 0.01 });
    const parseError =
      'Tempo at http://127.0.0.1:9/api/search answered 400 Bad Request (body: parse error at line 1, col 80: syntax error: unexpected IDENTIFIER)';
    backends.tempo!.spans = async () => {
      throw new Error(parseError);
    };
    const old = await run('payment', backends);
    expect(old.sections.suspects).toMatchObject({ status: 'ok', state: 'no-select', refusal: parseError });
    expect(renderText(old)).toContain(
      `What the failing requests share\n  Tempo refused the sample's TraceQL select() (${parseError}): comparing attributes needs Tempo 2.2 or newer\n`
    );
    expect(exitCodeOf(old)).toBe(0);
    backends.tempo!.spans = async () => {
      throw new Error(
        'Tempo at http://127.0.0.1:9/api/search answered 500 Internal Server Error (body: too many jobs)'
      );
    };
    const refused = await run('payment', backends);
    expect(refused.sections.suspects).toMatchObject({
      status: 'error',
      error: expect.stringContaining('answered 500'),
    });
    expect(exitCodeOf(refused)).toBe(3);
    const noTempo = await run('payment', { ...recording('payment').backends, tempo: undefined });
    expect(noTempo.sections.suspects).toEqual({ status: 'skipped', reason: 'no Tempo to ask (give --tempo <url>)' });
  });
});

describe('new and grown error-log patterns', () => {
  const lines = (texts: string[], atMs: number) =>
    texts.map((line, i) => ({ timeMs: atMs - i, line, labels: { trace_id: `${i + 1}`.padStart(32, 'c') } }));

  it('lists new patterns, then grown ones, with counts and an example trace id; steady ones are counted', async () => {
    const { backends, sent } = recording('payment');
    const now = [
      ...Array.from({ length: 4 }, (_, i) => `stock reservation failed: sku ${i + 100} unavailable`),
      ...Array.from({ length: 6 }, (_, i) => `charge failed: timeout after ${i + 1}000ms`),
      'cache miss for key=abc',
    ];
    const before = ['charge failed: timeout after 5000ms', 'cache miss for key=abc', 'cache miss for key=abc'];
    backends.loki = async (expr, window, limit) => {
      sent.logql.push(expr);
      expect(limit).toBeGreaterThanOrEqual(10);
      return window.toMs <= UNTIL - 900_000 ? lines(before, UNTIL - 901_000) : lines(now, UNTIL - 1000);
    };
    const result = await run('payment', backends);
    expect(result.sections.patterns).toMatchObject({
      status: 'ok',
      sample: 1000,
      lines: { now: 11, before: 3 },
      patterns: [
        { pattern: 'stock reservation failed: sku <_> unavailable', status: 'new', now: 4, before: 0 },
        { pattern: 'charge failed: timeout after <_>', status: 'grown', now: 6, before: 1 },
      ],
      more: 0,
      steady: 1,
    });
    const text = renderText(result);
    expect(text).toContain(
      'New and grown error-log patterns (this window against the one before)\n' +
        '  11 error lines read now, 3 before (at most 1000 each, newest first)\n' +
        '         now    before  example trace                     pattern (<_> varies)\n' +
        '  NEW    4      0       ccccccccccccccccccccccccccccccc1  stock reservation failed: sku <_> unavailable\n' +
        '  GROWN  6      1       ccccccccccccccccccccccccccccccc5  charge failed: timeout after <_>\n'
    );
  });

  it('says when nothing is new or grown, when there are no error lines, and when there is no Loki', async () => {
    const { backends } = recording('payment');
    backends.loki = async (_expr, window) =>
      lines(['cache miss for key=abc'], window.toMs <= UNTIL - 900_000 ? UNTIL - 901_000 : UNTIL - 1000);
    const steady = renderText(await run('payment', backends));
    expect(steady).toContain(
      "  1 error line read now, 1 before (at most 1000 each, newest first)\n  no new or grown pattern: the window's lines fall in 1 pattern seen before at a similar or lower rate\n"
    );
    backends.loki = async () => [];
    expect(renderText(await run('payment', backends))).toContain(
      'New and grown error-log patterns (this window against the one before)\n  no error log lines in the window ('
    );
    const noLoki = await run('payment', { ...recording('payment').backends, loki: undefined });
    expect(noLoki.sections.patterns).toEqual({ status: 'skipped', reason: 'no Loki to ask (give --loki <url>)' });
  });

  it('prints a hostile pattern and trace id escaped, on one line', async () => {
    const { backends } = recording('payment');
    backends.loki = async (_expr, window) =>
      window.toMs <= UNTIL - 900_000
        ? []
        : [{ timeMs: UNTIL - 1000, line: 'boom\n\u001b[31mforged\u202e', labels: { trace_id: 'x\ny' } }];
    const text = renderText(await run('payment', backends));
    expect(text).toContain('  NEW    1      0       x\\ny                              boom\\n<_>\n');
    expect(/[\u0000-\u0009\u000b-\u001f\u202e]/.test(text)).toBe(false);
  });
});

describe('the name logs and traces know the service by', () => {
  function runWith(service: string, metrics: Record<string, unknown>, backends: Backends) {
    const settings = normalizeSettings({ metrics });
    return investigate({ service, since: '15m', sinceMs: 900_000, untilMs: UNTIL, settings, backends, lines: 10 });
  }

  it('maps job="shop/checkout" to checkout for Loki, Tempo and the service graph, as the Service page does', async () => {
    const { sent, backends } = recording('shop/checkout');
    const result = await runWith('shop/checkout', { family: 'tempo-spanmetrics', serviceLabel: 'job' }, backends);
    const statistics = sent.promql.filter((q) => q.includes('traces_spanmetrics'));
    expect(statistics.length).toBeGreaterThan(0);
    statistics.forEach((q) => expect(new Set(promqlValuesOf(q, ['job']))).toEqual(new Set(['shop/checkout'])));
    sent.logql.forEach((q) => expect(goUnquote(nodeTexts('LogQL', q, 'String')[0])).toBe('checkout'));
    sent.traceql.forEach((q) => expect(goUnquote(nodeTexts('TraceQL', q, 'String')[0])).toBe('checkout'));
    const edges = sent.promql.filter((q) => !q.includes('traces_spanmetrics'));
    expect(edges.flatMap((q) => promqlValuesOf(q, ['server', 'client'])).every((v) => v === 'checkout')).toBe(true);
    expect(result.sections.links).toMatchObject({
      status: 'ok',
      service: expect.stringContaining('/services/shop%2Fcheckout?'),
      graph: expect.stringContaining('focus=checkout'),
    });
  });

  it('keeps the name as it is when the settings say so', async () => {
    const { sent, backends } = recording('shop/checkout');
    await runWith(
      'shop/checkout',
      { family: 'tempo-spanmetrics', serviceLabel: 'job', serviceNames: 'as-is' },
      backends
    );
    expect(sent.logql.length).toBeGreaterThan(0);
    sent.logql.forEach((q) => expect(goUnquote(nodeTexts('LogQL', q, 'String')[0])).toBe('shop/checkout'));
    sent.traceql.forEach((q) => expect(goUnquote(nodeTexts('TraceQL', q, 'String')[0])).toBe('shop/checkout'));
  });
});
