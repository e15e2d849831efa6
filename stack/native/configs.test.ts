/**
 * @jest-environment node
 *
 * The native stack runs the compose stack's own configuration files with addresses and
 * storage paths rewritten, and nothing else: each rewrite is checked here by removing the
 * rewritten keys from both files and comparing what is left.
 */
import { parse } from 'yaml';

import {
  CONFIG_FILES,
  collectorConfig,
  datasourcesConfig,
  lokiConfig,
  prometheusConfig,
  readStackFile,
  tempoConfig,
} from './configs';

type Yaml = Record<string, any>;

/** Deletes the dotted paths from a parsed YAML document (missing ones are ignored). */
function without(doc: Yaml, paths: string[]): Yaml {
  const copy = structuredClone(doc);
  for (const path of paths) {
    const keys = path.split('.');
    let node: any = copy;
    for (const key of keys.slice(0, -1)) {
      node = node?.[key];
    }
    if (node) {
      delete node[keys.at(-1)!];
    }
  }
  return copy;
}

/** No container hostname, no wildcard listener, no container path is left. */
function expectLoopbackOnly(text: string): void {
  expect(text).not.toMatch(/\b(?:prometheus|loki|tempo|otel-collector):\d/);
  expect(text).not.toMatch(/0\.0\.0\.0|localhost/);
  expect(text).not.toMatch(/: \/(?:loki|var\/tempo|etc)\//);
}

const RW = 'http://127.0.0.1:9999/api/v1/write';

describe('native stack configuration', () => {
  it('Prometheus: its own target and the repository rule folder; the rest as in stack/', () => {
    const original = parse(readStackFile(CONFIG_FILES.prometheus));
    const text = prometheusConfig(readStackFile(CONFIG_FILES.prometheus), {
      web: 4000,
      rulesDir: '/repo/stack/prometheus/rules',
    });
    expectLoopbackOnly(text);
    const rendered = parse(text);
    expect(rendered.rule_files).toEqual(['/repo/stack/prometheus/rules/*.yaml']);
    expect(rendered.scrape_configs[0].static_configs).toEqual([{ targets: ['127.0.0.1:4000'] }]);
    expect(without(rendered, ['rule_files', 'scrape_configs'])).toEqual(
      without(original, ['rule_files', 'scrape_configs'])
    );
  });

  it('Loki: loopback listeners and storage under the run folder; the rest as in stack/', () => {
    const original = parse(readStackFile(CONFIG_FILES.loki));
    const text = lokiConfig(readStackFile(CONFIG_FILES.loki), { http: 4100, grpc: 4101, dataDir: '/run/loki' });
    expectLoopbackOnly(text);
    const rendered = parse(text);
    expect(rendered.server).toEqual({
      ...original.server,
      http_listen_address: '127.0.0.1',
      http_listen_port: 4100,
      grpc_listen_address: '127.0.0.1',
      grpc_listen_port: 4101,
    });
    expect(rendered.common.storage.filesystem).toEqual({
      chunks_directory: '/run/loki/chunks',
      rules_directory: '/run/loki/rules',
    });
    expect(rendered.compactor.working_directory).toBe('/run/loki/compactor');
    const changed = ['server', 'common.path_prefix', 'common.storage', 'compactor.working_directory', 'memberlist'];
    expect(without(rendered, changed)).toEqual(without(original, changed));
  });

  it('Tempo: loopback listeners and receivers, Prometheus on loopback, storage under the run folder', () => {
    const original = parse(readStackFile(CONFIG_FILES.tempo));
    const text = tempoConfig(readStackFile(CONFIG_FILES.tempo), {
      http: 4200,
      grpc: 4201,
      otlpGrpc: 4202,
      otlpHttp: 4203,
      remoteWrite: RW,
      dataDir: '/run/tempo',
    });
    expectLoopbackOnly(text);
    const rendered = parse(text);
    expect(rendered.distributor.receivers.otlp.protocols).toEqual({
      grpc: { endpoint: '127.0.0.1:4202' },
      http: { endpoint: '127.0.0.1:4203' },
    });
    expect(rendered.metrics_generator.storage.remote_write).toEqual([{ url: RW, send_exemplars: true }]);
    expect(rendered.storage.trace.local.path).toBe('/run/tempo/blocks');
    const changed = [
      'server',
      'distributor.receivers',
      'metrics_generator.storage',
      'metrics_generator.traces_storage',
      'metrics_generator.ring',
      'storage.trace.wal',
      'storage.trace.local',
      'memberlist',
      'querier',
      'ingester.lifecycler',
    ];
    expect(without(rendered, changed)).toEqual(without(original, changed));
  });

  it('Collector: loopback receivers, the backends’ addresses; processors and pipelines as in stack/', () => {
    const source = readStackFile(CONFIG_FILES.collector);
    const original = parse(source);
    const text = collectorConfig(source, {
      otlpGrpc: 4300,
      otlpHttp: 4301,
      health: 4302,
      remoteWrite: RW,
      tempoOtlp: '127.0.0.1:4202',
      lokiOtlp: 'http://127.0.0.1:4100/otlp',
    });
    expectLoopbackOnly(text);
    const rendered = parse(text);
    expect(rendered.exporters['otlp/tempo'].endpoint).toBe('127.0.0.1:4202');
    expect(rendered.exporters['otlphttp/loki'].endpoint).toBe('http://127.0.0.1:4100/otlp');
    expect(rendered.exporters.prometheusremotewrite.endpoint).toBe(RW);
    expect(rendered.processors).toEqual(original.processors);
    expect(rendered.connectors).toEqual(original.connectors);
    expect(rendered.service.pipelines).toEqual(original.service.pipelines);
    expect(rendered.service.telemetry).toEqual({ metrics: { level: 'none' } });
    // OTTL keeps its $$ escapes and ${env:...} references verbatim.
    expect(text).toContain('"${env:PIVOT_PII_SALT}"');
    expect(text).toContain('$${1}?');
  });

  it('Collector without Tempo and Loki: a quiet debug exporter stands in; in tests, JSON capture exporters', () => {
    const source = readStackFile(CONFIG_FILES.collector);
    const alone = parse(collectorConfig(source, { otlpGrpc: 1, otlpHttp: 2, health: 3, remoteWrite: RW }));
    expect(alone.service.pipelines.traces.exporters).toEqual(['debug/no-tempo']);
    expect(alone.service.pipelines.logs.exporters).toEqual(['debug/no-loki']);
    expect(alone.exporters['otlp/tempo']).toBeUndefined();
    const captured = parse(
      collectorConfig(source, {
        otlpGrpc: 1,
        otlpHttp: 2,
        health: 3,
        remoteWrite: RW,
        captureTraces: 'http://127.0.0.1:7/t',
        captureLogs: 'http://127.0.0.1:7/l',
      })
    );
    expect(captured.exporters['otlphttp/capture']).toEqual({
      endpoint: 'http://127.0.0.1:7/t',
      encoding: 'json',
      compression: 'none',
    });
    expect(captured.service.pipelines.traces.processors).toEqual(parse(source).service.pipelines.traces.processors);
    expect(captured.service.pipelines.logs.exporters).toEqual(['otlphttp/capture-logs']);
  });

  it('Grafana data sources: the three URLs on loopback, every other line unchanged', () => {
    const source = readStackFile(CONFIG_FILES.datasources);
    const text = datasourcesConfig(source, {
      prometheus: 'http://127.0.0.1:1',
      loki: 'http://127.0.0.1:2',
      tempo: 'http://127.0.0.1:3',
    });
    const before = source.split('\n');
    const after = text.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed.map((l) => l.trim())).toEqual([
      'url: http://127.0.0.1:1',
      'url: http://127.0.0.1:2',
      'url: http://127.0.0.1:3',
    ]);
  });
});
