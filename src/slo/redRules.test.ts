import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';

import { METRIC_FAMILY_LIST } from '../datasources/conventions';
import { EDGE_SERIES, recordedErrorRatio, recordedRequestRate, redSeriesNames } from '../datasources/redSeries';
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
    for (const name of Object.values(EDGE_SERIES)) {
      expect(name).toMatch(/^client_server_connection_type:traces_service_graph_request/);
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
        for (const expr of [
          recordedRequestRate(conv, { service, window: '$__range' }),
          recordedErrorRatio(conv, { service, window: '5m' }),
        ]) {
          expectValidPromQL(expr);
        }
      })
    );
    expect(recordedRequestRate(conv, { service: 'a"} or vector(1) #', window: '5m' })).toBe(
      'sum by (service) (service:traces_spanmetrics_calls:rate5m{service="a\\"} or vector(1) #"})'
    );
    expect(recordedRequestRate(conv, { window: '$__range' })).toBe(
      'sum by (service) (avg_over_time(service:traces_spanmetrics_calls:rate5m[$__range:5m]))'
    );
    expect(() => recordedRequestRate(conv, { window: '5m] or vector(1) [5m' })).toThrow(/Invalid PromQL window/);
  });
});

describe('redRulesYaml', () => {
  it('round-trips through a YAML parser, one group per family and one for the service graph', () => {
    const conv = { family: 'http-semconv-old' as const, serviceLabel: 'job' };
    const text = redRulesYaml(conv);
    expect(parse(text)).toEqual(generateRedRules(conv));
    expect(generateRedRules(conv).groups.map((g) => g.name)).toEqual([
      'pivot-red-http-semconv-old',
      'pivot-red-service-graph',
    ]);
    expect(generateRedRules(conv, { serviceGraph: false }).groups).toHaveLength(1);
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
