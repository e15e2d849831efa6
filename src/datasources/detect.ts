/**
 * Convention detection for the configuration page's "Check": pure functions over what the
 * probes (probes.ts) found, so every case can be tested without Grafana. Each pillar gets a
 * report saying what works, what to fix, and the conventions detected from the data.
 */
import {
  LOG_SERVICE_LABEL_CANDIDATES,
  LogConventions,
  METRIC_FAMILIES,
  METRIC_FAMILY_LIST,
  MetricFamily,
  TraceIdLocation,
} from './conventions';
import type { Pillar, PivotSettings } from '../settings';

// ---------------------------------------------------------------------------------------------
// What the probes found (probes.ts parses Grafana's answers into these shapes).

/** A probe that could not run or whose request failed. */
export interface ProbeFailure {
  ok: false;
  /** Grafana's or the data source's error message. */
  error: string;
}

export interface MetricFamilyProbe {
  family: MetricFamily;
  /** Series of the family's request metric seen over the probe window. */
  series: number;
  /** Of those, series of server spans (the requests a service serves). */
  serverSeries: number;
  /** Label names carried by the request metric's series. */
  labels: string[];
  /** The label-names request failed (its message): the labels are unknown, not absent. */
  labelsError?: string;
}

export type PrometheusProbe =
  | {
      ok: true;
      families: MetricFamilyProbe[];
      /** Series of `traces_service_graph_request_total` (the Graph page needs them). */
      serviceGraphSeries: number;
    }
  | ProbeFailure;

/** One sampled log line, with its labels and, when Grafana sends it, each label's origin. */
export interface LogSample {
  labels: Record<string, string>;
  /** `I` indexed (stream) label, `S` structured metadata, `P` parsed. Absent on old frames. */
  labelTypes?: Record<string, string>;
  line: string;
}

export type LokiProbe =
  | {
      ok: true;
      /** Index label names Loki knows over the probe window. */
      labels: string[];
      /** The label the sample was selected by (undefined when no candidate label exists). */
      sampledBy?: string;
      samples: LogSample[];
    }
  | ProbeFailure;

export type TempoProbe = { ok: true; traces: number } | ProbeFailure;

// ---------------------------------------------------------------------------------------------
// Reports.

export type FindingLevel = 'ok' | 'warning' | 'error';

export interface Finding {
  level: FindingLevel;
  /** What was found. */
  text: string;
  /** What to do about it, when something is wrong. */
  fix?: string;
}

export interface MetricsDetection {
  family: MetricFamily;
  /** The service label to store: empty when it is the family's default. */
  serviceLabel: string;
}

export interface PillarReport<D> {
  pillar: Pillar;
  /** The worst level among the findings. */
  level: FindingLevel;
  findings: Finding[];
  /** Conventions read from the data, offered as "Use detected". */
  detected?: D;
}

function report<D>(pillar: Pillar, findings: Finding[], detected?: D): PillarReport<D> {
  const level: FindingLevel = findings.some((f) => f.level === 'error')
    ? 'error'
    : findings.some((f) => f.level === 'warning')
      ? 'warning'
      : 'ok';
  return { pillar, level, findings, detected };
}

/** A report with more findings, its level recomputed (the configuration check adds the link checks). */
export function withFindings<D>(base: PillarReport<D>, more: Finding[]): PillarReport<D> {
  return report(base.pillar, [...base.findings, ...more], base.detected);
}

