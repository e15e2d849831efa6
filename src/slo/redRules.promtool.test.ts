/**
 * The RED rules under Prometheus' own tooling: `promtool check rules` for every metric family,
 * and a `promtool test rules` suite whose input series have known rates, so each recorded
 * series' value is known in advance (requests 10/s of which 1/s fail, latency all in one
 * bucket; a service that never failed reads 0, not missing).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions } from '../datasources/conventions';
import { EDGE_SERIES, redSeriesNames } from '../datasources/redSeries';
import { promqlString } from '../datasources/strings';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { redRulesYaml } from './redRules';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pivot-red-promtool-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', timeout: 120000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

/** A hostile service name: quotes, a backslash, PromQL and Go template syntax. */
const HOSTILE = 'we"ird\\ {{ .x }} or vector(1)';

describeWithPrometheus('RED rules under promtool', () => {
  it.each(METRIC_FAMILY_LIST)('pass promtool check rules: %s', (family) => {
    const file = join(dir, `${family}.rules.yaml`);
    writeFileSync(file, redRulesYaml({ family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel }));
    expect(promtool(['check', 'rules', file])).toContain('SUCCESS: 9 rules found');
  });

  it('record the known rates, ratio and quantile of known traffic (promtool test rules)', () => {
    const conv: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };
    const names = redSeriesNames(conv);
    writeFileSync(join(dir, 'red.rules.yaml'), redRulesYaml(conv));
    const calls = (service: string, kind: string, status: string) =>
      `traces_spanmetrics_calls_total{service=${promqlString(service)}, span_kind="${kind}", status_code="${status}"}`;
    const bucket = (service: string, kind: string, le: string) =>
      `traces_spanmetrics_latency_bucket{service=${promqlString(service)}, span_kind="${kind}", le="${le}"}`;
    const input = [HOSTILE, 'healthy'].flatMap((service) => [
      // 9/s succeed, 1/s fail (none for `healthy`); a client span that must not count.
      {
        series: calls(service, 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET'),
        values: `0+${service === 'healthy' ? 600 : 540}x20`,
      },
      ...(service === 'healthy'
        ? []
        : [{ series: calls(service, 'SPAN_KIND_SERVER', 'STATUS_CODE_ERROR'), values: '0+60x20' }]),
      { series: calls(service, 'SPAN_KIND_CLIENT', 'STATUS_CODE_ERROR'), values: '0+6000x20' },
      // Every request between 0.1 s and 0.2 s.
      { series: bucket(service, 'SPAN_KIND_SERVER', '0.1'), values: '0+0x20' },
      { series: bucket(service, 'SPAN_KIND_SERVER', '0.2'), values: '0+600x20' },
      { series: bucket(service, 'SPAN_KIND_SERVER', '+Inf'), values: '0+600x20' },
      { series: bucket(service, 'SPAN_KIND_CLIENT', '+Inf'), values: '0+6000x20' },
    ]);
    input.push(
      { series: 'traces_service_graph_request_total{client="a", server="b"}', values: '0+120x20' },
      { series: 'traces_service_graph_request_failed_total{client="a", server="b"}', values: '0+30x20' },
      {
        series: 'traces_service_graph_request_server_seconds_bucket{client="a", server="b", le="1"}',
        values: '0+0x20',
      },
      {
        series: 'traces_service_graph_request_server_seconds_bucket{client="a", server="b", le="2"}',
        values: '0+120x20',
      },
      {
        series: 'traces_service_graph_request_server_seconds_bucket{client="a", server="b", le="+Inf"}',
        values: '0+120x20',
      }
    );
    const at = (expr: string, samples: Array<[string, number]>) => ({
      expr,
      eval_time: '10m',
      exp_samples: samples.map(([labels, value]) => ({ labels: `${expr}${labels}`, value })),
    });
    const svc = (service: string) => `{service=${promqlString(service)}}`;
    const tests = {
      rule_files: ['red.rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input,
          promql_expr_test: [
            at(names.requests, [
              [svc(HOSTILE), 10],
              [svc('healthy'), 10],
            ]),
            at(names.failed, [[svc(HOSTILE), 1]]),
            at(names.errorRatio, [
              [svc(HOSTILE), 0.1],
              [svc('healthy'), 0],
            ]),
            // Linear within 0.1-0.2: the 95th of 100% in that bucket is 0.195.
            at(names.latencyQuantile, [
              [svc(HOSTILE), 0.195],
              [svc('healthy'), 0.195],
            ]),
            {
              expr: `${names.latencyBucket}{service="healthy"}`,
              eval_time: '10m',
              exp_samples: [
                { labels: `${names.latencyBucket}{le="0.1", service="healthy"}`, value: 0 },
                { labels: `${names.latencyBucket}{le="0.2", service="healthy"}`, value: 10 },
                { labels: `${names.latencyBucket}{le="+Inf", service="healthy"}`, value: 10 },
              ],
            },
            at(EDGE_SERIES.requests, [['{client="a", server="b"}', 2]]),
            at(EDGE_SERIES.failed, [['{client="a", server="b"}', 0.5]]),
            at(EDGE_SERIES.serverQuantile, [['{client="a", server="b"}', 1.95]]),
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'red.test.yaml'), stringify(tests, { lineWidth: 0 }));
    expect(promtool(['test', 'rules', 'red.test.yaml'])).toContain('SUCCESS');
  });
});
