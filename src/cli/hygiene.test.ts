/**
 * @jest-environment node
 *
 * `pivot investigate --hygiene`: the Hygiene page's requests through a loopback Grafana (data
 * source resource paths and `/api/ds/query`, answered like the demo storefront's telemetry) and
 * straight to loopback Prometheus, Loki and Tempo APIs; the text and JSON, the exit statuses, and
 * (property) no output holds a planted raw email, card number or token.
 */
import fc from 'fast-check';

import { customerEmail, customerId, DEMO_CUSTOMERS, receiptLine } from '../analysis/fixtures/hygieneEvidence';
import { hygieneReport, type HygieneEvidence } from '../analysis/hygiene/findings';
import { demoAnswers } from '../testing/hygieneAnswers';
import { lokiQueryRange } from './fixtures/backendAnswers';
import { Loopback, Recorded, startLoopback } from './fixtures/loopback';
import { hygieneExitCode, HygieneRun, renderHygieneJson, renderHygieneText } from './hygiene';
import { main } from './investigate';

const UNTIL = 1_700_003_600_000;
const TOKEN = 'glsa_test_token';
const SAVED = {
  datasources: { prometheus: 'prom-uid', loki: 'loki-uid', tempo: 'tempo-uid' },
  metrics: { family: 'tempo-spanmetrics', serviceLabel: 'service_name' },
  logs: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
};

async function run(args: string[], env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, env, { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) });
  return { code, ...out };
}

/** The recorded request as the ProbeRequest the Hygiene page sent. */
function probeRequest(req: Recorded, url = `${req.path}?${req.query.toString()}`) {
  return { method: req.method as 'GET' | 'POST', url, data: req.body ? JSON.parse(req.body) : undefined };
}

const answer = (respond: () => unknown) => {
  try {
    return { body: respond() };
  } catch (error) {
    const e = error as { status?: number; data?: unknown };
    return { status: e.status ?? 500, body: e.data ?? { message: String(error) } };
  }
};

const RAW_VALUES = [customerEmail(1), customerEmail(DEMO_CUSTOMERS), customerId(1), customerId(DEMO_CUSTOMERS)];

describe('pivot investigate --hygiene through Grafana', () => {
  let grafana: Loopback;
  let quiet = false;

  beforeAll(async () => {
    grafana = await startLoopback((req) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return { status: 401, body: { message: 'Unauthorized' } };
      }
      if (req.path === '/api/plugins/pivot-correlation-app/settings') {
        return { body: { id: 'pivot-correlation-app', enabled: true, jsonData: SAVED } };
      }
      return answer(() => demoAnswers(quiet)(probeRequest(req)));
    });
  });

  afterAll(() => grafana.close());

  const args = (...more: string[]) => ['--hygiene', '--until', String(UNTIL / 1000), '--grafana', grafana.url, ...more];

  it('prints the findings, masked, each with its Collector fix; exit 1', async () => {
    quiet = false;
    grafana.requests.length = 0;
    const { code, stdout, stderr } = await run(args(), { GRAFANA_TOKEN: TOKEN });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain(
      'Telemetry hygiene of every service: 15m from 2023-11-14 22:58:20Z to 2023-11-14 23:13:20Z\n' +
        'checked: Prometheus, Loki, Tempo ('
    );
    expect(stdout).toMatch(
      /\n\d+ hygiene findings:\n1\. \[loki\] storefront: personal data "log line" \(email; 3; e\.g\. ‹email:•+›\)\n/
    );
    expect(stdout).toContain('[prometheus] storefront: metric label with ids "user_id"');
    expect(stdout).toContain('[tempo] storefront: span attribute with ids "user.id"');
    expect(stdout).toContain('# Fix 1: ');
    for (const raw of RAW_VALUES) {
      expect(stdout).not.toContain(raw);
    }
    // Every request went to Grafana with the token, to the saved data sources' resource paths.
    expect(grafana.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const paths = grafana.requests.map((r) => r.path);
    expect(paths).toContain('/api/datasources/uid/prom-uid/resources/api/v1/query');
    expect(paths).toContain('/api/datasources/uid/loki-uid/resources/index/volume');
    expect(paths).toContain('/api/datasources/uid/tempo-uid/resources/api/v2/search/tags');
    const lines = grafana.requests.find((r) => r.path === '/api/ds/query');
    expect(JSON.parse(lines?.body ?? '{}').queries[0]).toMatchObject({
      refId: 'hygiene-lines',
      datasource: { uid: 'loki-uid', type: 'loki' },
      maxLines: 500,
    });
  });

  it('--json holds the report with masked examples and the exit status', async () => {
    quiet = false;
    const { code, stdout } = await run(args('--json', '--service', 'storefront'), { GRAFANA_TOKEN: TOKEN });
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ service: 'storefront', exitCode: 1, window: { toMs: UNTIL, since: '15m' } });
    expect(doc.report.pillars).toEqual({ prometheus: { state: 'ok' }, loki: { state: 'ok' }, tempo: { state: 'ok' } });
    const kinds = doc.report.findings.map((f: { kind: string; field: string }) => `${f.kind} ${f.field}`);
    expect(kinds).toEqual(expect.arrayContaining(['personal-data log line', 'id-metric-label user_id']));
    for (const f of doc.report.findings) {
      expect(f.example).toMatch(/‹|\{id\}/);
      expect(typeof f.fix.snippet).toBe('string');
    }
    for (const raw of RAW_VALUES) {
      expect(stdout).not.toContain(raw);
    }
  });

  it('a quiet system has no finding: exit 0', async () => {
    quiet = true;
    const { code, stdout } = await run(args(), { GRAFANA_TOKEN: TOKEN });
    expect(code).toBe(0);
    expect(stdout).toContain('No hygiene findings in this window.\n');
  });
});

