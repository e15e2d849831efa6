/**
 * What `pivot investigate` finds out about one service, section by section, with the app's
 * own query builders (src/datasources/) and analysis (src/analysis/). Each section gathers
 * its part on its own: one that cannot be answered (a backend down, a pillar not given) says
 * why and the others still run.
 *
 * Sections are listed in SECTIONS, in the order they print. A new section (hygiene, suspects)
 * is one more entry there, with its result type in `SectionResults` and its text in render.ts.
 */
import type { DataFrame, FieldType } from '@grafana/data';

import { comparePatterns, type SampleLine } from '../analysis/logPatterns';
import { graphFromMetrics, health, viewGraph, type Health, type Sample } from '../analysis/serviceGraph';
import { MIN_FAILING_SPANS, suspectsView, type VersionFirstSeen } from '../analysis/suspectFrames';
import type { Suspect } from '../analysis/suspects';
import { analyzeTrace, criticalPathMs, timeOnCriticalPath } from '../analysis/traceAnalysis';
import { neighbourRows } from '../components/NeighbourhoodGraph/neighbourRows';
import {
  logql,
  METRIC_FAMILIES,
  METRIC_FAMILY_LIST,
  MetricConventions,
  MetricFamily,
  promql,
  traceql,
} from '../datasources';
import { familyProbeFromCounts, rankFamilies } from '../datasources/detect';
import { prometheusProbeQueries } from '../datasources/probes';
import { graphQueries } from '../datasources/serviceGraph';
import { logsAndTracesName } from '../datasources/serviceNames';
import {
  attributeName,
  PATTERN_SAMPLE_LINES,
  SAMPLE_TRACES,
  SPANS_PER_TRACE,
  suspectSpans,
} from '../datasources/suspectQueries';
import { metricConventionsFor, Pillar, PivotSettings, settingsProblems } from '../settings';
import { lineTraceId } from '../utils/lineTraceId';
import { graphUrl, serviceUrl, traceUrl } from '../utils/links';
import type { Backends, Window } from './backends';

/** Failing traces asked of Tempo's search, as the Service page asks. */
export const FAILING_TRACES = 20;
/** Critical-path spans listed, longest first. */
export const CRITICAL_PATH_STEPS = 8;
/** New and grown log patterns listed. */
export const SHOWN_PATTERNS = 10;

export type Outcome<T> =
  | ({ status: 'ok' } & T)
  /** A backend could not answer, or the settings cannot build the query: exit status 3. */
  | { status: 'error'; error: string }
  /** Not asked: the pillar has no URL, or an earlier step found nothing to ask about. */
  | { status: 'skipped'; reason: string };

export interface Statistics {
  /** Requests per second; undefined when no series answered. */
  requestRate?: number;
  errorRatio?: number;
  p95Seconds?: number;
}

export interface MetricsSection {
  family: MetricFamily;
  /** `configured` (settings or --family) or `detected` from the data, as the pages do. */
  familyHow: 'configured' | 'detected';
  serviceLabel: string;
  now: Statistics;
  before: Statistics;
  /** Pivot's health of the window: critical from a 5% error ratio. */
  health: Health;
  queries: { requestRate: string; errorRatio: string; p95: string };
}

export interface LogsSection {
  query: string;
  lines: Array<{ timeMs: number; traceId: string; line: string }>;
}

export interface TraceSection {
  query: string;
  /** Failing traces the search listed. */
  candidates: number;
  traceId: string;
  rootService: string;
  rootName: string;
  durationMs: number;
  matched?: number;
  failingSpans: number;
  failureOrigin?: {
    spanId: string;
    service: string;
    operation: string;
    message: string;
    durationMs: number;
  };
  /** Where the critical path's time went, by span, longest first. */
  criticalPath: Array<{ spanId: string; service: string; operation: string; ms: number; share: number }>;
}

