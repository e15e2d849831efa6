/**
 * @jest-environment node
 *
 * `pivot investigate` against a real Loki and a real Tempo (and Prometheus), started by the
 * native stack module (stack/native/nativeStack.ts) from the stack's own configuration files
 * (stack/loki/loki.yaml, stack/tempo/tempo.yaml; loopback, free ports, temp storage). The test
 * writes the data: error log records through Loki's OTLP endpoint (the trace id becomes
 * structured metadata, the severity `detected_level`), and one failing trace through Tempo's
 * OTLP/HTTP JSON receiver; and inventory's server spans, one trace each, where version 1.5.0
 * (rolled out in the window) fails every other request and 1.4.0 never does: the suspects, read
 * with Tempo's select(), name 1.5.0 first. The error lines' patterns are new against the empty
 * window before; `--hygiene` finds the email of a receipt line, masked. Where loki or tempo is
 * missing the suite is skipped with the reason.
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

const CUSTOMER_EMAIL = 'jane.doe@example.com';
const INVENTORY = 'inventory';
const INVENTORY_TRACES = 80;

/**
 * Inventory's server spans, one trace each, over the last 80 s: the first 40 on version 1.4.0,
 * none failing; then 40 on 1.5.0 (a rollout in the window), every other one failing.
 */