function failureFinding(title: string, failure: ProbeFailure): Finding {
  return {
    level: 'error',
    text: `${title} did not answer the check: ${failure.error}`,
    fix: `Open the data source in Connections → Data sources and run "Save & test"; check its URL and that Grafana can reach it.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Metrics.

const NO_RED_METRICS_FIX =
  "Produce RED metrics in one of these ways: enable span metrics in Tempo's metrics-generator " +
  '(`metrics_generator.processors: [span-metrics]` and `remote_write` to this Prometheus), or ' +
  'add the OpenTelemetry Collector `spanmetrics` connector to the traces pipeline and export its ' +
  "output to Prometheus, or instrument the services' HTTP servers with OpenTelemetry.";

/**
 * A family's probe from the probe's series counts (`count(refId)`, refIds `<family>:all`,
 * `<family>:server` and, for families that share their request counter, `<family>:latency`):
 * such a family has no series unless its own latency histogram has some.
 */
export function familyProbeFromCounts(family: MetricFamily, count: (refId: string) => number): MetricFamilyProbe {
  const info = METRIC_FAMILIES[family];
  if (info.sharesRequests && count(`${family}:latency`) === 0) {
    return { family, series: 0, serverSeries: 0, labels: [] };
  }
  const series = count(`${family}:all`);
  const serverSeries = info.serverMatchers.length > 0 ? count(`${family}:server`) : series;
  return { family, series, serverSeries, labels: [] };
}

/** The label most likely to name services on a family's series, or undefined if none is there. */
function pickMetricServiceLabel(probe: MetricFamilyProbe): string | undefined {
  const preferred = [METRIC_FAMILIES[probe.family].defaultServiceLabel, 'service_name', 'service', 'job'];
  return preferred.find((label) => probe.labels.includes(label));
}

/** Families with series, best first: those with server spans, then the most series. */
export function rankFamilies(families: MetricFamilyProbe[]): MetricFamilyProbe[] {
  return families
    .filter((f) => f.series > 0)
    .sort(
      (a, b) =>
        Number(b.serverSeries > 0) - Number(a.serverSeries > 0) ||
        b.series - a.series ||
        METRIC_FAMILY_LIST.indexOf(a.family) - METRIC_FAMILY_LIST.indexOf(b.family)
    );
}

function describeFamily(f: MetricFamilyProbe): string {
  return `${METRIC_FAMILIES[f.family].title} (${f.series} series, ${f.serverSeries} of server spans)`;
}

export function detectMetrics(
  probe: PrometheusProbe,
  configured: PivotSettings['metrics']
): PillarReport<MetricsDetection> {
  if (!probe.ok) {
    return report('prometheus', [failureFinding('Prometheus', probe)]);
  }
  const findings: Finding[] = [];
  const ranked = rankFamilies(probe.families);

  if (ranked.length === 0) {
    findings.push({
      level: 'error',
      text: `No RED metrics found in the last hour: none of ${METRIC_FAMILY_LIST.map(
        (f) => `\`${METRIC_FAMILIES[f].requests}\``
      ).join(', ')} has series.`,
      fix: NO_RED_METRICS_FIX,
    });
  } else {
    const best = ranked[0];
    if (ranked.length === 1) {
      findings.push({ level: 'ok', text: `RED metrics found: ${describeFamily(best)}.` });
    } else {
      findings.push({
        level: 'warning',
        text:
          `Several metric families have series: ${ranked.map(describeFamily).join('; ')}. ` +
          `Pivot prefers ${METRIC_FAMILIES[best.family].title}: it has ${
            best.serverSeries > 0 ? 'server spans and ' : ''
          }the most series.`,
        fix: 'If another family describes your services better, choose it under Metric family.',
      });
    }
    if (best.serverSeries === 0) {
      findings.push({
        level: 'warning',
        text: `${METRIC_FAMILIES[best.family].title} has no series of server spans, so request rates count client calls.`,
        fix: 'Keep `span_kind` as a dimension of the span metrics and make sure services record server spans.',
      });
    }
  }

  if (configured.family !== 'auto') {
    const chosen = probe.families.find((f) => f.family === configured.family);
    if (!chosen || chosen.series === 0) {
      findings.push({
        level: 'error',
        text: `The configured metric family, ${METRIC_FAMILIES[configured.family].title}, has no series.`,
        fix:
          ranked.length > 0
            ? `Use the detected family, ${METRIC_FAMILIES[ranked[0].family].title}, or set Metric family to Auto.`
            : NO_RED_METRICS_FIX,
      });
    }
  }

  // The family the pages will read: the configured one when it has data, else the best detected.
  const configuredProbe = configured.family === 'auto' ? undefined : ranked.find((f) => f.family === configured.family);
  const effective = configuredProbe ?? ranked[0];
  let detected: MetricsDetection | undefined;
  if (effective) {
    const label = pickMetricServiceLabel(effective);
    const defaultLabel = METRIC_FAMILIES[effective.family].defaultServiceLabel;
    if (effective.labelsError !== undefined) {
      // Unreachable is not absent: nothing is said about the labels Prometheus did not list.
      findings.push({
        level: 'error',
        text: `Prometheus did not answer the label-names request for \`${
          METRIC_FAMILIES[effective.family].requests
        }\` (${effective.labelsError}), so the service label could not be checked.`,
        fix: "Check that Grafana reaches the data source's label API (`api/v1/labels`; a proxy or an access rule in front of Prometheus may refuse it), then run the check again.",
      });
    } else if (configured.serviceLabel && !effective.labels.includes(configured.serviceLabel)) {
      findings.push({
        level: 'error',
        text: `The configured service label \`${configured.serviceLabel}\` is not on \`${
          METRIC_FAMILIES[effective.family].requests
        }\` (labels there: ${effective.labels.join(', ') || 'none'}).`,
        fix: label ? `Use \`${label}\`, or leave the field empty for the family's default.` : undefined,
      });
    }
    if (effective.labelsError !== undefined) {
      detected = undefined; // The family is known, the service label is not: nothing to offer.
    } else if (label) {
      findings.push({ level: 'ok', text: `Services are named by the label \`${label}\`.` });
      detected = { family: effective.family, serviceLabel: label === defaultLabel ? '' : label };
    } else {
      findings.push({
        level: 'error',
        text: `No service label on \`${METRIC_FAMILIES[effective.family].requests}\` (looked for ${defaultLabel}, service_name, service, job).`,
        fix: "Keep the service name as a metric label: in the Collector, add `service.name` to the connector's dimensions or promote resource attributes.",
      });
    }
  }

  if (probe.serviceGraphSeries > 0) {
    findings.push({ level: 'ok', text: `Service graph metrics found (${probe.serviceGraphSeries} edges).` });
  } else {
    findings.push({
      level: 'warning',
      text: 'No service graph metrics (`traces_service_graph_request_total`): the Graph page and neighbours stay empty.',
      fix: "Enable the `service-graphs` processor of Tempo's metrics-generator, or the OpenTelemetry Collector `servicegraph` connector.",
    });
  }

  return report('prometheus', findings, detected);
}

