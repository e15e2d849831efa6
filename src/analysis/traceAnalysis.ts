import type { DataFrame, Field } from '@grafana/data';

/**
 * Analysis of one trace as Grafana's Tempo data source returns it (docs/conventions.md#tempo-trace-frame:
 * one row per span, fields looked up by name). Everything is computed with arrays and
 * explicit queues, never recursion, so a 100,000-span chain cannot overflow the stack.
 * See docs/trace-page.md for the rules in prose.
 */

export const STATUS_ERROR = 2;

export interface TraceSpan {
  spanId: string;
  /** The parent the analysis kept: empty for a root (true root, orphan or broken cycle). */
  parentSpanId: string;
  operationName: string;
  serviceName: string;
  kind: string;
  statusCode: number;
  statusMessage: string;
  startMs: number;
  durationMs: number;
  /** Depth below its own root (roots are 0). */
  depth: number;
}

export interface FailureOrigin {
  spanId: string;
  serviceName: string;
  operationName: string;
  statusMessage: string;
  durationMs: number;
  startMs: number;
  depth: number;
}

export interface ServiceSummary {
  name: string;
  spans: number;
  /** Spans with status error. */
  errors: number;
  /** Time the service's spans spent not waiting on a child span, summed. */
  selfTimeMs: number;
}

export interface ServiceEdge {
  /** The parent span's service. */
  client: string;
  /** The child span's service. */
  server: string;
  calls: number;
  /** Calls whose child span failed. */
  errors: number;
}

/** Irregular shapes met and how they were handled, so the page can say so. */
export interface TraceAnomalies {
  /** Spans whose parent is not in the trace: each became a root. */
  orphans: number;
  /** Parent cycles broken by making one span of each cycle a root. */
  cycles: number;
  /** Rows repeating a span id already seen: ignored (the first row wins). */
  duplicateSpanIds: number;
  /** Rows without a span id: ignored. */
  missingSpanIds: number;
  /** Spans that start before their parent starts or end after it ends. */
  clockSkew: number;
  /**
   * Spans without a usable start time or duration (missing, zero, negative, not a number, or
   * past the last date JavaScript can hold): left out of the trace's window and duration.
   */
  missingTimes: number;
}

export interface TraceAnalysis {
  traceId?: string;
  /** Spans analysed (rows with a span id, first row of each id). */
  spanCount: number;
  /** The main root: see `chooseMainRoot`. */
  rootSpanId?: string;
  /** Other roots: orphans, broken cycles, further true roots. */
  otherRootSpanIds: string[];
  /** The deepest failing span none of whose descendants failed. */
  failureOrigin?: FailureOrigin;
  /** Spans with status error. */
  failingSpanCount: number;
  /** Span ids from the main root, each the child that finishes last, down to a leaf. */
  criticalPath: string[];
  /** Services by name. */
  services: ServiceSummary[];
  /** Service pairs crossed by a parent → child span, by client then server. */
  edges: ServiceEdge[];
  /**
   * Earliest span start and latest span end, epoch ms, over the spans with usable times;
   * undefined when no span has one.
   */
  startMs?: number;
  endMs?: number;
  durationMs: number;
  anomalies: TraceAnomalies;
  /** Why the frame could not be read as a trace (its length is not a row count): the analysis is then empty. */
  frameProblem?: string;
  getSpan(spanId: string): TraceSpan | undefined;
}

const FIELDS = {
  traceId: 'traceID',
  spanId: 'spanID',
  parentSpanId: 'parentSpanID',
  operationName: 'operationName',
  serviceName: 'serviceName',
  kind: 'kind',
  statusCode: 'statusCode',
  statusMessage: 'statusMessage',
  startTime: 'startTime',
  duration: 'duration',
} as const;

/** Tolerance for clock-skew detection: timestamps are fractional ms from nanoseconds. */
const SKEW_EPSILON_MS = 1e-6;
const ALL_ZEROS = /^0+$/;

function fieldByName(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((f) => f.name === name);
}

function text(values: unknown[] | undefined, i: number): string {
  const v = values?.[i];
  if (typeof v === 'string') {
    return v;
  }
  return v === undefined || v === null ? '' : String(v);
}

function number(values: unknown[] | undefined, i: number): number {
  const raw = values?.[i];
  const v = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(v) ? v : 0;
}

