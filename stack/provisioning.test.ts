/**
 * @jest-environment node
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_FAMILIES } from '../src/datasources/conventions';
import { normalizeSettings, PivotJsonData, PROVISIONED_UIDS } from '../src/settings';
import { expectValidPromQL } from '../src/testing/grammar';
import { parse } from 'yaml';
import { at, readYaml, ROOT, valuesOfKey, Yaml } from './yamlFiles';
import { readSloSource } from '../scripts/sloSource';

/**
 * Grafana expands environment variables ($VAR, ${VAR}) in provisioning files before parsing
 * them, and turns $$ into $. These files use no environment variable: any left would be
 * replaced by an empty string, so they fail here.
 */
function grafanaExpand(text: string): string {
  return text.replace(/\$\$|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, (m) => {
    if (m === '$$') {
      return '$';
    }
    throw new Error(`Grafana would expand ${m} as an environment variable: write $$ for a literal $`);
  });
}

/** A provisioning file as Grafana reads it. */
function readProvisioning(path: string): Yaml {
  return parse(grafanaExpand(readFileSync(join(ROOT, path), 'utf8'))) as Yaml;
}

const DATASOURCE_FILES = readdirSync(join(ROOT, 'provisioning/datasources')).filter((f) => /\.ya?ml$/.test(f));
const datasources = DATASOURCE_FILES.flatMap(
  (f) => (readProvisioning(`provisioning/datasources/${f}`).datasources as Yaml[] | undefined) ?? []
);
const byUid = (uid: string) => {
  const ds = datasources.find((d) => d.uid === uid);
  if (!ds) {
    throw new Error(`no provisioned data source ${uid}`);
  }
  return ds;
};
const app = (readProvisioning('provisioning/plugins/app.yaml').apps as Yaml[])[0];
const collector = readYaml('stack/otel-collector/config.yaml');

describe('provisioned data sources', () => {
  it('are exactly Prometheus, Loki and Tempo with the uids Pivot defaults to', () => {
    expect(datasources.map((d) => [d.type, d.uid]).sort()).toEqual(
      [
        ['loki', PROVISIONED_UIDS.loki],
        ['prometheus', PROVISIONED_UIDS.prometheus],
        ['tempo', PROVISIONED_UIDS.tempo],
      ].sort()
    );
    expect(datasources.some((d) => d.type === 'testdata')).toBe(false);
  });

  it('reference only data source uids that exist, in every provisioning file', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    const files = [
      ...DATASOURCE_FILES.map((f) => `provisioning/datasources/${f}`),
      ...readdirSync(join(ROOT, 'provisioning/plugins')).map((f) => `provisioning/plugins/${f}`),
    ];
    const referenced = files.flatMap((f) => {
      const doc = readProvisioning(f);
      return [
        ...valuesOfKey(doc, 'datasourceUid'),
        ...Object.values((at(doc, 'apps', 0, 'jsonData', 'datasources') as Yaml) ?? {}),
      ];
    });
    expect(referenced.length).toBeGreaterThan(8);
    for (const uid of referenced) {
      expect({ uid, exists: uids.has(String(uid)) }).toEqual({ uid, exists: true });
    }
  });

  it('link Prometheus exemplars to Tempo for both trace_id and traceID', () => {
    const destinations = at(byUid(PROVISIONED_UIDS.prometheus), 'jsonData', 'exemplarTraceIdDestinations') as Yaml[];
    expect(destinations.map((d) => [d.name, d.datasourceUid]).sort()).toEqual([
      ['traceID', PROVISIONED_UIDS.tempo],
      ['trace_id', PROVISIONED_UIDS.tempo],
    ]);
  });

  it('link Loki lines to Tempo for trace_id in structured metadata and in the line', () => {
    const fields = at(byUid(PROVISIONED_UIDS.loki), 'jsonData', 'derivedFields') as Yaml[];
    const label = fields.find((f) => f.matcherType === 'label');
    const line = fields.find((f) => f.matcherType === 'regex');
    expect(label?.matcherRegex).toBe('^trace_id$');
    expect(new RegExp(String(label?.matcherRegex)).test('trace_id')).toBe(true);
    expect(new RegExp(String(label?.matcherRegex)).test('parent_trace_id')).toBe(false);

    // The line variant finds the id in checkout's logfmt lines.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const match = new RegExp(String(line?.matcherRegex)).exec(
      `level=error msg="payment failed" order_id=42 trace_id=${traceId} span_id=00f067aa0ba902b7`
    );
    expect(match?.[1]).toBe(traceId);

    for (const f of [label, line]) {
      expect(f?.datasourceUid).toBe(PROVISIONED_UIDS.tempo);
      expect(f?.url).toBe('${__value.raw}');
    }
    // In the file the dollar is doubled, or Grafana would expand it as an environment variable.
    const raw = readFileSync(join(ROOT, 'provisioning/datasources', DATASOURCE_FILES[0]), 'utf8');
    expect(raw).toContain("url: '$${__value.raw}'");
    expect(raw).not.toMatch(/[^$]\$\{__value/);
  });

  it('link Tempo to Loki by service name and trace id, to Prometheus, and turn on the service map and node graph', () => {
    const json = byUid(PROVISIONED_UIDS.tempo).jsonData as Yaml;
    expect(at(json, 'tracesToLogsV2', 'datasourceUid')).toBe(PROVISIONED_UIDS.loki);
    expect(at(json, 'tracesToLogsV2', 'tags')).toEqual([{ key: 'service.name', value: 'service_name' }]);
    expect(at(json, 'tracesToLogsV2', 'filterByTraceID')).toBe(true);
    expect(at(json, 'tracesToMetrics', 'datasourceUid')).toBe(PROVISIONED_UIDS.prometheus);
    expect(at(json, 'serviceMap', 'datasourceUid')).toBe(PROVISIONED_UIDS.prometheus);
    expect(at(json, 'nodeGraph', 'enabled')).toBe(true);
    expect(at(json, 'traceQuery', 'timeShiftEnabled')).toBe(true);
    expect(at(json, 'traceQuery', 'spanStartTimeShift')).toMatch(/^-\d+[smh]$/);
    expect(at(json, 'traceQuery', 'spanEndTimeShift')).toMatch(/^\d+[smh]$/);
  });

  it("query the collector's span metrics from traces, in valid PromQL", () => {
    const family = METRIC_FAMILIES['otel-spanmetrics'];
    const queries = at(byUid(PROVISIONED_UIDS.tempo), 'jsonData', 'tracesToMetrics', 'queries') as Yaml[];
    expect(queries.length).toBeGreaterThan(0);
    for (const { query } of queries) {
      const text = String(query);
      expect(text).toContain('{$__tags');
      expect([family.requests, family.latencyBucket].some((m) => text.includes(`${m}{`))).toBe(true);
      // Grafana replaces $__tags with the span's mapped tags.
      expectValidPromQL(text.replace('$__tags', 'service_name="checkout"'));
    }
  });
});

