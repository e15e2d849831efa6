/**
 * The one place Pivot's PromQL, LogQL and TraceQL are made (docs/queries.md).
 */
export * from './conventions';
export { promqlString, logqlString, traceqlString, regexAnyOf, checkLabelName } from './strings';
export { isTraceId, normalizeTraceId, quoteTraceIdInput, shortTraceId, traceIdHex32 } from './traceql';
export * as promql from './promql';
export * as logql from './logql';
export * as traceql from './traceql';
export type { LabelMatcher, MatchOp, FamilySeries } from './promql';
