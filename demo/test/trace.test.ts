import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PAYMENT_FAILURE } from '../src/services/payment';
import type { SpanRecord } from '../src/telemetry';
import { CLIENT, CONSUMER, Demo, INSTRUMENTED, PRODUCER, SERVER, startDemo, STATUS_ERROR } from './harness';

function rootOf(spans: SpanRecord[], traceId: string): SpanRecord {
  const roots = spans.filter((s) => s.traceId === traceId && s.parentSpanId === '');
  assert.equal(roots.length, 1, `one root span in trace ${traceId}, got ${roots.map((s) => s.name).join(', ')}`);
  return roots[0];
}

function traceOfOrder(spans: SpanRecord[], orderId: string): SpanRecord[] {
  const checkoutServer = spans.find((s) => s.service === 'checkout' && s.kind === SERVER && s.attributes['order.id'] === orderId);
  assert.ok(checkoutServer, `checkout's server span for order ${orderId}`);
  return spans.filter((s) => s.traceId === checkoutServer.traceId);
}

describe('demo services (real processes, SDK in-memory exporters)', () => {
  let demo: Demo;

  before(async () => {
    demo = await startDemo();
  });

  after(async () => {
    await demo?.stop();
  });

  it('one checkout through storefront, checkout, payment, inventory and the queue to fulfilment is one trace', async () => {
    const res = await demo.checkout();
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { orderId } = res.body as { orderId: string };

    const { spans } = await demo.waitFor((t) =>
      t.spans.some((s) => s.service === 'fulfilment' && s.attributes['messaging.message.id'] === orderId)
    );
    const traceSpans = traceOfOrder(spans, orderId);
    const root = rootOf(spans, traceSpans[0].traceId);
    assert.equal(root.service, 'storefront');
    assert.equal(root.kind, SERVER);
    assert.equal(root.name, 'POST /checkout');

    assert.deepEqual([...new Set(traceSpans.map((s) => s.service))].sort(), [...INSTRUMENTED].sort());
    const ids = new Set(traceSpans.map((s) => s.spanId));
    for (const s of traceSpans) {
      assert.ok(s === root || ids.has(s.parentSpanId), `${s.service} ${s.name} has its parent in the trace`);
    }

    const byId = new Map(traceSpans.map((s) => [s.spanId, s]));
    for (const service of ['checkout', 'payment', 'inventory'] as const) {
      const server = traceSpans.find((s) => s.service === service && s.kind === SERVER);
      assert.ok(server, `${service} has a server span in the trace`);
      const caller = byId.get(server.parentSpanId);
      assert.equal(caller?.kind, CLIENT, `${service}'s server span is a child of a client span (traceparent over HTTP)`);
    }

    const producer = traceSpans.find((s) => s.service === 'checkout' && s.kind === PRODUCER);
    const consumer = traceSpans.find((s) => s.service === 'fulfilment' && s.kind === CONSUMER);
    assert.ok(producer && consumer);
    assert.equal(consumer.parentSpanId, producer.spanId, 'the consumer span continues the producer span from the message headers');
    assert.equal(consumer.attributes['messaging.destination.name'], 'orders');
  });

  it('every log record carries the trace_id and span_id of the span active when it was written', async () => {
    const res = await demo.checkout();
    assert.equal(res.status, 201);
    const { orderId } = res.body as { orderId: string };
    const { spans, logs } = await demo.waitFor((t) =>
      t.logs.some((l) => l.service === 'fulfilment' && l.attributes.order_id === orderId)
    );
    const spanKeys = new Set(spans.map((s) => `${s.service}/${s.traceId}/${s.spanId}`));
    assert.ok(logs.length >= 8, `expected the logs of two checkouts, got ${logs.length}`);
    for (const log of logs) {
      assert.match(log.traceId, /^[0-9a-f]{32}$/);
      assert.match(log.spanId, /^[0-9a-f]{16}$/);
      assert.ok(spanKeys.has(`${log.service}/${log.traceId}/${log.spanId}`), `${log.service} "${log.body}" names a span of its service`);
    }

    const traceId = traceOfOrder(spans, orderId)[0].traceId;
    const services = new Set(logs.filter((l) => l.traceId === traceId).map((l) => l.service));
    assert.deepEqual([...services].sort(), [...INSTRUMENTED].sort(), 'every service logged within the trace');

    // Checkout also writes trace_id and span_id into its logfmt lines.
    const checkoutLogs = logs.filter((l) => l.service === 'checkout');
    assert.ok(checkoutLogs.length > 0);
    for (const log of checkoutLogs) {
      assert.match(log.body, new RegExp(`(^| )trace_id=${log.traceId}( |$)`));
      assert.match(log.body, new RegExp(`(^| )span_id=${log.spanId}( |$)`));
      assert.match(log.body, /^level=(info|warn|error) msg=/);
    }
  });

  it('the payment fault fails checkouts with a failing payment span, and switching it off restores them', async () => {
    const on = await demo.setFault('payment', { errorRatio: 1 });
    assert.equal(on.status, 200);
    const failed = await demo.checkout();
    assert.equal(failed.status, 502);
    assert.match(String((failed.body as { error?: string }).error), /payment failed/);

    const { spans, logs } = await demo.waitFor((t) =>
      t.spans.some((s) => s.service === 'payment' && s.name === 'authorize card' && s.status === STATUS_ERROR)
    );
    const authorize = spans.find((s) => s.service === 'payment' && s.name === 'authorize card' && s.status === STATUS_ERROR);
    assert.ok(authorize);
    assert.equal(authorize.statusMessage, PAYMENT_FAILURE);
    const traceSpans = spans.filter((s) => s.traceId === authorize.traceId);
    const paymentServer = traceSpans.find((s) => s.service === 'payment' && s.kind === SERVER);
    assert.equal(paymentServer?.attributes['http.response.status_code'], 500);
    assert.equal(rootOf(spans, authorize.traceId).status, STATUS_ERROR, 'the storefront request failed too');
    assert.ok(!traceSpans.some((s) => s.kind === PRODUCER), 'no order was handed to fulfilment');
    const paymentError = logs.find((l) => l.service === 'payment' && l.severityText === 'ERROR' && l.traceId === authorize.traceId);
    assert.ok(paymentError, 'payment logged the failure within the trace');
    // docs/local-stack.md, walkthrough step 5: the line is `charge failed`; reason and order_id
    // are attributes (structured metadata in Loki), not part of the line.
    assert.equal(paymentError.body, 'charge failed');
    assert.equal(paymentError.attributes.reason, PAYMENT_FAILURE);
    assert.match(String(paymentError.attributes.order_id), /^[0-9a-f-]{36}$/);
    assert.ok(
      logs.some((l) => l.service === 'checkout' && l.severityText === 'ERROR' && l.body.includes(`trace_id=${authorize.traceId}`)),
      'checkout logged the failure with the trace id in the line'
    );

    await demo.setFault('payment', { errorRatio: 0 });
    assert.equal((await demo.checkout()).status, 201);
  });

  it('the inventory latency fault slows the reservation, and switching it off restores it', async () => {
    await demo.setFault('inventory', { latencyMs: 400 });
    const slow = await demo.checkout();
    assert.equal(slow.status, 201);
    await demo.setFault('inventory', { latencyMs: 0 });
    const fast = await demo.checkout();
    assert.equal(fast.status, 201);

    const { spans } = await demo.waitFor((t) =>
      [slow, fast].every(({ body }) => t.spans.some((s) => s.attributes['order.id'] === (body as { orderId: string }).orderId))
    );
    const reserve = (orderId: string) =>
      traceOfOrder(spans, orderId).find((s) => s.service === 'inventory' && s.kind === SERVER);
    const slowSpan = reserve((slow.body as { orderId: string }).orderId);
    const fastSpan = reserve((fast.body as { orderId: string }).orderId);
    assert.ok(slowSpan && fastSpan);
    assert.ok(slowSpan.durationMs >= 400, `slow reservation took ${slowSpan.durationMs} ms`);
    assert.ok(fastSpan.durationMs < 300, `reservation after the switch took ${fastSpan.durationMs} ms`);
  });

  it('the slow database fault makes the orders insert, and so the whole trace, slower than 500 ms', async () => {
    await demo.setFault('checkout', { dbLatencyMs: 600 });
    const res = await demo.checkout();
    await demo.setFault('checkout', { dbLatencyMs: 0 });
    assert.equal(res.status, 201);
    const orderId = (res.body as { orderId: string }).orderId;
    const { spans } = await demo.waitFor((t) => t.spans.some((s) => s.attributes['order.id'] === orderId && s.kind === SERVER));
    const traceSpans = traceOfOrder(spans, orderId);
    const insert = traceSpans.find((s) => s.name === 'INSERT orders');
    assert.ok(insert);
    assert.equal(insert.kind, CLIENT);
    assert.equal(insert.attributes['db.system'], 'postgresql');
    assert.ok(insert.durationMs >= 600, `insert took ${insert.durationMs} ms`);
    // The collector's latency policy keeps traces slower than 500 ms.
    assert.ok(rootOf(spans, insert.traceId).durationMs > 500);
  });

  it('fault switches reject values out of range and unknown switches', async () => {
    assert.equal((await demo.setFault('payment', { errorRatio: 1.5 })).status, 400);
    assert.equal((await demo.setFault('payment', { latencyMs: 5 })).status, 400);
    assert.equal((await demo.setFault('inventory', { latencyMs: -1 })).status, 400);
    const faults = await demo.setFault('payment', {});
    assert.equal(faults.status, 200);
    assert.equal((faults.body as { errorRatio: { value: number } }).errorRatio.value, 0);
  });
});