// ---------------------------------------------------------------------------------------------
// Logs.

const TRACE_ID_KEY = 'trace_id';
// OTel trace ids are 32 hex digits; older systems and trimmed ids are shorter.
const HEX_ID = /^[0-9a-fA-F]{16,32}$/;
const LOGFMT_TRACE_ID = /(?:^|\s)trace_id="?([0-9a-fA-F]{16,32})"?(?:\s|$)/;

/** Where the trace id of one sampled line lives, if it has one. */
export function traceIdLocationOf(sample: LogSample): TraceIdLocation | undefined {
  const type = sample.labelTypes?.[TRACE_ID_KEY];
  const value = sample.labels[TRACE_ID_KEY];
  // Old frames have no labelTypes: a trace_id among the labels then came from structured
  // metadata, as the probe query parses nothing.
  if (value !== undefined && HEX_ID.test(value) && (type === undefined || type === 'S')) {
    return 'structured-metadata';
  }
  const line = sample.line.trim();
  if (line.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object') {
        const id = (parsed as Record<string, unknown>)[TRACE_ID_KEY];
        if (typeof id === 'string' && HEX_ID.test(id)) {
          return 'json';
        }
      }
    } catch {
      // Not JSON after all: try logfmt below.
    }
  }
  if (LOGFMT_TRACE_ID.test(line)) {
    return 'logfmt';
  }
  return undefined;
}

const TRACE_ID_TITLES: Record<TraceIdLocation, string> = {
  'structured-metadata': 'structured metadata',
  logfmt: 'the line, as logfmt',
  json: 'the line, as JSON',
};

export function traceIdLocationTitle(location: TraceIdLocation): string {
  return TRACE_ID_TITLES[location];
}