describe('pivot investigate --hygiene straight to the backends', () => {
  let prometheus: Loopback;
  let loki: Loopback;
  let tempo: Loopback;
  const demo = demoAnswers();
  // The resource path the Hygiene page would have asked Grafana for.
  const resource = (uid: string, req: Recorded, prefix = '') =>
    probeRequest(req, `/api/datasources/uid/${uid}/resources/${req.path.slice(1 + prefix.length)}?${req.query}`);

  beforeAll(async () => {
    prometheus = await startLoopback((req) => answer(() => demo(resource('prometheus', req))));
    loki = await startLoopback((req) =>
      req.path === '/loki/api/v1/query_range'
        ? {
            body: lokiQueryRange([
              {
                stream: { service_name: 'storefront' },
                values: [1, 2, 3].map((i): [string, string] => [`${UNTIL - i}000000`, receiptLine(i)]),
              },
            ]),
          }
        : answer(() => demo(resource('loki', req, 'loki/api/v1/')))
    );
    tempo = await startLoopback((req) => answer(() => demo(resource('tempo', req))));
  });

  afterAll(async () => {
    await Promise.all([prometheus.close(), loki.close(), tempo.close()]);
  });

  it('asks each API directly and finds what Grafana would', async () => {
    const { code, stdout, stderr } = await run([
      '--hygiene',
      '--until',
      String(UNTIL / 1000),
      '--prometheus',
      prometheus.url,
      '--loki',
      loki.url,
      '--tempo',
      tempo.url,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('1. [loki] storefront: personal data "log line" (email; 3; e.g. ‹email:');
    expect(stdout).toContain('[prometheus] storefront: metric label with ids "user_id"');
    expect(stdout).toContain('[tempo] storefront: span attribute with ids "user.id"');
    expect(prometheus.requests.map((r) => r.path)).toContain('/api/v1/query');
    expect(loki.requests.map((r) => r.path).sort()).toEqual(['/loki/api/v1/index/volume', '/loki/api/v1/query_range']);
    const lines = loki.requests.find((r) => r.path === '/loki/api/v1/query_range');
    expect(lines?.query.get('limit')).toBe('500');
    expect(lines?.query.get('end')).toBe(`${UNTIL}000000`);
    expect(tempo.requests.map((r) => r.path)).toContain('/api/v2/search/tags');
    for (const raw of RAW_VALUES) {
      expect(stdout).not.toContain(raw);
    }
  });

  it('a pillar without a URL is not checked and says how to give one; one that cannot answer is exit 3', async () => {
    const onlyTempo = await run(['--hygiene', '--service', 'checkout', '--tempo', tempo.url]);
    expect(onlyTempo.stdout).toContain(
      'prometheus: not checked (not-configured): no Prometheus to ask (give --prometheus <url>)\n'
    );
    expect(onlyTempo.stdout).toContain('loki: not checked (not-configured): no Loki to ask (give --loki <url>)\n');
    const down = await run(['--hygiene', '--service', 'checkout', '--loki', 'http://127.0.0.1:1', '--json']);
    expect(down.code).toBe(3);
    const doc = JSON.parse(down.stdout);
    expect(doc.report.pillars.loki).toEqual({
      state: 'error',
      message: expect.stringContaining('cannot reach Loki at http://127.0.0.1:1/loki/api/v1/'),
    });
    expect(doc.exitCode).toBe(3);
  });

  it('--service "" is a usage error (leave it out for every service)', async () => {
    const bad = await run(['--hygiene', '--service', '', '--tempo', tempo.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--service takes a name; leave it out for every service');
  });
});

// ---------------------------------------------------------------------------------------------
// No output holds a planted raw value.

const luhnDigit = (digits: string) => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._]{2,12}$/), fc.stringMatching(/^[a-z]{3,10}\.(com|org|io|de)$/))
  .map(([local, domain]) => `${local}@${domain}`);
const card = fc
  .tuple(fc.constantFrom('4', '51', '37', '6011'), fc.stringMatching(/^[0-9]{14}$/))
  .map(([prefix, rest]) => {
    const body = (prefix + rest).slice(0, 15);
    return body + luhnDigit(body);
  });
const token = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/);
const hostileText = fc.string({
  maxLength: 12,
  unit: fc.constantFrom('"', '\\', '\n', '\u001b', '\u202e', ' ', 'a', '/', '$', '{', '}'),
});