export interface SuspectsSection {
  /** The two TraceQL samples: the service's failing server and consumer spans and its other spans of those kinds. */
  queries: { failing: string; baseline: string };
  /**
   * `ranked`: suspects found; `none`: nothing stands out; `too-few-failing`: fewer than
   * `minFailing` failing spans; `no-select`: Tempo answered without the selected attributes
   * (no TraceQL select()); `no-baseline`: every sampled span failed.
   */
  state: 'ranked' | 'none' | 'too-few-failing' | 'no-select' | 'no-baseline';
  /** Spans in each sample (the baseline's unknown when it was not needed). */
  failing: number;
  baseline?: number;
  minFailing: number;
  /** With `no-select`: Tempo's own words when it refused the query (a TraceQL parse error: no select() before Tempo 2.2). */
  refusal?: string;
  /** Most suspicious first; `attribute` is the scoped name (`resource.service.version`), `name` as Tempo names it. */
  suspects: Array<Suspect & { name: string }>;
  /** When the suspect version first shows in the samples (only when service.version is a suspect). */
  version?: VersionFirstSeen;
}

export interface PatternsSection {
  query: string;
  /** Error lines read from each window (newest first, at most `sample`). */
  sample: number;
  lines: { now: number; before: number };
  /** New patterns, then grown ones (at most SHOWN_PATTERNS), each with one example trace id where its lines have one. */
  patterns: Array<{ pattern: string; status: 'new' | 'grown'; now: number; before: number; traceId?: string }>;
  /** New and grown patterns beyond those listed. */
  more: number;
  /** Patterns of this window that are neither new nor grown. */
  steady: number;
}

export interface Neighbour {
  service: string;
  kind: string;
  requestRate: number;
  errorRatio: number;
  health: Health;
}

export interface NeighboursSection {
  upstream: Neighbour[];
  downstream: Neighbour[];
}

export interface LinksSection {
  service: string;
  trace?: string;
  graph: string;
}

/** The result of every section, by id. */
export interface SectionResults {
  metrics: Outcome<MetricsSection>;
  suspects: Outcome<SuspectsSection>;
  logs: Outcome<LogsSection>;
  patterns: Outcome<PatternsSection>;
  trace: Outcome<TraceSection>;
  neighbours: Outcome<NeighboursSection>;
  links: Outcome<LinksSection>;
}

export type SectionId = keyof SectionResults;

/** The sections in the order they print (and appear in the JSON). */
export const SECTIONS: SectionId[] = ['metrics', 'suspects', 'logs', 'patterns', 'trace', 'neighbours', 'links'];

export interface Investigation {
  service: string;
  window: { fromMs: number; toMs: number; since: string };
  before: { fromMs: number; toMs: number };
  sources: Partial<Record<Pillar, string>>;
  sections: SectionResults;
}

export interface InvestigateInput {
  service: string;
  since: string;
  sinceMs: number;
  untilMs: number;
  /** Pivot's settings (saved in Grafana, or made from the command's options). */
  settings: PivotSettings;
  backends: Backends;
  lines: number;
  /** Grafana's root URL to prefix Pivot links with; paths alone without it. */
  linkBase?: string;
}

/**
 * The name logs, traces and the service graph (made from traces) know the service by: the
 * metrics' name mapped as the Service page maps it (`job="shop/checkout"` is
 * `service_name="checkout"`: datasources/serviceNames.ts).
 */
function tracesName(input: InvestigateInput): string {
  return logsAndTracesName(input.settings.metrics, input.service);
}

function failure(error: unknown): { status: 'error'; error: string } {
  return { status: 'error', error: error instanceof Error ? error.message : String(error) };
}

const notGiven = (pillar: string) => ({
  status: 'skipped' as const,
  reason: `no ${pillar} to ask (give --${pillar.toLowerCase()} <url>)`,
});

/** The one value of a `sum by (service)` answer: the series of the service, if any. */
function single(samples: Sample[] | undefined): number | undefined {
  const values = (samples ?? []).map((s) => s.value).filter((v) => !Number.isNaN(v));
  return values.length > 0 ? values[0] : undefined;
}

/** The metric family to query with: the configured one, else detected as the pages do (probes.ts, detect.ts). */
async function chooseFamily(
  input: InvestigateInput
): Promise<{ family: MetricFamily; how: 'configured' | 'detected' } | undefined> {
  const configured = input.settings.metrics.family;
  if (configured !== 'auto') {
    return { family: configured, how: 'configured' };
  }
  const answers = await input.backends.prometheus!(prometheusProbeQueries(), {
    fromMs: input.untilMs - 3600_000,
    toMs: input.untilMs,
  });
  const count = (refId: string) => single(answers.get(refId)) ?? 0;
  const best = rankFamilies(METRIC_FAMILY_LIST.map((family) => familyProbeFromCounts(family, count)))[0];
  return best ? { family: best.family, how: 'detected' } : undefined;
}

