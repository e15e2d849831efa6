/**
 * @jest-environment node
 *
 * The README's incident story end to end on real servers: the native stack
 * (stack/native/nativeStack.ts: Prometheus, Pivot's Collector, the demo services, and Loki
 * and Tempo where they are on this machine) with the payment fault at 30%, driven by a
 * bounded number of checkouts, read with Pivot's own query builders and analysis.
 *
 * Without Loki and Tempo (CI), the Collector's traces and logs pipelines export OTLP/HTTP
 * JSON to a loopback receiver in this test instead, so redaction and tail sampling are
 * checked on what leaves the Collector; with them, on what Tempo and Loki hold.
 *
 * Waits, each polled with a bounded attempt count: Prometheus has the Collector's span
 * metrics counting every checkout sent (`counted`); the traces and logs of a marker sent last
 * have reached the receiver or Tempo and Loki (`markerArrived`), so every earlier trace's
 * sampling decision was made; Tempo's service graph has every edge of the demo's topology.
 */
import { analyzeTrace } from '../../src/analysis/traceAnalysis';
import { DEFAULT_LOG_CONVENTIONS, METRIC_FAMILIES, MetricConventions } from '../../src/datasources/conventions';
import { serviceLogs, traceLogs } from '../../src/datasources/logql';
import { prometheusProbeQueries } from '../../src/datasources/probes';
import { errorRatio, familySelector, sumBy } from '../../src/datasources/promql';
import { edgeFailedRate, edgeRequestRate } from '../../src/datasources/serviceGraph';
import { traceById } from '../../src/datasources/traceql';
import { familyProbeFromCounts, rankFamilies } from '../../src/datasources/detect';
import { METRIC_FAMILY_LIST } from '../../src/datasources/conventions';
import { PROMETHEUS, Requirement } from '../../src/testing/describeWithPrometheus';
import { OTELCOL } from '../../src/testing/otelcol';
import { demoInstalled, NativeStack, startNativeStack, findBinaries } from '../native/nativeStack';
import { grafanaTraceFrame, lokiLines, tempoSearch, tempoTrace } from './backends';
import {
  capturedLogs,
  capturedSpans,
  CaptureReceiver,
  checkouts,
  DEMO_DEPENDENCIES,
  describeWhen,
  describeWherePresent,
  http,
  LOKI_HERE,
  poll,
  promInstant,
  startCaptureReceiver,
  TEMPO_HERE,
} from './harness';

/** The payment fault of the README's story. */
const FAULT = 0.3;
/** Checkouts measured; the error ratio's standard deviation is sqrt(0.3 x 0.7 / 800) = 0.0162. */
const N = 800;
/**
 * A measured ratio of N Bernoulli(0.3) outcomes lies within 4.5 standard deviations of 0.3
 * (0.227 to 0.373) except with probability about 7e-6: the test fails by chance about once in
 * 150,000 runs, and a fault applied at the wrong ratio (0.2 or 0.4, 6 deviations away) fails it.
 */
const Z = 4.5;
/** Checkouts in flight at once: the measured traces stay fast on a busy 2-core machine. */
const CONCURRENCY = 4;
/** Tail sampling keeps this share of healthy, fast traces (stack/otel-collector/config.yaml). */
const SAMPLED = 0.1;
const SLOW_MS = 500;
/** Each test's own bound: its polls (at most 120 tries a second apart) fit in it. */
const LIVE_TEST_MS = 3 * 60 * 1000;

const CONV: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };
const STORY = ['storefront', 'checkout', 'payment'];

const DEMO: Requirement = { available: demoInstalled, reason: DEMO_DEPENDENCIES };
/** Prometheus, the Collector and the demo's dependencies: CI has them all (.ci/run). */
const CI_PART: Requirement = {
  available: () => [PROMETHEUS, OTELCOL, DEMO].every((r) => r.available()),
  get reason() {
    return [PROMETHEUS, OTELCOL, DEMO].find((r) => !r.available())?.reason ?? '';
  },
};

function withinBinomial(observed: number, n: number, p: number): { observed: number; low: number; high: number } {
  const sd = Math.sqrt((p * (1 - p)) / n);
  return { observed, low: p - Z * sd, high: p + Z * sd };
}

