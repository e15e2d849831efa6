/**
 * Queries behind "What the failing requests share" (docs/suspects.md): a bounded sample of the
 * service's failing server and consumer spans (traceql.ts SERVED_SPAN_KINDS: requests served and
 * messages processed) and one of its other spans of those kinds, each with the attributes
 * that could explain a failure, selected with TraceQL `select()`; and the failing traces that
 * carry one suspect value; and the error lines of one log pattern. Values are quoted with
 * `traceqlString` / `logqlString`; attribute names come only from the fixed list here, never
 * from input.
 */
import type { LogConventions } from './conventions';
import { errorFilter, streamSelector } from './logql';
import { logqlString, regexAnyOf, traceqlString } from './strings';
import { SERVED_SPAN_KINDS } from './traceql';

/**
 * The attributes asked of Tempo, with their scope: where a request ran (version, deployment,
 * host, pod, zone) and what it did (route, method, RPC, peer). All string-typed in the
 * OpenTelemetry semantic conventions, so a value found in an answer can be compared back as a
 * TraceQL string. Outcome attributes (status code, error.type, exception.*) are left out on
 * purpose: they describe the failure, not its cause.
 */
export const SUSPECT_ATTRIBUTES = [
  'resource.service.version',
  'resource.deployment.environment.name',
  'resource.deployment.environment',
  'resource.host.name',
  'resource.k8s.namespace.name',
  'resource.k8s.pod.name',
  'resource.k8s.node.name',
  'resource.cloud.region',
  'resource.cloud.availability_zone',
  'resource.container.image.tag',
  'span.http.route',
  'span.http.request.method',
  'span.http.method',
  'span.rpc.service',
  'span.rpc.method',
  'span.server.address',
  'span.peer.service',
  'span.db.system',
  'span.messaging.destination.name',
] as const;

/** The span name, an intrinsic: Tempo's search answers carry it beside the attributes. */
export const SPAN_NAME = 'name';

export type SuspectAttribute = (typeof SUSPECT_ATTRIBUTES)[number] | typeof SPAN_NAME;

/**
 * Traces asked for in each sample. Tempo's search `limit` counts traces; with one span per
 * trace (SPANS_PER_TRACE) each sample has at most 500 spans: enough to tell a 10-point
 * difference in shares (a share's 95% margin is at most ±4.4 points at 500 spans), small enough
 * for a search Tempo answers in seconds and a table the browser ranks in a few milliseconds.
 */
export const SAMPLE_TRACES = 500;
/** Spans kept per trace (`spss`): one, so a trace with many failing spans does not outvote others. */
export const SPANS_PER_TRACE = 1;

/** Tempo's search answers name attributes without their scope (`service.version`): scope by name. */
export function attributeName(scoped: string): string {
  return scoped.replace(/^(resource|span)\./, '');
}

const SERVICE = 'resource.service.name';

/**
 * `{ <service's server and consumer spans, failing or not> } | select(<the attributes>)`: both
 * samples of the same kinds, so a queue worker's failed messages are compared with its other
 * messages, and a service with both kinds compares all its work with all its work.
 */
export function suspectSpans(service: string, side: 'failing' | 'baseline'): string {
  const status = side === 'failing' ? 'status = error' : 'status != error';
  return `{ ${SERVICE} = ${traceqlString(service)} && ${SERVED_SPAN_KINDS} && ${status} } | select(${SUSPECT_ATTRIBUTES.join(', ')})`;
}

function checkAttribute(attribute: string): SuspectAttribute {
  if (attribute !== SPAN_NAME && !(SUSPECT_ATTRIBUTES as readonly string[]).includes(attribute)) {
    throw new Error(`${JSON.stringify(attribute)} is not one of the attributes Pivot selects for suspects`);
  }
  return attribute as SuspectAttribute;
}

/**
 * The service's failing server and consumer spans carrying one suspect value. Spans without the attribute
 * have no query: Tempo 2.7 refuses `= nil` ("not yet supported"; docs/suspects.md).
 */
export function failingSpansWith(service: string, attribute: string, value: string): string {
  const name = checkAttribute(attribute);
  return `{ ${SERVICE} = ${traceqlString(service)} && ${SERVED_SPAN_KINDS} && status = error && ${name} = ${traceqlString(value)} }`;
}

/**
 * Error lines read from each window to group into patterns (newest first): a sample large
 * enough that an error happening a few times a minute over an hour shows, small enough to
 * tokenise in a few milliseconds and to fetch in one Loki answer (its default max_entries_limit_per_query is 5,000).
 */
export const PATTERN_SAMPLE_LINES = 1000;

/**
 * An RE2 pattern matching the lines of one log pattern (`<_>` any text): anchored, with `(?s)`
 * so `<_>` also spans a newline. Works on every Loki version, unlike the `|>` filter of Loki 3.
 */
export function patternRegex(pattern: string): string {
  const parts = pattern.split('<_>').map((part) => (part === '' ? '' : regexAnyOf([part])));
  return `(?s)^${parts.join('.*')}$`;
}

/** The service's error lines of one pattern (from src/analysis/logPatterns.ts). */
export function patternLogs(conv: LogConventions, service: string, pattern: string): string {
  return `${streamSelector(conv, [service])} |~ ${logqlString(patternRegex(pattern))} ${errorFilter(conv)}`;
}