async function statistics(input: InvestigateInput, conv: MetricConventions, window: Window) {
  const opts = { service: input.service, window: input.since };
  const queries = {
    requestRate: promql.requestRate(conv, opts),
    errorRatio: promql.errorRatio(conv, opts),
    p95: promql.latencyQuantile(conv, { ...opts, quantile: 0.95 }),
  };
  const answers = await input.backends.prometheus!(
    Object.entries(queries).map(([refId, expr]) => ({ refId, expr })),
    window
  );
  const stats: Statistics = {
    requestRate: single(answers.get('requestRate')),
    errorRatio: single(answers.get('errorRatio')),
    p95Seconds: single(answers.get('p95')),
  };
  return { queries, stats };
}

async function metricsSection(
  input: InvestigateInput,
  windows: { now: Window; before: Window }
): Promise<Outcome<MetricsSection>> {
  if (!input.backends.prometheus) {
    return notGiven('Prometheus');
  }
  const problem = settingsProblems(input.settings).prometheus;
  if (problem) {
    return { status: 'error', error: problem };
  }
  try {
    const choice = await chooseFamily(input);
    if (!choice) {
      return {
        status: 'error',
        error: `no metric family has series in Prometheus over the last hour (looked for ${METRIC_FAMILY_LIST.map((f) => METRIC_FAMILIES[f].requests).join(', ')}): produce RED metrics (docs/conventions.md) or give --family`,
      };
    }
    const conv = metricConventionsFor(input.settings, choice.family);
    const [now, before] = await Promise.all([
      statistics(input, conv, windows.now),
      statistics(input, conv, windows.before),
    ]);
    return {
      status: 'ok',
      family: choice.family,
      familyHow: choice.how,
      serviceLabel: conv.serviceLabel,
      now: now.stats,
      before: before.stats,
      health: health(now.stats.errorRatio, now.stats.requestRate ?? 0),
      queries: now.queries,
    };
  } catch (error) {
    return failure(error);
  }
}

async function logsSection(input: InvestigateInput, window: Window): Promise<Outcome<LogsSection>> {
  if (!input.backends.loki) {
    return notGiven('Loki');
  }
  const problem = settingsProblems(input.settings).loki;
  if (problem) {
    return { status: 'error', error: problem };
  }
  try {
    const query = logql.serviceLogs(input.settings.logs, { service: tracesName(input), errorsOnly: true });
    const lines = await input.backends.loki(query, window, input.lines);
    return {
      status: 'ok',
      query,
      lines: lines.map((l) => ({
        timeMs: l.timeMs,
        traceId: lineTraceId(l.labels, l.line, input.settings.logs.traceId),
        line: l.line,
      })),
    };
  } catch (error) {
    return failure(error);
  }
}

async function traceSection(input: InvestigateInput, window: Window): Promise<Outcome<TraceSection>> {
  const tempo = input.backends.tempo;
  if (!tempo) {
    return notGiven('Tempo');
  }
  try {
    const query = traceql.failingSpans({ service: tracesName(input) });
    const hits = (await tempo.search(query, window, FAILING_TRACES)).filter((h) => h.traceId !== '');
    if (hits.length === 0) {
      return { status: 'skipped', reason: `no failing trace of this service in the window (Tempo search ${query})` };
    }
    // The worst: the most failing spans matched, then the longest, then the newest.
    const worst = [...hits].sort(
      (a, b) => (b.matched ?? 0) - (a.matched ?? 0) || b.durationMs - a.durationMs || b.startMs - a.startMs
    )[0];
    const frame: DataFrame | undefined = await tempo.trace(worst.traceId, window);
    if (!frame) {
      return {
        status: 'error',
        error: `Tempo listed trace ${worst.traceId} in its search but does not return it by id`,
      };
    }
    const analysis = analyzeTrace(frame);
    const origin = analysis.failureOrigin;
    const total = criticalPathMs(analysis.criticalPathColumns);
    return {
      status: 'ok',
      query,
      candidates: hits.length,
      traceId: worst.traceId,
      rootService: worst.rootService,
      rootName: worst.rootName,
      durationMs: analysis.durationMs || worst.durationMs,
      matched: worst.matched,
      failingSpans: analysis.failingSpanCount,
      failureOrigin: origin && {
        spanId: origin.spanId,
        service: origin.serviceName,
        operation: origin.operationName,
        message: origin.statusMessage,
        durationMs: origin.durationMs,
      },
      criticalPath: timeOnCriticalPath(analysis.criticalPathColumns)
        .slice(0, CRITICAL_PATH_STEPS)
        .map(({ spanId, ms }) => {
          const span = analysis.getSpan(spanId);
          return {
            spanId,
            service: span?.serviceName ?? '',
            operation: span?.operationName ?? '',
            ms,
            share: total > 0 ? ms / total : 0,
          };
        }),
    };
  } catch (error) {
    return failure(error);
  }
}

