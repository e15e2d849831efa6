/**
 * Faults switchable at run time over HTTP: `GET /faults` shows a service's switches,
 * `PUT /faults` with a JSON object changes some of them, e.g.
 * `curl -X PUT localhost:8082/faults -d '{"errorRatio":0.3}'`.
 */
import { HttpError, numberField, Routes } from './http';

export interface FaultSpec {
  /** What the switch does, shown by GET /faults. */
  description: string;
  min: number;
  max: number;
}

export class FaultSwitches<K extends string> {
  private readonly values: Record<K, number>;

  constructor(
    private readonly specs: Record<K, FaultSpec>,
    initial: Partial<Record<K, number>> = {}
  ) {
    this.values = Object.fromEntries(
      (Object.keys(specs) as K[]).map((k) => [k, initial[k] ?? specs[k].min])
    ) as Record<K, number>;
  }

  get(key: K): number {
    return this.values[key];
  }

  routes(): Routes {
    const show = async () => ({ status: 200, body: this.describe() });
    const update = async ({ body }: { body: unknown }) => {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new HttpError(400, `send a JSON object with any of: ${Object.keys(this.specs).join(', ')}`);
      }
      const unknown = Object.keys(body).filter((k) => !(k in this.specs));
      if (unknown.length > 0) {
        throw new HttpError(400, `unknown fault ${unknown.join(', ')}; this service has: ${Object.keys(this.specs).join(', ')}`);
      }
      const next: Partial<Record<K, number>> = {};
      for (const key of Object.keys(this.specs) as K[]) {
        const value = numberField(body, key, this.specs[key].min, this.specs[key].max);
        if (value !== undefined) {
          next[key] = value;
        }
      }
      Object.assign(this.values, next);
      return { status: 200, body: this.describe() };
    };
    return { 'GET /faults': show, 'PUT /faults': update, 'POST /faults': update };
  }

  private describe() {
    return Object.fromEntries(
      (Object.keys(this.specs) as K[]).map((k) => [k, { value: this.values[k], ...this.specs[k] }])
    );
  }
}
