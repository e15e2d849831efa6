/**
 * Logging through the OpenTelemetry logs bridge: each record is emitted in the active context,
 * so the SDK attaches the active span's trace_id and span_id (Loki keeps them as structured
 * metadata). A service created with `logfmt: true` also writes trace_id and span_id into the
 * line itself, so the stack holds both conventions Pivot reads (docs/conventions.md#trace-ids-in-logs).
 */
import { trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogAttributes = Record<string, string | number | boolean>;

const SEVERITY: Record<Level, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

export interface Logger {
  debug(msg: string, attrs?: LogAttributes): void;
  info(msg: string, attrs?: LogAttributes): void;
  warn(msg: string, attrs?: LogAttributes): void;
  error(msg: string, attrs?: LogAttributes): void;
}

/** A logfmt value: bare when safe, quoted with `"` and `\` escaped otherwise. */
export function logfmtValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[A-Za-z0-9_.:/@+-]+$/.test(text) ? text : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function logfmtLine(fields: Array<[string, string | number | boolean]>): string {
  return fields.map(([k, v]) => `${k}=${logfmtValue(v)}`).join(' ');
}

export function createLogger(service: string, options: { logfmt?: boolean; stdout?: boolean } = {}): Logger {
  const otelLogger = logs.getLogger(`pivot-demo/${service}`);
  const stdout = options.stdout ?? process.env.DEMO_LOG_STDOUT !== 'false';

  const emit = (level: Level, msg: string, attrs: LogAttributes = {}) => {
    const ctx = trace.getActiveSpan()?.spanContext();
    const body = options.logfmt
      ? logfmtLine([
          ['level', level],
          ['msg', msg],
          ...Object.entries(attrs),
          ...(ctx ? ([['trace_id', ctx.traceId], ['span_id', ctx.spanId]] as Array<[string, string]>) : []),
        ])
      : msg;
    otelLogger.emit({
      severityNumber: SEVERITY[level],
      severityText: level.toUpperCase(),
      body,
      attributes: attrs,
    });
    if (stdout) {
      const line = options.logfmt ? body : logfmtLine([['level', level], ['service', service], ['msg', msg], ...Object.entries(attrs)]);
      process.stdout.write(`${line}\n`);
    }
  };

  return {
    debug: (msg, attrs) => emit('debug', msg, attrs),
    info: (msg, attrs) => emit('info', msg, attrs),
    warn: (msg, attrs) => emit('warn', msg, attrs),
    error: (msg, attrs) => emit('error', msg, attrs),
  };
}
