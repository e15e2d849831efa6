/**
 * Paths that operate the demo rather than serve the shop: never traced, never counted in the
 * HTTP metrics (see the instrumentation's ignore hook in telemetry.ts).
 */
const CONTROL_PATHS = ['/healthz', '/metrics', '/faults', '/debug/telemetry', '/consume'];

export function isControlPath(url: string): boolean {
  const path = url.split('?')[0];
  return CONTROL_PATHS.includes(path);
}
