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
  };
}
