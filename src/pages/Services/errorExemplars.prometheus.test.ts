/**
 * @jest-environment node
 */
/**
 * Issue 18, item 3, on a real Prometheus (exemplar storage on) scraping a target the test serves:
 * the Collector connector's request counter with exemplars on every series, failing and not.
 * Exemplars of the error-ratio expression are every request's; those of the panel's
 * errorExemplars query are the failing requests' traces only.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { promql } from '../../datasources';
import { MetricConventions } from '../../datasources/conventions';
import { describeWithPrometheus } from '../../testing/describeWithPrometheus';
import { RunningPrometheus, startPrometheus } from '../../testing/prometheus';
import { failedRequestRate } from './errorExemplars';

const CONV: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };
const OK_TRACE = '0af7651916cd43dd8448eb211c80319c';
const FAILED_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** OpenMetrics text with one exemplar per series; the counts grow with each scrape. */
function exposition(scrape: number): string {
  const nowSec = Date.now() / 1000;
  const series = (status: string, count: number, traceId: string) =>
    `traces_span_metrics_calls_total{service_name="payment",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="${status}"} ${count} # {trace_id="${traceId}"} 1 ${nowSec.toFixed(3)}`;
  return [
    '# TYPE traces_span_metrics_calls counter',
    series('STATUS_CODE_UNSET', 70 * scrape, OK_TRACE),
    series('STATUS_CODE_ERROR', 30 * scrape, FAILED_TRACE),
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
      query: expr.replace(/\$__rate_interval/g, '1m'),
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
    for (let i = 0; i < 60 && (await traceIdsOf('traces_span_metrics_calls_total')).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 1000));
    }
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
});
