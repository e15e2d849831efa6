/**
 * Hygiene findings from bounded evidence (docs/hygiene.md): which labels blow up cardinality,
 * which span names carry ids, and where personal data leaks, per service, each with the
 * Collector configuration that fixes it. `hygieneReport` is pure: the evidence comes from
 * src/datasources/hygieneQueries.ts (the app, through Grafana) or from any other client (the
 * CLI); `hygieneText` renders a report as plain text.
 */
import { idKind, IdKind, judgeValues, normaliseRoute } from './classify';
import {
  CollectorFix,
  dropMetricLabel,
  limitSpanMetrics,
  moveStreamLabel,
  normaliseSpanNames,
  re2Literal,
  redactLogs,
  scrubSpanAttribute,
} from './collectorFix';
import { findPersonalData, maskValue, PERSONAL_DATA_KINDS, PersonalDataKind, redactText } from './personalData';

export type HygienePillar = 'prometheus' | 'loki' | 'tempo';

/** The values seen of one label or attribute of one service (a bounded sample). */
export interface FieldValues {
  service: string;
  field: string;
  /** Distinct values of the field (the server's count, or the sample's size when it has none). */
  distinct: number;
  /** Whether `distinct` hit the query's limit (there may be more). */
  capped: boolean;
  /** A bounded sample of the values, for classification only: never shown. */
  values: string[];
}

export interface MetricsEvidence {
  seriesByService: Array<{ service: string; series: number }>;
  seriesByMetric: Array<{ service: string; metric: string; series: number }>;
  labels: FieldValues[];
}

export interface LogLine {
  service: string;
  line: string;
  /** The line's time (epoch ms), when known. */
  timeMs?: number;
}

export interface LogsEvidence {
  streamsByService: Array<{ service: string; streams: number; capped: boolean }>;
  streamLabels: FieldValues[];
  lines: LogLine[];
}

export interface TracesEvidence {
  attributes: Array<FieldValues & { scope: 'span' | 'resource' }>;
  /** Span names seen, per service. */
  spanNames: Array<{ service: string; names: string[] }>;
}

/** What one pillar answered: its evidence, or why there is none (an error is never a finding). */
export type PillarAnswer<T> =
  { state: 'ok'; evidence: T } | { state: 'error'; message: string } | { state: 'not-configured'; message: string };

export interface HygieneEvidence {
  metrics: PillarAnswer<MetricsEvidence>;
  logs: PillarAnswer<LogsEvidence>;
  traces: PillarAnswer<TracesEvidence>;
}

export type FindingKind =
  'id-metric-label' | 'id-stream-label' | 'id-span-attribute' | 'id-span-name' | 'personal-data';

export interface Finding {
  kind: FindingKind;
  pillar: HygienePillar;
  service: string;
  /** The label, attribute or (for span names) `span name`; for log lines `log line`. */
  field: string;
  /** Distinct values (labels, attributes, span names) or occurrences (personal data). */
  count: number;
  capped: boolean;
  idKind?: IdKind;
  personalData?: PersonalDataKind[];
  /** A masked or normalised example: never a raw value. */
  example: string;
  /** What to open to see the lines, spans or series (the query; the UI makes the link). */
  link: FindingLink;
  fix: CollectorFix;
}

export type FindingLink =
  | { pillar: 'prometheus'; service: string; label: string }
  | { pillar: 'loki'; service: string; pattern?: PersonalDataKind; label?: string }
  | {
      pillar: 'tempo';
      service: string;
      attribute?: string;
      scope?: 'span' | 'resource';
      /** An RE2 pattern of the route (`{id}` as any segment): the link names no id. */
      spanNamePattern?: string;
    };

/** An RE2 pattern matching every name of a normalised route: `GET /users/{id}` → `GET /users/[^/]+`. */
export function routePattern(route: string): string {
  return route
    .split('{id}')
    .map((part) => re2Literal(part))
    .join('[^/]+');
}

export interface HygieneReport {
  findings: Finding[];
  /** Per pillar, whether it answered; a pillar that failed says why here and makes no finding. */
  pillars: Record<HygienePillar, { state: PillarAnswer<unknown>['state']; message?: string }>;
  seriesByService: MetricsEvidence['seriesByService'];
  seriesByMetric: MetricsEvidence['seriesByMetric'];
  streamsByService: LogsEvidence['streamsByService'];
}

