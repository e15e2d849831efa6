/**
 * The RED rules under Prometheus' own tooling: `promtool check rules` for every metric family,
 * and a `promtool test rules` suite whose input series have known rates, so each recorded
 * series' value is known in advance (requests 10/s of which 1/s fail, latency all in one
 * bucket; a service that never failed reads 0, not missing), and another over 70 minutes whose
 * last 10 minutes change, so the 1-hour series read other values than the 5-minute ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions } from '../datasources/conventions';
import {
  recordedEdgeFailedRate,
  recordedEdgeLatencyQuantile,
  recordedEdgeRequestRate,
  recordedEdgesProbeQuery,
  recordedNodeLatencyQuantile,
} from '../datasources/recordedEdges';
import {
  EDGE_LONG_SERIES,
  EDGE_SERIES,
  recordedProbeQueries,
  redLongSeriesNames,
  redSeriesNames,
} from '../datasources/redSeries';
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
    expect(promtool(['check', 'rules', file])).toContain('SUCCESS: 15 rules found');
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

  it('record the known 1-hour rate, ratio and quantile of traffic that changed in the last 10 minutes', () => {
    const conv: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };
    const long = redLongSeriesNames(conv);
    const names = redSeriesNames(conv);
    writeFileSync(join(dir, 'red1h.rules.yaml'), redRulesYaml(conv));
    const calls = (service: string, status: string) =>
      `traces_spanmetrics_calls_total{service=${promqlString(service)}, span_kind="SPAN_KIND_SERVER", status_code="${status}"}`;
    const bucket = (service: string, le: string) =>
      `traces_spanmetrics_latency_bucket{service=${promqlString(service)}, span_kind="SPAN_KIND_SERVER", le="${le}"}`;
    // One sample a minute for 70 minutes. Requests: 10/s for 60 minutes, 4/s for 5, 16/s for
    // the last 5 (per minute: 600, 240, 960), so the hour ending at 70m averages 10/s exactly
    // (also where a version of Prometheus extrapolates from the first sample inside the window:
    // the minute it misses ran at the hour's mean) and the last 5 minutes 16/s. Failures 1/s
    // throughout (none for `healthy`): the hour's ratio 0.1, the last 5 minutes' 1/16.
    // Latency: within 0.1-0.2 s until 65m, within 0.2-0.4 s after.
    const counter = (perMinute: [number, number, number]) => {
      const at60 = perMinute[0] * 60;
      const at65 = at60 + perMinute[1] * 5;
      return `0+${perMinute[0]}x60 ${at60 + perMinute[1]}+${perMinute[1]}x4 ${at65 + perMinute[2]}+${perMinute[2]}x4`;
    };
    const input = [HOSTILE, 'healthy'].flatMap((service) => [
      {
        series: calls(service, 'STATUS_CODE_UNSET'),
        values: service === 'healthy' ? counter([600, 240, 960]) : counter([540, 180, 900]),
      },
      ...(service === 'healthy'
        ? []
        : [{ series: calls(service, 'STATUS_CODE_ERROR'), values: counter([60, 60, 60]) }]),
      { series: bucket(service, '0.1'), values: '0+0x70' },
      { series: bucket(service, '0.2'), values: counter([600, 240, 0]) },
      { series: bucket(service, '0.4'), values: counter([600, 240, 960]) },
      { series: bucket(service, '+Inf'), values: counter([600, 240, 960]) },
    ]);
    // One edge a -> b, the same shape at a fifth: 2/s over the hour, 3.2/s over the last 5
    // minutes; 0.5/s failing throughout; within 1-2 s until 65m, within 2-4 s after.
    const edge = (name: string, le?: string) =>
      `${name}{client="a", server="b"${le === undefined ? '' : `, le="${le}"`}}`;
    input.push(
      { series: edge('traces_service_graph_request_total'), values: counter([120, 48, 192]) },
      { series: edge('traces_service_graph_request_failed_total'), values: counter([30, 30, 30]) },
      { series: edge('traces_service_graph_request_server_seconds_bucket', '1'), values: '0+0x70' },
      { series: edge('traces_service_graph_request_server_seconds_bucket', '2'), values: counter([120, 48, 0]) },
      { series: edge('traces_service_graph_request_server_seconds_bucket', '4'), values: counter([120, 48, 192]) },
      { series: edge('traces_service_graph_request_server_seconds_bucket', '+Inf'), values: counter([120, 48, 192]) }
    );
    const edgeAt = (expr: string, labels: string, value: number) => ({
      expr,
      eval_time: '70m',
      exp_samples: [{ labels, value }],
    });
    const svc = (service: string) => `{service=${promqlString(service)}}`;
    const at = (expr: string, value: (service: string) => number) => ({
      expr,
      eval_time: '70m',
      exp_samples: [HOSTILE, 'healthy'].map((service) => ({ labels: `${expr}${svc(service)}`, value: value(service) })),
    });
    const tests = {
      rule_files: ['red1h.rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input,
          promql_expr_test: [
            at(long.requests, () => 10),
            at(names.requests, () => 16),
            at(long.errorRatio, (service) => (service === 'healthy' ? 0 : 0.1)),
            at(names.errorRatio, (service) => (service === 'healthy' ? 0 : 1 / 16)),
            // The hour: 36,000 requests, 31,200 of them within 0.2 s; the 95th (34,200th) is
            // 3,000 into the 4,800 of 0.2-0.4 s: 0.2 + 0.2 x 0.625 = 0.325 (to a nanosecond:
            // from per-second rates, the float is 0.32500000000000007). The last 5 minutes: 0.39.
            {
              expr: `round(${long.latencyQuantile}, 1e-9)`,
              eval_time: '70m',
              exp_samples: [HOSTILE, 'healthy'].map((service) => ({ labels: svc(service), value: 0.325 })),
            },
            at(names.latencyQuantile, () => 0.39),
            // The edge over the hour, read as the Graph page reads it over exactly 1 hour.
            edgeAt(recordedEdgeRequestRate({ window: '1h' }), '{client="a", server="b"}', 2),
            edgeAt(recordedEdgeRequestRate({ window: '5m' }), '{client="a", server="b"}', 3.2),
            edgeAt(recordedEdgeFailedRate({ window: '1h', service: 'b' }), '{client="a", server="b"}', 0.5),
            edgeAt(`${EDGE_LONG_SERIES.requests}`, `${EDGE_LONG_SERIES.requests}{client="a", server="b"}`, 2),
            // The hour: 7,200 requests, 6,240 within 2 s; the 95th (6,840th) is 600 into the 960 of
            // 2-4 s: 2 + 2 x 0.625 = 3.25, from the hour's bucket rates (by edge and by node), in
            // milliseconds (the float from per-second rates is 3.2500000000000004).
            edgeAt(
              `round(${recordedEdgeLatencyQuantile({ window: '1h', quantile: 0.95 })} * 1000)`,
              '{client="a", server="b"}',
              3250
            ),
            edgeAt(
              `round(${recordedNodeLatencyQuantile({ window: '1h', service: 'b', quantile: 0.95 })} * 1000)`,
              '{server="b"}',
              3250
            ),
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'red1h.test.yaml'), stringify(tests, { lineWidth: 0 }));
    expect(promtool(['test', 'rules', 'red1h.test.yaml'])).toContain('SUCCESS');
  });

  it('find the rules only where both groups run (the probe the pages send)', () => {
    const family = 'tempo-spanmetrics';
    const conv: MetricConventions = { family, serviceLabel: 'service' };
    const [probe] = recordedProbeQueries([family], 'service');
    writeFileSync(join(dir, 'none.rules.yaml'), 'groups: []\n');
    const recorded = (name: string, service: string) => ({
      series: `${name}{service=${promqlString(service)}}`,
      values: '1x10',
    });
    const fiveMinutes = [HOSTILE, 'healthy'].map((service) => recorded(redSeriesNames(conv).requests, service));
    const hour = [HOSTILE, 'healthy'].map((service) => recorded(redLongSeriesNames(conv).requests, service));
    const answer = (input: Array<{ series: string; values: string }>, samples: number[]) => ({
      interval: '1m',
      input_series: input,
      promql_expr_test: [
        { expr: probe.expr, eval_time: '5m', exp_samples: samples.map((value) => ({ labels: '{}', value })) },
      ],
    });
    const tests = {
      rule_files: ['none.rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        // Rules generated before the 1-hour group: the pages keep the raw queries.
        answer(fiveMinutes, []),
        answer([...fiveMinutes, ...hour], [2]),
        answer(hour, []),
      ],
    };
    writeFileSync(join(dir, 'probe.test.yaml'), stringify(tests, { lineWidth: 0 }));
    expect(promtool(['test', 'rules', 'probe.test.yaml'])).toContain('SUCCESS');
  });

  it('find the edge rules only where both edge groups run (the probe the graphs wait for)', () => {
    const probe = recordedEdgesProbeQuery();
    writeFileSync(join(dir, 'none.rules.yaml'), 'groups: []\n');
    const recorded = (name: string, client: string) => ({
      series: `${name}{client=${promqlString(client)}, server="b"}`,
      values: '1x10',
    });
    const fiveMinutes = [HOSTILE, 'a'].map((client) => recorded(EDGE_SERIES.requests, client));
    const hour = [HOSTILE, 'a'].map((client) => recorded(EDGE_LONG_SERIES.requests, client));
    const answer = (input: Array<{ series: string; values: string }>, samples: number[]) => ({
      interval: '1m',
      input_series: input,
      promql_expr_test: [
        { expr: probe.expr, eval_time: '5m', exp_samples: samples.map((value) => ({ labels: '{}', value })) },
      ],
    });
    const tests = {
      rule_files: ['none.rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        // Rules generated before the 1-hour edge group: the graphs keep the raw queries, not empty graphs.
        answer(fiveMinutes, []),
        answer([...fiveMinutes, ...hour], [2]),
        answer(hour, []),
      ],
    };
    writeFileSync(join(dir, 'edge-probe.test.yaml'), stringify(tests, { lineWidth: 0 }));
    expect(promtool(['test', 'rules', 'edge-probe.test.yaml'])).toContain('SUCCESS');
  });
});
