import { text } from './frame';
import { scratchInt32 } from './scratch';
import { SelfTimes } from './selfTime';
import type { SpanTable } from './spanTable';
import type { SpanTree } from './tree';
import type { ServiceEdge, ServiceSummary } from './types';
import { copyInto } from './typedArrays';

/**
 * Step 9, services and the edges between them: spans, errors and self time (own interval
 * minus the union of its children's intervals clipped to it) per service, and calls per
 * parent → child service pair.
 */
export function summariseServices(
  table: SpanTable,
  tree: SpanTree,
  serviceCol: unknown[] | undefined
): { services: ServiceSummary[]; edges: ServiceEdge[] } {
  const { start, end, failed } = table;
  const { order, count, parent, childStart, childList } = tree;
  const services = new ServiceTable();
  const serviceOf = internServices(services, table, tree, serviceCol);
  const selfTimes = new SelfTimes(table.n);
  const edges = new EdgeTable(services.size);
  for (let k = 0; k < count; k++) {
    const v = order[k];
    const service = serviceOf[v];
    services.spans[service]++;
    services.errors[service] += failed[v];
    // Leaves (half the spans or more) need no interval merge: their self time is their duration.
    services.selfTimeMs[service] +=
      childStart[v] === childStart[v + 1]
        ? Math.max(0, end[v] - start[v])
        : selfTimes.of(v, start, end, parent, childStart, childList);
    const p = parent[v];
    if (p >= 0 && serviceOf[p] !== service) {
      edges.add(serviceOf[p], service, failed[v]);
    }
  }
  return { services: services.summaries(), edges: edges.list(services.names) };
}

/**
 * Each visited span's service as a small number. Interned once, in row order: Tempo groups
 * spans by resource, so consecutive rows mostly share their service and the string
 * comparison with the previous row settles most of them. Service numbers are internal
 * (output is sorted by name), so the order of interning is free.
 */
function internServices(
  services: ServiceTable,
  table: SpanTable,
  tree: SpanTree,
  serviceCol: unknown[] | undefined
): Int32Array {
  const { n } = table;
  // Written for every visited span before it is read.
  const serviceOf = scratchInt32('serviceOf', n);
  // A local, not the import, in the loop: see `indexSpans`.
  const readText = text;
  let previousName: string | undefined;
  let previousService = -1;
  for (let v = 0; v < n; v++) {
    if (!tree.visited[v]) {
      continue;
    }
    const name = readText(serviceCol, v);
    if (name !== previousName) {
      previousName = name;
      previousService = services.intern(name);
    }
    serviceOf[v] = previousService;
  }
  return serviceOf;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Services by number, with their counters. */
class ServiceTable {
  readonly names: string[] = [];
  spans: Int32Array = new Int32Array(0);
  errors: Int32Array = new Int32Array(0);
  selfTimeMs: Float64Array = new Float64Array(0);
  private readonly numbers = new Map<string, number>();

  get size(): number {
    return this.names.length;
  }

  intern(name: string): number {
    let id = this.numbers.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.numbers.set(name, id);
      if (id >= this.spans.length) {
        const grow = Math.max(16, this.spans.length * 2);
        this.spans = copyInto(new Int32Array(grow), this.spans);
        this.errors = copyInto(new Int32Array(grow), this.errors);
        this.selfTimeMs = copyInto(new Float64Array(grow), this.selfTimeMs);
      }
    }
    return id;
  }

  summaries(): ServiceSummary[] {
    return this.names
      .map((name, id) => ({ name, spans: this.spans[id], errors: this.errors[id], selfTimeMs: this.selfTimeMs[id] }))
      .sort((a, b) => byText(a.name, b.name));
  }
}

/** Service pairs up to which `EdgeTable` finds a pair's edge in an array rather than a Map. */
const DENSE_PAIRS = 1 << 16;

/**
 * Calls and failed calls per (client, server) service pair, keyed by their numbers: in an
 * array with a slot per pair when the services are few (a trace crosses tens of them, and
 * nearly every span may add a call), else in a Map.
 */
class EdgeTable {
  private readonly slot = new Map<number, number>();
  /** Per pair (client * services + server), its edge + 1; 0 for none. */
  private readonly dense: Int32Array | undefined;
  private readonly clients: number[] = [];
  private readonly servers: number[] = [];
  private readonly calls: number[] = [];
  private readonly errors: number[] = [];

  constructor(private readonly serviceCount: number) {
    const pairs = serviceCount * serviceCount;
    this.dense = pairs <= DENSE_PAIRS ? new Int32Array(pairs) : undefined;
  }

  add(client: number, server: number, failed: number): void {
    const key = client * this.serviceCount + server;
    const dense = this.dense;
    let e = dense ? dense[key] - 1 : (this.slot.get(key) ?? -1);
    if (e < 0) {
      e = this.calls.length;
      if (dense) {
        dense[key] = e + 1;
      } else {
        this.slot.set(key, e);
      }
      this.clients.push(client);
      this.servers.push(server);
      this.calls.push(0);
      this.errors.push(0);
    }
    this.calls[e]++;
    this.errors[e] += failed;
  }

  list(names: string[]): ServiceEdge[] {
    return this.calls
      .map((calls, e) => ({
        client: names[this.clients[e]],
        server: names[this.servers[e]],
        calls,
        errors: this.errors[e],
      }))
      .sort((a, b) => byText(a.client, b.client) || byText(a.server, b.server));
  }
}