/** Distinct values from which a field is reported for its cardinality alone, whatever the values. */
export const HIGH_CARDINALITY = 1000;

/** Fewer distinct values than this are no cardinality problem, whatever they look like (one instance id). */
export const MIN_DISTINCT = 3;
// Ports are numbers of five digits, but a handful per service: never ids.
const PORT = /(^|[._-])port$/i;

function idVerdict(f: FieldValues): { kind?: IdKind; example?: string } {
  if (f.distinct < MIN_DISTINCT || PORT.test(f.field)) {
    return {};
  }
  const verdict = judgeValues(f.values);
  if (verdict.kind) {
    const sample = f.values.find((v) => idKind(v) === verdict.kind) ?? f.values[0] ?? '';
    return { kind: verdict.kind, example: maskValue(verdict.kind, sample) };
  }
  if (f.distinct >= HIGH_CARDINALITY) {
    return { kind: undefined, example: maskValue('value', f.values[0] ?? '') };
  }
  return {};
}

/**
 * The finding of a label or attribute whose values are ids (or too many to be anything else),
 * or none: an array, to spread or flatMap.
 */
function idFinding(
  f: FieldValues,
  kind: 'id-metric-label' | 'id-stream-label' | 'id-span-attribute',
  link: FindingLink,
  fix: () => CollectorFix
): Finding[] {
  const v = idVerdict(f);
  if (v.example === undefined) {
    return [];
  }
  return [
    {
      kind,
      pillar: link.pillar,
      service: f.service,
      field: f.field,
      count: f.distinct,
      capped: f.capped,
      idKind: v.kind,
      example: v.example,
      link,
      fix: fix(),
    },
  ];
}

function metricFindings(e: MetricsEvidence): Finding[] {
  return e.labels.flatMap((f) =>
    idFinding(f, 'id-metric-label', { pillar: 'prometheus', service: f.service, label: f.field }, () =>
      dropMetricLabel(f.service, f.field)
    )
  );
}

function logFindings(e: LogsEvidence): Finding[] {
  const out: Finding[] = e.streamLabels.flatMap((f) =>
    idFinding(f, 'id-stream-label', { pillar: 'loki', service: f.service, label: f.field }, () =>
      moveStreamLabel(f.service, f.field)
    )
  );
  // Personal data in lines: one finding per service, counting every match of every kind.
  const byService = new Map<string, { count: number; kinds: Set<PersonalDataKind>; example: string }>();
  for (const l of e.lines) {
    for (const m of findPersonalData(l.line)) {
      const entry = byService.get(l.service) ?? { count: 0, kinds: new Set(), example: '' };
      entry.count++;
      entry.kinds.add(m.kind);
      entry.example ||= maskValue(m.kind, l.line.slice(m.start, m.end));
      byService.set(l.service, entry);
    }
  }
  for (const [service, entry] of byService) {
    const kinds = PERSONAL_DATA_KINDS.filter((k) => entry.kinds.has(k));
    out.push({
      kind: 'personal-data',
      pillar: 'loki',
      service,
      field: 'log line',
      count: entry.count,
      capped: false,
      personalData: kinds,
      example: entry.example,
      link: { pillar: 'loki', service, pattern: kinds[0] },
      fix: redactLogs(service, kinds),
    });
  }
  return out;
}

