/**
 * OpenTelemetry SDK setup, one call per process, before any service code loads `node:http`.
 *
 * Two modes:
 * - `otlp` (the compose stack): traces, logs and metrics go over OTLP/HTTP to the collector at
 *   OTEL_EXPORTER_OTLP_ENDPOINT (the exporters read the standard OTEL_* variables).
 * - `local` (tests, and running without a collector): spans and log records are kept by the
 *   SDK's in-memory exporters and served as JSON at /debug/telemetry; metrics are served in the
 *   Prometheus text format at /metrics.
 */
import { logs } from '@opentelemetry/api-logs';
import { metrics } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  LogRecordProcessor,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, PeriodicExportingMetricReader, ViewOptions } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isControlPath } from './control';

export type TelemetryMode = 'otlp' | 'local';

export interface SpanRecord {
  service: string;
  /** The resource's `service.version`. */
  serviceVersion: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** SpanKind number: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: number;
  /** SpanStatusCode number: 0 unset, 1 ok, 2 error. */
  status: number;
  statusMessage: string;
  attributes: Record<string, unknown>;
  startMs: number;
  durationMs: number;
}

export interface LogRecordJson {
  service: string;
  traceId: string;
  spanId: string;
  severityText: string;
  body: string;
  attributes: Record<string, unknown>;
}

export interface TelemetrySnapshot {
  spans: SpanRecord[];
  logs: LogRecordJson[];
}

export interface Telemetry {
  mode: TelemetryMode;
  /** Serves /metrics in `local` mode. */
  metricsHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  /** What the in-memory exporters hold, in `local` mode. */
  snapshot?: () => TelemetrySnapshot;
  shutdown(): Promise<void>;
}

export function telemetryModeFromEnv(env: NodeJS.ProcessEnv = process.env): TelemetryMode {
  const mode = env.DEMO_TELEMETRY ?? 'otlp';
  if (mode !== 'otlp' && mode !== 'local') {
    throw new Error(`DEMO_TELEMETRY must be otlp or local, not ${JSON.stringify(mode)}`);
  }
  return mode;
}

function hrToMs([s, ns]: [number, number]): number {
  return s * 1000 + ns / 1e6;
}

/**
 * The JavaScript Prometheus exporter writes instrument names as they are, without the unit
 * suffix that Prometheus naming (and the collector's OTLP to Prometheus translation) adds.
 * These views give the HTTP duration histograms the names the collector would write, so the
 * demo's /metrics shows the same family as the stack: http_server_request_duration_seconds_*.
 */
const PROMETHEUS_NAME_VIEWS: ViewOptions[] = [
  { instrumentName: 'http.server.request.duration', name: 'http.server.request.duration_seconds' },
  { instrumentName: 'http.client.request.duration', name: 'http.client.request.duration_seconds' },
];

export function startTelemetry(serviceName: string, mode: TelemetryMode, serviceVersion = '0.1.0'): Telemetry {
  const resource = resourceFromAttributes({
    'service.name': serviceName,
    'service.version': serviceVersion,
    'deployment.environment.name': 'local',
  });

  const spanExporter = mode === 'local' ? new InMemorySpanExporter() : undefined;
  const spanProcessor: SpanProcessor = spanExporter
    ? new SimpleSpanProcessor(spanExporter)
    : new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1000 });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Sets the global tracer provider, the AsyncLocalStorage context manager and the W3C
  // trace-context and baggage propagators.
  tracerProvider.register();

  const logExporter = mode === 'local' ? new InMemoryLogRecordExporter() : undefined;
  const logProcessor: LogRecordProcessor = logExporter
    ? new SimpleLogRecordProcessor({ exporter: logExporter })
    : new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: 1000 });
  const loggerProvider = new LoggerProvider({ resource, processors: [logProcessor] });
  logs.setGlobalLoggerProvider(loggerProvider);

  const prometheus = mode === 'local' ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  const reader: MetricReader =
    prometheus ?? new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 5000 });
  const meterProvider = new MeterProvider({
    resource,
    readers: [reader],
    views: prometheus ? PROMETHEUS_NAME_VIEWS : [],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        // Health checks, metric scrapes, fault switches and queue polls are not requests
        // of the shop: tracing them would bury the traces worth reading.
        ignoreIncomingRequestHook: (req) => isControlPath(req.url ?? ''),
      }),
    ],
  });

  return {
    mode,
    metricsHandler: prometheus ? (req, res) => prometheus.getMetricsRequestHandler(req, res) : undefined,
    snapshot:
      spanExporter && logExporter
        ? () => ({
            spans: spanExporter.getFinishedSpans().map((s) => ({
              service: serviceName,
              serviceVersion: String(s.resource.attributes['service.version'] ?? ''),
              traceId: s.spanContext().traceId,
              spanId: s.spanContext().spanId,
              parentSpanId: s.parentSpanContext?.spanId ?? '',
              name: s.name,
              kind: s.kind,
              status: s.status.code,
              statusMessage: s.status.message ?? '',
              attributes: { ...s.attributes },
              startMs: hrToMs(s.startTime),
              durationMs: hrToMs(s.duration),
            })),
            logs: logExporter.getFinishedLogRecords().map((r) => ({
              service: serviceName,
              traceId: r.spanContext?.traceId ?? '',
              spanId: r.spanContext?.spanId ?? '',
              severityText: r.severityText ?? '',
              body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
              attributes: { ...r.attributes },
            })),
          })
        : undefined,
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
