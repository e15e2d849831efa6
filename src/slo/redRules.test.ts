import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';

import { METRIC_FAMILY_LIST } from '../datasources/conventions';
import { errorRatio, latencyQuantile, requestRate } from '../datasources/promql';
import { edgeFailedRate, edgeRequestRate } from '../datasources/serviceGraph';
import {
  EDGE_LONG_SERIES,
  EDGE_SERIES,
  recordedErrorRatio,
  recordedLatencyQuantile,
  recordedRequestRate,
  recordedWindowFor,
  redLongSeriesNames,
  redSeriesNames,
} from '../datasources/redSeries';
import { expectValidPromQL } from '../testing/grammar';
import { generateRedRules, redRulesYaml } from './redRules';

const ROOT = join(__dirname, '../..');
/** Prometheus' recording-rule naming convention: level:metric:operations. */
const LEVEL_METRIC_OPERATIONS = /^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('redSeriesNames', () => {
  it('names each series level:metric:operations after the service label and the family’s series', () => {
    expect(redSeriesNames({ family: 'otel-spanmetrics', serviceLabel: 'service_name' })).toEqual({
      requests: 'service_name:traces_span_metrics_calls:rate5m',
      failed: 'service_name:traces_span_metrics_calls_failed:rate5m',
      errorRatio: 'service_name:traces_span_metrics_calls_failed:ratio_rate5m',
      latencyBucket: 'service_name:traces_span_metrics_duration_milliseconds_bucket:rate5m',
      latencyQuantile: 'service_name:traces_span_metrics_duration_milliseconds:p95_rate5m',
    });
    expect(redSeriesNames({ family: 'http-semconv', serviceLabel: 'job' }).requests).toBe(
      'job:http_server_request_duration_seconds_count:rate5m'
    );
    expect(redLongSeriesNames({ family: 'otel-spanmetrics', serviceLabel: 'service_name' })).toEqual({
      requests: 'service_name:traces_span_metrics_calls:rate1h',
      errorRatio: 'service_name:traces_span_metrics_calls_failed:ratio_rate1h',
      latencyQuantile: 'service_name:traces_span_metrics_duration_milliseconds:p95_rate1h',
    });
    for (const name of Object.values(EDGE_SERIES)) {
      expect(name).toMatch(/^client_server_connection_type:traces_service_graph_request/);
    }
    expect(EDGE_LONG_SERIES).toEqual({
      requests: 'client_server_connection_type:traces_service_graph_request:rate1h',
      failed: 'client_server_connection_type:traces_service_graph_request_failed:rate1h',
      serverBucket: 'client_server_connection_type:traces_service_graph_request_server_seconds_bucket:rate1h',
    });
    for (const name of [...Object.values(EDGE_SERIES), ...Object.values(EDGE_LONG_SERIES)]) {
      expect(name).toMatch(LEVEL_METRIC_OPERATIONS);
    }
  });

  it('writes only valid names and PromQL for any label name, and refuses anything else with a clear message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...METRIC_FAMILY_LIST),
        fc.string({ unit: 'binary', maxLength: 12 }),
        (family, label) => {
          const conv = { family, serviceLabel: label };
          if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) {
            expect(() => generateRedRules(conv)).toThrow(/Invalid service label/);
            return;
          }
          for (const group of generateRedRules(conv).groups) {
            for (const rule of group.rules) {
              expect(rule.record).toMatch(LEVEL_METRIC_OPERATIONS);
              expectValidPromQL(rule.expr);
            }
          }
        }
      )
    );
  });

  it('quotes a hostile service name in the queries that read the recorded series', () => {
    const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (service) => {
        for (const window of ['$__range', '5m', '1h']) {
          for (const expr of [
            recordedRequestRate(conv, { service, window }),
            recordedErrorRatio(conv, { service, window }),
            recordedLatencyQuantile(conv, { service, window, quantile: 0.95 }),
            recordedRequestRate(conv, { services: [service, 'b'], window }),
            recordedErrorRatio(conv, { services: [service], window }),
            recordedLatencyQuantile(conv, { services: [service], window, quantile: 0.95 }),
          ]) {
            expectValidPromQL(expr);
          }
        }
      })
    );
    expect(recordedErrorRatio(conv, { service: 'a"} or vector(1) #', window: '1h' })).toBe(
      'sum by (service) (service:traces_spanmetrics_calls_failed:ratio_rate1h{service="a\\"} or vector(1) #"})'
    );
    expect(recordedRequestRate(conv, { service: 'a"} or vector(1) #', window: '5m' })).toBe(
      'sum by (service) (service:traces_spanmetrics_calls:rate5m{service="a\\"} or vector(1) #"})'
    );
    expect(recordedRequestRate(conv, { window: '$__range' })).toBe(
      'sum by (service) ((sum_over_time(service:traces_spanmetrics_calls:rate5m[$__range:5m]) / scalar(count_over_time(vector(1)[$__range:5m]))))'
    );
    expect(() => recordedRequestRate(conv, { window: '5m] or vector(1) [5m' })).toThrow(/Invalid PromQL window/);
  });

  it('reads the 1-hour series as one instant sample per service, in seconds for the quantile', () => {
    const conv = { family: 'otel-spanmetrics' as const, serviceLabel: 'service_name' };
    expect(recordedRequestRate(conv, { window: '1h' })).toBe(
      'sum by (service_name) (service_name:traces_span_metrics_calls:rate1h)'
    );
    expect(recordedErrorRatio(conv, { window: '1h' })).toBe(
      'sum by (service_name) (service_name:traces_span_metrics_calls_failed:ratio_rate1h)'
    );
    expect(recordedLatencyQuantile(conv, { window: '1h', quantile: 0.95 })).toBe(
      'sum by (service_name) (service_name:traces_span_metrics_duration_milliseconds:p95_rate1h) / 1000'
    );
    expect(recordedRequestRate(conv, { services: ['a.b', 'c|d'], window: '1h' })).toBe(
      'sum by (service_name) (service_name:traces_span_metrics_calls:rate1h{service_name=~"a\\\\.b|c\\\\|d"})'
    );
    // No hourly buckets are recorded: another quantile over the hour averages the 5-minute ones.
    expect(recordedLatencyQuantile(conv, { window: '1h', quantile: 0.5 })).toBe(
      'histogram_quantile(0.5, sum by (le, service_name) ((sum_over_time(service_name:traces_span_metrics_duration_milliseconds_bucket:rate5m[1h:5m]) / scalar(count_over_time(vector(1)[1h:5m]))))) / 1000'
    );
    // The services list applies to every statistic (it was ignored by the error ratio and quantile).
    expect(recordedErrorRatio(conv, { services: ['a'], window: '5m' })).toContain('{service_name=~"a"}');
    expect(recordedLatencyQuantile(conv, { services: ['a'], window: '$__range', quantile: 0.95 })).toContain(
      '{service_name=~"a"}'
    );
    expect(() => recordedErrorRatio(conv, { service: 'a', services: ['b'], window: '1h' })).toThrow(/not both/);
  });
});

