/**
 * Load generator with a bounded rate: LOADGEN_RATE requests per second (default 2, at most
 * 20), at most LOADGEN_CONCURRENCY in flight (default 10; a tick is skipped when all are
 * busy), and LOADGEN_MAX_REQUESTS in all when set. Not instrumented: the storefront's server
 * span is the root of each trace.
 */
import { callJson, sleep } from '../http';
import type { Running, ServiceContext } from './types';

export const MAX_RATE = 20;

export interface LoadOptions {
  rate: number;
  concurrency: number;
  maxRequests: number;
}

export function loadOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const rate = Number(env.LOADGEN_RATE ?? 2);
  const concurrency = Number(env.LOADGEN_CONCURRENCY ?? 10);
  const maxRequests = Number(env.LOADGEN_MAX_REQUESTS ?? 0);
  return {
    rate: Number.isFinite(rate) ? Math.min(MAX_RATE, Math.max(0.1, rate)) : 2,
    concurrency: Number.isInteger(concurrency) ? Math.min(100, Math.max(1, concurrency)) : 10,
    maxRequests: Number.isInteger(maxRequests) && maxRequests > 0 ? maxRequests : 0,
  };
}

function cart(n: number) {
  const customer = n % 50;
  return {
    user: { id: `user-${String(customer).padStart(4, '0')}`, email: `customer${customer}@example.com`, phone: `+1-555-01${String(customer).padStart(2, '0')}` },
    items: [{ sku: `sku-${n % 7}`, quantity: 1 + (n % 3) }],
    paymentMethod: n % 4 === 0 ? 'paypal' : 'card',
  };
}

export async function start({ config }: ServiceContext): Promise<Running> {
  const options = loadOptionsFromEnv();
  const interval = 1000 / options.rate;
  let stopping = false;
  let inFlight = 0;
  let sent = 0;
  const counts = { ok: 0, failed: 0 };

  const loop = (async () => {
    while (!stopping && (options.maxRequests === 0 || sent < options.maxRequests)) {
      if (inFlight < options.concurrency) {
        inFlight++;
        sent++;
        callJson('POST', `${config.storefrontUrl}/checkout`, cart(sent), 15000)
          .then((res) => (res.status < 400 ? counts.ok++ : counts.failed++))
          .catch(() => counts.failed++)
          .finally(() => inFlight--);
      }
      if (sent % Math.max(1, Math.round(options.rate * 30)) === 0) {
        process.stdout.write(`loadgen: sent=${sent} ok=${counts.ok} failed=${counts.failed} rate=${options.rate}/s\n`);
      }
      await sleep(interval);
    }
  })();

  return {
    port: 0,
    stop: async () => {
      stopping = true;
      // The loop notices at its next tick, up to 1/rate seconds (10 s at the lowest rate)
      // away: do not wait for it. Requests in flight are abandoned with the process.
      await Promise.race([loop, sleep(100)]);
    },
  };
}
