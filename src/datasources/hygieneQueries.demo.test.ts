/**
 * @jest-environment node
 *
 * The Hygiene page's queries on the demo itself: the native stack (Prometheus, Loki, Tempo,
 * Pivot's Collector with the stack's own config and its cardinality guard, the demo services)
 * with FAULT_TELEMETRY_HYGIENE=on, driven by a bounded number of checkouts. The storefront's
 * misbehaviour (docs/local-stack.md, Faults chosen at start) must be named: `user_id` on its
 * `storefront_checkouts_total` counter and `user.id` on its spans, and the customer's email
 * percent-encoded in its `redirect to /account?email=…` lines and `http.request.header.referer`
 * (the form the stack's Collector regexes, which look for `@`, let through), each masked and
 * with a fix the real Collector validates; the plain email in its `receipt sent` records is
 * masked by the Collector before Loki; and the guard must keep `user.id` out of the span
 * metrics. Skipped with the reason where a part is missing (Loki and Tempo are optional on
 * every machine).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerEmail } from '../analysis/fixtures/hygieneEvidence';
import { validationConfig } from '../analysis/hygiene/collectorFix';
import { hygieneReport } from '../analysis/hygiene/findings';
import {
  checkouts,
  DEMO_DEPENDENCIES,
  describeWherePresent,
  LOKI_HERE,
  poll,
  promInstant,
  TEMPO_HERE,
  http,
} from '../../stack/live/harness';
import { demoInstalled, findBinaries, NativeStack, startNativeStack } from '../../stack/native/nativeStack';
import { PROMETHEUS, Requirement } from '../testing/describeWithPrometheus';
import { hygieneClient } from '../testing/hygieneClient';
import { OTELCOL, requireOtelcol } from '../testing/otelcol';
import { collectHygieneEvidence, HygieneTargets, lokiFindingQuery } from './hygieneQueries';

jest.setTimeout(10 * 60 * 1000);

const DEMO: Requirement = { available: demoInstalled, reason: DEMO_DEPENDENCIES };
/** Checkouts sent, by the 50 customers of the harness's cart(n) (n % 50). */
const CHECKOUTS = 150;
const CUSTOMERS = 50;
/**
 * Tail sampling keeps 10% of healthy fast traces: of 150 checkouts, 15 on average; fewer than 3
 * with probability about 1e-4.
 */
const SAMPLED_AT_LEAST = 3;

