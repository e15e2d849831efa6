/**
 * The faults chosen at start: a bad inventory release (FAULT_INVENTORY_VERSION) and the
 * storefront's telemetry-hygiene misbehaviour (FAULT_TELEMETRY_HYGIENE), on real processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configFromEnv, startFaultsFromEnv } from '../src/config';
import { callJson } from '../src/http';
import { badVersionFailure } from '../src/services/inventory';
import { Demo, SERVER, startDemo, STATUS_ERROR } from './harness';

describe('startFaultsFromEnv', () => {
  it('is off by default and reads both switches', () => {
    assert.deepEqual(startFaultsFromEnv({}), { inventoryVersion: undefined, telemetryHygiene: false });
    assert.deepEqual(startFaultsFromEnv({ FAULT_INVENTORY_VERSION: '', FAULT_TELEMETRY_HYGIENE: '' }), {
      inventoryVersion: undefined,
      telemetryHygiene: false,
    });
    assert.deepEqual(startFaultsFromEnv({ FAULT_INVENTORY_VERSION: '0.2.0', FAULT_TELEMETRY_HYGIENE: 'on' }), {
      inventoryVersion: '0.2.0',
      telemetryHygiene: true,
    });
    assert.equal(configFromEnv('inventory', { FAULT_INVENTORY_VERSION: '0.2.0-rc.1' }).startFaults.inventoryVersion, '0.2.0-rc.1');
  });

  it('refuses values it does not understand, saying what it takes', () => {
    for (const bad of ['0.1.0', ' 0.2', '0.2.0;rm', '"x"', 'v'.repeat(41), '-1']) {
      assert.throws(() => startFaultsFromEnv({ FAULT_INVENTORY_VERSION: bad }), /FAULT_INVENTORY_VERSION must be a version/);
    }
    for (const bad of ['yes', '1', 'enabled']) {
      assert.throws(() => startFaultsFromEnv({ FAULT_TELEMETRY_HYGIENE: bad }), /FAULT_TELEMETRY_HYGIENE must be on or off/);
    }
  });
});

describe('demo started with FAULT_INVENTORY_VERSION=0.2.0 and FAULT_TELEMETRY_HYGIENE=on', () => {
  let demo: Demo;
  const CHECKOUTS = 40;

  before(async () => {
    demo = await startDemo({ FAULT_INVENTORY_VERSION: '0.2.0', FAULT_TELEMETRY_HYGIENE: 'on' });
  });

  after(async () => {
    await demo?.stop();
  });

  it('inventory runs as service.version 0.2.0 and fails about half of the reservations, and so of the checkouts', async () => {
    const results = [];
    for (let i = 0; i < CHECKOUTS; i++) {
      results.push(
        await demo.checkout({ user: { id: `user-${i}`, email: `customer${i}@example.com` }, items: [{ sku: 'sku-1', quantity: 1 }] })
      );
    }
    const failed = results.filter((r) => r.status === 502).length;
    assert.equal(failed + results.filter((r) => r.status === 201).length, CHECKOUTS, 'every checkout either failed or passed');
    // Binomial(40, 0.5): outside 8..32 with probability below 1e-4.
    assert.ok(failed >= 8 && failed <= 32, `${failed} of ${CHECKOUTS} checkouts failed`);

    const { spans, logs } = await demo.waitFor(
      (t) => t.spans.filter((s) => s.service === 'inventory' && s.kind === SERVER).length >= CHECKOUTS
    );
    const reservations = spans.filter((s) => s.service === 'inventory' && s.kind === SERVER);
    assert.ok(reservations.every((s) => s.serviceVersion === '0.2.0'), 'every inventory span carries service.version 0.2.0');
    assert.ok(spans.filter((s) => s.service === 'checkout').every((s) => s.serviceVersion === '0.1.0'), 'other services stay 0.1.0');
    const failing = reservations.filter((s) => s.status === STATUS_ERROR);
    assert.equal(failing.length, failed, 'one failing inventory server span per failed checkout');
    assert.ok(failing.every((s) => s.attributes['http.response.status_code'] === 500));
    const errorLogs = logs.filter((l) => l.service === 'inventory' && l.severityText === 'ERROR');
    assert.equal(errorLogs.length, failed);
    assert.ok(errorLogs.every((l) => l.body === 'stock reservation failed' && l.attributes.reason === badVersionFailure('0.2.0')));
  });

  it('the storefront puts user.id on its server span and its counter, and an email address in its receipt log record', async () => {
    const res = await demo.checkout({ user: { id: 'user-0042', email: 'ada@example.com' }, items: [{ sku: 'sku-1', quantity: 1 }] });
    // The bad inventory release may fail this one: retry until one passes (bounded).
    let ok = res.status === 201;
    for (let i = 0; !ok && i < 30; i++) {
      ok = (await demo.checkout({ user: { id: 'user-0042', email: 'ada@example.com' }, items: [] })).status === 201;
    }
    assert.ok(ok, 'a checkout passed within 31 attempts');
    const { spans, logs } = await demo.waitFor((t) => t.logs.some((l) => l.service === 'storefront' && l.body.includes('ada@example.com')));
    assert.ok(spans.some((s) => s.service === 'storefront' && s.kind === SERVER && s.attributes['user.id'] === 'user-0042'));
    const receipt = logs.find((l) => l.service === 'storefront' && l.body.includes('ada@example.com'));
    assert.deepEqual(JSON.parse(receipt?.body ?? '{}'), { msg: 'receipt sent', to: 'ada@example.com', user_id: 'user-0042' });
    // The same address percent-encoded, as a URL carries it: the form the collector's regexes miss.
    assert.ok(logs.some((l) => l.service === 'storefront' && l.body === 'redirect to /account?email=ada%40example.com'));
    assert.ok(
      spans.some(
        (s) =>
          s.service === 'storefront' &&
          s.kind === SERVER &&
          s.attributes['http.request.header.referer'] === 'https://shop.example/account?email=ada%40example.com'
      )
    );

    const metrics = await callJson('GET', `${demo.url('storefront')}/metrics`);
    assert.match(String(metrics.body), /^storefront_checkouts_total\{[^}]*user_id="user-0042"[^}]*\} [1-9]/m);
  });
});

describe('demo started without the start faults', () => {
  let demo: Demo;

  before(async () => {
    demo = await startDemo();
  });

  after(async () => {
    await demo?.stop();
  });

  it('inventory is 0.1.0 and the storefront writes no user.id, no checkout counter and no email', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await demo.checkout({ user: { id: 'user-7', email: 'bob@example.com' }, items: [] })).status, 201);
    }
    const { spans, logs } = await demo.waitFor((t) => t.spans.filter((s) => s.service === 'inventory').length >= 5);
    assert.ok(spans.filter((s) => s.service === 'inventory').every((s) => s.serviceVersion === '0.1.0'));
    assert.ok(!spans.some((s) => 'user.id' in s.attributes));
    assert.ok(!logs.some((l) => l.body.includes('@') || l.body.includes('%40')));
    assert.ok(!spans.some((s) => 'http.request.header.referer' in s.attributes));
    const metrics = await callJson('GET', `${demo.url('storefront')}/metrics`);
    assert.doesNotMatch(String(metrics.body), /storefront_checkouts|user_id/);
  });
});
