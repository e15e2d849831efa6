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
import { otlpTraceFrame, TraceHit } from './answers';
import type { Backends } from './backends';
import { failingCheckout, otlpTrace } from './fixtures/backendAnswers';
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

interface Sent {
  promql: string[];
  logql: string[];
  traceql: string[];
}

/** Backends that record every query and answer: the service failing at `errorRatio`, one log line, one failing trace. */
function recording(
  service: string,
  options: { errorRatio?: number; hits?: TraceHit[]; lokiDown?: boolean; noTraffic?: boolean } = {}
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
    loki: async (expr) => {
      sent.logql.push(expr);
      if (options.lokiDown) {
        throw new Error(
          'cannot reach Loki at http://127.0.0.1:1/loki/api/v1/query_range: connection refused (ECONNREFUSED)'
        );
      }
      return [{ timeMs: UNTIL - 1000, line: `charge failed for ${service}`, labels: { trace_id: TRACE_ID } }];
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
        expect(sent.logql).toHaveLength(1);
        expectValidLogQL(sent.logql[0]);
        expect(goUnquote(nodeTexts('LogQL', sent.logql[0], 'String')[0])).toBe(service);
        expect(sent.traceql).toHaveLength(1);
        expect(goUnquote(nodeTexts('TraceQL', sent.traceql[0], 'String')[0])).toBe(service);
        expect(`${sent.logql[0]}${sent.traceql[0]}`).not.toMatch(/\$|\[\[/);
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
        expect(JSON.parse(renderJson(await run(service, recording(service).backends), 1)).service).toBe(service);
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
        'no failing trace of this service in the window (Tempo search { resource.service.name = "payment" && status = error && kind = server })',
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
    const titles = ['Error ratio and p95 latency', 'Error logs', 'Worst failing trace', 'Neighbours', 'Pivot'];
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