/**
 * "What the failing requests share": a bounded sample of the service's failing server and consumer
 * spans and one of its other spans of those kinds (suspectQueries.ts), ranked by `suspectsView` as the Service page does.
 */
async function suspectsSection(input: InvestigateInput, window: Window): Promise<Outcome<SuspectsSection>> {
  const tempo = input.backends.tempo;
  if (!tempo) {
    return notGiven('Tempo');
  }
  try {
    const queries = {
      failing: suspectSpans(tracesName(input), 'failing'),
      baseline: suspectSpans(tracesName(input), 'baseline'),
    };
    const [failing, baseline] = await Promise.all([
      tempo.spans(queries.failing, window, SAMPLE_TRACES, SPANS_PER_TRACE),
      tempo.spans(queries.baseline, window, SAMPLE_TRACES, SPANS_PER_TRACE),
    ]);
    const view = suspectsView(failing, baseline);
    const common = { queries, failing: view.failing, minFailing: MIN_FAILING_SPANS, suspects: [] };
    switch (view.kind) {
      case 'not-enough':
        return { status: 'ok', ...common, state: 'too-few-failing' };
      case 'no-selection':
        return { status: 'ok', ...common, state: 'no-select' };
      case 'no-baseline':
        return { status: 'ok', ...common, state: 'no-baseline', baseline: 0 };
      case 'none':
        return { status: 'ok', ...common, state: 'none', baseline: view.baseline };
      case 'ranked':
        return {
          status: 'ok',
          ...common,
          state: 'ranked',
          baseline: view.baseline,
          suspects: view.suspects.map((s) => ({ ...s, name: attributeName(s.attribute) })),
          version: view.deploy,
        };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The queries are Pivot's own: a TraceQL parse error is a Tempo without select() (before 2.2).
    if (TRACEQL_PARSE_ERROR.test(message)) {
      return {
        status: 'ok',
        queries: {
          failing: suspectSpans(tracesName(input), 'failing'),
          baseline: suspectSpans(tracesName(input), 'baseline'),
        },
        state: 'no-select',
        failing: 0,
        minFailing: MIN_FAILING_SPANS,
        suspects: [],
        refusal: message,
      };
    }
    return failure(error);
  }
}

/** How Tempo words a TraceQL query it cannot parse. */
const TRACEQL_PARSE_ERROR = /parse error|syntax error/i;

/**
 * "New and grown error-log patterns": the service's error lines of this window and the one
 * before (PATTERN_SAMPLE_LINES each, newest first), grouped and compared by `comparePatterns`.
 */
async function patternsSection(
  input: InvestigateInput,
  windows: { now: Window; before: Window }
): Promise<Outcome<PatternsSection>> {
  const loki = input.backends.loki;
  if (!loki) {
    return notGiven('Loki');
  }
  const problem = settingsProblems(input.settings).loki;
  if (problem) {
    return { status: 'error', error: problem };
  }
  try {
    const query = logql.serviceLogs(input.settings.logs, { service: tracesName(input), errorsOnly: true });
    const sample = async (window: Window): Promise<SampleLine[]> =>
      (await loki(query, window, PATTERN_SAMPLE_LINES)).map((l) => ({
        timeMs: l.timeMs,
        line: l.line,
        traceId: lineTraceId(l.labels, l.line, input.settings.logs.traceId),
      }));
    const [now, before] = await Promise.all([sample(windows.now), sample(windows.before)]);
    const compared = comparePatterns(now, before);
    const moved = compared.filter((p) => p.status === 'new' || p.status === 'grown');
    return {
      status: 'ok',
      query,
      sample: PATTERN_SAMPLE_LINES,
      lines: { now: now.length, before: before.length },
      patterns: moved.slice(0, SHOWN_PATTERNS).map((p) => ({
        pattern: p.pattern,
        status: p.status as 'new' | 'grown',
        now: p.current,
        before: p.previous,
        traceId: p.examples.find((e) => e.traceId !== '')?.traceId,
      })),
      more: Math.max(0, moved.length - SHOWN_PATTERNS),
      steady: compared.length - moved.length,
    };
  } catch (error) {
    return failure(error);
  }
}

/** Samples as the frames `graphFromMetrics` reads (one frame per series, the value in a labelled number field). */
function framesOf(answers: Map<string, Sample[]>): DataFrame[] {
  const frames: DataFrame[] = [];
  for (const [refId, samples] of answers) {
    for (const s of samples) {
      frames.push({
        refId,
        length: 1,
        fields: [{ name: 'Value', type: 'number' as FieldType, config: {}, labels: s.labels, values: [s.value] }],
      });
    }
  }
  return frames;
}

async function neighboursSection(input: InvestigateInput, window: Window): Promise<Outcome<NeighboursSection>> {
  if (!input.backends.prometheus) {
    return notGiven('Prometheus');
  }
  try {
    const service = tracesName(input);
    const queries = graphQueries({ window: input.since, service });
    const answers = await input.backends.prometheus(queries, window);
    const graph = graphFromMetrics(framesOf(answers), { statsFor: new Set([service]) });
    const view = viewGraph(graph, { focus: service, depth: 1 });
    const rows = neighbourRows(view.graph, service);
    const withHealth = (n: (typeof rows.upstream)[number]): Neighbour => ({
      service: n.service,
      kind: n.kind,
      requestRate: n.requestRate,
      errorRatio: n.errorRatio,
      health: health(n.errorRatio, n.requestRate),
    });
    return { status: 'ok', upstream: rows.upstream.map(withHealth), downstream: rows.downstream.map(withHealth) };
  } catch (error) {
    return failure(error);
  }
}

function linksSection(input: InvestigateInput, window: Window, trace: Outcome<TraceSection>): Outcome<LinksSection> {
  const range = { from: window.fromMs, to: window.toMs };
  const base = input.linkBase ?? '';
  return {
    status: 'ok',
    service: base + serviceUrl(input.service, range),
    trace:
      trace.status === 'ok'
        ? base + traceUrl(trace.traceId, { range, spanId: trace.failureOrigin?.spanId })
        : undefined,
    graph: base + graphUrl({ range, focus: tracesName(input), depth: 1 }),
  };
}

export async function investigate(input: InvestigateInput): Promise<Investigation> {
  const now = { fromMs: input.untilMs - input.sinceMs, toMs: input.untilMs };
  const before = { fromMs: now.fromMs - input.sinceMs, toMs: now.fromMs };
  const [metrics, suspects, logs, patterns, trace, neighbours] = await Promise.all([
    metricsSection(input, { now, before }),
    suspectsSection(input, now),
    logsSection(input, now),
    patternsSection(input, { now, before }),
    traceSection(input, now),
    neighboursSection(input, now),
  ]);
  return {
    service: input.service,
    window: { ...now, since: input.since },
    before,
    sources: input.backends.sources,
    sections: { metrics, suspects, logs, patterns, trace, neighbours, links: linksSection(input, now, trace) },
  };
}

/** 1 when the service is failing, else 3 when a section could not be answered, else 0 (docs/investigate-cli.md). */
export function exitCodeOf(investigation: Investigation): 0 | 1 | 3 {
  const { metrics } = investigation.sections;
  if (metrics.status === 'ok' && metrics.health === 'critical') {
    return 1;
  }
  return SECTIONS.some((id) => investigation.sections[id].status === 'error') ? 3 : 0;
}
