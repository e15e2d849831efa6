/** Payment: charges a card; a switchable share of charges fail with a server error. */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { FaultSwitches } from '../faults';
import { boundPort, HttpError, serve, sleep, stopServer } from '../http';
import { createLogger } from '../log';
import type { Running, ServiceContext } from './types';

export const PAYMENT_FAILURE = 'card processor unavailable: upstream returned 503';

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const log = createLogger('payment');
  const tracer = trace.getTracer('pivot-demo/payment');
  const faults = new FaultSwitches({
    errorRatio: { description: 'share of charges that fail with HTTP 500 (0 to 1)', min: 0, max: 1 },
  });

  const server = await serve({
    host: config.host,
    port: config.port,
    telemetry,
    routes: {
      ...faults.routes(),
      'POST /charge': async ({ body }) => {
        const req = (body ?? {}) as { orderId?: string; amount?: number; method?: string };
        const orderId = String(req.orderId ?? 'unknown');
        return tracer.startActiveSpan('authorize card', { attributes: { 'payment.method': String(req.method ?? 'card') } }, async (span) => {
          try {
            await sleep(10 + Math.floor(Math.random() * 20));
            // Strictly below: a ratio of 0 never fails, 1 always does.
            if (Math.random() < faults.get('errorRatio')) {
              const error = new Error(PAYMENT_FAILURE);
              span.recordException(error);
              span.setStatus({ code: SpanStatusCode.ERROR, message: PAYMENT_FAILURE });
              log.error('charge failed', { order_id: orderId, reason: PAYMENT_FAILURE });
              throw new HttpError(500, PAYMENT_FAILURE);
            }
            log.info('charge authorized', { order_id: orderId, amount: Number(req.amount ?? 0) });
            return { status: 200, body: { authorized: true } };
          } finally {
            span.end();
          }
        });
      },
    },
  });
  return { port: boundPort(server), stop: () => stopServer(server) };
}