function inventoryTraces(nowMs: number) {
  const byVersion = new Map<string, unknown[]>();
  for (let i = 0; i < INVENTORY_TRACES; i++) {
    const version = i < INVENTORY_TRACES / 2 ? '1.4.0' : '1.5.0';
    const failing = version === '1.5.0' && i % 2 === 0;
    const start = BigInt(nowMs - 80_000 + i * 1000) * NS_PER_MS;
    const span = {
      traceId: (0x1000 + i).toString(16).padStart(32, '0'),
      spanId: (0x1000 + i).toString(16).padStart(16, '0'),
      name: 'POST /reserve',
      kind: 2,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(20) * NS_PER_MS).toString(),
      attributes: [
        { key: 'http.route', value: { stringValue: '/reserve' } },
        { key: 'http.request.method', value: { stringValue: 'POST' } },
      ],
      status: failing ? { code: 2, message: 'stock service timeout' } : { code: 0 },
    };
    byVersion.set(version, [...(byVersion.get(version) ?? []), span]);
  }
  return {
    resourceSpans: [...byVersion].map(([version, spans]) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: INVENTORY } },
          { key: 'service.version', value: { stringValue: version } },
        ],
      },
      scopeSpans: [{ scope: { name: 'pivot-test' }, spans }],
    })),
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
              record(1600, 9, 'INFO', `receipt sent to ${CUSTOMER_EMAIL}`),
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
    expect((await http('POST', `${otlpHttp}/v1/traces`, inventoryTraces(nowMs))).status).toBe(200);
    const logs = await http('POST', `${stack.urls.loki}/otlp/v1/logs`, otlpLogs(nowMs));
    expect(logs.status).toBe(204);
    // Searchable in Tempo and queryable in Loki (bounded attempts): then the command runs.
    const since = Math.floor(nowMs / 1000) - 900;
    const until = Math.ceil(nowMs / 1000) + 60;
    await poll('the trace in Tempo search', 120, 500, async () => {
      const q = encodeURIComponent('{ status = error }');
      const res = await http('GET', `${stack.urls.tempo}/api/search?q=${q}&start=${since}&end=${until}&limit=200`);
      return res.status === 200 && res.text.includes(TRACE_ID) ? true : undefined;
    });
    await poll("inventory's spans in Tempo search", 120, 500, async () => {
      const q = encodeURIComponent(`{ resource.service.name = "${INVENTORY}" }`);
      const res = await http('GET', `${stack.urls.tempo}/api/search?q=${q}&start=${since}&end=${until}&limit=200`);
      return res.status === 200 && (JSON.parse(res.text).traces ?? []).length >= INVENTORY_TRACES ? true : undefined;
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
    // The error log lines (dated), not the patterns' examples.
    const logLines = out.stdout
      .split('\n')
      .filter((l) => /^ {2}\d{4}-/.test(l) && l.includes(TRACE_ID) && l.includes('charge failed'));
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

  it("names the version inventory's failing requests share first, from Tempo's select()", async () => {
    const out = { stdout: '', stderr: '' };
    const args = [
      '--service',
      INVENTORY,
      '--until',
      String(Math.ceil(nowMs / 1000) + 60),
      '--tempo',
      stack.urls.tempo ?? '',
      '--json',
    ];
    await main(args, {}, { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
    expect(out.stderr).toBe('');
    const suspects = JSON.parse(out.stdout).sections.suspects;
    expect(suspects).toMatchObject({ status: 'ok', state: 'ranked', failing: 20, baseline: 60 });
    expect(suspects.suspects[0]).toMatchObject({
      attribute: 'resource.service.version',
      value: '1.5.0',
      failingShare: 1,
      baselineShare: 20 / 60,
    });
    expect(suspects.version).toMatchObject({ version: '1.5.0', afterOthers: true });
    const text = { stdout: '', stderr: '' };
    await main(args.slice(0, -1), {}, { stdout: (t) => (text.stdout += t), stderr: (t) => (text.stderr += t) });
    expect(text.stdout).toContain(
      'What the failing requests share\n' +
        '  20 failing server or consumer spans against 60 others (sampled; values more common among the failing first)\n' +
        '  attribute=value        failing   others\n' +
        '  service.version=1.5.0  100.0%    33.3%\n'
    );
    expect(text.stdout).toContain('  note: a deploy may be the cause: service.version 1.5.0 first shows at ');
  });

  it("lists the payment's error-log patterns as new, each with its trace id, from the real Loki", async () => {
    const out = { stdout: '', stderr: '' };
    const args = [
      '--service',
      SERVICE,
      '--until',
      String(Math.ceil(nowMs / 1000) + 60),
      '--loki',
      stack.urls.loki ?? '',
    ];
    await main(args, {}, { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
    expect(out.stdout).toContain(
      'New and grown error-log patterns (this window against the one before)\n' +
        '  2 error lines read now, 0 before (at most 1000 each, newest first)\n' +
        '         now    before  example trace                     pattern (<_> varies)\n' +
        `  NEW    1      0       ${TRACE_ID}  charge failed: card declined\n` +
        `  NEW    1      0       ${TRACE_ID}  charge failed:<_> screen cleared?\n`
    );
  });

  it('--hygiene finds the email in the real Loki, masked, with its fix; Tempo answers too', async () => {
    const until = String(Math.ceil(nowMs / 1000) + 60);
    const args = ['--hygiene', '--service', SERVICE, '--until', until, '--loki', stack.urls.loki ?? ''];
    const tempo = ['--tempo', stack.urls.tempo ?? ''];
    const json = { stdout: '', stderr: '' };
    const code = await main(
      [...args, ...tempo, '--json'],
      {},
      {
        stdout: (t) => (json.stdout += t),
        stderr: (t) => (json.stderr += t),
      }
    );
    expect(json.stderr).toBe('');
    expect(code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.report.pillars).toEqual({
      prometheus: { state: 'not-configured', message: 'no Prometheus to ask (give --prometheus <url>)' },
      loki: { state: 'ok' },
      tempo: { state: 'ok' },
    });
    expect(doc.report.findings).toEqual([
      expect.objectContaining({
        kind: 'personal-data',
        pillar: 'loki',
        service: SERVICE,
        field: 'log line',
        count: 1,
        personalData: ['email'],
        example: expect.stringMatching(/^‹email:•+›$/),
      }),
    ]);
    const text = { stdout: '', stderr: '' };
    await main([...args, ...tempo], {}, { stdout: (t) => (text.stdout += t), stderr: (t) => (text.stderr += t) });
    expect(text.stdout).toContain(
      '1 hygiene finding:\n1. [loki] payment \\"eu\\" $1: personal data "log line" (email; 1; e.g. ‹email:'
    );
    expect(text.stdout).toContain('# Fix 1: redact (transform/hygiene_redact_logs, logs pipeline)');
    expect(`${json.stdout}${text.stdout}`).not.toContain(CUSTOMER_EMAIL);
    expect(`${json.stdout}${text.stdout}`).not.toContain('jane.doe');
  });
});
