/**
 * @jest-environment node
 *
 * The percent-encoded email of the demo storefront (docs/hygiene.md, The local stack's guard),
 * run through the real Collector (Pivot's distribution, src/testing/otelcol.ts): the stack's own
 * PII processors (attributes/pii, transform/pii, redaction, from stack/otel-collector/config.yaml)
 * let `customer7%40example.com` through in a log line, a map body and a referer, while they mask
 * the plain address; with the fixes the Hygiene page offers for those findings after them, the
 * encoded address is gone. The Collector listens on 127.0.0.1 (free port) and exports OTLP/HTTP
 * JSON to a loopback capture receiver; every wait is bounded; the process is stopped afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  capturedLogs,
  capturedSpans,
  CaptureReceiver,
  http,
  poll,
  startCaptureReceiver,
} from '../../../stack/live/harness';
import { freePort } from '../../../stack/native/nativeStack';
import { stopChild } from '../../testing/processes';
import { describeWhen } from '../../testing/describeWithPrometheus';
import { OTELCOL, requireOtelcol } from '../../testing/otelcol';
import { CollectorFix } from './collectorFix';
import { hygieneReport } from './findings';
import { findPersonalData, percentDecode } from './personalData';

type Yaml = Record<string, any>;

const SERVICE = 'storefront';
const ADDRESS = 'customer7@example.com';
const ENCODED = encodeURIComponent(ADDRESS);
const TWICE = encodeURIComponent(ENCODED);
const LINE = `redirect to /account?email=${ENCODED}`;
const REFERER = `https://shop.example/account?email=${ENCODED}`;
const GUARD = ['attributes/pii', 'transform/pii', 'redaction'];

/** The fixes the page offers for the storefront's encoded address in a log line and a referer. */
function demoFixes(): { logs: CollectorFix; traces: CollectorFix } {
  const report = hygieneReport({
    metrics: { state: 'not-configured', message: 'none' },
    logs: {
      state: 'ok',
      evidence: { streamsByService: [], streamLabels: [], lines: [{ service: SERVICE, line: LINE }] },
    },
    traces: {
      state: 'ok',
      evidence: {
        attributes: [
          {
            service: SERVICE,
            scope: 'span',
            field: 'http.request.header.referer',
            distinct: 1,
            capped: false,
            values: [REFERER],
          },
        ],
        spanNames: [],
      },
    },
  });
  const fix = (pillar: string) => {
    const found = report.findings.find((f) => f.pillar === pillar && f.kind === 'personal-data');
    if (!found) {
      throw new Error(`no ${pillar} personal-data finding`);
    }
    return found.fix;
  };
  return { logs: fix('loki'), traces: fix('tempo') };
}

