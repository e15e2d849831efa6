/**
 * @jest-environment node
 *
 * `pivot investigate` against a real Loki and a real Tempo (and Prometheus), started by the
 * native stack module (stack/native/nativeStack.ts) from the stack's own configuration files
 * (stack/loki/loki.yaml, stack/tempo/tempo.yaml; loopback, free ports, temp storage). The test
 * writes the data: error log records through Loki's OTLP endpoint (the trace id becomes
 * structured metadata, the severity `detected_level`), and one failing trace through Tempo's
 * OTLP/HTTP JSON receiver. Where loki or tempo is missing the suite is skipped with the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import { describeWherePresent, http, LOKI_HERE, poll, TEMPO_HERE } from '../../stack/live/harness';
import { findBinaries, NativeStack, startNativeStack } from '../../stack/native/nativeStack';
import { PROMETHEUS } from '../testing/describeWithPrometheus';
import { main } from './investigate';

jest.setTimeout(240000);

const SERVICE = 'payment "eu" $1';
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const NS_PER_MS = BigInt(1_000_000);

/** A checkout failing in the service's card authorisation, ending `agoMs` before now. */
function otlpTraces(nowMs: number) {
  const t = (offsetMs: number) => (BigInt(nowMs - 2000 + offsetMs) * NS_PER_MS).toString();
  const span = (id: string, parent: string, name: string, kind: number, from: number, to: number, error?: string) => ({
    traceId: TRACE_ID,
    spanId: id,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind,
    startTimeUnixNano: t(from),
    endTimeUnixNano: t(to),
    status: error ? { code: 2, message: error } : { code: 0 },
  });
  const resource = (service: string, spans: unknown[]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [{ scope: { name: 'pivot-test' }, spans }],
  });
  return {
    resourceSpans: [
      resource('checkout', [
        span('00000000000000b1', '', 'POST /checkout', 2, 0, 400, 'charge failed'),
        span('00000000000000b2', '00000000000000b1', 'POST /charge', 3, 10, 390, 'HTTP 502'),
      ]),
      resource(SERVICE, [
        span('00000000000000c1', '00000000000000b2', 'POST /charge', 2, 20, 380, 'authorisation failed'),
        span('00000000000000c2', '00000000000000c1', 'authorize card', 1, 30, 330, 'card declined'),
      ]),
    ],
  };
}

function otlpLogs(nowMs: number) {
  const record = (agoMs: number, severityNumber: number, severityText: string, body: string) => ({
    timeUnixNano: (BigInt(nowMs - agoMs) * NS_PER_MS).toString(),
    severityNumber,
    severityText,
    body: { stringValue: body },
    traceId: TRACE_ID,
    spanId: '00000000000000c2',
  });
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] },
        scopeLogs: [
          {
            scope: { name: 'pivot-test' },
            logRecords: [
              record(1900, 17, 'ERROR', 'charge failed: card declined'),
              record(1800, 9, 'INFO', 'charge retried'),
              record(1700, 17, 'ERROR', 'charge failed:\u001b[2J screen cleared?'),
            ],
          },
        ],
      },
    ],
  };
}

describeWherePresent([PROMETHEUS, LOKI_HERE, TEMPO_HERE], 'pivot investigate against a real Loki and Tempo', () => {
  let stack: NativeStack;
  let nowMs: number;

  beforeAll(async () => {
    const found = findBinaries();
    stack = await startNativeStack({
      binaries: { prometheus: found.prometheus, loki: found.loki, tempo: found.tempo },
    });
    // Tempo's OTLP/HTTP receiver, as the native stack configured it.
    const tempoConfig = parse(readFileSync(join(stack.dir, 'config', 'tempo.yaml'), 'utf8'));
    const otlpHttp = `http://${tempoConfig.distributor.receivers.otlp.protocols.http.endpoint}`;
    nowMs = Date.now();
    const traces = await http('POST', `${otlpHttp}/v1/traces`, otlpTraces(nowMs));
    expect(traces.status).toBe(200);
    const logs = await http('POST', `${stack.urls.loki}/otlp/v1/logs`, otlpLogs(nowMs));
    expect(logs.status).toBe(204);
    // Searchable in Tempo and queryable in Loki (bounded attempts): then the command runs.
    const since = Math.floor(nowMs / 1000) - 900;
    const until = Math.ceil(nowMs / 1000) + 60;
    await poll('the trace in Tempo search', 120, 500, async () => {
      const q = encodeURIComponent('{ status = error }');
      const res = await http('GET', `${stack.urls.tempo}/api/search?q=${q}&start=${since}&end=${until}`);
      return res.status === 200 && res.text.includes(TRACE_ID) ? true : undefined;
    });
    await poll('the log records in Loki', 120, 500, async () => {
      const q = encodeURIComponent('{service_name=~".+"}');
      const res = await http(
        'GET',
        `${stack.urls.loki}/loki/api/v1/query_range?query=${q}&start=${since}000000000&end=${until}000000000`
      );
      return res.status === 200 && (res.text.match(/charge/g) ?? []).length >= 3 ? true : undefined;
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('prints the error logs with their trace id and the trace failure origin and critical path, from the real backends', async () => {
    const out = { stdout: '', stderr: '' };
    const args = [
      '--service',
      SERVICE,
      '--until',
      String(Math.ceil(nowMs / 1000) + 60),
      '--loki',
      stack.urls.loki ?? '',
      '--tempo',
      stack.urls.tempo ?? '',
    ];
    const code = await main(args, {}, { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    const logLines = out.stdout.split('\n').filter((l) => l.includes(TRACE_ID) && l.includes('charge failed'));
    expect(logLines.map((l) => l.replace(/^ {2}\S+ \S+ {2}/, ''))).toEqual([
      `${TRACE_ID}  charge failed:\\u001b[2J screen cleared?`,
      `${TRACE_ID}  charge failed: card declined`,
    ]);
    expect(out.stdout).toContain(
      `  trace ${TRACE_ID}: 4 failing spans, 400 ms, root checkout: POST /checkout (worst of 1 failing trace)\n`
    );
    expect(out.stdout).toContain('  failure origin: payment "eu" $1 · authorize card — card declined (300 ms)\n');
    expect(out.stdout).toContain('    300 ms    75.0%  payment "eu" $1 · authorize card\n');
    expect(out.stdout).toContain(`/a/pivot-correlation-app/trace/${TRACE_ID}?`);
  });
});