/** The value as a number, NaN when absent (`Number(null)` is 0, which is a time here). */
function numberOrNaN(values: unknown[] | undefined, i: number): number {
  const raw = values?.[i];
  if (typeof raw === 'number') {
    return raw;
  }
  return raw === undefined || raw === null || raw === '' ? NaN : Number(raw);
}

/** The last instant a JavaScript Date can hold, in epoch ms: later "times" cannot be shown or queried. */
export const MAX_EPOCH_MS = 8.64e15;

/**
 * Rows of the frame: its `length`, else the longest column (frames built by hand may omit
 * it). A length that is not a whole number, or more rows than the columns hold, is a
 * malformed frame: reported, rather than allocating for rows that do not exist.
 */
export function traceFrameRows(frame: DataFrame): { rows: number } | { problem: string } {
  const longest = frame.fields.reduce((max, f) => Math.max(max, f.values?.length ?? 0), 0);
  const length: unknown = frame.length;
  if (length === undefined || length === null || length === 0) {
    return { rows: longest };
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    const shown = typeof length === 'number' ? String(length) : JSON.stringify(length);
    return { problem: `The trace frame's length is ${shown}, not a whole number of rows.` };
  }
  if (length > longest) {
    return {
      problem: `The trace frame says it has ${length.toLocaleString('en')} rows but its columns hold ${longest.toLocaleString('en')}.`,
    };
  }
  return { rows: length };
}