/** The PII the docs say the Collector removes, on a marker span and log record sent last. */
const MARKER_SERVICE = 'pii-marker';
const MARKER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const PII_ATTRIBUTES: Record<string, string> = {
  'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64)',
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
  'user.email': 'ada@example.com',
  'user.phone': '+1-555-0100',
  'payment.card.number': '4111111111111111',
  'http.request.header.authorization': 'Bearer secret-token',
  'http.request.header.cookie': 'session=abc',
  'client.address': '203.0.113.7',
  'network.peer.address': '203.0.113.7',
  'url.query': 'q=ada@example.com',
  'url.full': 'https://user:pass@shop.example.com/search?q=ada&token=abc',
  'db.statement': "SELECT * FROM users WHERE email = 'ada@example.com' AND id = 42 AND t = orders2",
  'enduser.id': 'user-0042',
  note: 'card 4111 1111 1111 1111 for ada@example.com at 1700000000000',
};
/** What docs/local-stack.md#what-is-and-is-not-redacted says each becomes (undefined: deleted). */
const REDACTED: Record<string, string | undefined> = {
  'http.user_agent': undefined,
  'user_agent.original': undefined,
  'user.email': '***REDACTED***',
  'user.phone': '***REDACTED***',
  'payment.card.number': undefined,
  'http.request.header.authorization': undefined,
  'http.request.header.cookie': undefined,
  'client.address': undefined,
  'network.peer.address': undefined,
  'url.query': '***REDACTED***',
  'url.full': 'https://***REDACTED***@shop.example.com/search?***REDACTED***',
  'db.statement': 'SELECT * FROM users WHERE email = ? AND id = ? AND t = orders2',
  // Without PIVOT_PII_SALT the id is deleted, not hashed.
  'enduser.id': undefined,
  note: 'card **** for **** at 1700000000000',
};

function otlpAttributes(map: Record<string, string>) {
  return Object.entries(map).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

async function sendMarker(otlpHttp: string): Promise<void> {
  const resource = { attributes: otlpAttributes({ 'service.name': MARKER_SERVICE }) };
  const nowNs = BigInt(Date.now()) * BigInt(1_000_000);
  const traces = await http('POST', `${otlpHttp}/v1/traces`, {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope: { name: 'pivot-live-test' },
            spans: [
              {
                traceId: MARKER_TRACE,
                spanId: 'b7ad6b7169203331',
                name: 'marker',
                kind: 2,
                startTimeUnixNano: String(nowNs - BigInt(1_000_000)),
                endTimeUnixNano: String(nowNs),
                // Failing: tail sampling keeps it, so its arrival is the last event to wait for.
                status: { code: 2, message: 'marker' },
                attributes: otlpAttributes(PII_ATTRIBUTES),
              },
            ],
          },
        ],
      },
    ],
  });
  const logs = await http('POST', `${otlpHttp}/v1/logs`, {
    resourceLogs: [
      {
        resource,
        scopeLogs: [
          {
            scope: { name: 'pivot-live-test' },
            logRecords: [
              {
                timeUnixNano: String(nowNs),
                severityNumber: 17,
                severityText: 'ERROR',
                traceId: MARKER_TRACE,
                spanId: 'b7ad6b7169203331',
                body: { stringValue: 'refund to 4111-1111-1111-1111 failed, mail ada@example.com' },
                attributes: otlpAttributes(PII_ATTRIBUTES),
              },
            ],
          },
        ],
      },
    ],
  });
  expect([traces.status, logs.status]).toEqual([200, 200]);
}
const MARKER_BODY = 'refund to **** failed, mail ****';

