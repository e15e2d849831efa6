/**
 * A tiny in-memory order queue standing in for a broker such as Kafka or RabbitMQ: POST
 * /publish appends a message, GET /consume?max=N takes up to N. Like a broker it emits no
 * spans; the trace crosses it in the message headers.
 */
import { boundPort, HttpError, serve, stopServer } from '../http';
import type { QueueMessage } from './checkout';
import type { Running, ServiceContext } from './types';

const CAPACITY = 10000;

function isMessage(value: unknown): value is QueueMessage {
  const m = value as QueueMessage;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.id === 'string' &&
    typeof m.headers === 'object' &&
    m.headers !== null &&
    Object.values(m.headers).every((v) => typeof v === 'string')
  );
}

export async function start({ config, telemetry }: ServiceContext): Promise<Running> {
  const messages: QueueMessage[] = [];
  const server = await serve({
    host: config.host,
    port: config.port,
    telemetry,
    routes: {
      'POST /publish': async ({ body }) => {
        if (!isMessage(body)) {
          throw new HttpError(400, 'a message is { id: string, headers: { [name]: string }, body }');
        }
        if (messages.length >= CAPACITY) {
          throw new HttpError(503, `queue full (${CAPACITY} messages)`);
        }
        messages.push(body);
        return { status: 202, body: { queued: messages.length } };
      },
      'GET /consume': async ({ query }) => {
        const max = Math.min(100, Math.max(1, Number(query.get('max') ?? 10) || 10));
        return { status: 200, body: messages.splice(0, max) };
      },
    },
  });
  return { port: boundPort(server), stop: () => stopServer(server) };
}