describe('no hygiene output holds a planted raw value (property)', () => {
  it('text and JSON show masks of emails, card numbers and tokens planted in labels, lines, attributes and span names', () => {
    fc.assert(
      fc.property(
        email,
        card,
        token,
        hostileText,
        fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
        (mail, number, secret, noise, label) => {
          const planted = [mail, number, secret];
          const carriers = [mail, number, `Bearer ${secret}`];
          const values = carriers.flatMap((v, i) => [v, `${noise}${v}${noise}`, `${i}-${v}`]);
          const evidence: HygieneEvidence = {
            metrics: {
              state: 'ok',
              evidence: {
                seriesByService: [{ service: `shop${noise}`, series: 10 }],
                seriesByMetric: [],
                labels: [{ service: `shop${noise}`, field: label, distinct: values.length, capped: false, values }],
              },
            },
            logs: {
              state: 'ok',
              evidence: {
                streamsByService: [{ service: 'shop', streams: 1, capped: false }],
                streamLabels: [{ service: 'shop', field: label, distinct: 1200, capped: true, values }],
                lines: carriers.map((v) => ({ service: 'shop', line: `${noise} paid with ${v} ${noise}` })),
              },
            },
            traces: {
              state: 'ok',
              evidence: {
                attributes: [
                  {
                    service: 'shop',
                    scope: 'span',
                    field: 'user.contact',
                    distinct: values.length,
                    capped: false,
                    values,
                  },
                  {
                    service: 'shop',
                    scope: 'resource',
                    field: label,
                    distinct: 2000,
                    capped: true,
                    values: [number, secret],
                  },
                ],
                spanNames: [{ service: 'shop', names: carriers.map((v) => `GET /users/${v}/orders/12345`) }],
              },
            },
          };
          const report = hygieneReport(evidence);
          const hygieneRun: HygieneRun = {
            service: undefined,
            window: { fromMs: UNTIL - 900_000, toMs: UNTIL, since: '15m' },
            sources: {},
            report,
            cost: { requests: 1, ms: 1 },
          };
          const text = renderHygieneText(hygieneRun);
          const json = renderHygieneJson(hygieneRun, hygieneExitCode(report));
          expect(report.findings.length).toBeGreaterThan(0);
          for (const raw of planted) {
            expect({ raw, inText: text.includes(raw), inJson: json.includes(raw) }).toEqual({
              raw,
              inText: false,
              inJson: false,
            });
          }
          // No character a terminal acts on reaches it raw.
          expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(text)).toBe(false);
          expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(json)).toBe(false);
          expect(JSON.parse(json).report.findings.map((f: { service: string }) => f.service)).toEqual(
            report.findings.map((f) => f.service)
          );
        }
      ),
      { numRuns: 150 }
    );
  });
});
