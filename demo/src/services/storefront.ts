/**
 * The shop's front door: POST /checkout with a cart, which it hands to checkout. It records
 * the customer's email on its span on purpose: the collector's attributes processor masks it
 * (PII in telemetry: docs/local-stack.md#what-the-collector-does), which the walkthrough shows.
 *
 * With FAULT_TELEMETRY_HYGIENE=on (the compose stack) it also misbehaves on purpose, as
 * services do, for telemetry-hygiene checks: the customer's id as `user.id` on its server span
 * and as a label of its `storefront.checkouts` counter (one series per customer), one log
 * record, `receipt sent`, with the customer's email address in it, and the address again
 * percent-encoded in the account page's URL (`/account?email=jane.doe%40example.com`): in a
 * `redirect to` log line and in the span's `http.request.header.referer`. The collector masks
 * the receipt's address; the encoded one slips past its regexes, which look for `@`, as real
 * leaks do (docs/hygiene.md, Personal data).
 */
import { metrics, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { boundPort, callJson, HttpError, serve, stopServer } from '../http';
import { createLogger } from '../log';
import type { Running, ServiceContext } from './types';

interface Cart {
  user?: { id?: string; email?: string; phone?: string };
  items?: Array<{ sku: string; quantity: number }>;
  paymentMethod?: string;
}

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const log = createLogger('storefront');
  const hygieneFault = config.startFaults.telemetryHygiene;
  const checkouts = hygieneFault
    ? metrics.getMeter('pivot-demo/storefront').createCounter('storefront.checkouts', { description: 'checkouts placed, by customer' })
    : undefined;
  const rawLogger = logs.getLogger('pivot-demo/storefront');
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
        if (hygieneFault) {
          const userId = String(cart.user?.id ?? 'anonymous');
          span?.setAttribute('user.id', userId);
          const account = `/account?email=${encodeURIComponent(cart.user?.email ?? 'unknown')}`;
          span?.setAttribute('http.request.header.referer', `https://shop.example${account}`);
          log.info(`redirect to ${account}`);
          checkouts?.add(1, { 'user.id': userId });
          // A map body, as structured loggers send: the collector's transform/pii masks emails
          // only in string bodies, but its redaction processor (contrib 0.159) masks map values.
          rawLogger.emit({
            severityNumber: SeverityNumber.INFO,
            severityText: 'INFO',
            body: { msg: 'receipt sent', to: cart.user?.email ?? 'unknown', user_id: userId },
          });
        }
        return { status: 201, body: res.body };
      },
    },
  });
  return { port: boundPort(server), stop: () => stopServer(server) };
}