export function analyzeTrace(frame: DataFrame | undefined): TraceAnalysis {
  const counted = frame ? traceFrameRows(frame) : { rows: 0 };
  if ('problem' in counted) {
    return { ...analyzeTrace(undefined), frameProblem: counted.problem };
  }
  const n = counted.rows;
  const col = (name: string) => (frame ? (fieldByName(frame, name)?.values as unknown[] | undefined) : undefined);
  const spanIdCol = col(FIELDS.spanId);
  const parentCol = col(FIELDS.parentSpanId);
  const serviceCol = col(FIELDS.serviceName);
  const operationCol = col(FIELDS.operationName);
  const kindCol = col(FIELDS.kind);
  const statusCol = col(FIELDS.statusCode);
  const messageCol = col(FIELDS.statusMessage);
  const startCol = col(FIELDS.startTime);
  const durationCol = col(FIELDS.duration);
  const traceIdCol = col(FIELDS.traceId);

  const anomalies: TraceAnomalies = {
    orphans: 0,
    cycles: 0,
    duplicateSpanIds: 0,
    missingSpanIds: 0,
    clockSkew: 0,
    missingTimes: 0,
  };

  // 1. Span ids: the first row of each id is the span; later rows and rows without an id are dropped.
  const ids: string[] = new Array(n);
  const alive = new Uint8Array(n);
  const index = new SpanIdIndex(n, ids);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  // 1 when the span's start is a usable time: only those make the trace's window.
  const timed = new Uint8Array(n);
  const failed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const id = text(spanIdCol, i);
    ids[i] = id;
    if (id === '') {
      anomalies.missingSpanIds++;
      continue;
    }
    if (index.add(i) >= 0) {
      anomalies.duplicateSpanIds++;
      continue;
    }
    alive[i] = 1;
    // One span at 0 or NaN would put the trace in 1970: unusable times stay out of the
    // window. Such a span keeps its place in the tree, at 0 with the duration it has.
    const s = numberOrNaN(startCol, i);
    const d = numberOrNaN(durationCol, i);
    const startOk = s > 0 && s <= MAX_EPOCH_MS;
    const durationOk = d >= 0 && d <= MAX_EPOCH_MS && (!startOk || s + d <= MAX_EPOCH_MS);
    if (!startOk || !durationOk) {
      anomalies.missingTimes++;
    }
    timed[i] = startOk ? 1 : 0;
    start[i] = startOk ? s : 0;
    end[i] = start[i] + (durationOk ? d : 0);
    failed[i] = number(statusCol, i) === STATUS_ERROR ? 1 : 0;
  }

  // 2. Parents. A span whose parent id is absent from the trace is an orphan: it becomes a root.
  const parent = new Int32Array(n).fill(-1);
  const trueRoot = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!alive[i]) {
      continue;
    }
    const pid = text(parentCol, i);
    if (pid === '') {
      trueRoot[i] = 1;
      continue;
    }
    const p = index.get(pid);
    if (p === i) {
      anomalies.cycles++;
    } else if (p >= 0) {
      parent[i] = p;
    } else if (ALL_ZEROS.test(pid)) {
      // Some exporters write the absent parent as zeros rather than leaving it empty.
      trueRoot[i] = 1;
    } else {
      anomalies.orphans++;
    }
  }

  // 3. Children as one flat array (CSR): children of i are childList[childStart[i] .. childStart[i+1]).
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      childStart[parent[i] + 1]++;
    }
  }
  for (let i = 0; i < n; i++) {
    childStart[i + 1] += childStart[i];
  }
  const childList = new Int32Array(childStart[n]);
  const fill = childStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      childList[fill[parent[i]]++] = i;
    }
  }

  // 4. Breadth-first order from every root. `order` is the queue itself.
  const order = new Int32Array(n);
  const visited = new Uint8Array(n);
  const depth = new Int32Array(n);
  const rootOf = new Int32Array(n).fill(-1);
  let tail = 0;
  let head = 0;
  const drain = () => {
    while (head < tail) {
      const v = order[head++];
      for (let k = childStart[v]; k < childStart[v + 1]; k++) {
        const c = childList[k];
        // A span made a root to break a cycle stays in its old parent's list: skip it there.
        if (!visited[c] && parent[c] === v) {
          visited[c] = 1;
          depth[c] = depth[v] + 1;
          rootOf[c] = rootOf[v];
          order[tail++] = c;
        }
      }
    }
  };
  const roots: number[] = [];
  const addRoot = (r: number) => {
    visited[r] = 1;
    depth[r] = 0;
    rootOf[r] = r;
    order[tail++] = r;
    roots.push(r);
    drain();
  };
  for (let i = 0; i < n; i++) {
    if (alive[i] && parent[i] < 0) {
      addRoot(i);
    }
  }

  // 5. Spans still unvisited hang below a parent cycle. Walk up from each to find the cycle,
  // make its earliest-starting span a root, and visit from there. Every walk climbs through
  // unvisited spans only, and the visit then covers them all, so each span is walked once.
  const walkStamp = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!alive[i] || visited[i]) {
      continue;
    }
    let v = i;
    while (walkStamp[v] !== i) {
      walkStamp[v] = i;
      v = parent[v];
    }
    let earliest = v;
    for (let u = parent[v]; u !== v; u = parent[u]) {
      if (start[u] < start[earliest]) {
        earliest = u;
      }
    }
    parent[earliest] = -1;
    anomalies.cycles++;
    addRoot(earliest);
  }

  // 6. Bottom-up (reverse breadth-first): subtree sizes and whether a descendant failed.
  const subtree = new Int32Array(n);
  const failingBelow = new Uint8Array(n);
  for (let k = tail - 1; k >= 0; k--) {
    const v = order[k];
    subtree[v] += 1;
    const p = parent[v];
    if (p >= 0) {
      subtree[p] += subtree[v];
      if (failed[v] || failingBelow[v]) {
        failingBelow[p] = 1;
      }
    }
  }

  const mainRoot = chooseMainRoot(roots, trueRoot, subtree, start);

  // 7. Failure origin: failing spans with no failing descendant; the deepest wins, then the earliest.
  let origin = -1;
  let failingSpanCount = 0;
  for (let k = 0; k < tail; k++) {
    const v = order[k];
    if (!failed[v]) {
      continue;
    }
    failingSpanCount++;
    if (failingBelow[v]) {
      continue;
    }
    if (origin < 0 || depth[v] > depth[origin] || (depth[v] === depth[origin] && start[v] < start[origin])) {
      origin = v;
    }
  }

  // 8. Critical path: from the main root, the child that finishes last, down to a leaf.
  const criticalPath: string[] = [];
  for (let v = mainRoot; v >= 0;) {
    criticalPath.push(ids[v]);
    let next = -1;
    for (let k = childStart[v]; k < childStart[v + 1]; k++) {
      const c = childList[k];
      if (parent[c] === v && (next < 0 || end[c] > end[next])) {
        next = c;
      }
    }
    v = next;
  }

  // 9. Self time (own interval minus the union of its children's intervals clipped to it),
  // clock skew, services and service edges. Services are interned to small numbers once,
  // in row order: Tempo groups spans by resource, so consecutive rows mostly share their
  // service and the string comparison with the previous row settles most of them. Service
  // numbers are internal (output is sorted by name), so the order of interning is free.
  const services = new ServiceTable();
  const serviceOf = new Int32Array(n);
  let previousName: string | undefined;
  let previousService = -1;
  for (let v = 0; v < n; v++) {
    if (!visited[v]) {
      continue;
    }
    const name = text(serviceCol, v);
    if (name !== previousName) {
      previousName = name;
      previousService = services.intern(name);
    }
    serviceOf[v] = previousService;
  }
  const selfTimes = new SelfTimes(n);
  const edges = new EdgeTable(services.size);
  let traceStart = Infinity;
  let traceEnd = -Infinity;
  for (let k = 0; k < tail; k++) {
    const v = order[k];
    if (timed[v]) {
      if (start[v] < traceStart) {
        traceStart = start[v];
      }
      if (end[v] > traceEnd) {
        traceEnd = end[v];
      }
    }
    const service = serviceOf[v];
    services.spans[service]++;
    services.errors[service] += failed[v];
    // Leaves (half the spans or more) need no interval merge: their self time is their duration.
    services.selfTimeMs[service] +=
      childStart[v] === childStart[v + 1]
        ? Math.max(0, end[v] - start[v])
        : selfTimes.of(v, start, end, parent, childStart, childList);
    const p = parent[v];
    if (p >= 0) {
      if (timed[v] && timed[p] && (start[v] < start[p] - SKEW_EPSILON_MS || end[v] > end[p] + SKEW_EPSILON_MS)) {
        anomalies.clockSkew++;
      }
      if (serviceOf[p] !== service) {
        edges.add(serviceOf[p], service, failed[v]);
      }
    }
  }

  const spanAt = (v: number): TraceSpan => ({
    spanId: ids[v],
    parentSpanId: parent[v] >= 0 ? ids[parent[v]] : '',
    operationName: text(operationCol, v),
    serviceName: text(serviceCol, v),
    kind: text(kindCol, v),
    statusCode: number(statusCol, v),
    statusMessage: text(messageCol, v),
    startMs: start[v],
    durationMs: end[v] - start[v],
    depth: depth[v],
  });

  const failureOrigin: FailureOrigin | undefined =
    origin >= 0
      ? (({ spanId, serviceName, operationName, statusMessage, durationMs, startMs, depth: d }) => ({
          spanId,
          serviceName,
          operationName,
          statusMessage,
          durationMs,
          startMs,
          depth: d,
        }))(spanAt(origin))
      : undefined;

  const hasTimes = traceStart <= traceEnd;
  return {
    traceId: n > 0 && traceIdCol ? text(traceIdCol, 0) || undefined : undefined,
    spanCount: tail,
    rootSpanId: mainRoot >= 0 ? ids[mainRoot] : undefined,
    otherRootSpanIds: roots.filter((r) => r !== mainRoot).map((r) => ids[r]),
    failureOrigin,
    failingSpanCount,
    criticalPath,
    services: services.summaries(),
    edges: edges.list(services.names),
    startMs: hasTimes ? traceStart : undefined,
    endMs: hasTimes ? traceEnd : undefined,
    durationMs: hasTimes ? traceEnd - traceStart : 0,
    anomalies,
    getSpan(spanId: string) {
      const v = index.get(spanId);
      return v < 0 ? undefined : spanAt(v);
    },
  };
}

