/**
 * Entry point: `node dist/main.js <service>` (or `tsx src/main.ts <service>`). Telemetry starts
 * before the service module loads, so the HTTP instrumentation is in place before any
 * request is made or served.
 */
import { configFromEnv, DEMO_VERSION, isServiceName, SERVICES, ServiceName } from './config';
import { startTelemetry, Telemetry, telemetryModeFromEnv } from './telemetry';
import type { Running, ServiceContext } from './services/types';

// The queue stands for a broker and the load generator for customers: neither emits telemetry.
const UNINSTRUMENTED: ServiceName[] = ['queue', 'loadgen'];

async function load(service: ServiceName): Promise<(ctx: ServiceContext) => Promise<Running>> {
  switch (service) {
    case 'storefront':
      return (await import('./services/storefront')).start;
    case 'checkout':
      return (await import('./services/checkout')).start;
    case 'payment':
      return (await import('./services/payment')).start;
    case 'inventory':
      return (await import('./services/inventory')).start;
    case 'queue':
      return (await import('./services/queue')).start;
    case 'fulfilment':
      return (await import('./services/fulfilment')).start;
    case 'loadgen':
      return (await import('./services/loadgen')).start;
  }
}

async function main(): Promise<void> {
  const service = process.argv[2];
  if (!isServiceName(service)) {
    console.error(`usage: main <service>, one of: ${SERVICES.join(', ')}`);
    process.exit(2);
  }
  const config = configFromEnv(service);
  const mode = telemetryModeFromEnv();
  const telemetry: Telemetry = UNINSTRUMENTED.includes(service)
    ? { mode, shutdown: async () => undefined }
    : startTelemetry(service, mode, (service === 'inventory' && config.startFaults.inventoryVersion) || DEMO_VERSION);
  const start = await load(service);
  const running = await start({ config, telemetry });

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    // Bounded: a stuck request must not keep the container from stopping. The service
    // stops within about 3.5 s (1.5 s for requests in flight, 2 s for the telemetry flush);
    // exit code 1 means this last resort fired.
    const timer = setTimeout(() => process.exit(1), 5000);
    await running.stop();
    // Flushes what the exporters hold; an unreachable collector must not hold the exit.
    await Promise.race([telemetry.shutdown(), new Promise((r) => setTimeout(r, 2000))]);
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // After the handlers: whoever waits for this line may signal at once.
  console.log(`${service} listening on ${config.host}:${running.port} (telemetry: ${mode})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
