/**
 * @jest-environment node
 *
 * The Hygiene page's Loki and Tempo queries against a real Loki and Tempo, started by the native
 * stack module from the stack's own configuration files (loopback, free ports, temp storage).
 * The test writes data shaped like the demo's misbehaving storefront (docs/local-stack.md,
 * FAULT_TELEMETRY_HYGIENE): `user.id` on its server spans, span names with order ids, and
 * `receipt sent` log records whose map body holds the customer's email. Skipped with the reason
 * where loki or tempo is missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import { customerEmail, customerId } from '../analysis/fixtures/hygieneEvidence';
import { hygieneReport } from '../analysis/hygiene/findings';
import { describeWherePresent, http, LOKI_HERE, poll, TEMPO_HERE } from '../../stack/live/harness';
import { findBinaries, NativeStack, startNativeStack } from '../../stack/native/nativeStack';
import { PROMETHEUS } from '../testing/describeWithPrometheus';
import { hygieneClient } from '../testing/hygieneClient';
import { collectHygieneEvidence, HygieneTargets, lokiFindingQuery, tempoFindingQuery } from './hygieneQueries';

jest.setTimeout(240000);

const CUSTOMERS = 12;
const NS_PER_MS = BigInt(1_000_000);
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function otlpTraces(nowMs: number) {
  const spans = Array.from({ length: CUSTOMERS }, (_, i) => {
    const start = BigInt(nowMs - 5000 + i * 10) * NS_PER_MS;
    const span = (id: number, name: string, attributes: Array<{ key: string; value: { stringValue: string } }>) => ({
      traceId: hex(0xabc000 + i, 32),
      spanId: hex(id, 16),
      name,
      kind: 2,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(5_000_000)).toString(),
      attributes,
      status: { code: 0 },
    });
    return [
      span(0x100 + i, 'POST /checkout', [{ key: 'user.id', value: { stringValue: customerId(i + 1) } }]),
      span(0x200 + i, `GET /orders/${10_000 + i}`, []),
    ];
  }).flat();
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'storefront' } }] },
        scopeSpans: [{ scope: { name: 'pivot-test' }, spans }],
      },
    ],
  };
}

function otlpLogs(nowMs: number) {
  const str = (v: string) => ({ stringValue: v });
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: str('storefront') }] },
        scopeLogs: [
          {
            scope: { name: 'pivot-test' },
            logRecords: Array.from({ length: CUSTOMERS }, (_, i) => ({
              timeUnixNano: (BigInt(nowMs - 4000 + i) * NS_PER_MS).toString(),
              severityNumber: 9,
              severityText: 'INFO',
              body: {
                kvlistValue: {
                  values: [
                    { key: 'msg', value: str('receipt sent') },
                    { key: 'to', value: str(customerEmail(i + 1)) },
                    { key: 'user_id', value: str(customerId(i + 1)) },
                  ],
                },
              },
            })),
          },
        ],
      },
      {
        resource: { attributes: [{ key: 'service.name', value: str('checkout') }] },
        scopeLogs: [
          {
            scope: { name: 'pivot-test' },
            logRecords: [{ timeUnixNano: (BigInt(nowMs - 3000) * NS_PER_MS).toString(), body: str('order placed') }],
          },
        ],
      },
    ],
  };
}

describeWherePresent([PROMETHEUS, LOKI_HERE, TEMPO_HERE], 'Hygiene queries against a real Loki and Tempo', () => {
  let stack: NativeStack;
  let nowMs: number;
  let targets: HygieneTargets;

  beforeAll(async () => {
    const found = findBinaries();
    stack = await startNativeStack({
      binaries: { prometheus: found.prometheus, loki: found.loki, tempo: found.tempo },
    });
    const tempoConfig = parse(readFileSync(join(stack.dir, 'config', 'tempo.yaml'), 'utf8'));
    const otlpHttp = `http://${tempoConfig.distributor.receivers.otlp.protocols.http.endpoint}`;
    nowMs = Date.now();
    expect((await http('POST', `${otlpHttp}/v1/traces`, otlpTraces(nowMs))).status).toBe(200);
    expect((await http('POST', `${stack.urls.loki}/otlp/v1/logs`, otlpLogs(nowMs))).status).toBe(204);
    const since = Math.floor(nowMs / 1000) - 900;
    const until = Math.ceil(nowMs / 1000) + 60;
    await poll('the user ids in Tempo tag values', 120, 500, async () => {
      const res = await http(
        'GET',
        `${stack.urls.tempo}/api/v2/search/tag/span.user.id/values?start=${since}&end=${until}`
      );
      return res.status === 200 && res.text.includes(customerId(CUSTOMERS)) ? true : undefined;
    });
    await poll('the receipts in Loki', 120, 500, async () => {
      const q = encodeURIComponent('{service_name="storefront"}');
      const res = await http(
        'GET',
        `${stack.urls.loki}/loki/api/v1/query_range?query=${q}&start=${since}000000000&end=${until}000000000`
      );
      return res.status === 200 && (res.text.match(/receipt sent/g) ?? []).length >= CUSTOMERS ? true : undefined;
    });
    targets = {
      prometheus: { problem: 'not in this test' },
      loki: { ds: { uid: 'loki', name: 'Loki', type: 'loki' }, serviceLabel: 'service_name' },
      tempo: { ds: { uid: 'tempo', name: 'Tempo', type: 'tempo' } },
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const client = () =>
    hygieneClient({
      loki: { uid: 'loki', url: stack.urls.loki ?? '' },
      tempo: { uid: 'tempo', url: stack.urls.tempo ?? '' },
    });
  const scope = () => ({ fromMs: nowMs - 15 * 60_000, toMs: nowMs + 60_000 });

  it('the overview names the storefront: the email in its logs, user.id on its spans, order ids in its span names', async () => {
    const { evidence } = await collectHygieneEvidence(client(), targets, scope());
    expect(evidence.logs).toEqual(expect.objectContaining({ state: 'ok' }));
    expect(evidence.traces).toEqual(expect.objectContaining({ state: 'ok' }));
    const report = hygieneReport(evidence);
    const shown = report.findings.map((f) => [f.pillar, f.kind, f.service, f.field, f.count]);
    expect(shown).toEqual([
      ['loki', 'personal-data', 'storefront', 'log line', CUSTOMERS],
      ['tempo', 'id-span-name', 'storefront', 'span name', CUSTOMERS],
      ['tempo', 'id-span-attribute', 'storefront', 'user.id', CUSTOMERS],
    ]);
    expect(report.streamsByService).toEqual([
      { service: 'checkout', streams: 1, capped: false },
      { service: 'storefront', streams: 1, capped: false },
    ]);
    const everything = JSON.stringify(report);
    for (let i = 1; i <= CUSTOMERS; i++) {
      expect(everything).not.toContain(customerEmail(i));
      expect(everything).not.toContain(customerId(i));
    }
  });

  it("each finding's link query finds its lines or spans on the real servers", async () => {
    const report = hygieneReport((await collectHygieneEvidence(client(), targets, scope())).evidence);
    const since = Math.floor(nowMs / 1000) - 900;
    const until = Math.ceil(nowMs / 1000) + 60;
    for (const f of report.findings) {
      const link = f.link;
      if (link.pillar === 'loki') {
        const q = encodeURIComponent(lokiFindingQuery('service_name', link.service, link));
        const res = await http(
          'GET',
          `${stack.urls.loki}/loki/api/v1/query_range?query=${q}&start=${since}000000000&end=${until}000000000&limit=100`
        );
        expect(res.status).toBe(200);
        expect((res.text.match(/receipt sent/g) ?? []).length).toBe(CUSTOMERS);
      } else if (link.pillar === 'tempo') {
        const q = encodeURIComponent(tempoFindingQuery(link.service, link));
        const res = await http('GET', `${stack.urls.tempo}/api/search?q=${q}&start=${since}&end=${until}&limit=100`);
        expect({ finding: f.field, status: res.status }).toEqual({ finding: f.field, status: 200 });
        expect(res.json().traces).toHaveLength(CUSTOMERS);
      }
    }
  });

  it('a service scope asks for that service only, and a quiet service has no finding', async () => {
    const storefront = hygieneReport(
      (await collectHygieneEvidence(client(), targets, { ...scope(), service: 'storefront' })).evidence
    );
    expect(storefront.findings.map((f) => f.field).sort()).toEqual(['log line', 'span name', 'user.id']);
    const checkout = hygieneReport(
      (await collectHygieneEvidence(client(), targets, { ...scope(), service: 'checkout' })).evidence
    );
    expect(checkout.pillars).toEqual({
      prometheus: { state: 'not-configured', message: 'not in this test' },
      loki: { state: 'ok' },
      tempo: { state: 'ok' },
    });
    expect(checkout.findings).toEqual([]);
  });
});
