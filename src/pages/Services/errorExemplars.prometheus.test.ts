/**
 * Issue 18, item 3, on a real Prometheus (exemplar storage on) scraping a target the test serves:
 * the Collector connector's request counter and latency histogram with exemplars on every
 * series, failing and not, server and consumer. Prometheus answers exemplars for every selector
 * of a query: the error-ratio expression's are every request's; the Service page's panels ask
 * none with their statistics, and their exemplar queries (serviceMetricQueries) give the
 * failing requests' and messages' traces to the error panel, the buckets' to the latency panel.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { promql } from '../../datasources';
import { MetricConventions } from '../../datasources/conventions';
import { describeWithPrometheus } from '../../testing/describeWithPrometheus';
import { RunningPrometheus, startPrometheus } from '../../testing/prometheus';
import { poll } from '../../testing/poll';
import { failedRequestRate } from './errorExemplars';
import { serviceMetricQueries } from './serviceScene';

const CONV: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };
const OK_TRACE = '0af7651916cd43dd8448eb211c80319c';
const FAILED_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const FAILED_MESSAGE_TRACE = '5c0a8e3b1d2f4a6b8c9d0e1f2a3b4c5d';
const SLOW_TRACE = '7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';

/** OpenMetrics text with one exemplar per series; the counts grow with each scrape. */
function exposition(scrape: number): string {
  const nowSec = Date.now() / 1000;
  const exemplar = (traceId: string, value: number) => `# {trace_id="${traceId}"} ${value} ${nowSec.toFixed(3)}`;
  const series = (kind: string, status: string, count: number, traceId: string) =>
    `traces_span_metrics_calls_total{service_name="payment",span_name="POST /charge",span_kind="${kind}",status_code="${status}"} ${count} ${exemplar(traceId, 1)}`;
  // One server histogram: every request under 250 ms, the slow one's exemplar on its bucket.
  const bucket = (le: string, count: number, withExemplar: boolean) =>
    `traces_span_metrics_duration_milliseconds_bucket{service_name="payment",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET",le="${le}"} ${count}${withExemplar ? ` ${exemplar(SLOW_TRACE, 240)}` : ''}`;
  return [
    '# TYPE traces_span_metrics_calls counter',
    series('SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', 70 * scrape, OK_TRACE),
    series('SPAN_KIND_SERVER', 'STATUS_CODE_ERROR', 30 * scrape, FAILED_TRACE),
    series('SPAN_KIND_CONSUMER', 'STATUS_CODE_ERROR', 5 * scrape, FAILED_MESSAGE_TRACE),
    '# TYPE traces_span_metrics_duration_milliseconds histogram',
    bucket('100', 50 * scrape, false),
    bucket('250', 70 * scrape, true),
    bucket('+Inf', 70 * scrape, false),
    `traces_span_metrics_duration_milliseconds_count{service_name="payment",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} ${70 * scrape}`,
    `traces_span_metrics_duration_milliseconds_sum{service_name="payment",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"} ${7000 * scrape}`,
    '# EOF',
    '',
  ].join('\n');
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      })
      .on('error', reject);
  });
}

interface ExemplarAnswer {
  status: string;
  data: Array<{ seriesLabels: Record<string, string>; exemplars: Array<{ labels: Record<string, string> }> }>;
}

describeWithPrometheus('failing-trace exemplars on the error-ratio panel, real Prometheus (issue 18)', () => {
  let prom: RunningPrometheus;
  let target: http.Server;
  let scrapes = 0;

  const traceIdsOf = async (expr: string) => {
    const end = Date.now() / 1000 + 60;
    const params = new URLSearchParams({
      query: expr.replace(/\$__rate_interval/g, '1m').replace(/\$__range/g, '3600s'),
      start: String(end - 3600),
      end: String(end),
    });
    const answer = (await getJson(`${prom.url}/api/v1/query_exemplars?${params.toString()}`)) as ExemplarAnswer;
    expect(answer.status).toBe('success');
    return [...new Set(answer.data.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id)))].sort();
  };

  beforeAll(async () => {
    target = http.createServer((_req, res) => {
      scrapes++;
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(exposition(scrapes));
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    prom = await startPrometheus({
      scrapeTargets: [{ job: 'collector', target: `127.0.0.1:${(target.address() as AddressInfo).port}` }],
      flags: ['--enable-feature=exemplar-storage'],
    });
    // Wait for scraped exemplars: bounded attempts, one scrape interval (1 s) apart.
    let scraped: string[] = [];
    await poll(
      'the scraped exemplars of all four traces',
      60,
      1000,
      async () => {
        scraped = await traceIdsOf('{__name__=~"traces_span_metrics_.+"}');
        return scraped.length >= 4 ? scraped : undefined;
      },
      () => JSON.stringify(scraped)
    );
  }, 120000);

  afterAll(async () => {
    await prom?.stop();
    await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
  });

  it("the ratio's exemplars are every request's; the errorExemplars query's are the failing ones only", async () => {
    const ratio = promql.errorRatio(CONV, { service: 'payment', window: '$__rate_interval' });
    expect(await traceIdsOf(ratio)).toEqual([OK_TRACE, FAILED_TRACE].sort());
    expect(await traceIdsOf(failedRequestRate(CONV, 'payment', '$__rate_interval'))).toEqual([FAILED_TRACE]);
    expect(await traceIdsOf(failedRequestRate(CONV, 'checkout', '$__rate_interval'))).toEqual([]);
  });

  it("the Service page's panels: failing requests and messages on the error panel, the buckets' on the latency panel", async () => {
    const panels = serviceMetricQueries(CONV, 'payment');
    expect([panels.errorRatio.exemplar, panels.latency.exemplar]).toEqual([false, false]);
    expect([panels.errorExemplars.exemplar, panels.latencyExemplars.exemplar]).toEqual([true, true]);
    expect(await traceIdsOf(panels.errorExemplars.expr)).toEqual([FAILED_TRACE, FAILED_MESSAGE_TRACE].sort());
    expect(await traceIdsOf(panels.latencyExemplars.expr)).toEqual([SLOW_TRACE]);
    // Why the statistics ask none: the latency's consumer fallback holds the request counter,
    // whose exemplars (every request's, value 1) would land on a seconds axis.
    expect(await traceIdsOf(panels.latency.expr)).toEqual(expect.arrayContaining([OK_TRACE, FAILED_TRACE, SLOW_TRACE]));
  });
});
