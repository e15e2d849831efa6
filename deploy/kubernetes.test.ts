/**
 * @jest-environment node
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normalizeSettings, PivotJsonData, PROVISIONED_UIDS } from '../src/settings';
import { SPAN_NAME_STATEMENT, SPANMETRICS_CARDINALITY_LIMIT } from '../src/analysis/hygiene/collectorFix';
import { collectorProblems, memoryMiB, SAMPLED_TRACES_PROCESSORS } from '../stack/collectorRules';
import {
  at,
  collectorPipelines,
  isPinnedImage,
  readYaml,
  readYamlDocuments,
  ROOT,
  valuesOfKey,
  Yaml,
} from '../stack/yamlFiles';

const DIR = 'deploy/kubernetes';
const manifestFiles = readdirSync(join(ROOT, DIR)).filter((f) => f.endsWith('.yaml') && f !== 'grafana-values.yaml');
const manifests = manifestFiles.flatMap((f) => readYamlDocuments(`${DIR}/${f}`));
const values = readYaml(`${DIR}/grafana-values.yaml`);

function find(kind: string, name: string): Yaml {
  const found = manifests.find((m) => m.kind === kind && at(m, 'metadata', 'name') === name);
  if (!found) {
    throw new Error(`no ${kind} ${name} in ${DIR}`);
  }
  return found;
}

const podSpec = (workload: Yaml) => at(workload, 'spec', 'template', 'spec') as Yaml;
const container = (workload: Yaml) => (podSpec(workload).containers as Yaml[])[0];

/** The collector config a workload runs: the ConfigMap its config volume mounts. */
function collectorConfigOf(workload: Yaml): Yaml {
  const volume = (podSpec(workload).volumes as Yaml[]).find((v) => v.name === 'config');
  const configMap = find('ConfigMap', String(at(volume, 'configMap', 'name')));
  const mount = (container(workload).volumeMounts as Yaml[]).find((m) => m.name === 'config');
  expect(container(workload).args).toContain(`--config=${String(mount?.mountPath)}/config.yaml`);
  return parse(String(at(configMap, 'data', 'config.yaml'))) as Yaml;
}

const agent = find('DaemonSet', 'otel-agent');
const gateway = find('Deployment', 'otel-gateway');
const headless = find('Service', 'otel-gateway-headless');
const agentConfig = collectorConfigOf(agent);
const gatewayConfig = collectorConfigOf(gateway);

