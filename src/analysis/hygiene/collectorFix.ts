/**
 * The OpenTelemetry Collector configuration that fixes a hygiene finding, as a snippet to copy
 * (docs/hygiene.md, Fixes): transform statements (OTTL) that drop, hash or normalise; the
 * attributes processor's delete and hash; the spanmetrics connector's dimensions and its
 * cardinality limit. Every value from telemetry (service names, keys) is quoted for OTTL, for
 * the Collector's `${…}` expansion (`$` is written `$$`) and for YAML, so a hostile key cannot
 * change the configuration. Pure.
 */
import type { PersonalDataKind } from './personalData';

export type FixAction = 'drop' | 'hash' | 'normalise-route' | 'redact' | 'limit-dimensions' | 'move-to-metadata';

export interface CollectorFix {
  action: FixAction;
  /** The Collector component the snippet configures, e.g. `transform/hygiene`. */
  component: string;
  /** The pipeline it goes in (the snippet's `service.pipelines` entry names it too). */
  pipeline: 'traces' | 'metrics' | 'logs';
  /** YAML to merge into the Collector's configuration. */
  snippet: string;
}

/** An OTTL string literal whose value is `value`, with `$` doubled for the Collector's expansion. */
export function ottlString(value: string): string {
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `"${escaped.replace(/\$/g, '$$$$')}"`;
}

/** A YAML single-quoted scalar (no escapes but `''`), with `$` doubled for the Collector. */
export function yamlString(value: string): string {
  return `'${value.replace(/'/g, "''").replace(/\$/g, '$$$$')}'`;
}

