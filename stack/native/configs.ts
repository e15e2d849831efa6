/**
 * The compose stack's own configuration files (stack/), rewritten for native processes on
 * 127.0.0.1: each container hostname and port becomes a loopback address on a port chosen at
 * start, and each container storage path a folder of the run's temp dir. Nothing else
 * changes, so the native stack runs the same configuration as docker-compose.yaml. Pure: text
 * in, text out (the tests check each rewrite).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse, stringify } from 'yaml';

export const ROOT = join(__dirname, '..', '..');

export const CONFIG_FILES = {
  prometheus: 'stack/prometheus/prometheus.yml',
  rules: 'stack/prometheus/rules',
  loki: 'stack/loki/loki.yaml',
  tempo: 'stack/tempo/tempo.yaml',
  collector: 'stack/otel-collector/config.yaml',
  datasources: 'provisioning/datasources/pivot.yaml',
} as const;

export function readStackFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

const LOOPBACK = '127.0.0.1';
const at = (port: number) => `${LOOPBACK}:${port}`;

type Yaml = Record<string, any>;

function object(parent: Yaml, key: string): Yaml {
  const value = parent[key];
  if (typeof value !== 'object' || value === null) {
    throw new Error(`the stack's config has no ${key} section where the native stack rewrites it`);
  }
  return value;
}

/** YAML out, without line folding (OTTL statements and regexes stay on one line). */
function dump(config: Yaml): string {
  return stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}

export interface PrometheusPorts {
  web: number;
  /** Folder holding the rule files (the repository's stack/prometheus/rules). */
  rulesDir: string;
}

/** stack/prometheus/prometheus.yml: its own scrape target and the rule files' folder. */
export function prometheusConfig(text: string, { web, rulesDir }: PrometheusPorts): string {
  const config = parse(text) as Yaml;
  config.rule_files = (config.rule_files as string[]).map((f) =>
    f.replace(/^\/etc\/prometheus\/rules\//, `${rulesDir.replace(/\/$/, '')}/`)
  );
  for (const job of config.scrape_configs as Yaml[]) {
    if (job.job_name === 'prometheus') {
      job.static_configs = [{ targets: [at(web)] }];
    }
  }
  return dump(config);
}

/** The flags docker-compose.yaml starts Prometheus with, plus the loopback address and storage. */
export function prometheusFlags(configFile: string, dataDir: string, web: number): string[] {
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    '--storage.tsdb.retention.time=3d',
    '--web.enable-remote-write-receiver',
    '--enable-feature=exemplar-storage',
    '--web.enable-lifecycle',
    `--web.listen-address=${at(web)}`,
  ];
}

export interface LokiPorts {
  http: number;
  grpc: number;
  dataDir: string;
}

/** stack/loki/loki.yaml: loopback listeners and every storage path under dataDir. */
export function lokiConfig(text: string, { http, grpc, dataDir }: LokiPorts): string {
  const config = parse(text) as Yaml;
  const path = (p: string) => p.replace(/^\/loki/, dataDir);
  Object.assign(object(config, 'server'), {
    http_listen_address: LOOPBACK,
    http_listen_port: http,
    grpc_listen_address: LOOPBACK,
    grpc_listen_port: grpc,
  });
  const common = object(config, 'common');
  common.path_prefix = path(common.path_prefix);
  const fs = object(object(common, 'storage'), 'filesystem');
  fs.chunks_directory = path(fs.chunks_directory);
  fs.rules_directory = path(fs.rules_directory);
  const compactor = object(config, 'compactor');
  compactor.working_directory = path(compactor.working_directory);
  // Loki's internal gossip is unused with the in-memory ring; keep its listener on loopback.
  config.memberlist = { bind_addr: [LOOPBACK], bind_port: 0 };
  return dump(config);
}

export interface TempoPorts {
  http: number;
  grpc: number;
  otlpGrpc: number;
  otlpHttp: number;
  /** Prometheus' remote-write URL (the metrics generator writes there). */
  remoteWrite: string;
  dataDir: string;
}