function traceFindings(e: TracesEvidence): Finding[] {
  const out: Finding[] = [];
  for (const a of e.attributes) {
    const kinds = new Set<PersonalDataKind>();
    let count = 0;
    let example = '';
    for (const value of a.values) {
      for (const m of findPersonalData(value)) {
        kinds.add(m.kind);
        count++;
        example ||= maskValue(m.kind, value.slice(m.start, m.end));
      }
    }
    const link = { pillar: 'tempo' as const, service: a.service, attribute: a.field, scope: a.scope };
    if (kinds.size > 0) {
      const list = PERSONAL_DATA_KINDS.filter((k) => kinds.has(k));
      out.push({
        kind: 'personal-data',
        pillar: 'tempo',
        service: a.service,
        field: a.field,
        count,
        capped: a.capped,
        personalData: list,
        example,
        link,
        fix: scrubSpanAttribute(a.service, a.field, list),
      });
      continue;
    }
    out.push(...idFinding(a, 'id-span-attribute', link, () => limitSpanMetrics(a.service, a.field)));
  }
  for (const s of e.spanNames) {
    const withIds = s.names.filter((n) => idKind(n) === 'url-id' || normaliseRoute(n) !== n);
    if (withIds.length > 0) {
      const routes = new Set(withIds.map(normaliseRoute));
      out.push({
        kind: 'id-span-name',
        pillar: 'tempo',
        service: s.service,
        field: 'span name',
        count: withIds.length,
        capped: false,
        idKind: 'url-id',
        example: redactText([...routes][0]),
        link: { pillar: 'tempo', service: s.service, spanNamePattern: routePattern([...routes][0]) },
        fix: normaliseSpanNames(s.service),
      });
    }
  }
  return out;
}

const KIND_ORDER: FindingKind[] = [
  'personal-data',
  'id-metric-label',
  'id-stream-label',
  'id-span-name',
  'id-span-attribute',
];

/** The findings of the evidence, personal data first, then by count (highest first), service and field. */
export function hygieneReport(evidence: HygieneEvidence): HygieneReport {
  const findings = [
    ...(evidence.metrics.state === 'ok' ? metricFindings(evidence.metrics.evidence) : []),
    ...(evidence.logs.state === 'ok' ? logFindings(evidence.logs.evidence) : []),
    ...(evidence.traces.state === 'ok' ? traceFindings(evidence.traces.evidence) : []),
  ].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      b.count - a.count ||
      a.service.localeCompare(b.service) ||
      a.field.localeCompare(b.field)
  );
  const pillar = (a: PillarAnswer<unknown>) =>
    a.state === 'ok' ? { state: a.state } : { state: a.state, message: a.message };
  return {
    findings,
    pillars: { prometheus: pillar(evidence.metrics), loki: pillar(evidence.logs), tempo: pillar(evidence.traces) },
    seriesByService: evidence.metrics.state === 'ok' ? evidence.metrics.evidence.seriesByService : [],
    seriesByMetric: evidence.metrics.state === 'ok' ? evidence.metrics.evidence.seriesByMetric : [],
    streamsByService: evidence.logs.state === 'ok' ? evidence.logs.evidence.streamsByService : [],
  };
}

/** The report's findings of one service. */
export function serviceFindings(report: HygieneReport, service: string): Finding[] {
  return report.findings.filter((f) => f.service === service);
}

const KIND_TEXT: Record<FindingKind, string> = {
  'personal-data': 'personal data',
  'id-metric-label': 'metric label with ids',
  'id-stream-label': 'Loki stream label with ids',
  'id-span-attribute': 'span attribute with ids',
  'id-span-name': 'span names with ids',
};

/** A control-character-free, single-line rendering of a name from telemetry, for a terminal. */
function printable(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** The report as plain text (for `pivot investigate --hygiene`): findings, then each fix. */
export function hygieneText(report: HygieneReport): string {
  const lines: string[] = [];
  for (const [pillar, p] of Object.entries(report.pillars)) {
    if (p.state !== 'ok') {
      lines.push(`${pillar}: not checked (${p.state}): ${printable(p.message ?? '')}`);
    }
  }
  if (report.findings.length === 0) {
    lines.push('No hygiene findings in this window.');
    return lines.join('\n') + '\n';
  }
  lines.push(`${report.findings.length} hygiene finding${report.findings.length === 1 ? '' : 's'}:`);
  report.findings.forEach((f, i) => {
    const what = f.personalData ? f.personalData.join(', ') : (f.idKind ?? 'many values');
    const count = `${f.count}${f.capped ? '+' : ''}`;
    lines.push(
      `${i + 1}. [${f.pillar}] ${printable(f.service)}: ${KIND_TEXT[f.kind]} "${printable(f.field)}" (${what}; ${count}; e.g. ${f.example})`
    );
  });
  report.findings.forEach((f, i) => {
    lines.push(
      '',
      `# Fix ${i + 1}: ${f.fix.action} (${f.fix.component}, ${f.fix.pipeline} pipeline)`,
      f.fix.snippet.trimEnd()
    );
  });
  return lines.join('\n') + '\n';
}
