/**
 * The fulfilment worker: polls the order queue and processes each order in a consumer span
 * whose parent is checkout's producer span, taken from the message headers
 * (docs/conventions.md#trace-context-across-a-queue). The polling itself is not traced.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { boundPort, callJson, serve, sleep, stopServer } from '../http';
import { createLogger } from '../log';
import type { QueueMessage } from './checkout';
import type { Running, ServiceContext } from './types';

const POLL_MS = 200;

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const log = createLogger('fulfilment');
  const tracer = trace.getTracer('pivot-demo/fulfilment');
  let stopping = false;

  const processMessage = (message: QueueMessage) => {
    const parent = propagation.extract(ROOT_CONTEXT, message.headers);
    return tracer.startActiveSpan(
      'orders process',
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'pivot-demo-queue',
          'messaging.operation.type': 'process',
          'messaging.destination.name': 'orders',
          'messaging.message.id': message.id,
        },
      },
      parent,
      async (span) => {
        await tracer.startActiveSpan('ship order', async (ship) => {
          await sleep(5);
          ship.end();
        });
        log.info('order fulfilled', { order_id: message.id });
        span.end();
      }
    );
  };

  const poll = async () => {
    while (!stopping) {
      try {
        const res = await context.with(suppressTracing(ROOT_CONTEXT), () =>
          callJson('GET', `${config.queueUrl}/consume?max=20`, undefined, 5000)
        );
        const batch = Array.isArray(res.body) ? (res.body as QueueMessage[]) : [];
        for (const message of batch) {
          await processMessage(message);
        }
        if (batch.length === 0) {
          await sleep(POLL_MS);
        }
      } catch (e) {
        // The queue may not be up yet, or restarting: wait and poll again.
        await sleep(POLL_MS * 5);
      }
    }
  };
  const loop = poll();

  const server = await serve({ host: config.host, port: config.port, telemetry, routes: {} });
  return {
    port: boundPort(server),
    stop: async () => {
      stopping = true;
      // The loop ends after the batch in hand; a poll of a stuck queue (up to 5 s) is not waited for.
      await Promise.race([loop, sleep(1500)]);
      await stopServer(server);
    },
  };
}
