/**
 * Checkout: reserves stock (inventory), charges (payment), saves the order (a simulated
 * database call with a switchable slow query) and hands the order to fulfilment through the
 * queue, with W3C trace context in the message headers. Its log lines are logfmt with
 * trace_id and span_id in the line, the second convention Pivot reads.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { randomUUID } from 'node:crypto';
import { FaultSwitches } from '../faults';
import { boundPort, callJson, HttpError, serve, sleep, stopServer } from '../http';
import { createLogger } from '../log';
import type { Running, ServiceContext } from './types';

export interface QueueMessage {
  id: string;
  /** W3C trace context (`traceparent`, `tracestate`) of the producer span. */
  headers: Record<string, string>;
  body: unknown;
}

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const log = createLogger('checkout', { logfmt: true });
  const tracer = trace.getTracer('pivot-demo/checkout');
  const faults = new FaultSwitches({
    dbLatencyMs: { description: 'extra latency of the orders INSERT (a slow database call)', min: 0, max: 30000 },
  });

  const saveOrder = (orderId: string) =>
    tracer.startActiveSpan(
      'INSERT orders',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system': 'postgresql',
          'db.system.name': 'postgresql',
          'db.name': 'orders',
          'db.namespace': 'orders',
          'db.operation.name': 'INSERT',
          'db.query.text': 'INSERT INTO orders (id, status) VALUES ($1, $2)',
          'peer.service': 'orders-db',
        },
      },
      async (span) => {
        const slow = faults.get('dbLatencyMs');
        await sleep(3 + slow);
        if (slow > 0) {
          log.warn('slow orders insert', { order_id: orderId, db_ms: slow + 3 });
        }
        span.end();
      }
    );

  const publishOrder = (orderId: string, order: unknown) =>
    tracer.startActiveSpan(
      'orders publish',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'pivot-demo-queue',
          'messaging.operation.type': 'send',
          'messaging.destination.name': 'orders',
          'messaging.message.id': orderId,
        },
      },
      async (span) => {
        const message: QueueMessage = { id: orderId, headers: {}, body: order };
        // Trace context does not cross a queue by itself (docs/conventions.md#trace-context-across-a-queue).
        propagation.inject(context.active(), message.headers);
        try {
          // The queue stands for a broker: its HTTP call is transport, not a hop of its own.
          const res = await context.with(suppressTracing(context.active()), () =>
            callJson('POST', `${config.queueUrl}/publish`, message)
          );
          if (res.status >= 300) {
            throw new Error(`queue answered ${res.status}`);
          }
        } catch (e) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: `publish failed: ${String(e)}` });
          throw e;
        } finally {
          span.end();
        }
      }
    );

  const server = await serve({
    host: config.host,
    port: config.port,
    telemetry,
    routes: {
      ...faults.routes(),
      'POST /orders': async ({ body }) => {
        const orderId = randomUUID();
        const req = (body ?? {}) as { items?: unknown[]; paymentMethod?: string };
        const items = Array.isArray(req.items) ? req.items : [];
        trace.getActiveSpan()?.setAttribute('order.id', orderId);
        log.info('order received', { order_id: orderId, items: items.length });

        const stock = await callJson('POST', `${config.inventoryUrl}/reserve`, { orderId, items });
        if (stock.status >= 300) {
          log.error('stock reservation failed', { order_id: orderId, status: stock.status });
          throw new HttpError(502, `inventory answered ${stock.status}`);
        }
        const charge = await callJson('POST', `${config.paymentUrl}/charge`, {
          orderId,
          amount: 10 * Math.max(1, items.length),
          method: req.paymentMethod ?? 'card',
        });
        if (charge.status >= 300) {
          const reason = (charge.body as { error?: string } | undefined)?.error ?? `status ${charge.status}`;
          log.error('payment failed', { order_id: orderId, status: charge.status, reason });
          throw new HttpError(502, `payment failed: ${reason}`);
        }
        await saveOrder(orderId);
        await publishOrder(orderId, { orderId, items });
        log.info('order accepted', { order_id: orderId });
        return { status: 201, body: { orderId } };
      },
    },
  });
  return { port: boundPort(server), stop: () => stopServer(server) };
}
