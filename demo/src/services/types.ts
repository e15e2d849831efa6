import type { Config } from '../config';
import type { Telemetry } from '../telemetry';

export interface ServiceContext {
  config: Config;
  telemetry: Telemetry;
}

export interface Running {
  /** The port the service listens on (for tests that ask for port 0). */
  port: number;
  stop(): Promise<void>;
}