describe('Kubernetes collector tier', () => {
  it('is an agent DaemonSet and a gateway Deployment behind a headless Service, all in one namespace', () => {
    expect(manifests.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['Namespace', 'DaemonSet', 'Deployment', 'Service', 'ConfigMap', 'ServiceAccount'])
    );
    for (const m of manifests.filter((x) => x.kind !== 'Namespace')) {
      expect(at(m, 'metadata', 'namespace')).toBe('observability');
    }
    expect(at(headless, 'spec', 'clusterIP')).toBe('None');
    expect(Number(at(gateway, 'spec', 'replicas'))).toBeGreaterThan(1);
  });

  it('selects its own pods: workload selectors match template labels, Service selectors match gateway pods', () => {
    for (const workload of manifests.filter((m) => m.kind === 'DaemonSet' || m.kind === 'Deployment')) {
      const selector = at(workload, 'spec', 'selector', 'matchLabels') as Record<string, string>;
      const labels = at(workload, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      expect(labels).toMatchObject(selector);
    }
    const gatewayLabels = at(gateway, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    const agentLabels = at(agent, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    for (const service of manifests.filter((m) => m.kind === 'Service')) {
      const selector = at(service, 'spec', 'selector') as Record<string, string>;
      expect(gatewayLabels).toMatchObject(selector);
      expect(agentLabels).not.toMatchObject(selector);
      const portNames = (container(gateway).ports as Yaml[]).map((p) => p.name);
      for (const port of at(service, 'spec', 'ports') as Yaml[]) {
        expect(portNames).toContain(port.targetPort);
      }
    }
  });

  it('routes every span of a trace to one gateway: loadbalancing by traceID, resolved through the headless Service', () => {
    const pipelines = collectorPipelines(agentConfig);
    expect(pipelines.traces.exporters).toEqual(['loadbalancing']);
    const lb = at(agentConfig, 'exporters', 'loadbalancing') as Yaml;
    expect(lb.routing_key).toBe('traceID');
    const name = String(at(headless, 'metadata', 'name'));
    const namespace = String(at(headless, 'metadata', 'namespace'));
    expect(at(lb, 'resolver', 'dns', 'hostname')).toBe(`${name}.${namespace}.svc.cluster.local`);
    const ports = (at(headless, 'spec', 'ports') as Yaml[]).map((p) => p.port);
    // The Collector takes the resolver's port as a string.
    expect(ports.map(String)).toContain(at(lb, 'resolver', 'dns', 'port'));
    // The agents see a slice of each trace: they must not sample or build graphs.
    const processors = Object.values(pipelines).flatMap((p) => p.processors);
    expect(processors).not.toContain('tail_sampling');
    expect(Object.keys((agentConfig.connectors as Yaml | undefined) ?? {})).toEqual([]);
  });

  it('runs tail sampling, spanmetrics and servicegraph in the gateway, the connectors before sampling', () => {
    const pipelines = collectorPipelines(gatewayConfig);
    expect(pipelines.traces.processors).toEqual(SAMPLED_TRACES_PROCESSORS);
    const feeding = Object.values(pipelines).filter((p) => p.exporters.includes('spanmetrics'));
    expect(feeding).toHaveLength(1);
    expect(feeding[0].exporters).toContain('servicegraph');
    expect(feeding[0].processors).not.toContain('tail_sampling');
    expect(pipelines.metrics.receivers).toEqual(expect.arrayContaining(['spanmetrics', 'servicegraph']));
  });

  it("guards span-metrics cardinality in the gateway exactly as the local stack's collector does", () => {
    const local = readYaml('stack/otel-collector/config.yaml');
    const spanmetrics = at(gatewayConfig, 'connectors', 'spanmetrics') as Yaml;
    expect(spanmetrics.dimensions).toEqual([]);
    expect(spanmetrics.aggregation_cardinality_limit).toBe(SPANMETRICS_CARDINALITY_LIMIT);
    const statements = at(gatewayConfig, 'processors', 'transform/span_names', 'trace_statements');
    expect(statements).toEqual([{ context: 'span', statements: [SPAN_NAME_STATEMENT, SPAN_NAME_STATEMENT] }]);
    expect(at(gatewayConfig, 'processors', 'transform/span_names')).toEqual(
      at(local, 'processors', 'transform/span_names')
    );
    // Span names are normalised before both connectors count them; tail sampling never runs there.
    const feeding = Object.values(collectorPipelines(gatewayConfig)).filter((p) => p.exporters.includes('spanmetrics'));
    expect(feeding.map((p) => p.processors)).toEqual([['memory_limiter', 'transform/span_names', 'batch']]);
    // aggregation_cardinality_limit is read from collector-contrib 0.125 on: both tiers run one
    // release that has it (the one stack/otel-collector/builder-config.yaml builds and validates).
    for (const workload of [agent, gateway]) {
      const version = /:(\d+)\.(\d+)\.\d+$/.exec(String(container(workload).image));
      expect(Number(version?.[1]) * 1000 + Number(version?.[2])).toBeGreaterThanOrEqual(125);
      expect(container(workload).image).toBe(container(gateway).image);
    }
  });

  it("redacts PII in the gateway exactly as the local stack's collector does, salt from an optional Secret", () => {
    const local = readYaml('stack/otel-collector/config.yaml');
    for (const processor of ['attributes/pii', 'transform/pii', 'redaction']) {
      expect({ processor, config: at(gatewayConfig, 'processors', processor) }).toEqual({
        processor,
        config: at(local, 'processors', processor),
      });
    }
    const pipelines = collectorPipelines(gatewayConfig);
    expect(pipelines.logs.processors).toEqual(collectorPipelines(local).logs.processors);
    const salt = (container(gateway).env as Yaml[]).find((e) => e.name === 'PIVOT_PII_SALT');
    expect(at(salt, 'valueFrom', 'secretKeyRef')).toEqual({ name: 'pivot-pii-salt', key: 'salt', optional: true });
  });

  it('has well-formed collector pipelines in both tiers', () => {
    expect(collectorProblems(agentConfig)).toEqual([]);
    expect(collectorProblems(gatewayConfig)).toEqual([]);
  });

  it('sizes each memory limiter, and GOMEMLIMIT, to its container memory limit', () => {
    for (const [workload, config] of [
      [agent, agentConfig],
      [gateway, gatewayConfig],
    ] as const) {
      const limit = memoryMiB(String(at(container(workload), 'resources', 'limits', 'memory')));
      const limiter = at(config, 'processors', 'memory_limiter') as Yaml;
      const limitMiB = Number(limiter.limit_mib);
      // The collector's guidance: limit about 80% of the container, spike about 20% of the limit.
      expect(limitMiB).toBeLessThanOrEqual(limit * 0.8);
      expect(limitMiB).toBeGreaterThanOrEqual(limit * 0.6);
      expect(Number(limiter.spike_limit_mib)).toBeLessThanOrEqual(limitMiB * 0.25);
      const env = (container(workload).env as Yaml[]).find((e) => e.name === 'GOMEMLIMIT');
      expect(memoryMiB(String(env?.value).replace(/iB$/, 'i'))).toBeLessThanOrEqual(limitMiB);
      expect(at(container(workload), 'resources', 'requests', 'memory')).toBeDefined();
    }
  });

  it('reads memory quantities', () => {
    expect(memoryMiB('256Mi')).toBe(256);
    expect(memoryMiB('2Gi')).toBe(2048);
    expect(memoryMiB('512m')).toBe(512);
    expect(() => memoryMiB('lots')).toThrow('not a memory quantity');
  });

  it('pins every image', () => {
    const images = valuesOfKey(manifests, 'image') as string[];
    expect(images.length).toBeGreaterThan(1);
    for (const image of [
      ...images,
      `${String(at(values, 'image', 'repository'))}:${String(at(values, 'image', 'tag'))}`,
    ]) {
      expect({ image, pinned: isPinnedImage(image) }).toEqual({ image, pinned: true });
    }
  });
});

describe('Helm values for the Grafana chart', () => {
  const datasources = at(values, 'datasources', 'datasources.yaml', 'datasources') as Yaml[];
  const local = readYaml('provisioning/datasources/pivot.yaml').datasources as Yaml[];

  it('install Pivot from its archive and allow it unsigned', () => {
    const plugins = values.plugins as string[];
    expect(plugins.some((p) => /^https:\/\/\S+\.zip;pivot-correlation-app$/.test(p))).toBe(true);
    expect(at(values, 'grafana.ini', 'plugins', 'allow_loading_unsigned_plugins')).toBe('pivot-correlation-app');
    expect(at(values, 'grafana.ini', 'auth.anonymous', 'enabled')).toBe(false);
  });

  it('provision the same data sources as the local stack, with in-cluster URLs', () => {
    expect(datasources.map((d) => d.uid).sort()).toEqual(Object.values(PROVISIONED_UIDS).sort());
    for (const ds of datasources) {
      const same = local.find((d) => d.uid === ds.uid);
      expect({ ...ds, url: undefined }).toEqual({ ...same, url: undefined });
      expect(String(ds.url)).toMatch(/\.observability\.svc\.cluster\.local:\d+$/);
    }
    const uids = new Set(datasources.map((d) => d.uid));
    for (const uid of valuesOfKey(datasources, 'datasourceUid')) {
      expect(uids.has(String(uid))).toBe(true);
    }
  });

  it("mount Pivot's app settings, which normalise to the provisioned uids", () => {
    const mount = (values.extraConfigmapMounts as Yaml[]).find(
      (m) => m.mountPath === '/etc/grafana/provisioning/plugins'
    );
    const configMap = find('ConfigMap', String(mount?.configMap));
    const file = parse(String(Object.values(configMap.data as Record<string, string>)[0])) as Yaml;
    const app = (file.apps as Yaml[])[0];
    expect(app.type).toBe('pivot-correlation-app');
    expect(normalizeSettings(app.jsonData as PivotJsonData).datasources).toEqual(PROVISIONED_UIDS);
    // The same settings as the local stack, less its SLOs: those are about the demo shop, which
    // the cluster manifests do not deploy; a team adds its own there.
    const { slos: demoSlos, ...local } = (readYaml('provisioning/plugins/app.yaml').apps as Yaml[])[0].jsonData as Yaml;
    expect(demoSlos).toBeDefined();
    expect(app.jsonData).toEqual(local);
  });
});
