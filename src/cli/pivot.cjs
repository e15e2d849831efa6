#!/usr/bin/env node
// The `pivot` command (package.json `bin`): `pivot investigate --service <name> …` runs
// src/cli/investigate.ts through tsx, a dev dependency of this repository. docs/investigate-cli.md.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const [command, ...rest] = process.argv.slice(2);
if (command !== 'investigate') {
  process.stderr.write(
    `usage: pivot investigate --service <name> [options]   (pivot investigate --help for the options)\n`
  );
  process.exit(command === '-h' || command === '--help' ? 0 : 2);
}
const tsx = require.resolve('tsx/cli', { paths: [path.join(__dirname, '..', '..')] });
const run = spawnSync(process.execPath, [tsx, path.join(__dirname, 'investigate.ts'), ...rest], { stdio: 'inherit' });
process.exit(run.status ?? 3);