describe('recordedWindowFor', () => {
  it('is 1h for a range of exactly 3600 s, 5m for exactly 300 s', () => {
    expect(recordedWindowFor(3600)).toBe('1h');
    expect(recordedWindowFor(300)).toBe('5m');
  });

  it('is undefined for every other range, number or not', () => {
    for (const other of [0, -3600, 3599, 3600.5, 3601, 299, 301, 7200, 86400, NaN, Infinity, -Infinity]) {
      expect(recordedWindowFor(other)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer()), (seconds) => {
        const window = recordedWindowFor(seconds);
        expect(window).toBe(seconds === 3600 ? '1h' : seconds === 300 ? '5m' : undefined);
      })
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const window = recordedWindowFor(value as number);
        expect(window === undefined || value === 3600 || value === 300).toBe(true);
      })
    );
  });
});

describe('redRulesYaml', () => {
  it('round-trips through a YAML parser, two groups per family (5m, 1h) and two for the service graph (5m, 1h)', () => {
    const conv = { family: 'http-semconv-old' as const, serviceLabel: 'job' };
    const text = redRulesYaml(conv);
    expect(parse(text)).toEqual(generateRedRules(conv));
    expect(generateRedRules(conv).groups.map((g) => [g.name, g.interval])).toEqual([
      ['pivot-red-http-semconv-old', undefined],
      ['pivot-red-http-semconv-old-1h', '1m'],
      ['pivot-red-service-graph', undefined],
      ['pivot-red-service-graph-1h', '1m'],
    ]);
    expect(generateRedRules(conv, { serviceGraph: false }).groups).toHaveLength(2);
  });

  it('records the 1-hour request rate, error ratio and p95 from raw series only, each the raw query at 1h', () => {
    const conv = { family: 'otel-spanmetrics' as const, serviceLabel: 'service_name' };
    const group = generateRedRules(conv).groups[1];
    const names = redLongSeriesNames(conv);
    expect(group.rules.map((r) => r.record)).toEqual([names.requests, names.errorRatio, names.latencyQuantile]);
    const [requests, ratio, p95] = group.rules.map((r) => r.expr);
    expect(requests).toBe(requestRate(conv, { window: '1h' }));
    expect(ratio).toBe(errorRatio(conv, { window: '1h' }));
    // The raw p95 in seconds is the recorded one (histogram's unit) divided by 1000 for milliseconds.
    expect(latencyQuantile(conv, { window: '1h', quantile: 0.95 })).toBe(`${p95} / 1000`);
    const recorded = generateRedRules(conv).groups.flatMap((g) => g.rules.map((r) => r.record));
    for (const rule of group.rules) {
      expect(recorded.some((name) => rule.expr.includes(name))).toBe(false);
    }
  });

  it('records the 1-hour edge request, failed and bucket rates from raw series only, no quantile', () => {
    const conv = { family: 'otel-spanmetrics' as const, serviceLabel: 'service_name' };
    const groups = generateRedRules(conv).groups;
    const group = groups[3];
    expect(group.rules.map((r) => r.record)).toEqual([
      EDGE_LONG_SERIES.requests,
      EDGE_LONG_SERIES.failed,
      EDGE_LONG_SERIES.serverBucket,
    ]);
    const [requests, failed, buckets] = group.rules.map((r) => r.expr);
    expect(requests).toBe(edgeRequestRate({ window: '1h' }));
    expect(failed).toBe(edgeFailedRate({ window: '1h' }));
    expect(buckets).toBe(
      'sum by (le, client, server, connection_type) (rate(traces_service_graph_request_server_seconds_bucket[1h]))'
    );
    const recorded = groups.flatMap((g) => g.rules.map((r) => r.record));
    for (const rule of group.rules) {
      expectValidPromQL(rule.expr);
      expect(recorded.some((name) => rule.expr.includes(name))).toBe(false);
    }
  });
});

