/**
 * The shop's front door: POST /checkout with a cart, which it hands to checkout. It records
 * the customer's email on its span on purpose: the collector's attributes processor masks it
 * (PII in telemetry: docs/local-stack.md#what-the-collector-does), which the walkthrough shows.
 */
import { trace } from '@opentelemetry/api';
import { boundPort, callJson, HttpError, serve } from '../http';
import { createLogger } from '../log';
import type { Running, ServiceContext } from './types';

interface Cart {
  user?: { email?: string; phone?: string };
  items?: Array<{ sku: string; quantity: number }>;
  paymentMethod?: string;
}

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const log = createLogger('storefront');
  const server = await serve({
    host: config.host,
    port: config.port,
    telemetry,
    routes: {
      'POST /checkout': async ({ body }) => {
        const cart = (body ?? {}) as Cart;
        const items = Array.isArray(cart.items) && cart.items.length > 0 ? cart.items : [{ sku: 'sku-1', quantity: 1 }];
        const span = trace.getActiveSpan();
        if (cart.user?.email) {
          span?.setAttribute('user.email', cart.user.email);
        }
        if (cart.user?.phone) {
          span?.setAttribute('user.phone', cart.user.phone);
        }
        span?.setAttribute('cart.items', items.length);
        log.info('checkout requested', { items: items.length });
        const res = await callJson('POST', `${config.checkoutUrl}/orders`, {
          items,
          paymentMethod: cart.paymentMethod ?? 'card',
        });
        if (res.status >= 500) {
          const reason = (res.body as { error?: string } | undefined)?.error ?? `status ${res.status}`;
          log.error('checkout failed', { status: res.status, reason });
          throw new HttpError(502, `checkout failed: ${reason}`);
        }
        log.info('order placed');
        return { status: 201, body: res.body };
      },
    },
  });
  return { port: boundPort(server), stop: () => new Promise((r) => server.close(() => r())) };
}
