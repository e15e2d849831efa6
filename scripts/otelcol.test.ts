/**
 * @jest-environment node
 *
 * scripts/otelcol.sh and src/testing/otelcol.ts agree on where the Collector built from the
 * current builder config is cached, and tests find it there or through OTELCOL_BIN.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { parse } from 'yaml';

import { BUILDER_CONFIG, builderConfigHash, cachedOtelcolPath, otelcolBinary } from '../src/testing/otelcol';

const SCRIPT = join(__dirname, 'otelcol.sh');

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'pivot-otelcol-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

function scriptPath(env: Record<string, string>): string {
  const run = spawnSync('/bin/bash', [SCRIPT, '--path'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

function fakeCollector(path: string, status: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nexit ${status}\n`);
  chmodSync(path, 0o755);
}

describe('the Collector cache', () => {
  it('is the same path for the script and the tests, under HOME or XDG_CACHE_HOME', () => {
    const hash = builderConfigHash(readFileSync(BUILDER_CONFIG));
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(scriptPath({ HOME: home })).toBe(join(home, '.cache', 'pivot', 'otelcol', hash, 'otelcol-pivot'));
    expect(cachedOtelcolPath({ HOME: home })).toBe(scriptPath({ HOME: home }));
    const xdg = join(home, 'xdg');
    expect(cachedOtelcolPath({ HOME: home, XDG_CACHE_HOME: xdg })).toBe(
      scriptPath({ HOME: home, XDG_CACHE_HOME: xdg })
    );
    expect(scriptPath({ HOME: home, XDG_CACHE_HOME: xdg }).startsWith(`${xdg}/`)).toBe(true);
  });

  it('changes with the builder config', () => {
    const text = readFileSync(BUILDER_CONFIG, 'utf8');
    expect(builderConfigHash(`${text}# another component\n`)).not.toBe(builderConfigHash(text));
  });

  it('finds a cached build that runs, prefers OTELCOL_BIN, and ignores one that does not run', () => {
    expect(otelcolBinary({ HOME: home })).toBeUndefined();
    const cached = cachedOtelcolPath({ HOME: home });
    fakeCollector(cached, 1);
    expect(otelcolBinary({ HOME: home })).toBeUndefined();
    fakeCollector(cached, 0);
    expect(otelcolBinary({ HOME: home })).toBe(cached);
    const own = join(home, 'own', 'otelcol');
    fakeCollector(own, 0);
    expect(otelcolBinary({ HOME: home, OTELCOL_BIN: own })).toBe(own);
    // A named binary that does not run is not silently replaced by the cached one.
    expect(otelcolBinary({ HOME: home, OTELCOL_BIN: join(home, 'missing') })).toBeUndefined();
  });

  it('answers from the cache without Go when the build is there', () => {
    const cached = cachedOtelcolPath({ HOME: home });
    fakeCollector(cached, 0);
    const bare = mkdtempSync(join(tmpdir(), 'pivot-otelcol-bin-'));
    try {
      for (const tool of ['dirname', 'sha256sum', 'cut']) {
        const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        writeFileSync(join(bare, tool), `#!/bin/sh\nexec ${found} "$@"\n`);
        chmodSync(join(bare, tool), 0o755);
      }
      const run = spawnSync('/bin/bash', [SCRIPT], { encoding: 'utf8', env: { PATH: bare, HOME: home } });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${cached}\n`);
      rmSync(cached);
      const cold = spawnSync('/bin/bash', [SCRIPT], { encoding: 'utf8', env: { PATH: bare, HOME: home } });
      expect(cold.status).toBe(1);
      expect(cold.stdout).toBe('');
      expect(cold.stderr).toMatch(/^scripts\/otelcol\.sh: building the Collector needs Go on PATH/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe('the builder config', () => {
  const config = parse(readFileSync(BUILDER_CONFIG, 'utf8'));
  const modules = (kind: string): string[] => config[kind].map((c: { gomod: string }) => c.gomod);

  it('pins every module to one release (core and contrib v0.159.0, stable core modules v1.65.0)', () => {
    const all = ['receivers', 'processors', 'exporters', 'connectors', 'extensions', 'providers'].flatMap(modules);
    for (const gomod of all) {
      const [path, version] = gomod.split(' ');
      expect([path, version]).toEqual([path, path.includes('/confmap/provider/') ? 'v1.65.0' : 'v0.159.0']);
    }
  });

  it('has every component the local stack and the Kubernetes manifests name', () => {
    const names = (kind: string) => modules(kind).map((m) => m.split(' ')[0].split('/').pop());
    expect(names('receivers')).toEqual(['otlpreceiver']);
    expect(names('processors').sort()).toEqual(
      [
        'attributesprocessor',
        'batchprocessor',
        'memorylimiterprocessor',
        'redactionprocessor',
        'resourceprocessor',
        'tailsamplingprocessor',
        'transformprocessor',
      ].sort()
    );
    expect(names('exporters').sort()).toEqual(
      [
        'debugexporter',
        'loadbalancingexporter',
        'otlpexporter',
        'otlphttpexporter',
        'prometheusremotewriteexporter',
      ].sort()
    );
    expect(names('connectors').sort()).toEqual(['servicegraphconnector', 'spanmetricsconnector']);
    expect(names('extensions')).toEqual(['healthcheckextension']);
    expect(names('providers').sort()).toEqual(['envprovider', 'fileprovider', 'yamlprovider']);
  });
});
