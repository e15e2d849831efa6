/**
 * Inventory: reserves stock; its latency is switchable. Started with FAULT_INVENTORY_VERSION,
 * it runs as that `service.version` (a bad release) and half of its reservations fail.
 */
import { trace } from '@opentelemetry/api';
import { FaultSwitches } from '../faults';
import { boundPort, HttpError, serve, sleep, stopServer } from '../http';
import { createLogger } from '../log';
import type { Running, ServiceContext } from './types';

/** The share of reservations a bad release (FAULT_INVENTORY_VERSION) fails. */
export const BAD_VERSION_ERROR_RATIO = 0.5;

export function badVersionFailure(version: string): string {
  return `stock service ${version}: reservation lock timed out`;
}

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const log = createLogger('inventory');
  const faults = new FaultSwitches({
    latencyMs: { description: 'extra latency of every reservation, in milliseconds', min: 0, max: 30000 },
  });

  const server = await serve({
    host: config.host,
    port: config.port,
    telemetry,
    routes: {
      ...faults.routes(),
      'POST /reserve': async ({ body }) => {
        const req = (body ?? {}) as { orderId?: string; items?: unknown[] };
        const extra = faults.get('latencyMs');
        await sleep(5 + extra);
        const attrs = { order_id: String(req.orderId ?? 'unknown'), items: Array.isArray(req.items) ? req.items.length : 0 };
        const badVersion = config.startFaults.inventoryVersion;
        // Strictly below, as payment's switch: the release fails about half of the time.
        if (badVersion && Math.random() < BAD_VERSION_ERROR_RATIO) {
          const message = badVersionFailure(badVersion);
          trace.getActiveSpan()?.setAttribute('error.type', 'reservation_lock_timeout');
          log.error('stock reservation failed', { ...attrs, reason: message });
          throw new HttpError(500, message);
        }
        if (extra > 0) {
          log.warn('stock reservation slow', { ...attrs, extra_ms: extra });
        } else {
          log.info('stock reserved', attrs);
        }
        return { status: 200, body: { reserved: true } };
      },
    },
  });
  return { port: boundPort(server), stop: () => stopServer(server) };
}