export function detectLogs(probe: LokiProbe, configured: LogConventions): PillarReport<LogConventions> {
  if (!probe.ok) {
    return report('loki', [failureFinding('Loki', probe)]);
  }
  const findings: Finding[] = [];
  const candidates = LOG_SERVICE_LABEL_CANDIDATES.filter((l) => probe.labels.includes(l));

  if (!probe.labels.includes(configured.serviceLabel)) {
    findings.push({
      level: 'error',
      text: `Loki has no label \`${configured.serviceLabel}\` in the last hour.`,
      fix:
        candidates.length > 0
          ? `Use \`${candidates[0]}\` as the service label in logs.`
          : 'Send logs with a label naming the service (Loki 3 OTLP ingestion creates `service_name` from `service.name`).',
    });
  }
  // The configured label when Loki has it (it may be one Pivot does not know), else the
  // first usual candidate.
  const serviceLabel = probe.labels.includes(configured.serviceLabel) ? configured.serviceLabel : candidates[0];
  if (serviceLabel) {
    const others = candidates.filter((l) => l !== serviceLabel);
    findings.push({
      level: 'ok',
      text: `Services in logs are named by \`${serviceLabel}\`${
        others.length > 0 ? ` (also present: ${others.map((l) => `\`${l}\``).join(', ')})` : ''
      }.`,
    });
  } else {
    findings.push({
      level: 'error',
      text: `None of the usual service labels (${LOG_SERVICE_LABEL_CANDIDATES.join(', ')}) is in Loki.`,
      fix: 'Send logs through OTLP (Loki 3 makes `service_name` an index label) or add a service label in your log shipper.',
    });
  }

  const counts = new Map<TraceIdLocation, number>();
  for (const sample of probe.samples) {
    const where = traceIdLocationOf(sample);
    if (where) {
      counts.set(where, (counts.get(where) ?? 0) + 1);
    }
  }
  // Most lines first; on a tie the cheapest to query (structured metadata needs no parsing).
  const order: TraceIdLocation[] = ['structured-metadata', 'logfmt', 'json'];
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]));
  let traceId: TraceIdLocation | undefined;
  if (probe.samples.length === 0) {
    findings.push({
      level: 'warning',
      text: serviceLabel
        ? `No log lines with \`${serviceLabel}\` in the last hour, so where trace_id lives could not be checked.`
        : 'No log lines to check where trace_id lives.',
      fix: 'Run the check again while services are logging.',
    });
  } else if (ranked.length === 0) {
    findings.push({
      level: 'error',
      text: `None of ${probe.samples.length} sampled lines carries a trace_id (looked in structured metadata, logfmt and JSON).`,
      fix: "Log with the OpenTelemetry SDK's log bridge (trace_id becomes structured metadata with OTLP), or add `trace_id` to each line from the active span context.",
    });
  } else {
    traceId = ranked[0][0];
    const [, n] = ranked[0];
    findings.push({
      level: 'ok',
      text: `trace_id found in ${TRACE_ID_TITLES[traceId]} on ${n} of ${probe.samples.length} sampled lines.`,
    });
    if (traceId !== configured.traceId && !counts.has(configured.traceId)) {
      findings.push({
        level: 'error',
        text: `Pivot is set to look for trace_id in ${TRACE_ID_TITLES[configured.traceId]}, but no sampled line has it there.`,
        fix: `Set "trace_id in logs" to ${TRACE_ID_TITLES[traceId]}.`,
      });
    }
  }

  const detected =
    serviceLabel || traceId
      ? { serviceLabel: serviceLabel ?? configured.serviceLabel, traceId: traceId ?? configured.traceId }
      : undefined;
  return report('loki', findings, detected);
}

// ---------------------------------------------------------------------------------------------
// Traces.

export function detectTraces(probe: TempoProbe): PillarReport<never> {
  if (!probe.ok) {
    return report('tempo', [
      {
        ...failureFinding('Tempo', probe),
        fix: 'Check the Tempo data source in Connections → Data sources ("Save & test"); TraceQL search needs Tempo 2.0 or newer.',
      },
    ]);
  }
  if (probe.traces === 0) {
    return report('tempo', [
      {
        level: 'warning',
        text: 'Tempo answers TraceQL search but found no traces in the last hour.',
        fix: 'Check that the OpenTelemetry Collector exports traces to this Tempo, and that tail sampling keeps some.',
      },
    ]);
  }
  return report('tempo', [
    { level: 'ok', text: `Tempo answers TraceQL search (${probe.traces} recent traces found).` },
  ]);
}
