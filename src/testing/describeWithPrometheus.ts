/**
 * Jest glue for suites that need a program on this machine (a real Prometheus from
 * src/testing/prometheus.ts; later Loki, Tempo or a Collector), kept apart so the harness
 * itself also serves node:test suites and scripts.
 *
 * A suite that cannot run here says why in its title, `<name> (skipped: <reason>)`: jest
 * reports its tests as skipped under that title, and `npm test` (scripts/test-summary.ts)
 * prints one `skipped: N tests in "<name>": <reason>` line for it. node:test suites use the
 * same title (demo/test).
 */
import { execFileSync } from 'node:child_process';

import { INSTALL_HINT, prometheusToolsAvailable } from './prometheus';

const SKIPPED_TITLE = /^(.*?)\s*\(skipped: (.+)\)$/;

/** The title of a suite skipped for `reason`. */
export function skippedTitle(name: string, reason: string): string {
  return `${name} (skipped: ${reason})`;
}

/** The name and reason of a title made by `skippedTitle`, or undefined for any other title. */
export function skipReasonOf(title: string): { name: string; reason: string } | undefined {
  const match = SKIPPED_TITLE.exec(title);
  return match ? { name: match[1], reason: match[2] } : undefined;
}

export interface Requirement {
  /** Whether the suite can run on this machine. */
  available: () => boolean;
  /** What is missing and how to install it, e.g. `needs loki on PATH: apt-get install -y loki`. */
  reason: string;
}

/**
 * `describe` for a suite that needs something from the machine: without it, the suite fails
 * with one line naming the reason when CI=true (CI must run everything), and is skipped with
 * the reason in its title otherwise.
 */
export function describeWhen(requirement: Requirement, name: string, body: () => void): void {
  if (requirement.available()) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has what it needs on this machine', () => {
        throw new Error(`${name} ${requirement.reason}`);
      });
    });
    return;
  }
  // Documented skip: the requirement is missing on this machine and this is not CI.
  describe.skip(skippedTitle(name, requirement.reason), body);
}

function runs(binary: string): boolean {
  try {
    execFileSync(binary, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A requirement on programs that answer `--version` on PATH. */
export function binariesOnPath(binaries: string[], installHint: string): Requirement {
  let found: boolean | undefined;
  return {
    available: () => (found ??= binaries.every(runs)),
    reason: `needs ${binaries.join(' and ')} on PATH: ${installHint}`,
  };
}

export const PROMETHEUS: Requirement = { available: prometheusToolsAvailable, reason: INSTALL_HINT };

/** `describe` for suites that need a real Prometheus and promtool. */
export function describeWithPrometheus(name: string, body: () => void): void {
  describeWhen(PROMETHEUS, name, body);
}
