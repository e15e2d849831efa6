/**
 * @jest-environment node
 *
 * `npm run server` says what Docker lacks before it installs or builds anything: run with a
 * made-up `docker` on an otherwise bare PATH; without Docker it turns to the native stack
 * (scripts/native-stack.ts), whose reports are checked here too.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HOW_TO_GET } from '../stack/native/nativeStack';
import { partsReport, readyReport } from './native-stack';

const SERVER = join(__dirname, 'server.sh');

let bin: string;
beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'pivot-server-'));
  // What the script runs before it reaches docker; node and npm are left out on purpose, so
  // the test fails loudly if the script went on to install or build.
  for (const tool of ['dirname', 'grep']) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, join(bin, tool));
  }
});
afterEach(() => {
  rmSync(bin, { recursive: true, force: true });
});

function fakeDocker(script: string): void {
  writeFileSync(join(bin, 'docker'), `#!/bin/bash\n${script}\n`);
  chmodSync(join(bin, 'docker'), 0o755);
}

function server(): { status: number | null; stderr: string } {
  const run = spawnSync('/bin/bash', [SERVER], { encoding: 'utf8', env: { PATH: bin, HOME: bin } });
  return { status: run.status, stderr: run.stderr };
}

// Without Docker the script turns to the native stack, which needs Node: absent from the bare
// PATH, so it stops there, before installing or building anything.
const NATIVE_WITHOUT_NODE = [
  'npm run server: running the stack as native processes on 127.0.0.1 instead (docs/local-stack.md#without-docker).',
  'npm run server: the native stack needs Node.js 20 or newer with npm on PATH: https://nodejs.org/en/download',
];

describe('npm run server', () => {
  it('says there is no docker command, then turns to the native stack', () => {
    const { status, stderr } = server();
    expect(status).toBe(1);
    expect(stderr).toMatch(/^npm run server: no docker command on PATH/);
    expect(stderr.split('\n').slice(1)).toEqual([...NATIVE_WITHOUT_NODE, '']);
  });

  it('names both a stopped daemon (with docker info’s reason) and a missing compose plugin', () => {
    fakeDocker(`case "$1" in
      info) echo 'Client: Docker Engine'; echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1 ;;
      compose) echo 'docker: unknown command: docker compose' >&2; exit 1 ;;
    esac`);
    const { status, stderr } = server();
    expect(status).toBe(1);
    expect(stderr.split('\n')).toEqual([
      'npm run server needs Docker with the compose plugin and a running daemon; here:',
      expect.stringMatching(
        /^ {2}- the Docker daemon is not running or not reachable \(Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?\): start it/
      ),
      expect.stringMatching(/^ {2}- the compose plugin is not installed/),
      ...NATIVE_WITHOUT_NODE,
      '',
    ]);
  });

  it('names only the daemon when compose is there', () => {
    fakeDocker(
      `[ "$1" = info ] && { echo 'permission denied while trying to connect to the Docker daemon socket' >&2; exit 1; }; exit 0`
    );
    const { status, stderr } = server();
    expect(status).toBe(1);
    expect(stderr).toContain('(permission denied while trying to connect to the Docker daemon socket)');
    expect(stderr).not.toContain('compose plugin is not installed');
  });
});

describe('npm run server without Docker (native processes)', () => {
  it('names what runs and, for each missing part, how to get it', () => {
    const lines = partsReport({ prometheus: '/usr/bin/prometheus', collector: '/cache/otelcol-pivot' }, true);
    expect(lines).toEqual([
      'npm run server (native processes on 127.0.0.1):',
      '  runs:    Prometheus (/usr/bin/prometheus)',
      `  missing: Loki: ${HOW_TO_GET.loki}`,
      `  missing: Tempo: ${HOW_TO_GET.tempo}`,
      "  runs:    Pivot's OpenTelemetry Collector (/cache/otelcol-pivot)",
      `  missing: Grafana: ${HOW_TO_GET.grafana}`,
      '  runs:    the demo services (queue, payment, inventory, checkout, fulfilment, storefront) and the load generator',
    ]);
    expect(HOW_TO_GET.collector).toContain('scripts/otelcol.sh');
    expect(HOW_TO_GET.loki).toContain('LOKI_BIN');
    expect(HOW_TO_GET.tempo).toContain('TEMPO_BIN');
  });

  it('says the demo needs the Collector, or its dependencies', () => {
    expect(partsReport({ prometheus: 'p' }, true).at(-1)).toBe(
      '  missing: the demo services (they send telemetry to the Collector)'
    );
    expect(partsReport({ prometheus: 'p', collector: 'c' }, false).at(-1)).toBe(
      '  missing: the demo services: install their dependencies with npm ci --prefix demo'
    );
  });

  it('says where to open Grafana when it runs, and what answers without it', () => {
    const stack = {
      dir: '/tmp/pivot-stack-x',
      running: [],
      urls: {
        prometheus: 'http://127.0.0.1:1',
        grafana: 'http://127.0.0.1:2',
        otlpHttp: 'http://127.0.0.1:3',
        otlpGrpc: '127.0.0.1:4',
      },
      demo: { storefront: 'http://127.0.0.1:5', payment: 'http://127.0.0.1:6' },
      processes: [],
      stop: async () => undefined,
    };
    expect(readyReport(stack)[0]).toBe(
      'Open Grafana at http://127.0.0.1:2/a/pivot-correlation-app (anonymous Viewer; admin/admin to sign in)'
    );
    const without = readyReport({ ...stack, urls: { prometheus: 'http://127.0.0.1:1' }, demo: {} });
    expect(without).toEqual([
      'Grafana is not running, so there is no UI to open; the data sources answer directly:',
      '  Prometheus http://127.0.0.1:1',
      'Logs of every process: /tmp/pivot-stack-x/logs/. Ctrl-C stops everything.',
    ]);
  });
});
