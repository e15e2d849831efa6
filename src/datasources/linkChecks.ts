/**
 * The configuration check's second half: the data source settings the pivots between pillars
 * rely on, read through Grafana (`GET /api/datasources/uid/<uid>`), and Prometheus' exemplar
 * storage (`api/v1/query_exemplars`). Each finding names the pivot that breaks and the fix, as
 * a provisioning snippet (docs/conventions.md#provisioning). A request that fails is reported
 * as unanswered, with Grafana's message, never as a missing setting.
 */
import { METRIC_FAMILIES, MetricFamily, TraceIdLocation } from './conventions';
import type { Finding, ProbeFailure } from './detect';
import type { DataSourceSummary } from './lookup';
import { PROBE_WINDOW_SECONDS, ProbeClient } from './probes';
import { selector } from './promql';
import { PLUGIN_BASE_URL } from '../constants';
import { errorMessage } from '../utils/errors';
import { TRACE_LINK_TITLE, traceLinkTemplate } from '../utils/traceLinks';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

// ---------------------------------------------------------------------------------------------
// Probes.

export type SettingsProbe = { ok: true; jsonData: Record<string, unknown> } | ProbeFailure;

/** Grafana's API for one data source's settings (organisation admins may read it). */
export function dataSourceSettingsUrl(ds: DataSourceSummary): string {
  return `/api/datasources/uid/${encodeURIComponent(ds.uid)}`;
}

