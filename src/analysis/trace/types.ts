/** The public shapes of a trace analysis (see docs/trace-page.md). */

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

/** A stretch of the critical path: the time `spanId` itself (not a child) held the request up. */
export interface CriticalPathSection {
  spanId: string;
  /** Epoch ms. */
  startMs: number;
  endMs: number;
}

/**
 * The critical path as columns: section i is the time `spanIds[i]` held the request up, from
 * `startMs[i]` to `endMs[i]` (epoch ms), in time order. The form to read on long traces: a
 * 100,000-span chain has 199,999 sections, and these are three arrays rather than as many objects.
 */
export interface CriticalPathColumns {
  length: number;
  spanIds: string[];
  startMs: Float64Array;
  endMs: Float64Array;
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
  /**
   * The main root's critical path (see `criticalPathOf`), in time order: contiguous from the
   * root's start to its end, each section inside its span (a span can have several sections).
   * Empty when the main root has no usable time. Built from `criticalPathColumns` when first
   * read (then kept): on long traces read the columns instead.
   */
  readonly criticalPath: CriticalPathSection[];
  /** The same sections as columns: what the Trace page and the summaries read. */
  criticalPathColumns: CriticalPathColumns;
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