/** stack/tempo/tempo.yaml: loopback listeners and receivers, Prometheus' address, storage under dataDir. */
export function tempoConfig(text: string, ports: TempoPorts): string {
  const config = parse(text) as Yaml;
  const path = (p: string) => p.replace(/^\/var\/tempo/, ports.dataDir);
  Object.assign(object(config, 'server'), {
    http_listen_address: LOOPBACK,
    http_listen_port: ports.http,
    grpc_listen_address: LOOPBACK,
    grpc_listen_port: ports.grpc,
  });
  const protocols = object(object(object(object(config, 'distributor'), 'receivers'), 'otlp'), 'protocols');
  object(protocols, 'grpc').endpoint = at(ports.otlpGrpc);
  object(protocols, 'http').endpoint = at(ports.otlpHttp);
  const generator = object(config, 'metrics_generator');
  const storage = object(generator, 'storage');
  storage.path = path(storage.path);
  storage.remote_write = (storage.remote_write as Yaml[]).map((w) => ({ ...w, url: ports.remoteWrite }));
  const traces = object(generator, 'traces_storage');
  traces.path = path(traces.path);
  const trace = object(object(config, 'storage'), 'trace');
  object(trace, 'wal').path = path(object(trace, 'wal').path);
  object(trace, 'local').path = path(object(trace, 'local').path);
  // The single binary's own rings and workers, on loopback (the image leaves them at defaults).
  config.memberlist = { bind_addr: [LOOPBACK], bind_port: 0 };
  config.querier = { ...(config.querier ?? {}), frontend_worker: { frontend_address: at(ports.grpc) } };
  config.ingester = {
    ...(config.ingester ?? {}),
    lifecycler: { address: LOOPBACK, ring: { kvstore: { store: 'inmemory' }, replication_factor: 1 } },
  };
  generator.ring = { kvstore: { store: 'inmemory' }, instance_addr: LOOPBACK };
  return dump(config);
}

export interface CollectorPorts {
  otlpGrpc: number;
  otlpHttp: number;
  health: number;
  /** Prometheus' remote-write URL. */
  remoteWrite: string;
  /** Tempo's OTLP gRPC address (host:port), when Tempo runs. */
  tempoOtlp?: string;
  /** Loki's OTLP base URL (http://host:port/otlp), when Loki runs. */
  lokiOtlp?: string;
  /**
   * Tests: send the traces or logs pipeline's output (after PII processing and sampling) as
   * OTLP/HTTP JSON to this base URL (the exporter appends /v1/traces or /v1/logs) instead of
   * to Tempo or Loki.
   */
  captureTraces?: string;
  captureLogs?: string;
}

/** What goes where a backend that does not run stood: nothing printed but a rare summary. */
const QUIET_DEBUG = { verbosity: 'basic', sampling_initial: 1, sampling_thereafter: 100000 };

/**
 * stack/otel-collector/config.yaml: loopback receivers and health check, the backends'
 * addresses; a backend that does not run gets the debug exporter in its place (or, in tests,
 * a capture exporter). The Collector's own metrics listener (default :8888) is turned off:
 * the compose stack never scrapes it.
 */
export function collectorConfig(text: string, ports: CollectorPorts): string {
  const config = parse(text) as Yaml;
  object(object(config, 'extensions'), 'health_check').endpoint = at(ports.health);
  const protocols = object(object(object(config, 'receivers'), 'otlp'), 'protocols');
  object(protocols, 'grpc').endpoint = at(ports.otlpGrpc);
  object(protocols, 'http').endpoint = at(ports.otlpHttp);
  const exporters = object(config, 'exporters');
  object(exporters, 'prometheusremotewrite').endpoint = ports.remoteWrite;
  const pipelines = object(object(config, 'service'), 'pipelines');
  const replace = (pipeline: string, from: string, to: string, exporter: Yaml) => {
    delete exporters[from];
    exporters[to] = exporter;
    const p = object(pipelines, pipeline);
    p.exporters = (p.exporters as string[]).map((e) => (e === from ? to : e));
  };
  if (ports.captureTraces) {
    replace('traces', 'otlp/tempo', 'otlphttp/capture', {
      endpoint: ports.captureTraces,
      encoding: 'json',
      compression: 'none',
    });
  } else if (ports.tempoOtlp) {
    object(exporters, 'otlp/tempo').endpoint = ports.tempoOtlp;
  } else {
    replace('traces', 'otlp/tempo', 'debug/no-tempo', QUIET_DEBUG);
  }
  if (ports.captureLogs) {
    replace('logs', 'otlphttp/loki', 'otlphttp/capture-logs', {
      endpoint: ports.captureLogs,
      encoding: 'json',
      compression: 'none',
    });
  } else if (ports.lokiOtlp) {
    object(exporters, 'otlphttp/loki').endpoint = ports.lokiOtlp;
  } else {
    replace('logs', 'otlphttp/loki', 'debug/no-loki', QUIET_DEBUG);
  }
  const service = object(config, 'service');
  service.telemetry = { ...(service.telemetry ?? {}), metrics: { level: 'none' } };
  return dump(config);
}

export interface DatasourceUrls {
  prometheus: string;
  loki: string;
  tempo: string;
}

/** provisioning/datasources/pivot.yaml with the data sources' URLs on loopback. */
export function datasourcesConfig(text: string, urls: DatasourceUrls): string {
  return text
    .replace(/url: http:\/\/prometheus:9090\b/g, `url: ${urls.prometheus}`)
    .replace(/url: http:\/\/loki:3100\b/g, `url: ${urls.loki}`)
    .replace(/url: http:\/\/tempo:3200\b/g, `url: ${urls.tempo}`);
}
