/**
 * @jest-environment node
 *
 * The stack's configuration files load in the real programs: the Collector's (local stack and
 * the Kubernetes gateway) in Pivot's own Collector (`otelcol validate`), Prometheus'
 * in promtool, Loki's and Tempo's in their binaries (`-verify-config`, `-config.verify`), each
 * as the compose stack mounts it and as the native stack rewrites it (stack/native/configs.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { describeWithPrometheus } from '../../src/testing/describeWithPrometheus';
import { OTELCOL, requireOtelcol } from '../../src/testing/otelcol';
import {
  CONFIG_FILES,
  collectorConfig,
  lokiConfig,
  prometheusConfig,
  readStackFile,
  ROOT,
  tempoConfig,
} from '../native/configs';
import { binaryOf, describeWhen, describeWherePresent, LOKI_HERE, TEMPO_HERE } from './harness';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pivot-validate-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs a program to completion (bounded); its exit status and output. */
function run(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env
): { status: number | null; output: string } {
  const r = spawnSync(binary, args, { encoding: 'utf8', env, timeout: 120000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function expectValid(result: { status: number | null; output: string }): void {
  expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({
    status: 0,
    output: '',
  });
}

const RW = 'http://127.0.0.1:9/api/v1/write';

/** The Collector configs embedded in the Kubernetes manifests' ConfigMaps. */
function kubernetesCollectorConfigs(): Array<{ name: string; text: string }> {
  return ['otel-agent.yaml', 'otel-gateway.yaml'].flatMap((manifest) =>
    parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'kubernetes', manifest), 'utf8'))
      .map((d) => d.toJS())
      .filter((d) => d?.kind === 'ConfigMap' && typeof d.data?.['config.yaml'] === 'string')
      .map((d) => ({ name: `${manifest} ${d.metadata.name}`, text: d.data['config.yaml'] as string }))
  );
}

describeWhen(OTELCOL, "the Collector's configs in Pivot's Collector (otelcol validate)", () => {
  const validate = (path: string, env: NodeJS.ProcessEnv = {}) =>
    run(requireOtelcol(), ['validate', `--config=${path}`], { ...process.env, PIVOT_PII_SALT: '', ...env });

  it('the local stack’s, as the compose stack mounts it, with and without a PII salt', () => {
    const path = join(ROOT, CONFIG_FILES.collector);
    expectValid(validate(path));
    expectValid(validate(path, { PIVOT_PII_SALT: 'salt' }));
  });

  it('the local stack’s as the native stack rewrites it (with Tempo and Loki, without, captured)', () => {
    const source = readStackFile(CONFIG_FILES.collector);
    const ports = { otlpGrpc: 1, otlpHttp: 2, health: 3, remoteWrite: RW };
    for (const [name, extra] of Object.entries({
      backends: { tempoOtlp: '127.0.0.1:4', lokiOtlp: 'http://127.0.0.1:5/otlp' },
      alone: {},
      captured: { captureTraces: 'http://127.0.0.1:6', captureLogs: 'http://127.0.0.1:6' },
    })) {
      expectValid(validate(file(`otelcol-${name}.yaml`, collectorConfig(source, { ...ports, ...extra }))));
    }
  });

  it('the Kubernetes agent’s and gateway’s', () => {
    const configs = kubernetesCollectorConfigs();
    expect(configs.map((c) => c.name).sort()).toEqual([
      'otel-agent.yaml otel-agent-config',
      'otel-gateway.yaml otel-gateway-config',
    ]);
    for (const config of configs) {
      const name = config.name.replace(/ .*/, '');
      expectValid(validate(file(name, config.text), { POD_IP: '127.0.0.1', K8S_NODE_NAME: 'node-1' }));
    }
  });

  it('refuses a config with an unknown component (the check can fail)', () => {
    const broken = readStackFile(CONFIG_FILES.collector).replace(
      /^connectors:\n/m,
      'connectors:\n  nosuchconnector: {}\n'
    );
    const result = validate(file('otelcol-broken.yaml', broken));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/nosuchconnector/);
  });
});

describeWithPrometheus("Prometheus' config in promtool", () => {
  it('as the native stack rewrites it, with the SLO and RED rule files', () => {
    const path = file(
      'prometheus.yml',
      prometheusConfig(readStackFile(CONFIG_FILES.prometheus), { web: 9090, rulesDir: join(ROOT, CONFIG_FILES.rules) })
    );
    const result = run('promtool', ['check', 'config', path]);
    expectValid({ ...result, output: result.status === 0 ? '' : result.output });
    expect(result.output).toMatch(/SUCCESS: [1-9][0-9]* rule files found/);
  });
});

describeWherePresent([LOKI_HERE], "Loki's config in loki -verify-config", () => {
  const verify = (path: string) => run(binaryOf('LOKI_BIN', 'loki'), ['-verify-config', `-config.file=${path}`]);

  it('as the compose stack mounts it and as the native stack rewrites it', () => {
    expectValid(verify(join(ROOT, CONFIG_FILES.loki)));
    expectValid(
      verify(
        file(
          'loki.yaml',
          lokiConfig(readStackFile(CONFIG_FILES.loki), { http: 1, grpc: 2, dataDir: join(dir, 'loki') })
        )
      )
    );
  });

  it('refuses an unknown field (the check can fail)', () => {
    const result = verify(file('loki-broken.yaml', `${readStackFile(CONFIG_FILES.loki)}\nno_such_block: {}\n`));
    expect(result.status).not.toBe(0);
  });
});

describeWherePresent([TEMPO_HERE], "Tempo's config in tempo -config.verify", () => {
  const verify = (path: string) => run(binaryOf('TEMPO_BIN', 'tempo'), ['-config.verify', `-config.file=${path}`]);

  it('as the compose stack mounts it and as the native stack rewrites it', () => {
    expectValid(verify(join(ROOT, CONFIG_FILES.tempo)));
    const ports = { http: 1, grpc: 2, otlpGrpc: 3, otlpHttp: 4, remoteWrite: RW, dataDir: join(dir, 'tempo') };
    expectValid(verify(file('tempo.yaml', tempoConfig(readStackFile(CONFIG_FILES.tempo), ports))));
  });

  it('refuses an unknown field (the check can fail)', () => {
    const result = verify(file('tempo-broken.yaml', `${readStackFile(CONFIG_FILES.tempo)}\nno_such_block: {}\n`));
    expect(result.status).not.toBe(0);
  });
});
