/**
 * @jest-environment node
 *
 * scripts/install-state.mjs, run as `npm test` runs it (a plain Node process, before anything is
 * installed), on made-up projects.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, 'install-state.mjs');

type Packages = Record<string, { version?: string; optional?: boolean; link?: boolean }>;

const LOCKED: Packages = {
  '': { version: '0.1.0' },
  'node_modules/a': { version: '1.0.0' },
  'node_modules/b/node_modules/c': { version: '2.0.0' },
  'node_modules/@swc/core-darwin-arm64': { version: '1.16.18', optional: true },
};
const INSTALLED: Packages = {
  'node_modules/a': { version: '1.0.0' },
  'node_modules/b/node_modules/c': { version: '2.0.0' },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pivot-install-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function project(locked: Packages, installed?: Packages): void {
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: locked }));
  if (installed) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', '.package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: installed })
    );
  }
}

function state(): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout.trim() };
}

describe('install-state', () => {
  it('is silent and exits 0 when node_modules holds what the lockfile locks (another platform’s optional binaries absent)', () => {
    project(LOCKED, INSTALLED);
    expect(state()).toEqual({ status: 0, out: '' });
  });

  it('says node_modules is missing', () => {
    project(LOCKED);
    expect(state()).toEqual({ status: 1, out: 'node_modules is missing' });
  });

  it('says when npm left no record of what it installed', () => {
    project(LOCKED);
    mkdirSync(join(dir, 'node_modules'));
    expect(state().out).toMatch(/^node_modules has no record of what npm installed/);
  });

  it('names a package at another version than locked (the lockfile changed since the install)', () => {
    project({ ...LOCKED, 'node_modules/a': { version: '1.1.0' } }, INSTALLED);
    expect(state()).toEqual({
      status: 1,
      out: 'node_modules does not match package-lock.json: node_modules/a is 1.0.0, package-lock.json wants 1.1.0',
    });
  });

  it('names a locked package that is not installed, and an installed one that is no longer locked', () => {
    project({ ...LOCKED, 'node_modules/d': { version: '1.0.0' } }, INSTALLED);
    expect(state().out).toBe('node_modules does not match package-lock.json: node_modules/d is not installed');
    project(LOCKED, { ...INSTALLED, 'node_modules/old': { version: '0.1.0' } });
    expect(state().out).toBe(
      'node_modules does not match package-lock.json: node_modules/old is installed but not in package-lock.json'
    );
  });
});