function cli(args: string[]) {
  return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/red-rules.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });
}

describe('npm run red-rules', () => {
  it('generated the rules the local stack loads from the provisioned app settings', () => {
    const run = cli(['provisioning/plugins/app.yaml']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(ROOT, 'stack/prometheus/rules/pivot-red.rules.yaml'), 'utf8')).toBe(run.stdout);
    expect(run.stdout).toBe(redRulesYaml({ family: 'otel-spanmetrics', serviceLabel: 'service_name' }));
  });

  it('reads a settings file or a slos.yaml, with the family’s default service label when none is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-red-'));
    try {
      const settings = join(dir, 'settings.json');
      writeFileSync(settings, JSON.stringify({ jsonData: { metrics: { family: 'tempo-spanmetrics' } } }));
      expect(cli([settings, '--no-service-graph']).stdout).toBe(
        redRulesYaml({ family: 'tempo-spanmetrics', serviceLabel: 'service' }, { serviceGraph: false })
      );
      expect(cli(['examples/slos.yaml']).stdout).toBe(cli(['provisioning/plugins/app.yaml']).stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with what to fix on a file it cannot make rules from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-red-'));
    try {
      const auto = join(dir, 'auto.yaml');
      writeFileSync(auto, 'metrics: { family: auto }\n');
      const run = cli([auto]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('metrics.family: the rules are written for one metric family, so name it');
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'metrics: { family: http-semconv, serviceLabel: "job\\"} or vector(1)" }\n');
      expect(cli([bad]).stderr).toContain('Invalid service label');
      expect(cli([]).stderr).toContain('usage: npm run --silent red-rules');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