export async function probeDataSourceSettings(client: ProbeClient, ds: DataSourceSummary): Promise<SettingsProbe> {
  try {
    const answer = await client.request({ method: 'GET', url: dataSourceSettingsUrl(ds) });
    if (!isRecord(answer)) {
      return { ok: false, error: 'Grafana answered without the data source settings' };
    }
    return { ok: true, jsonData: isRecord(answer.jsonData) ? answer.jsonData : {} };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

export type ExemplarsProbe = { ok: true; exemplars: number } | ProbeFailure;

/** The exemplars resource of the Prometheus data source, for one metric over the probe window. */
export function exemplarsUrl(ds: DataSourceSummary, metric: string, nowMs: number): string {
  const params = new URLSearchParams();
  params.append('query', selector(metric));
  params.append('start', String(Math.floor(nowMs / 1000) - PROBE_WINDOW_SECONDS));
  params.append('end', String(Math.floor(nowMs / 1000)));
  return `/api/datasources/uid/${encodeURIComponent(ds.uid)}/resources/api/v1/query_exemplars?${params.toString()}`;
}

/** `{ status: 'success', data: [{ seriesLabels, exemplars: [...] }] }`: the exemplars in it. */
export function countExemplars(answer: unknown): number {
  if (!isRecord(answer)) {
    return 0;
  }
  return records(answer.data).reduce(
    (n, series) => n + (Array.isArray(series.exemplars) ? series.exemplars.length : 0),
    0
  );
}

export async function probeExemplars(
  client: ProbeClient,
  ds: DataSourceSummary,
  family: MetricFamily,
  nowMs: number
): Promise<ExemplarsProbe> {
  try {
    const answer = await client.request({
      method: 'GET',
      url: exemplarsUrl(ds, METRIC_FAMILIES[family].latencyBucket, nowMs),
    });
    if (isRecord(answer) && answer.status === 'error') {
      return {
        ok: false,
        error: typeof answer.error === 'string' ? answer.error : 'Prometheus answered with an error',
      };
    }
    return { ok: true, exemplars: countExemplars(answer) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Provisioning snippets: values as YAML double-quoted strings (JSON's escapes are YAML's), `$`
// doubled since Grafana expands environment variables in provisioning files.

function yamlString(value: string): string {
  return JSON.stringify(value).replaceAll('$', '$$$$');
}

function snippet(ds: DataSourceSummary, jsonData: string[]): string {
  return [
    'apiVersion: 1',
    'datasources:',
    `  - name: ${yamlString(ds.name)}`,
    `    uid: ${yamlString(ds.uid)}`,
    `    type: ${ds.type}`,
    '    jsonData:',
    ...jsonData.map((line) => `      ${line}`),
  ].join('\n');
}

function unreadSettings(ds: DataSourceSummary, failure: ProbeFailure, what: string): Finding {
  return {
    level: 'warning',
    text: `Grafana did not answer the request for the settings of ${ds.name} (${failure.error}), so ${what} could not be checked.`,
    fix: `Run the check as an organisation admin (reading data source settings needs it), or check ${what} in Connections → Data sources → ${ds.name}.`,
  };
}

function uidOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Prometheus: exemplars → traces.

/** The exemplar labels that carry a trace id: Tempo's metrics-generator writes traceID, OpenTelemetry exporters trace_id. */
export const EXEMPLAR_TRACE_ID_LABELS = ['trace_id', 'traceID'];

export function exemplarDestinationFindings(
  settings: SettingsProbe,
  prometheus: DataSourceSummary,
  tempo: DataSourceSummary | undefined
): Finding[] {
  const what = 'its exemplar links to traces (exemplarTraceIdDestinations)';
  if (!tempo) {
    return [];
  }
  if (!settings.ok) {
    return [unreadSettings(prometheus, settings, what)];
  }
  const destinations = records(settings.jsonData.exemplarTraceIdDestinations);
  const missing = EXEMPLAR_TRACE_ID_LABELS.filter(
    (name) => !destinations.some((d) => d.name === name && uidOf(d.datasourceUid) === tempo.uid)
  );
  if (missing.length === 0) {
    return [{ level: 'ok', text: `Exemplars link to traces in ${tempo.name} (trace_id and traceID).` }];
  }
  const elsewhere = destinations
    .filter((d) => typeof d.name === 'string' && missing.includes(d.name) && uidOf(d.datasourceUid) !== tempo.uid)
    .map(
      (d) =>
        `\`${String(d.name)}\` points at ${uidOf(d.datasourceUid) ? `\`${uidOf(d.datasourceUid)}\`` : 'no data source'}`
    );
  return [
    {
      level: 'warning',
      text:
        `Exemplars carrying ${missing.map((m) => `\`${m}\``).join(' or ')} open no trace from Grafana's own panels and Explore ` +
        `(exemplar → trace): ${prometheus.name} has no exemplarTraceIdDestinations entry for it pointing at ${tempo.name}` +
        `${elsewhere.length > 0 ? ` (${elsewhere.join('; ')})` : ''}. Pivot's Service page links its exemplars itself.`,
      fix: `Add the destinations to ${prometheus.name} (Connections → Data sources → Exemplars), or provision them:\n${snippet(
        prometheus,
        [
          'exemplarTraceIdDestinations:',
          ...EXEMPLAR_TRACE_ID_LABELS.flatMap((name) => [
            `  - name: ${name}`,
            `    datasourceUid: ${yamlString(tempo.uid)}`,
          ]),
        ]
      )}`,
    },
  ];
}

export function exemplarStorageFindings(probe: ExemplarsProbe, family: MetricFamily): Finding[] {
  const metric = METRIC_FAMILIES[family].latencyBucket;
  if (!probe.ok) {
    return [
      {
        level: 'warning',
        text: `Prometheus did not answer the exemplars request (\`api/v1/query_exemplars\` for \`${metric}\`: ${probe.error}), so exemplar storage could not be checked.`,
        fix: "Check that Grafana reaches the data source's exemplars API (a proxy or an access rule in front of Prometheus may refuse it), then run the check again.",
      },
    ];
  }
  if (probe.exemplars === 0) {
    return [
      {
        level: 'warning',
        text: `No exemplars on \`${metric}\` in the last hour: the Service page's error-ratio and latency panels show no exemplar points, so a spike does not open its trace (metrics → trace).`,
        fix:
          'Start Prometheus with `--enable-feature=exemplar-storage` (without it Prometheus keeps none and answers with none), and send exemplars: ' +
          "Tempo's metrics-generator with `send_exemplars: true` on its `remote_write`, or the Collector's spanmetrics connector with `exemplars: { enabled: true }`.",
      },
    ];
  }
  return [
    {
      level: 'ok',
      text: `${probe.exemplars} exemplars on \`${metric}\` in the last hour: exemplars open their traces.`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Loki: log line → trace (derived fields).

/** A trace id as it appears in each place it may live, to try a derived field's regex on. */
const SAMPLE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SAMPLE_LINES: Record<Exclude<TraceIdLocation, 'structured-metadata'>, string> = {
  logfmt: `level=error trace_id=${SAMPLE_TRACE_ID} msg="payment declined"`,
  json: `{"level":"error","trace_id":"${SAMPLE_TRACE_ID}","msg":"payment declined"}`,
};

function matches(regex: unknown, text: string, group: boolean): boolean {
  if (typeof regex !== 'string') {
    return false;
  }
  try {
    const match = new RegExp(regex).exec(text);
    return match !== null && (!group || match[1] === SAMPLE_TRACE_ID);
  } catch {
    return false;
  }
}

/** Whether a derived field links the trace id where the logs keep it to `tempo`. */
function linksTraceId(field: Record<string, unknown>, where: TraceIdLocation, tempo: DataSourceSummary): boolean {
  if (uidOf(field.datasourceUid) !== tempo.uid) {
    return false;
  }
  if (where === 'structured-metadata') {
    return field.matcherType === 'label' && matches(field.matcherRegex, 'trace_id', false);
  }
  return field.matcherType !== 'label' && matches(field.matcherRegex, SAMPLE_LINES[where], true);
}

const WHERE_TITLES: Record<TraceIdLocation, string> = {
  'structured-metadata': 'structured metadata',
  logfmt: 'the line, as logfmt',
  json: 'the line, as JSON',
};

function derivedFieldSnippet(where: TraceIdLocation, tempo: DataSourceSummary): string[] {
  const common = [`    datasourceUid: ${yamlString(tempo.uid)}`, `    url: ${yamlString('${__value.raw}')}`];
  switch (where) {
    case 'structured-metadata':
      return [
        '  - name: trace_id',
        '    matcherType: label',
        `    matcherRegex: ${yamlString('^trace_id$')}`,
        ...common,
      ];
    case 'logfmt':
      return [
        '  - name: trace_id',
        '    matcherType: regex',
        `    matcherRegex: ${yamlString('trace_id=(\\w+)')}`,
        ...common,
      ];
    case 'json':
      return [
        '  - name: trace_id',
        '    matcherType: regex',
        `    matcherRegex: ${yamlString('"trace_id":\\s*"(\\w+)"')}`,
        ...common,
      ];
  }
}

export function derivedFieldFindings(
  settings: SettingsProbe,
  loki: DataSourceSummary,
  tempo: DataSourceSummary | undefined,
  where: TraceIdLocation
): Finding[] {
  if (!tempo) {
    return [];
  }
  if (!settings.ok) {
    return [unreadSettings(loki, settings, 'its log-to-trace links (derived fields)')];
  }
  if (records(settings.jsonData.derivedFields).some((f) => linksTraceId(f, where, tempo))) {
    return [
      {
        level: 'ok',
        text: `Log lines link to their trace in ${tempo.name} (a derived field on trace_id in ${WHERE_TITLES[where]}).`,
      },
    ];
  }
  return [
    {
      level: 'warning',
      text:
        `Log lines open no trace in Explore and in dashboards' logs panels (log line → trace): ${loki.name} has no derived field ` +
        `reading trace_id from ${WHERE_TITLES[where]} and linking to ${tempo.name}. Pivot's own log lists link their traces themselves.`,
      fix: `Add a derived field to ${loki.name} (Connections → Data sources → Derived fields), or provision it:\n${snippet(
        loki,
        ['derivedFields:', ...derivedFieldSnippet(where, tempo)]
      )}`,
    },
  ];
}

/**
 * Whether a derived field links the trace id where the logs keep it to Pivot's Trace page
 * (a plain URL link, no data source): what gives logs panels in dashboards Pivot's trace link.
 */
function linksToPivot(field: Record<string, unknown>, where: TraceIdLocation): boolean {
  if (uidOf(field.datasourceUid) !== undefined || typeof field.url !== 'string') {
    return false;
  }
  if (!field.url.includes(`${PLUGIN_BASE_URL}/trace/`)) {
    return false;
  }
  if (where === 'structured-metadata') {
    return field.matcherType === 'label' && matches(field.matcherRegex, 'trace_id', false);
  }
  return field.matcherType !== 'label' && matches(field.matcherRegex, SAMPLE_LINES[where], true);
}

/** The derived field that opens a line's trace in Pivot, as provisioning lines. */
function pivotDerivedFieldSnippet(where: TraceIdLocation): string[] {
  const [, matcherType, matcherRegex] = derivedFieldSnippet(where, { uid: '', name: '', type: 'tempo' });
  return [
    '  - name: trace_id_in_pivot',
    matcherType,
    matcherRegex,
    `    url: ${yamlString(traceLinkTemplate())}`,
    `    urlDisplayLabel: ${yamlString(TRACE_LINK_TITLE)}`,
  ];
}

/**
 * Logs panels in dashboards (the one Pivot's "Add to dashboard" makes included) take their
 * links from the data source's derived fields only: Grafana's logs panel has no field config,
 * so links saved in a panel's field config are dropped when it loads. A line opens its trace
 * in Pivot there when Loki has a derived field linking to Pivot's Trace page.
 */
export function pivotTraceLinkFindings(
  settings: SettingsProbe,
  loki: DataSourceSummary,
  where: TraceIdLocation
): Finding[] {
  if (!settings.ok) {
    return [];
  }
  if (records(settings.jsonData.derivedFields).some((f) => linksToPivot(f, where))) {
    return [
      {
        level: 'ok',
        text: `Log lines open their trace in Pivot from dashboards' logs panels too (a derived field on trace_id in ${WHERE_TITLES[where]}).`,
      },
    ];
  }
  return [
    {
      level: 'warning',
      text:
        `Logs panels in dashboards, the one Pivot adds included, do not open a line's trace in Pivot (log line → Pivot's Trace page): ` +
        `Grafana's logs panel takes its links only from ${loki.name}'s derived fields, and none reading trace_id from ${WHERE_TITLES[where]} links to Pivot's Trace page.`,
      fix: `Add this derived field to ${loki.name} (Connections → Data sources → Derived fields), or provision it:\n${snippet(
        loki,
        ['derivedFields:', ...pivotDerivedFieldSnippet(where)]
      )}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Tempo: trace → logs (tracesToLogsV2) and the service map (serviceMap).

export function tempoLinkFindings(
  settings: SettingsProbe,
  tempo: DataSourceSummary,
  loki: DataSourceSummary | undefined,
  prometheus: DataSourceSummary | undefined,
  logsServiceLabel: string
): Finding[] {
  if (!loki && !prometheus) {
    return [];
  }
  if (!settings.ok) {
    return [unreadSettings(tempo, settings, 'its links to logs and metrics (tracesToLogsV2, serviceMap)')];
  }
  const findings: Finding[] = [];
  if (loki) {
    const logs = isRecord(settings.jsonData.tracesToLogsV2) ? settings.jsonData.tracesToLogsV2 : {};
    const target = uidOf(logs.datasourceUid);
    if (target === loki.uid) {
      findings.push({ level: 'ok', text: `Spans link to their logs in ${loki.name} (tracesToLogsV2).` });
    } else {
      findings.push({
        level: 'warning',
        text:
          `Spans in Grafana's trace view (Explore, trace panels) open no logs (trace → logs): ${tempo.name}'s tracesToLogsV2 ` +
          `${target ? `points at \`${target}\`, not at ${loki.name}` : `names no Loki data source`}. Pivot's Trace page finds a trace's logs itself.`,
        fix: `Set Trace to logs on ${tempo.name} (Connections → Data sources), or provision it:\n${snippet(tempo, [
          'tracesToLogsV2:',
          `  datasourceUid: ${yamlString(loki.uid)}`,
          `  spanStartTimeShift: ${yamlString('-5m')}`,
          `  spanEndTimeShift: ${yamlString('5m')}`,
          '  tags:',
          '    - key: service.name',
          `      value: ${yamlString(logsServiceLabel)}`,
          '  filterByTraceID: true',
        ])}`,
      });
    }
  }
  if (prometheus) {
    const map = isRecord(settings.jsonData.serviceMap) ? settings.jsonData.serviceMap : {};
    const target = uidOf(map.datasourceUid);
    if (target === prometheus.uid) {
      findings.push({ level: 'ok', text: `Tempo's service map reads ${prometheus.name} (serviceMap).` });
    } else {
      findings.push({
        level: 'warning',
        text:
          `Tempo's Service Graph in Explore and a trace's node graph stay empty (trace → service graph): ${tempo.name}'s serviceMap ` +
          `${target ? `points at \`${target}\`, not at ${prometheus.name}` : `names no Prometheus data source`}. Pivot's Graph page queries the metrics itself.`,
        fix: `Set Service graph on ${tempo.name} (Connections → Data sources), or provision it:\n${snippet(tempo, [
          'serviceMap:',
          `  datasourceUid: ${yamlString(prometheus.uid)}`,
        ])}`,
      });
    }
  }
  return findings;
}