/**
 * The main root when a trace has several (missing parents, broken cycles, several true roots):
 * a true root (empty parent id) before an orphan, then the one heading the most spans, then
 * the earliest to start, then the first row. The page draws the others as extra roots.
 */
function chooseMainRoot(roots: number[], trueRoot: Uint8Array, subtree: Int32Array, start: Float64Array): number {
  let best = -1;
  for (const r of roots) {
    if (
      best < 0 ||
      trueRoot[r] > trueRoot[best] ||
      (trueRoot[r] === trueRoot[best] &&
        (subtree[r] > subtree[best] || (subtree[r] === subtree[best] && start[r] < start[best])))
    ) {
      best = r;
    }
  }
  return best;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Index from a span id to the row holding it. Hashing strings is the largest cost of the
 * analysis (even V8's Map spends 20-60 ms on 100,000 fresh ids), so ids in OpenTelemetry's
 * form (lowercase hex, up to 16 digits: Tempo trimmed leading zeros before Grafana 13) are
 * parsed once into two 32-bit halves and indexed by number. The key includes the length, so
 * two ids are the same key exactly when they are the same string ('a' and '000a' differ, as
 * they do as strings). Any other id (uppercase, longer, not hex) goes to a string index,
 * made only when such an id appears; the two never hold the same string.
 */
class SpanIdIndex {
  private readonly mask: number;
  /** Per slot, SLOT ints: row + 1 (0 = empty), high half, low half, length. One cache line per probe. */
  private readonly slots: Int32Array;
  private strings: StringIndex | undefined;
  /**
   * Halves of the id last accepted by `parse` ([high, low]): a typed array rather than two
   * fields, since int32 halves outgrow V8's small integers and retyping a field deoptimizes.
   */
  private readonly parsed = new Int32Array(2);

  constructor(
    private readonly capacity: number,
    private readonly keys: string[]
  ) {
    let size = 16;
    while (size < capacity * 2) {
      size *= 2;
    }
    this.mask = size - 1;
    this.slots = new Int32Array(size * SLOT);
  }

  /** The row holding `id`, or -1. */
  get(id: string): number {
    if (!this.parse(id)) {
      return this.strings ? this.strings.get(id) : -1;
    }
    const { parsed, slots, mask } = this;
    const hi = parsed[0];
    const lo = parsed[1];
    const len = id.length;
    for (let h = hashHalves(hi, lo, len) & mask; ; h = (h + 1) & mask) {
      const at = h * SLOT;
      const row = slots[at] - 1;
      if (row < 0 || (slots[at + 1] === hi && slots[at + 2] === lo && slots[at + 3] === len)) {
        return row;
      }
    }
  }

  /** Indexes `row` under `keys[row]` unless a row already holds that id: then returns that row, else -1. */
  add(row: number): number {
    const id = this.keys[row];
    if (!this.parse(id)) {
      this.strings ??= new StringIndex(this.capacity, this.keys);
      return this.strings.add(row);
    }
    const { parsed, slots, mask } = this;
    const hi = parsed[0];
    const lo = parsed[1];
    const len = id.length;
    for (let h = hashHalves(hi, lo, len) & mask; ; h = (h + 1) & mask) {
      const at = h * SLOT;
      const held = slots[at] - 1;
      if (held < 0) {
        slots[at] = row + 1;
        slots[at + 1] = hi;
        slots[at + 2] = lo;
        slots[at + 3] = len;
        return -1;
      }
      if (slots[at + 1] === hi && slots[at + 2] === lo && slots[at + 3] === len) {
        return held;
      }
    }
  }

  /** Reads 1-16 lowercase hex digits into `parsed` (as one 64-bit number); false for any other string. */
  private parse(id: string): boolean {
    const len = id.length;
    if (len === 0 || len > 16) {
      return false;
    }
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < len; i++) {
      const c = id.charCodeAt(i);
      let digit: number;
      if (c >= 48 && c <= 57) {
        digit = c - 48;
      } else if (c >= 97 && c <= 102) {
        digit = c - 87;
      } else {
        return false;
      }
      // Shift the 64-bit value left one digit: the top digit of `lo` moves into `hi`.
      hi = (hi << 4) | (lo >>> 28);
      lo = (lo << 4) | digit;
    }
    this.parsed[0] = hi;
    this.parsed[1] = lo;
    return true;
  }
}

/** Int32 values per slot of `SpanIdIndex`. */
const SLOT = 4;

/** Mixes both halves and the length, then murmur3's finalizer so sequential ids spread over the low bits. */
function hashHalves(hi: number, lo: number, len: number): number {
  let h = lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(len, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Open-addressing index from a string to the row holding it, keys read from `keys[row]`:
 * the fallback of `SpanIdIndex` for ids that are not short lowercase hex.
 */
class StringIndex {
  private readonly mask: number;
  private readonly slots: Int32Array;

  constructor(
    capacity: number,
    private readonly keys: string[]
  ) {
    let size = 16;
    while (size < capacity * 2) {
      size *= 2;
    }
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
  }

  /** The row holding `key`, or -1. */
  get(key: string): number {
    for (let h = hashString(key) & this.mask; ; h = (h + 1) & this.mask) {
      const row = this.slots[h];
      if (row < 0 || this.keys[row] === key) {
        return row;
      }
    }
  }

  /** Indexes `row` under `keys[row]` unless a row already holds that key: then returns that row, else -1. */
  add(row: number): number {
    const key = this.keys[row];
    for (let h = hashString(key) & this.mask; ; h = (h + 1) & this.mask) {
      const held = this.slots[h];
      if (held < 0) {
        this.slots[h] = row;
        return -1;
      }
      if (this.keys[held] === key) {
        return held;
      }
    }
  }
}

/** FNV-1a over UTF-16 code units, then a final mix so the low bits used as slots spread well. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

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

function copyInto<T extends Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}

/** Calls and failed calls per (client, server) service pair, keyed by their numbers. */
class EdgeTable {
  private readonly slot = new Map<number, number>();
  private readonly clients: number[] = [];
  private readonly servers: number[] = [];
  private readonly calls: number[] = [];
  private readonly errors: number[] = [];

  constructor(private readonly serviceCount: number) {}

  add(client: number, server: number, failed: number): void {
    const key = client * this.serviceCount + server;
    let e = this.slot.get(key);
    if (e === undefined) {
      e = this.calls.length;
      this.slot.set(key, e);
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

/**
 * A span's own interval less the union of its children's intervals clipped to it. Children
 * are merged in start order; they usually arrive in it and are sorted only when not (by
 * insertion for a few, else by the engine), so the cost is linear for such traces and
 * O(k log k) for a span with k children out of order.
 */
class SelfTimes {
  private from: Float64Array;
  private to: Float64Array;

  constructor(n: number) {
    this.from = new Float64Array(Math.min(n, 64));
    this.to = new Float64Array(Math.min(n, 64));
  }

  of(
    v: number,
    start: Float64Array,
    end: Float64Array,
    parent: Int32Array,
    childStart: Int32Array,
    childList: Int32Array
  ): number {
    const spanFrom = start[v];
    const spanTo = end[v];
    const own = spanTo - spanFrom;
    const first = childStart[v];
    const last = childStart[v + 1];
    if (first === last || own <= 0) {
      return Math.max(0, own);
    }
    if (last - first > this.from.length) {
      this.from = new Float64Array(last - first);
      this.to = new Float64Array(last - first);
    }
    const from = this.from;
    const to = this.to;
    let count = 0;
    let sorted = true;
    for (let k = first; k < last; k++) {
      const c = childList[k];
      const s = Math.max(spanFrom, start[c]);
      const e = Math.min(spanTo, end[c]);
      if (parent[c] !== v || e <= s) {
        continue;
      }
      if (count > 0 && s < from[count - 1]) {
        sorted = false;
      }
      from[count] = s;
      to[count] = e;
      count++;
    }
    if (!sorted) {
      sortIntervals(from, to, count);
    }
    let covered = 0;
    // An empty run at the span's start: clipped children never start before it.
    let runStart = spanFrom;
    let runEnd = spanFrom;
    for (let k = 0; k < count; k++) {
      if (from[k] > runEnd) {
        covered += runEnd - runStart;
        runStart = from[k];
        runEnd = to[k];
      } else if (to[k] > runEnd) {
        runEnd = to[k];
      }
    }
    covered += runEnd - runStart;
    return Math.max(0, own - covered);
  }
}

const INSERTION_SORT_MAX = 24;

/** Sorts the first `count` intervals by start, keeping each end with its start. */
function sortIntervals(from: Float64Array, to: Float64Array, count: number): void {
  if (count <= INSERTION_SORT_MAX) {
    for (let i = 1; i < count; i++) {
      const f = from[i];
      const t = to[i];
      let j = i - 1;
      while (j >= 0 && from[j] > f) {
        from[j + 1] = from[j];
        to[j + 1] = to[j];
        j--;
      }
      from[j + 1] = f;
      to[j + 1] = t;
    }
    return;
  }
  const rows = Array.from({ length: count }, (_, i) => i).sort((a, b) => from[a] - from[b]);
  const f = Float64Array.from(rows, (r) => from[r]);
  const t = Float64Array.from(rows, (r) => to[r]);
  from.set(f);
  to.set(t);
}
