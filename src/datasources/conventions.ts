/**
 * The conventions Pivot reads telemetry by: which metric family carries RED metrics, which
 * label names a service, and where trace_id lives in logs. Facts in docs/conventions.md.
 */

export type MetricFamily =
  'tempo-spanmetrics' | 'otel-spanmetrics-seconds' | 'otel-spanmetrics' | 'http-semconv' | 'http-semconv-old';

export interface MetricConventions {
  family: MetricFamily;
  serviceLabel: string;
}

/** Where trace_id lives in Loki: OTLP structured metadata, or inside the line (logfmt or JSON). */
export type TraceIdLocation = 'structured-metadata' | 'logfmt' | 'json';

export interface LogConventions {
  serviceLabel: string;
  traceId: TraceIdLocation;
}

/** A label matcher fixed by the family, e.g. only server spans, or only 5xx responses. */
export interface FixedMatcher {
  label: string;
  op: '=' | '=~';
  value: string;
}

/** The histogram bucket that counts every request (one series per histogram series). */
export const LATENCY_ALL_BUCKET: FixedMatcher = { label: 'le', op: '=', value: '+Inf' };

export interface MetricFamilyInfo {
  family: MetricFamily;
  title: string;
  /** Counter of requests (a histogram's `_count` for the HTTP families). */
  requests: string;
  /** Histogram bucket series of request latency. */
  latencyBucket: string;
  /** Multiply latency by this to get seconds. */
  latencyToSeconds: number;
  /** Matchers that select the requests a service serves (server spans). */
  serverMatchers: FixedMatcher[];
  /** Matchers that, added to the request selector, select failed requests. */
  errorMatchers: FixedMatcher[];
  /**
   * Matchers that select consumer spans (one per message processed) in place of the server
   * spans; absent for the families without span kinds (docs/conventions.md#queue-consumers).
   */
  consumerMatchers?: FixedMatcher[];
  /** The label that names the service when the family's defaults are kept. */
  defaultServiceLabel: string;
  /**
   * Set when another family writes the same request counter: the family is then told apart by
   * its latency histogram, and counts as present only when `latencyBucket` has series.
   */
  sharesRequests?: boolean;
}

export const METRIC_FAMILIES: Record<MetricFamily, MetricFamilyInfo> = {
  'tempo-spanmetrics': {
    family: 'tempo-spanmetrics',
    title: 'Tempo metrics-generator span metrics',
    requests: 'traces_spanmetrics_calls_total',
    latencyBucket: 'traces_spanmetrics_latency_bucket',
    latencyToSeconds: 1,
    serverMatchers: [{ label: 'span_kind', op: '=', value: 'SPAN_KIND_SERVER' }],
    errorMatchers: [{ label: 'status_code', op: '=', value: 'STATUS_CODE_ERROR' }],
    consumerMatchers: [{ label: 'span_kind', op: '=', value: 'SPAN_KIND_CONSUMER' }],
    defaultServiceLabel: 'service',
  },
  // Listed before `otel-spanmetrics`: both count `traces_span_metrics_calls_total`, so when
  // the seconds histogram is there too, the tie in detection goes to this family.
  'otel-spanmetrics-seconds': {
    family: 'otel-spanmetrics-seconds',
    title: 'OpenTelemetry Collector spanmetrics connector (seconds)',
    requests: 'traces_span_metrics_calls_total',
    latencyBucket: 'traces_span_metrics_duration_seconds_bucket',
    latencyToSeconds: 1,
    serverMatchers: [{ label: 'span_kind', op: '=', value: 'SPAN_KIND_SERVER' }],
    errorMatchers: [{ label: 'status_code', op: '=', value: 'STATUS_CODE_ERROR' }],
    consumerMatchers: [{ label: 'span_kind', op: '=', value: 'SPAN_KIND_CONSUMER' }],
    defaultServiceLabel: 'service_name',
    sharesRequests: true,
  },
  'otel-spanmetrics': {
    family: 'otel-spanmetrics',
    title: 'OpenTelemetry Collector spanmetrics connector',
    requests: 'traces_span_metrics_calls_total',
    latencyBucket: 'traces_span_metrics_duration_milliseconds_bucket',
    latencyToSeconds: 0.001,
    serverMatchers: [{ label: 'span_kind', op: '=', value: 'SPAN_KIND_SERVER' }],
    errorMatchers: [{ label: 'status_code', op: '=', value: 'STATUS_CODE_ERROR' }],
    consumerMatchers: [{ label: 'span_kind', op: '=', value: 'SPAN_KIND_CONSUMER' }],
    defaultServiceLabel: 'service_name',
  },
  'http-semconv': {
    family: 'http-semconv',
    title: 'OpenTelemetry HTTP server metrics (stable semantic conventions)',
    requests: 'http_server_request_duration_seconds_count',
    latencyBucket: 'http_server_request_duration_seconds_bucket',
    latencyToSeconds: 1,
    serverMatchers: [],
    errorMatchers: [{ label: 'http_response_status_code', op: '=~', value: '5..' }],
    defaultServiceLabel: 'job',
  },
  'http-semconv-old': {
    family: 'http-semconv-old',
    title: 'OpenTelemetry HTTP server metrics (old semantic conventions)',
    requests: 'http_server_duration_milliseconds_count',
    latencyBucket: 'http_server_duration_milliseconds_bucket',
    latencyToSeconds: 0.001,
    serverMatchers: [],
    errorMatchers: [{ label: 'http_status_code', op: '=~', value: '5..' }],
    defaultServiceLabel: 'job',
  },
};

export const METRIC_FAMILY_LIST: MetricFamily[] = Object.keys(METRIC_FAMILIES) as MetricFamily[];

export function isMetricFamily(value: unknown): value is MetricFamily {
  return typeof value === 'string' && value in METRIC_FAMILIES;
}

export const TRACE_ID_LOCATIONS: TraceIdLocation[] = ['structured-metadata', 'logfmt', 'json'];

export function isTraceIdLocation(value: unknown): value is TraceIdLocation {
  return typeof value === 'string' && (TRACE_ID_LOCATIONS as string[]).includes(value);
}

/** Label names a service is commonly found under in Loki, most specific first. */
export const LOG_SERVICE_LABEL_CANDIDATES = ['service_name', 'service', 'app', 'job'];

/** Loki's OTLP ingestion turns `service.name` into this index label. */
export const DEFAULT_LOG_CONVENTIONS: LogConventions = { serviceLabel: 'service_name', traceId: 'structured-metadata' };
