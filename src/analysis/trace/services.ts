import { scratchFloat64, scratchInt32 } from './scratch';
import { SelfTimes } from './selfTime';
import type { SpanTable } from './spanTable';
import type { SpanTree } from './tree';
import type { ServiceEdge, ServiceSummary } from './types';
import { copyInto } from './typedArrays';

/**
 * Step 9, services and the edges between them: spans, errors and self time (own interval
 * minus the union of its children's intervals clipped to it) per service, and calls per
 * parent → child service pair.
 *
 * The counts are taken in row order, which reads each span's columns in sequence; only the
 * services' self times are summed in breadth-first order (floating-point sums depend on their
 * order, and that is the order the results are defined in), from one column of self times.
 * A shuffled trace's breadth-first order jumps across the rows: one pass reading a dozen
 * columns in that order cost several times these three.
 */
export function summariseServices(
  table: SpanTable,
  tree: SpanTree,
  serviceCol: unknown[] | undefined
): { services: ServiceSummary[]; edges: ServiceEdge[] } {
  const { n, start, end, failed } = table;
  const { order, count, parent, childStart, childList, visited } = tree;
  const services = new ServiceTable();
  // Written for every visited span before it is read.
  const serviceOf = scratchInt32('serviceOf', n);
  const selfTime = scratchFloat64('selfTime', n);
  const selfTimes = new SelfTimes(n);
  // The cell read in the loop itself, by `text`'s rule: see `indexSpans`.
  const names = serviceCol ?? NO_VALUES;
  // Services are interned in row order: Tempo groups spans by resource, so consecutive rows
  // mostly share their service and the string comparison with the previous row settles most
  // of them. Service numbers are internal (output is sorted by name), so the order is free.
  let previousName: string | undefined;
  let service = -1;
  for (let v = 0; v < n; v++) {
    if (!visited[v]) {
      continue;
    }
    const raw = names[v];
    const name = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
    if (name !== previousName) {
      previousName = name;
      service = services.intern(name);
    }
    serviceOf[v] = service;
    services.spans[service]++;
    services.errors[service] += failed[v];
    // Leaves (half the spans or more) need no interval merge: their self time is their duration.
    selfTime[v] =
      childStart[v] === childStart[v + 1]
        ? Math.max(0, end[v] - start[v])
        : selfTimes.of(v, start, end, parent, childStart, childList);
  }
  const edges = new EdgeTable(services.size);
  for (let v = 0; v < n; v++) {
    const p = parent[v];
    if (p >= 0 && visited[v] && serviceOf[p] !== serviceOf[v]) {
      edges.add(serviceOf[p], serviceOf[v], failed[v]);
    }
  }
  const selfTimeMs = services.selfTimeMs;
  for (let k = 0; k < count; k++) {
    const v = order[k];
    selfTimeMs[serviceOf[v]] += selfTime[v];
  }
  return { services: services.summaries(), edges: edges.list(services.names) };
}

/** Read in place of a column the frame lacks: every cell undefined. */
const NO_VALUES: unknown[] = [];

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