describeWhen(CI_PART, 'the incident story on the live native stack (payment fault 30%)', () => {
  const full = LOKI_HERE.available() && TEMPO_HERE.available();
  let stack: NativeStack;
  let capture: CaptureReceiver | undefined;
  let startMs: number;
  let primed = { ok: 0, failed: 0 };
  let measured = { ok: 0, failed: 0 };
  let t0 = 0;
  let t1 = 0;

  /** Server-span calls and errors by service, as Prometheus has them now, with the newest sample's time. */
  async function counts() {
    const requests = familySelector(CONV, 'requests', {
      matchers: [{ label: 'service_name', op: '=~', value: STORY.join('|') }],
    });
    const errors = familySelector(CONV, 'errors', {
      matchers: [{ label: 'service_name', op: '=~', value: STORY.join('|') }],
    });
    const [calls, failed, stamp] = await Promise.all([
      promInstant(stack.urls.prometheus, sumBy(['service_name'], requests)),
      promInstant(stack.urls.prometheus, sumBy(['service_name'], errors)),
      promInstant(stack.urls.prometheus, `max(timestamp(${requests}))`),
    ]);
    const by = (samples: typeof calls) => Object.fromEntries(samples.map((s) => [s.metric.service_name, s.value]));
    return { calls: by(calls), failed: by(failed), time: stamp[0]?.value ?? 0 };
  }

  /** Waits until Prometheus counts `total` checkouts, `failed` of them failing, for every story service. */
  async function counted(total: number, failed: number): Promise<number> {
    let last = '';
    return poll(
      `the span metrics of ${total} checkouts (${failed} failing) in Prometheus`,
      120,
      2000,
      async () => {
        const now = await counts();
        last = JSON.stringify(now);
        const done = STORY.every((s) => now.calls[s] === total && now.failed[s] === failed);
        return done ? now.time : undefined;
      },
      () => last
    );
  }

  beforeAll(
    async () => {
      capture = full ? undefined : await startCaptureReceiver();
      const binaries = findBinaries();
      stack = await startNativeStack({
        binaries: { ...binaries, grafana: undefined, ...(full ? {} : { loki: undefined, tempo: undefined }) },
        demo: true,
        demoEnv: { FAULT_INVENTORY_VERSION: '' },
        capture: capture ? { traces: `${capture.url}/traces`, logs: `${capture.url}/logs` } : undefined,
      });
      startMs = Date.now();
      const fault = await http('PUT', `${stack.demo.payment}/faults`, { errorRatio: FAULT });
      expect(fault.status).toBe(200);
      // Prime: every story service has a failing series before the measured window opens.
      for (let round = 0; round < 5 && primed.failed === 0; round++) {
        const r = await checkouts(stack.demo.storefront!, 30, CONCURRENCY);
        primed = { ok: primed.ok + r.ok, failed: primed.failed + r.failed };
      }
      expect(primed.failed).toBeGreaterThan(0);
      t0 = await counted(primed.ok + primed.failed, primed.failed);
      measured = await checkouts(stack.demo.storefront!, N, CONCURRENCY);
      t1 = await counted(primed.ok + primed.failed + N, primed.failed + measured.failed);
      await sendMarker(stack.urls.otlpHttp!);
    },
    20 * 60 * 1000
  );

  afterAll(async () => {
    await stack?.stop();
    await capture?.close();
  }, 60 * 1000);

  it('the demo failed at the fault’s ratio (binomial: 800 checkouts, 4.5 deviations)', () => {
    expect(measured.ok + measured.failed).toBe(N);
    const ratio = measured.failed / N;
    const band = withinBinomial(ratio, N, FAULT);
    expect(band.observed).toBeGreaterThan(band.low);
    expect(band.observed).toBeLessThan(band.high);
  });

  it("Pivot's metric-family detection finds the Collector's span metrics (and Tempo's, when it runs)", async () => {
    const answers = new Map<string, number>();
    for (const q of prometheusProbeQueries()) {
      const samples = await promInstant(stack.urls.prometheus, q.expr, t1);
      answers.set(q.refId, samples[0]?.value ?? 0);
    }
    const ranked = rankFamilies(
      METRIC_FAMILY_LIST.map((f) => familyProbeFromCounts(f, (refId) => answers.get(refId) ?? 0))
    );
    const families = ranked.map((f) => f.family);
    expect(families).toContain('otel-spanmetrics');
    expect(families).not.toContain('otel-spanmetrics-seconds');
    expect(ranked.find((f) => f.family === 'otel-spanmetrics')!.serverSeries).toBeGreaterThan(0);
    if (full) {
      expect(families).toContain('tempo-spanmetrics');
    }
    expect(METRIC_FAMILIES[families[0]].requests).toMatch(/^traces_span/);
    expect(answers.get('service-graph')! > 0).toBe(full);
  });

  it(
    "Pivot's Services error ratio for storefront, checkout and payment is exactly the measured share",
    async () => {
      // The window opens 1 ms before the sample at t0 (all primed checkouts counted) and closes at
      // the sample at t1 (every measured one counted): rate() then compares exactly the measured
      // increases, scaled alike for every series (they share their sample times).
      const windowMs = Math.round((t1 - t0) * 1000) + 1;
      const samples = await promInstant(stack.urls.prometheus, errorRatio(CONV, { window: `${windowMs}ms` }), t1);
      const ratios = Object.fromEntries(
        samples.filter((s) => STORY.includes(s.metric.service_name)).map((s) => [s.metric.service_name, s.value])
      );
      const exact = measured.failed / N;
      for (const service of STORY) {
        expect({ service, ratio: ratios[service] }).toEqual({ service, ratio: expect.closeTo(exact, 9) });
      }
      // inventory, called before payment, never fails in this story.
      expect(samples.find((s) => s.metric.service_name === 'inventory')?.value).toBe(0);
    },
    LIVE_TEST_MS
  );

  /** Spans and logs that left the Collector's traces and logs pipelines (capture) or reached Tempo and Loki. */
  async function markerArrived(): Promise<void> {
    if (capture) {
      await poll('the marker trace and log at the capture receiver', 120, 1000, async () => {
        const spans = capturedSpans(capture!.received).filter((s) => s.service === MARKER_SERVICE);
        const logs = capturedLogs(capture!.received).filter((l) => l.service === MARKER_SERVICE);
        return spans.length > 0 && logs.length > 0 ? true : undefined;
      });
      return;
    }
    await poll(
      'the marker trace in Tempo',
      120,
      1000,
      async () => (await tempoTrace(stack.urls.tempo!, MARKER_TRACE))?.length || undefined
    );
    await poll('the marker log line in Loki', 120, 1000, async () => {
      const lines = await lokiLines(
        stack.urls.loki!,
        serviceLogs(DEFAULT_LOG_CONVENTIONS, { service: MARKER_SERVICE }),
        startMs - 60000,
        Date.now() + 60000
      );
      return lines.length > 0 ? true : undefined;
    });
  }

  it(
    'the Collector redacts what docs/local-stack.md says, on spans and log records',
    async () => {
      await markerArrived();
      let spanAttributes: Record<string, unknown>;
      let logAttributes: Record<string, unknown>;
      let logBody: unknown;
      let storefrontAttributes: Record<string, unknown>;
      if (capture) {
        spanAttributes = capturedSpans(capture.received).find((s) => s.service === MARKER_SERVICE)!.attributes;
        const log = capturedLogs(capture.received).find((l) => l.service === MARKER_SERVICE)!;
        logAttributes = log.attributes;
        logBody = log.body;
        storefrontAttributes = capturedSpans(capture.received).find(
          (s) => s.service === 'storefront' && s.attributes['user.email'] !== undefined
        )!.attributes;
      } else {
        spanAttributes = (await tempoTrace(stack.urls.tempo!, MARKER_TRACE))!.find(
          (s) => s.service === MARKER_SERVICE
        )!.attributes;
        const line = (
          await lokiLines(
            stack.urls.loki!,
            serviceLogs(DEFAULT_LOG_CONVENTIONS, { service: MARKER_SERVICE }),
            startMs - 60000,
            Date.now() + 60000
          )
        )[0];
        logBody = line.line;
        logAttributes = line.metadata;
        // Loki's OTLP ingestion writes attribute names with underscores.
        logAttributes = Object.fromEntries(
          Object.keys(PII_ATTRIBUTES).map((k) => [k, line.metadata[k.replace(/[^A-Za-z0-9_]/g, '_')]])
        );
        const failing = await tempoSearch(
          stack.urls.tempo!,
          '{ resource.service.name = "storefront" && kind = server }',
          startMs / 1000 - 60,
          Date.now() / 1000 + 60,
          1
        );
        const spans = (await tempoTrace(stack.urls.tempo!, failing[0].traceID))!;
        storefrontAttributes = spans.find((s) => s.service === 'storefront' && s.kind === 'server')!.attributes;
      }
      const pick = (attributes: Record<string, unknown>) =>
        Object.fromEntries(
          Object.keys(PII_ATTRIBUTES).map((k) => [k, attributes[k] === undefined ? undefined : String(attributes[k])])
        );
      expect(pick(spanAttributes)).toEqual(REDACTED);
      expect(pick(logAttributes)).toEqual(REDACTED);
      expect(logBody).toBe(MARKER_BODY);
      // The demo's own: the storefront span's contact details (the walkthrough's example).
      expect(storefrontAttributes['user.email']).toBe('***REDACTED***');
      expect(storefrontAttributes['user.phone']).toBe('***REDACTED***');
      expect(storefrontAttributes['user_agent.original']).toBeUndefined();
      expect(storefrontAttributes['client.address']).toBeUndefined();
      expect(storefrontAttributes['network.peer.address']).toBeUndefined();
    },
    LIVE_TEST_MS
  );

  it(
    'tail sampling keeps every failing trace and the configured share of the healthy, fast ones',
    async () => {
      await markerArrived();
      const failedTotal = primed.failed + measured.failed;
      const okTotal = primed.ok + measured.ok;
      let failingKept: number;
      let healthy: Array<{ traceId: string; durationMs: number }>;
      if (capture) {
        const spans = capturedSpans(capture.received);
        const roots = spans.filter((s) => s.service === 'storefront' && !s.parentSpanId);
        const byTrace = new Map<string, { start: number; end: number }>();
        for (const s of spans) {
          const t = byTrace.get(s.traceId) ?? { start: Infinity, end: -Infinity };
          byTrace.set(s.traceId, { start: Math.min(t.start, s.startMs), end: Math.max(t.end, s.endMs) });
        }
        failingKept = new Set(roots.filter((r) => r.statusCode === 2).map((r) => r.traceId)).size;
        healthy = [...new Set(roots.filter((r) => r.statusCode !== 2).map((r) => r.traceId))].map((traceId) => ({
          traceId,
          durationMs: byTrace.get(traceId)!.end - byTrace.get(traceId)!.start,
        }));
      } else {
        const from = startMs / 1000 - 60;
        const to = Date.now() / 1000 + 60;
        // Tempo's search of data this recent can answer from part of it (traces still being
        // cut from the ingesters into blocks): ask again until every failing trace the demo
        // reported is found, bounded; the healthy ones are read once that has happened.
        let failing: Awaited<ReturnType<typeof tempoSearch>> = [];
        await poll(
          `all ${failedTotal} failing storefront traces in Tempo's search`,
          90,
          2000,
          async () => {
            failing = await tempoSearch(
              stack.urls.tempo!,
              '{ resource.service.name = "storefront" && kind = server && status = error }',
              from,
              Date.now() / 1000 + 60
            );
            return new Set(failing.map((t) => t.traceID)).size >= failedTotal ? true : undefined;
          },
          () => `${new Set(failing.map((t) => t.traceID)).size} found`
        );
        const ok = await tempoSearch(
          stack.urls.tempo!,
          '{ resource.service.name = "storefront" && kind = server && status != error }',
          from,
          to
        );
        failingKept = new Set(failing.map((t) => t.traceID)).size;
        healthy = ok.map((t) => ({ traceId: t.traceID, durationMs: t.durationMs ?? 0 }));
      }
      expect(failingKept).toBe(failedTotal);
      // Slow traces are all kept (latency policy); of the fast ones, about 10%.
      const slow = healthy.filter((t) => t.durationMs > SLOW_MS).length;
      const fastTotal = okTotal - slow;
      const fastKept = healthy.length - slow;
      expect(fastTotal).toBeGreaterThan(200);
      const band = withinBinomial(fastKept / fastTotal, fastTotal, SAMPLED);
      expect(band.observed).toBeGreaterThan(band.low);
      expect(band.observed).toBeLessThan(band.high);
    },
    LIVE_TEST_MS
  );

  describeWherePresent([LOKI_HERE, TEMPO_HERE], 'with Loki and Tempo', () => {
    it(
      "the payment error logs hold 'charge failed' with trace ids; the trace fails at 'authorize card'; its logs come from every service it crossed",
      async () => {
        const failedTotal = primed.failed + measured.failed;
        const query = serviceLogs(DEFAULT_LOG_CONVENTIONS, { service: 'payment', errorsOnly: true });
        // A sentinel: one more checkout, failing for sure, sent last. Its 'charge failed' line
        // leaves payment's log exporter after every earlier one, so once Loki has it, it has them.
        const sentAt = Date.now();
        await http('PUT', `${stack.demo.payment}/faults`, { errorRatio: 1 });
        expect(await checkouts(stack.demo.storefront!, 1, 1)).toEqual({ ok: 0, failed: 1 });
        const all = await poll("the sentinel checkout's error line in Loki", 60, 1000, async () => {
          const found = await lokiLines(stack.urls.loki!, query, startMs - 60000, Date.now() + 60000);
          return found.some((l) => l.timeMs >= sentAt) ? found : undefined;
        });
        const lines = all.filter((l) => l.timeMs < sentAt);
        // One line per failed checkout, less those Loki keeps as one entry: two records of one
        // stream with the same line at the same time (the demo's log times are milliseconds, and
        // payment's timers often fire together) are stored once. At most 5% are merged so.
        expect(lines.length).toBeLessThanOrEqual(failedTotal);
        expect(lines.length).toBeGreaterThanOrEqual(Math.floor(failedTotal * 0.95));
        expect(new Set(lines.map((l) => l.timeMs)).size).toBe(lines.length);
        expect(new Set(lines.map((l) => l.line))).toEqual(new Set(['charge failed']));
        for (const l of lines) {
          expect(l.metadata.trace_id).toMatch(/^[0-9a-f]{32}$/);
        }
        const traceId = lines[lines.length - 1].metadata.trace_id;
        const spans = await poll('the failing trace in Tempo', 60, 1000, async () =>
          tempoTrace(stack.urls.tempo!, traceById(traceId))
        );
        const analysis = analyzeTrace(grafanaTraceFrame(spans));
        expect(analysis.failureOrigin).toMatchObject({ operationName: 'authorize card', serviceName: 'payment' });
        const crossed = analysis.services.map((s) => s.name).sort();
        expect(crossed).toEqual(['checkout', 'inventory', 'payment', 'storefront']);
        const window = {
          from: (analysis.startMs ?? startMs) - 5 * 60000,
          to: (analysis.endMs ?? Date.now()) + 5 * 60000,
        };
        // Each service's log exporter sends its own batches: the sentinel proves payment's lines
        // arrived, not the other services' lines of this trace. Asked again (bounded) until every
        // service it crossed has answered.
        const traceQuery = traceLogs(DEFAULT_LOG_CONVENTIONS, { traceId, services: crossed });
        let logServices: string[] = [];
        await poll(
          "the trace's log lines of every service it crossed",
          60,
          1000,
          async () => {
            const logs = await lokiLines(stack.urls.loki!, traceQuery, window.from, window.to);
            logServices = [...new Set(logs.map((l) => l.labels.service_name))].sort();
            return logServices.length === crossed.length ? logServices : undefined;
          },
          () => `lines from ${JSON.stringify(logServices)} of ${JSON.stringify(crossed)}`
        );
        expect(logServices).toEqual(crossed);
      },
      LIVE_TEST_MS
    );

    it(
      "the service-graph queries give the demo's topology",
      async () => {
        // The queue is a messaging edge from its producer to its consumer; the database a virtual node.
        const expected = [
          'storefront→checkout',
          'checkout→inventory',
          'checkout→payment',
          'checkout→fulfilment',
          'checkout→orders-db',
        ];
        let last = '';
        const edges = await poll(
          "every edge of the demo's topology in Tempo's service graph",
          90,
          2000,
          async () => {
            const samples = await promInstant(stack.urls.prometheus, edgeRequestRate({ window: '10m' }));
            const found = samples.filter((s) => s.value > 0).map((s) => `${s.metric.client}→${s.metric.server}`);
            last = found.join(', ');
            return expected.every((e) => found.includes(e)) ? samples : undefined;
          },
          () => last
        );
        const names = edges.map((s) => `${s.metric.client}→${s.metric.server}`);
        expect(names.filter((n) => !n.startsWith(`${MARKER_SERVICE}`) && !n.startsWith('user'))).toEqual(
          expect.arrayContaining(expected)
        );
        const failed = await promInstant(stack.urls.prometheus, edgeFailedRate({ window: '10m' }));
        expect(
          failed.find((s) => s.metric.client === 'checkout' && s.metric.server === 'payment')?.value
        ).toBeGreaterThan(0);
      },
      LIVE_TEST_MS
    );
  });
});
