/**
 * Where tests find Pivot's OpenTelemetry Collector (stack/otel-collector/builder-config.yaml,
 * built by scripts/otelcol.sh): `OTELCOL_BIN` when set, else the cached build for the current
 * builder config, `${XDG_CACHE_HOME:-~/.cache}/pivot/otelcol/<hash>/otelcol-pivot`, where
 * <hash> is the first 16 hex digits of the config's SHA-256 (the script computes the same).
 * Without either, suites skip with OTELCOL_HINT; with CI=true they fail with it
 * (`describeWhen`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { Requirement } from './describeWithPrometheus';

export const OTELCOL_HINT = 'run scripts/otelcol.sh to build the Collector';

const REPO = join(__dirname, '..', '..');
export const BUILDER_CONFIG = join(REPO, 'stack', 'otel-collector', 'builder-config.yaml');

/** The first 16 hex digits of the SHA-256 of `text`: the cache key of a builder config. */
export function builderConfigHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The cache path of the Collector built from the current builder config (whether or not it exists). */
export function cachedOtelcolPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'pivot', 'otelcol', builderConfigHash(readFileSync(BUILDER_CONFIG)), 'otelcol-pivot');
}

function runs(binary: string): boolean {
  try {
    execFileSync(binary, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The Collector to run: `OTELCOL_BIN`, else the cached build when it runs, else undefined. */
export function otelcolBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTELCOL_BIN) {
    return runs(env.OTELCOL_BIN) ? env.OTELCOL_BIN : undefined;
  }
  const cached = cachedOtelcolPath(env);
  return existsSync(cached) && runs(cached) ? cached : undefined;
}

let found: string | null | undefined;

/** Requirement for `describeWhen`: Pivot's Collector is built (or `OTELCOL_BIN` names one). */
export const OTELCOL: Requirement = {
  available: () => (found ??= otelcolBinary() ?? null) !== null,
  reason: OTELCOL_HINT,
};

/** The Collector's path; call only inside a suite guarded by OTELCOL. */
export function requireOtelcol(): string {
  const binary = otelcolBinary();
  if (!binary) {
    throw new Error(OTELCOL_HINT);
  }
  return binary;
}
