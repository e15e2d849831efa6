/** Inventory: reserves stock; its latency is switchable. */
import { FaultSwitches } from '../faults';
import { boundPort, serve, sleep } from '../http';
import { createLogger } from '../log';
import type { Running, ServiceContext } from './types';

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
        if (extra > 0) {
          log.warn('stock reservation slow', { ...attrs, extra_ms: extra });
        } else {
          log.info('stock reserved', attrs);
        }
        return { status: 200, body: { reserved: true } };
      },
    },
  });
  return { port: boundPort(server), stop: () => new Promise((r) => server.close(() => r())) };
}