describe('provisioned app settings', () => {
  it('enable Pivot with nothing secret', () => {
    expect(app.type).toBe('pivot-correlation-app');
    expect(app.org_id).toBe(1);
    expect(app.disabled).toBe(false);
    expect(app.secureJsonData).toBeUndefined();
    expect(JSON.stringify(app)).not.toMatch(/apiKey|apiUrl|password|token/i);
  });

  it('normalise to the provisioned uids', () => {
    const settings = normalizeSettings(app.jsonData as PivotJsonData);
    expect(settings.datasources).toEqual(PROVISIONED_UIDS);
    expect(settings.logs).toEqual({ serviceLabel: 'service_name', traceId: 'structured-metadata' });
    expect(settings.metrics).toEqual({ family: 'otel-spanmetrics', serviceLabel: 'service_name' });
  });

  it('carry the SLOs and metric family the local Prometheus rules are made from, the same as examples/slos.yaml', () => {
    const settings = normalizeSettings(app.jsonData as PivotJsonData);
    expect(settings.invalidSlos).toEqual([]);
    expect(settings.slos.map((s) => s.name)).toEqual([
      'storefront-availability',
      'storefront-latency',
      'checkout-availability',
      'checkout-latency',
      'payment-availability',
      'inventory-availability',
    ]);
    const provisioned = readSloSource(readFileSync(join(ROOT, 'provisioning/plugins/app.yaml'), 'utf8'), 'app.yaml');
    const example = readSloSource(readFileSync(join(ROOT, 'examples/slos.yaml'), 'utf8'), 'slos.yaml');
    if (!provisioned.ok || !example.ok) {
      throw new Error(JSON.stringify([provisioned, example]));
    }
    // What the SLO pages read is what the rules are generated from.
    expect(provisioned.value.slos).toEqual(settings.slos);
    expect(provisioned.value.conventions).toEqual(settings.metrics);
    expect(example.value.slos).toEqual(provisioned.value.slos);
    expect(example.value.conventions).toEqual(provisioned.value.conventions);
    // The rules Prometheus loads query the provisioned family's metric, for every SLO.
    const rules = readYaml('stack/prometheus/rules/pivot-slos.rules.yaml');
    const family = METRIC_FAMILIES[provisioned.value.conventions.family];
    const exprs = valuesOfKey(rules, 'expr').map(String);
    expect(exprs.length).toBeGreaterThan(settings.slos.length);
    expect(exprs.filter((e) => e.includes('http_server_request_duration'))).toEqual([]);
    const groups = (rules.groups as Yaml[]).map((g) => String(g.name));
    for (const slo of settings.slos) {
      expect(groups).toContain(`pivot-slo-${slo.name}`);
    }
    const sliExprs = exprs.filter((e) => e.includes('rate('));
    expect(sliExprs.length).toBeGreaterThan(0);
    for (const e of sliExprs) {
      expect(e.includes(`${family.requests}{`) || e.includes(`${family.latencyBucket}{`)).toBe(true);
    }
  });

  it("name the metric family the collector's spanmetrics connector writes", () => {
    const family =
      METRIC_FAMILIES[normalizeSettings(app.jsonData as PivotJsonData).metrics.family as 'otel-spanmetrics'];
    // OTLP to Prometheus translation: dots become underscores, counters get _total.
    const namespace = String(at(collector, 'connectors', 'spanmetrics', 'namespace'));
    expect(`${namespace.replace(/\./g, '_')}_calls_total`).toBe(family.requests);
    expect(at(collector, 'connectors', 'spanmetrics', 'histogram', 'unit')).toBe('ms');
    expect(`${namespace.replace(/\./g, '_')}_duration_milliseconds_bucket`).toBe(family.latencyBucket);
    expect(family.defaultServiceLabel).toBe('service_name');
  });

  it('are read as Grafana reads them: $$ is a literal $, any other $ an environment variable', () => {
    expect(grafanaExpand("url: '$${__value.raw}'")).toBe("url: '${__value.raw}'");
    expect(() => grafanaExpand("url: '${__value.raw}'")).toThrow('Grafana would expand ${__value.raw}');
    expect(() => grafanaExpand('query: rate(x{$__tags}[5m])')).toThrow('$__tags');
  });
});