/** Two pipelines per signal from one receiver: the stack's guard alone, and the guard then the fix. */
function config(otlpPort: number, capture: string, fixes: { logs: CollectorFix; traces: CollectorFix }): string {
  const stack = parse(
    readFileSync(join(__dirname, '..', '..', '..', 'stack', 'otel-collector', 'config.yaml'), 'utf8')
  ) as Yaml;
  const processors: Yaml = Object.fromEntries(GUARD.map((p) => [p, stack.processors[p]]));
  for (const fix of [fixes.logs, fixes.traces]) {
    Object.assign(processors, (parse(fix.snippet) as Yaml).processors);
  }
  const exporter = (path: string) => ({ endpoint: `${capture}/${path}`, encoding: 'json', compression: 'none' });
  return stringify({
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${otlpPort}` } } } },
    processors,
    exporters: { 'otlphttp/guard': exporter('guard'), 'otlphttp/fixed': exporter('fixed') },
    service: {
      telemetry: { metrics: { level: 'none' } },
      pipelines: {
        'logs/guard': { receivers: ['otlp'], processors: GUARD, exporters: ['otlphttp/guard'] },
        'logs/fixed': {
          receivers: ['otlp'],
          processors: [...GUARD, fixes.logs.component],
          exporters: ['otlphttp/fixed'],
        },
        'traces/guard': { receivers: ['otlp'], processors: GUARD, exporters: ['otlphttp/guard'] },
        'traces/fixed': {
          receivers: ['otlp'],
          processors: [...GUARD, fixes.traces.component],
          exporters: ['otlphttp/fixed'],
        },
      },
    },
  });
}

const resource = { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] };
const str = (v: string) => ({ stringValue: v });

const LOGS = {
  resourceLogs: [
    {
      resource,
      scopeLogs: [
        {
          logRecords: [
            { body: str(LINE) },
            { body: str(`next=/login?continue=%2Faccount%3Femail%3D${TWICE}`) },
            { body: { kvlistValue: { values: [{ key: 'next', value: str(`/account?email=${ENCODED}`) }] } } },
            { body: str(`receipt sent to ${ADDRESS}`) },
          ],
        },
      ],
    },
  ],
};

const TRACES = {
  resourceSpans: [
    {
      resource,
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: 'POST /checkout',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000100000000',
              attributes: [{ key: 'http.request.header.referer', value: str(REFERER) }],
            },
          ],
        },
      ],
    },
  ],
};

/** Every string of a log body (a string, or a map's values). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') {
    return body;
  }
  const values = (body as { values?: Array<{ value: Record<string, unknown> }> } | undefined)?.values ?? [];
  return values.map((v) => String(Object.values(v.value)[0])).join(' ');
}

describeWhen(OTELCOL, "the storefront's encoded email through the real Collector", () => {
  let dir: string;
  let capture: CaptureReceiver;
  let child: ReturnType<typeof spawn> | undefined;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-encoded-email-'));
    capture = await startCaptureReceiver();
    const port = await freePort();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, config(port, capture.url, demoFixes()));
    child = spawn(requireOtelcol(), [`--config=${file}`], {
      env: { ...process.env, PIVOT_PII_SALT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8192)));
    child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8192)));
    const post = async (path: string, body: unknown) => {
      try {
        const res = await http('POST', `http://127.0.0.1:${port}${path}`, body, 5000);
        return res.status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    };
    // At most 120 tries half a second apart: the receiver listens once the Collector is up.
    await poll(
      'the Collector takes the logs',
      120,
      500,
      () => post('/v1/logs', LOGS),
      () => output
    );
    await poll(
      'the Collector takes the spans',
      20,
      500,
      () => post('/v1/traces', TRACES),
      () => output
    );
    await poll(
      'both pipelines of each signal exported',
      120,
      500,
      async () => {
        const paths = new Set(capture.received.map((c) => c.path));
        return ['/guard/v1/logs', '/fixed/v1/logs', '/guard/v1/traces', '/fixed/v1/traces'].every((p) => paths.has(p))
          ? true
          : undefined;
      },
      () => `${[...new Set(capture.received.map((c) => c.path))].join(', ')}\n${output}`
    );
  }, 120_000);

  afterAll(async () => {
    if (child) {
      await stopChild(child);
    }
    await capture?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const logs = (pipeline: string) =>
    capturedLogs(capture.received.filter((c) => c.path.startsWith(`/${pipeline}/`))).map((l) => bodyText(l.body));
  const referers = (pipeline: string) =>
    capturedSpans(capture.received.filter((c) => c.path.startsWith(`/${pipeline}/`))).map((s) =>
      String(s.attributes['http.request.header.referer'])
    );

  it("the stack's guard masks the plain address but lets every encoded one through", () => {
    const guarded = logs('guard');
    expect(guarded).toHaveLength(4);
    expect(guarded).toEqual(expect.arrayContaining([LINE, `receipt sent to ****`, `/account?email=${ENCODED}`]));
    expect(guarded.some((l) => l.includes(TWICE))).toBe(true);
    expect(referers('guard')).toEqual([REFERER]);
  });

  it("with the page's fixes after it, no encoded address is left, once or twice encoded", () => {
    const fixed = logs('fixed');
    expect(fixed).toHaveLength(4);
    for (const text of [...fixed, ...referers('fixed')]) {
      expect(findPersonalData(text)).toEqual([]);
      expect(percentDecode(percentDecode(text))).not.toContain(ADDRESS);
    }
    expect(fixed).toEqual(expect.arrayContaining(['redirect to /account?email=****']));
    // The referer is hashed (SHA-256, hex), which keeps it joinable, not readable.
    expect(referers('fixed')).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });
});