describeWherePresent(
  [PROMETHEUS, OTELCOL, DEMO, LOKI_HERE, TEMPO_HERE],
  'Hygiene on the demo with FAULT_TELEMETRY_HYGIENE=on',
  () => {
    let stack: NativeStack;
    let startMs: number;

    beforeAll(async () => {
      const binaries = findBinaries();
      stack = await startNativeStack({
        binaries: { ...binaries, grafana: undefined },
        demo: true,
        demoEnv: { FAULT_TELEMETRY_HYGIENE: 'on', FAULT_INVENTORY_VERSION: '' },
      });
      startMs = Date.now();
      await checkouts(stack.demo.storefront!, CHECKOUTS, 4);
      const prom = stack.urls.prometheus;
      // Each wait is bounded: at most 180 tries a second apart.
      await poll('storefront_checkouts_total with its user_id series in Prometheus', 180, 1000, async () => {
        const r = await promInstant(prom, 'count(storefront_checkouts_total)');
        return (r[0]?.value ?? 0) >= CUSTOMERS ? true : undefined;
      });
      await poll('the receipts in Loki', 180, 1000, async () => {
        const q = encodeURIComponent('{service_name="storefront"} |= "receipt sent"');
        const res = await http(
          'GET',
          `${stack.urls.loki}/loki/api/v1/query_range?query=${q}&start=${startMs - 120_000}000000&limit=1000`
        );
        return res.status === 200 && (res.text.match(/receipt sent/g) ?? []).length >= CHECKOUTS ? true : undefined;
      });
      await poll('the redirect lines in Loki', 180, 1000, async () => {
        const q = encodeURIComponent('{service_name="storefront"} |= "redirect to /account?email="');
        const res = await http(
          'GET',
          `${stack.urls.loki}/loki/api/v1/query_range?query=${q}&start=${startMs - 120_000}000000&limit=1000`
        );
        return res.status === 200 && (res.text.match(/redirect to/g) ?? []).length >= CHECKOUTS ? true : undefined;
      });
      await poll('user.id values in Tempo', 180, 1000, async () => {
        const res = await http('GET', `${stack.urls.tempo}/api/v2/search/tag/span.user.id/values`);
        return res.status === 200 && (res.text.match(/user-/g) ?? []).length >= SAMPLED_AT_LEAST ? true : undefined;
      });
      await poll('referer values in Tempo', 180, 1000, async () => {
        const res = await http('GET', `${stack.urls.tempo}/api/v2/search/tag/span.http.request.header.referer/values`);
        return res.status === 200 && (res.text.match(/%40example/g) ?? []).length >= SAMPLED_AT_LEAST
          ? true
          : undefined;
      });
    });

    afterAll(async () => {
      await stack?.stop();
    }, 60 * 1000);

    it('names the storefront: user_id on its counter, user.id on its spans, the encoded email in its lines and referer, masked, each fix valid', async () => {
      const targets: HygieneTargets = {
        prometheus: { ds: { uid: 'p', name: 'P', type: 'prometheus' }, serviceLabel: 'service_name' },
        loki: { ds: { uid: 'l', name: 'L', type: 'loki' }, serviceLabel: 'service_name' },
        tempo: { ds: { uid: 't', name: 'T', type: 'tempo' } },
      };
      const client = hygieneClient({
        prometheus: { uid: 'p', url: stack.urls.prometheus },
        loki: { uid: 'l', url: stack.urls.loki ?? '' },
        tempo: { uid: 't', url: stack.urls.tempo ?? '' },
      });
      const scope = { fromMs: startMs - 5 * 60_000, toMs: Date.now() + 60_000 };
      const { evidence } = await collectHygieneEvidence(client, targets, scope);
      const report = hygieneReport(evidence);
      expect(report.pillars).toEqual({ prometheus: { state: 'ok' }, loki: { state: 'ok' }, tempo: { state: 'ok' } });
      const named = report.findings.filter((f) => f.service === 'storefront').map((f) => [f.pillar, f.kind, f.field]);
      expect(named).toEqual(
        expect.arrayContaining([
          ['prometheus', 'id-metric-label', 'user_id'],
          ['tempo', 'id-span-attribute', 'user.id'],
          ['loki', 'personal-data', 'log line'],
          ['tempo', 'personal-data', 'http.request.header.referer'],
        ])
      );
      // The stack's own addresses (server.address 127.0.0.1, url.full on loopback) are no one's.
      const addresses = report.findings.filter((f) => f.personalData?.includes('ip-address'));
      expect(addresses.map((f) => [f.service, f.field])).toEqual([]);
      const storefront = report.findings.filter((f) => f.service === 'storefront');
      const emails = storefront.filter((f) => f.field === 'log line' || f.field === 'http.request.header.referer');
      expect(emails.map((f) => [f.field, f.kind, f.personalData])).toEqual(
        expect.arrayContaining([
          ['log line', 'personal-data', ['email']],
          ['http.request.header.referer', 'personal-data', ['email']],
        ])
      );
      expect(emails).toHaveLength(2);
      for (const f of emails) {
        expect(f.example).toMatch(/^‹email:•+›$/);
        expect(f.count).toBeGreaterThanOrEqual(SAMPLED_AT_LEAST);
      }
      // The receipts' plain emails never reach Loki (the Collector's redaction processor masks
      // map-body values); the encoded ones in the redirect lines do, and are what the page finds.
      const q = encodeURIComponent('{service_name="storefront"} |= "receipt sent"');
      const stored = await http(
        'GET',
        `${stack.urls.loki}/loki/api/v1/query_range?query=${q}&start=${startMs - 120_000}000000&limit=5`
      );
      expect(stored.text).toContain('\\"to\\":\\"****\\"');
      expect(stored.text).not.toMatch(/customer\d+@example\.com/);
      // The Loki finding's link finds the leaking lines: every one a redirect with an encoded address.
      const link = storefront.find((f) => f.pillar === 'loki' && f.kind === 'personal-data')?.link;
      const linkQuery = lokiFindingQuery('service_name', 'storefront', link?.pillar === 'loki' ? link : {});
      const linked = await http(
        'GET',
        `${stack.urls.loki}/loki/api/v1/query_range?query=${encodeURIComponent(linkQuery)}&start=${startMs - 120_000}000000&limit=1000`
      );
      const lines = (JSON.parse(linked.text).data.result as Array<{ values: Array<[string, string]> }>).flatMap((r) =>
        r.values.map(([, line]) => line)
      );
      expect(lines.length).toBeGreaterThanOrEqual(CHECKOUTS);
      expect(lines.filter((l) => !/^redirect to \/account\?email=customer\d+%40example\.com$/.test(l))).toEqual([]);
      const label = report.findings.find((f) => f.kind === 'id-metric-label' && f.field === 'user_id');
      expect(label?.count).toBe(CUSTOMERS);
      const text = JSON.stringify(report);
      for (let i = 0; i < CUSTOMERS; i++) {
        expect(text).not.toContain(customerEmail(i));
        expect(text).not.toContain(encodeURIComponent(customerEmail(i)));
      }
      // Each of the four findings' fixes passes the real Collector's validate.
      const dir = mkdtempSync(join(tmpdir(), 'pivot-hygiene-demo-'));
      try {
        const wanted = storefront.filter((f) =>
          ['user_id', 'user.id', 'log line', 'http.request.header.referer'].includes(f.field)
        );
        expect(wanted).toHaveLength(4);
        wanted.forEach((f, i) => {
          const file = join(dir, `fix-${i}.yaml`);
          writeFileSync(file, validationConfig(f.fix));
          const run = spawnSync(requireOtelcol(), ['validate', `--config=${file}`], {
            encoding: 'utf8',
            timeout: 60_000,
          });
          expect({
            field: f.field,
            status: run.status,
            output: run.status === 0 ? '' : `${run.stdout}${run.stderr}`,
          }).toEqual({
            field: f.field,
            status: 0,
            output: '',
          });
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the guard keeps user.id out of the span metrics: only the storefront counter has user_id', async () => {
      const withUser = await promInstant(stack.urls.prometheus, 'count by (__name__) ({user_id!=""})');
      expect(withUser.map((s) => s.metric.__name__)).toEqual(['storefront_checkouts_total']);
      const spanMetrics = await promInstant(
        stack.urls.prometheus,
        'count(traces_span_metrics_calls_total{service_name="storefront"})'
      );
      expect(spanMetrics[0]?.value ?? 0).toBeGreaterThan(0);
    });
  }
);
