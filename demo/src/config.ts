/** Service settings from the environment, with the compose stack's defaults. */
export const SERVICES = ['storefront', 'checkout', 'payment', 'inventory', 'queue', 'fulfilment', 'loadgen'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function isServiceName(value: unknown): value is ServiceName {
  return typeof value === 'string' && (SERVICES as readonly string[]).includes(value);
}

const DEFAULT_PORTS: Record<ServiceName, number> = {
  storefront: 8080,
  checkout: 8081,
  payment: 8082,
  inventory: 8083,
  fulfilment: 8084,
  queue: 8090,
  loadgen: 8099,
};

export interface Config {
  host: string;
  port: number;
  checkoutUrl: string;
  paymentUrl: string;
  inventoryUrl: string;
  queueUrl: string;
  storefrontUrl: string;
  /** Demo faults chosen at start (docs/local-stack.md#faults-chosen-at-start). */
  startFaults: StartFaults;
}

export interface StartFaults {
  /**
   * FAULT_INVENTORY_VERSION: inventory runs as this `service.version` (a bad release) and
   * half of its reservations fail. Unset or empty: version 0.1.0, no failures.
   */
  inventoryVersion?: string;
  /**
   * FAULT_TELEMETRY_HYGIENE=on: the storefront misbehaves on purpose for telemetry-hygiene
   * checks: `user.id` on its server span and as a label of its checkout counter, and an email
   * address in its `receipt sent` log record.
   */
  telemetryHygiene: boolean;
}

export const DEMO_VERSION = '0.1.0';

const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,39}$/;

export function startFaultsFromEnv(env: NodeJS.ProcessEnv = process.env): StartFaults {
  const version = env.FAULT_INVENTORY_VERSION ?? '';
  if (version !== '' && (!VERSION_PATTERN.test(version) || version === DEMO_VERSION)) {
    throw new Error(
      `FAULT_INVENTORY_VERSION must be a version other than ${DEMO_VERSION} (letters, digits, . + _ -, at most 40), not ${JSON.stringify(version)}`
    );
  }
  const hygiene = (env.FAULT_TELEMETRY_HYGIENE ?? 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false', ''].includes(hygiene)) {
    throw new Error(`FAULT_TELEMETRY_HYGIENE must be on or off, not ${JSON.stringify(env.FAULT_TELEMETRY_HYGIENE)}`);
  }
  return {
    inventoryVersion: version === '' ? undefined : version,
    telemetryHygiene: hygiene === 'on' || hygiene === 'true',
  };
}

export function configFromEnv(service: ServiceName, env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : DEFAULT_PORTS[service];
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
  }
  return {
    host: env.HOST ?? '0.0.0.0',
    port,
    checkoutUrl: env.CHECKOUT_URL ?? 'http://checkout:8081',
    paymentUrl: env.PAYMENT_URL ?? 'http://payment:8082',
    inventoryUrl: env.INVENTORY_URL ?? 'http://inventory:8083',
    queueUrl: env.QUEUE_URL ?? 'http://queue:8090',
    storefrontUrl: env.STOREFRONT_URL ?? 'http://storefront:8080',
    startFaults: startFaultsFromEnv(env),
  };
}
