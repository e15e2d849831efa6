/**
 * Jest glue for suites that need a real Prometheus (src/testing/prometheus.ts), kept apart so
 * the harness itself also serves node:test suites and scripts.
 */
import { INSTALL_HINT, prometheusToolsAvailable } from './prometheus';

/**
 * `describe` for suites that need Prometheus: without the binaries it fails with one line
 * when CI=true and skips with that line otherwise.
 */
export function describeWithPrometheus(name: string, body: () => void): void {
  if (prometheusToolsAvailable()) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Prometheus available', () => {
        throw new Error(`${name} ${INSTALL_HINT}`);
      });
    });
    return;
  }
  // Documented skip: the binaries are missing on this machine and this is not CI.
  describe.skip(`${name} (skipped: ${INSTALL_HINT})`, body);
}
