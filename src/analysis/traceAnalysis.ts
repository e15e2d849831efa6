/**
 * Analysis of one trace as Grafana's Tempo data source returns it. The steps live in
 * `./trace/` (one module each: frame, span index, tree, failure origin, critical path,
 * services and edges, time window); this module is the public API callers import.
 * See docs/trace-page.md for the rules in prose.
 */
export { analyzeTrace } from './trace/analyzeTrace';
export { criticalPathMs, timeOnCriticalPath, type CriticalPathShare } from './trace/criticalPath';
export { MAX_EPOCH_MS, traceFrameRows } from './trace/frame';
export {
  STATUS_ERROR,
  type CriticalPathColumns,
  type CriticalPathSection,
  type FailureOrigin,
  type ServiceEdge,
  type ServiceSummary,
  type TraceAnalysis,
  type TraceAnomalies,
  type TraceSpan,
} from './trace/types';