// A YAML single-quoted scalar of text already escaped for the Collector (an OTTL statement).
function yamlQuote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** An RE2 pattern matching exactly `value`. */
export function re2Literal(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * A Prometheus or Loki label name back to the attribute keys it can come from: OTLP → Prometheus
 * and OTLP → Loki turn `.` (and other characters) into `_`, so `user_id` is `user_id` or `user.id`.
 */
export function attributeKeyPattern(label: string): string {
  return `^${label
    .split('_')
    .map((part) => re2Literal(part))
    .join('[._]')}$`;
}

function statementsBlock(
  kind: 'trace_statements' | 'metric_statements' | 'log_statements',
  groups: Array<{ context: string; statements: string[] }>
): string {
  const lines = [`    ${kind}:`];
  for (const g of groups) {
    lines.push(`      - context: ${g.context}`, '        statements:');
    for (const s of g.statements) {
      lines.push(`          - ${yamlQuote(s)}`);
    }
  }
  return lines.join('\n');
}

function transform(
  name: string,
  pipeline: CollectorFix['pipeline'],
  block: string,
  action: FixAction,
  note: string
): CollectorFix {
  const component = `transform/${name}`;
  return {
    action,
    component,
    pipeline,
    snippet: [
      `# ${note}`,
      'processors:',
      `  ${component}:`,
      '    error_mode: ignore',
      block,
      '# then add it to the pipeline, before batch:',
      `# service.pipelines.${pipeline}.processors: [memory_limiter, ${component}, batch]`,
      '',
    ].join('\n'),
  };
}

const SERVICE_WHERE = (service: string, resourcePath: string) =>
  `${resourcePath}["service.name"] == ${ottlString(service)}`;

/** A metric label whose values are ids: drop the attribute from the service's data points. */
export function dropMetricLabel(service: string, label: string): CollectorFix {
  return transform(
    'hygiene_metrics',
    'metrics',
    statementsBlock('metric_statements', [
      {
        context: 'datapoint',
        statements: [
          `delete_matching_keys(attributes, ${ottlString(attributeKeyPattern(label))}) where ${SERVICE_WHERE(service, 'resource.attributes')}`,
        ],
      },
    ]),
    'drop',
    'Drops the id-like attribute from this service\u2019s metric data points (one series per value otherwise).'
  );
}

/** Default spanmetrics dimensions beyond the four built in (service.name, span.name, span.kind, status.code). */
export const SAFE_SPANMETRICS_DIMENSIONS = ['http.request.method', 'http.response.status_code', 'rpc.grpc.status_code'];
/** The connector's cap on distinct attribute sets per metric; beyond it, one overflow series. */
export const SPANMETRICS_CARDINALITY_LIMIT = 2000;

/**
 * A span attribute that becomes a span-metrics label: keep the connector's dimensions to
 * low-cardinality attributes, cap the series, and hash the id on the spans themselves.
 */
export function limitSpanMetrics(service: string, attribute: string): CollectorFix {
  const dims = SAFE_SPANMETRICS_DIMENSIONS.map((d) => `      - name: ${d}`).join('\n');
  return {
    action: 'limit-dimensions',
    component: 'spanmetrics',
    pipeline: 'traces',
    snippet: [
      `# Span metrics by low-cardinality dimensions only (not ${yamlString(attribute)}), with a cap:`,
      '# attribute sets beyond it go to one series marked otel.metric.overflow="true".',
      'connectors:',
      '  spanmetrics:',
      '    dimensions:',
      dims,
      `    aggregation_cardinality_limit: ${SPANMETRICS_CARDINALITY_LIMIT}`,
      '# and on the traces pipeline, hash the id (keeps it joinable, not readable):',
      'processors:',
      '  transform/hygiene_traces:',
      '    error_mode: ignore',
      statementsBlock('trace_statements', [
        {
          context: 'span',
          statements: [
            `set(attributes[${ottlString(attribute)}], SHA256(attributes[${ottlString(attribute)}])) where attributes[${ottlString(attribute)}] != nil and ${SERVICE_WHERE(service, 'resource.attributes')}`,
          ],
        },
      ]),
      '',
    ].join('\n'),
  };
}

// A path segment that is an id: digits, a UUID, 16+ hex, a word with 3+ digits (classify.ts).
const ID_SEGMENT_RE2 =
  '/(?:[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?:0x)?[0-9a-fA-F]{16,}|[A-Za-z]+[-_:.#]?[0-9]{3,})(/|$| |[?#])';

/**
 * The OTTL statement (span context) that writes each id segment of a span name as `{id}`; the
 * local stack's Collector runs it, twice, before span metrics (stack/otel-collector/config.yaml).
 */
export const SPAN_NAME_STATEMENT = `replace_pattern(name, ${ottlString(ID_SEGMENT_RE2)}, ${ottlString('/{id}${1}')})`;

/** Span names with ids in their path: `GET /users/123` → `GET /users/{id}`, before span metrics. */
export function normaliseSpanNames(service: string): CollectorFix {
  // Applied twice: two id segments in a row share the `/` between them.
  const statement = `${SPAN_NAME_STATEMENT} where ${SERVICE_WHERE(service, 'resource.attributes')}`;
  return transform(
    'hygiene_span_names',
    'traces',
    statementsBlock('trace_statements', [{ context: 'span', statements: [statement, statement] }]),
    'normalise-route',
    'Span names with ids become routes; put it in the pipeline that feeds the spanmetrics connector too.'
  );
}

/** A Loki stream label whose values are ids: keep it as a log attribute (structured metadata), not a label. */
export function moveStreamLabel(service: string, label: string): CollectorFix {
  const pattern = ottlString(attributeKeyPattern(label));
  return transform(
    'hygiene_logs',
    'logs',
    statementsBlock('log_statements', [
      {
        context: 'log',
        statements: [
          ...keyCandidates(label).map(
            (k) =>
              `set(attributes[${ottlString(k)}], resource.attributes[${ottlString(k)}]) where resource.attributes[${ottlString(k)}] != nil and ${SERVICE_WHERE(service, 'resource.attributes')}`
          ),
        ],
      },
      {
        context: 'resource',
        statements: [`delete_matching_keys(attributes, ${pattern}) where ${SERVICE_WHERE(service, 'attributes')}`],
      },
    ]),
    'move-to-metadata',
    'The id moves from the resource (a Loki stream label) to each record (structured metadata).'
  );
}

function keyCandidates(label: string): string[] {
  return [...new Set([label, label.replace(/_/g, '.')])];
}

/**
 * RE2 patterns for each kind, as a Collector or a LogQL line filter can match them (neither can
 * run a Luhn check). Flags only in groups, so they can be joined with `|`. An email's `@` may be
 * percent-encoded, once (`%40`, a query string) or twice (`%2540`, a URL inside a URL): the form
 * a pattern looking for `@` misses.
 */
export const PERSONAL_DATA_RE2: Record<PersonalDataKind, string> = {
  email: '[A-Za-z0-9._%+-]+(?:@|%(?:25)?40)[A-Za-z0-9-]+(?:[.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}',
  card: '\\b(?:[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{1,7}|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5}|(?:3[4-8]|4|5[1-5]|2[2-7]|6)[0-9]{11,18})\\b',
  'bearer-token': '(?i:bearer)\\s+[A-Za-z0-9._~+/-]{16,}=*',
  'api-key':
    '(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[baprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}',
  'ip-address': '\\b(?:[0-9]{1,3}[.]){3}[0-9]{1,3}\\b',
};

const MASK = '****';

/** Personal data in log lines: masked in string bodies and in every value of map bodies. */
export function redactLogs(service: string, kinds: readonly PersonalDataKind[]): CollectorFix {
  const where = SERVICE_WHERE(service, 'resource.attributes');
  const statements = kinds.flatMap((k) => [
    `replace_pattern(body, ${ottlString(PERSONAL_DATA_RE2[k])}, ${ottlString(MASK)}) where IsString(body) and ${where}`,
    `replace_all_patterns(body, "value", ${ottlString(PERSONAL_DATA_RE2[k])}, ${ottlString(MASK)}) where IsMap(body) and ${where}`,
  ]);
  return transform(
    'hygiene_redact_logs',
    'logs',
    statementsBlock('log_statements', [{ context: 'log', statements }]),
    'redact',
    `Masks ${kinds.join(', ')} in this service\u2019s log bodies (string and map bodies).`
  );
}

/**
 * Personal data in a span attribute: the attributes processor deletes secrets (tokens, keys,
 * cards) and hashes contact data (emails, addresses), which keeps them joinable. Limited to the
 * service by `include` on the resource's service.name.
 */
export function scrubSpanAttribute(
  service: string,
  attribute: string,
  kinds: readonly PersonalDataKind[]
): CollectorFix {
  const secret = kinds.some((k) => k === 'card' || k === 'bearer-token' || k === 'api-key');
  const action = secret ? 'delete' : 'hash';
  return {
    action: secret ? 'drop' : 'hash',
    component: 'attributes/hygiene',
    pipeline: 'traces',
    snippet: [
      `# ${secret ? 'Deletes' : 'Hashes (SHA-256)'} the attribute on this service\u2019s spans.`,
      'processors:',
      '  attributes/hygiene:',
      '    include:',
      '      match_type: strict',
      '      services:',
      `        - ${yamlString(service)}`,
      '    actions:',
      `      - key: ${yamlString(attribute)}`,
      `        action: ${action}`,
      '# then add it to the traces pipeline, before batch:',
      '# service.pipelines.traces.processors: [memory_limiter, attributes/hygiene, batch]',
      '',
    ].join('\n'),
  };
}

/**
 * A whole Collector configuration around a fix's snippet (an OTLP receiver, a debug exporter,
 * the pipeline the fix names), for `otelcol validate`.
 */
export function validationConfig(fix: CollectorFix): string {
  const base = fix.snippet
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
  const isConnectorFix = fix.component === 'spanmetrics';
  const processors = isConnectorFix ? ['transform/hygiene_traces'] : [fix.component];
  const pipelines = isConnectorFix
    ? [
        '    traces:',
        '      receivers: [otlp]',
        `      processors: [${processors.join(', ')}]`,
        '      exporters: [spanmetrics, debug]',
        '    metrics:',
        '      receivers: [spanmetrics]',
        '      exporters: [debug]',
      ]
    : [
        `    ${fix.pipeline}:`,
        '      receivers: [otlp]',
        `      processors: [${processors.join(', ')}]`,
        '      exporters: [debug]',
      ];
  return [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      grpc:',
    '        endpoint: 127.0.0.1:0',
    'exporters:',
    '  debug: {}',
    base,
    'service:',
    '  pipelines:',
    ...pipelines,
    '',
  ].join('\n');
}
