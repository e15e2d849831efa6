/**
 * @jest-environment node
 *
 * `npm run server` says what Docker lacks before it installs or builds anything: run with a
 * made-up `docker` on an otherwise bare PATH.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

describe('npm run server', () => {
  it('says there is no docker command', () => {
    const { status, stderr } = server();
    expect(status).toBe(1);
    expect(stderr).toMatch(/^npm run server: no docker command on PATH/);
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
