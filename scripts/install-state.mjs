// Whether <dir>/node_modules holds what <dir>/package-lock.json locks, so that `npm test` runs
// `npm ci` only when it must (scripts/test-all.sh). Plain Node, no dependencies: it runs before
// anything is installed.
//
//   node scripts/install-state.mjs <dir>
//
// Exits 0 when node_modules matches the lockfile. Otherwise prints why on one line and exits 1.
// The comparison is against node_modules/.package-lock.json, the record npm writes of what it
// installed: every locked package is installed at its locked version (optional packages, such
// as another platform's native binaries, may be absent) and nothing else is installed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function packagesOf(file) {
  return JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
}

/** Why `installed` (the hidden lockfile's packages) differs from `locked`, or undefined. */
export function difference(locked, installed) {
  for (const [path, entry] of Object.entries(locked)) {
    if (path === '' || entry.link) {
      continue;
    }
    const have = installed[path];
    if (!have) {
      if (entry.optional || entry.devOptional) {
        continue;
      }
      return `${path} is not installed`;
    }
    if (have.version !== entry.version) {
      return `${path} is ${have.version}, package-lock.json wants ${entry.version}`;
    }
  }
  for (const path of Object.keys(installed)) {
    if (path !== '' && !locked[path]) {
      return `${path} is installed but not in package-lock.json`;
    }
  }
  return undefined;
}

export function installState(dir) {
  const lock = join(dir, 'package-lock.json');
  const hidden = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(join(dir, 'node_modules'))) {
    return 'node_modules is missing';
  }
  if (!existsSync(hidden)) {
    return 'node_modules has no record of what npm installed (node_modules/.package-lock.json)';
  }
  const why = difference(packagesOf(lock), packagesOf(hidden));
  return why ? `node_modules does not match package-lock.json: ${why}` : undefined;
}

const dir = process.argv[2];
if (dir) {
  const why = installState(dir);
  if (why) {
    console.log(why);
    process.exit(1);
  }
}
