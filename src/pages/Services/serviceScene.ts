import { map } from 'rxjs';
import { DataFrame } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  CustomTransformOperator,
  EmbeddedScene,
  PanelBuilders,
  SceneDataQuery,
  SceneDataTransformer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneQueryRunner,
  VizPanel,
} from '@grafana/scenes';
import { withAddToDashboard } from '../../components/AddToDashboard/AddToDashboardButton';
import type { PivotContext } from '../../pivotContext';
import { withVerbatimTitle } from '../../components/verbatimTitle';
import { neighbourhoodGraph } from '../../components/NeighbourhoodGraph/NeighbourhoodGraph';
import { logql, METRIC_FAMILIES, MetricConventions, promql, traceql, TraceIdLocation } from '../../datasources';
import { dsRef, type DataSourceSummary } from '../../datasources/lookup';
import type { PivotSettings } from '../../settings';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { buildQueries } from '../../scenes/dataState';
import { PillarSection } from '../../scenes/PillarSection';
import { withLineFields } from '../../scenes/logLineFields';
import {
  ERROR_EXEMPLARS_REF,
  errorPanelFrames,
  failedRequestRate,
  LATENCY_EXEMPLARS_REF,
  panelFrames,
} from './errorExemplars';
import { pageScene } from '../../scenes/pageControls';
import { PromQuery } from './servicesScene';
import { countTraceIds, exemplarMomentLink, traceDataLink, withTraceIdLinks } from '../../utils/traceLinks';
import { textValues } from '../../utils/i18nValues';
import { logsAndTracesName } from '../../datasources/serviceNames';
import { suspectsSection } from './SuspectsSection';
import { logPatternsSection } from './LogPatternsSection';
import { hygieneSection } from './HygieneSection';
import { withServicePrometheusRequest } from './servicePrometheus';
import { consumerOnlyRate, familyCountsConsumers, serverOrConsumerOnly } from '../../datasources/consumerQueries';
import {
  consumerNote,
  consumerWords,
  MESSAGES_REF,
  PanelWords,
  retitledForConsumers,
  shownForConsumers,
} from './consumerView';

/** Error log lines asked of Loki for the window: the newest first. */
export const LOG_LINES = 200;
/** Failing traces asked of Tempo for the window. */
export const FAILING_TRACES = 20;

export const SERVICE_REFS = {
  errorRatio: 'errorRatio',
  latency: 'p95',
  logs: 'errorLogs',
  traces: 'failingTraces',
} as const;

export interface LokiQuery extends SceneDataQuery {
  expr: string;
  queryType: 'range';
  maxLines: number;
  direction: 'backward';
}

export interface TempoQuery extends SceneDataQuery {
  queryType: 'traceql';
  query: string;
  limit: number;
  tableType: 'traces';
}

/**
 * The metric panels' queries: range queries with exemplars, so a dot on the panel opens its
 * trace. For the span-metrics families, a service with no server spans in the window gets the
 * statistics of its consumer spans instead, and a messages-processed query that answers only
 * then (consumerQueries.ts, consumerView.ts): raw series, the recorded ones count server spans only.
 */
export function serviceMetricQueries(
  conv: MetricConventions,
  service: string
): {
  errorRatio: PromQuery;
  latency: PromQuery;
  errorExemplars: PromQuery;
  latencyExemplars: PromQuery;
  messages?: PromQuery;
} {
  const opts = { service, window: '$__rate_interval' };
  const messages = consumerOnlyRate(conv, service, opts.window);
  const consumers = familyCountsConsumers(conv);
  // Exemplars come from queries of the selectors whose exemplars belong on each panel only
  // (errorExemplars.ts): the statistics' `unless` holds the request counter, whose exemplars
  // are every request's.
  const eitherKind = (statistic: (consumer: boolean) => string) =>
    consumers ? `(${statistic(false)}) or (${statistic(true)})` : statistic(false);
  const range = { instant: false, range: true };
  return {
    errorRatio: {
      refId: SERVICE_REFS.errorRatio,
      expr: serverOrConsumerOnly(conv, service, (consumer) => promql.errorRatio(conv, { ...opts, consumer })),
      ...range,
      exemplar: false,
    },
    errorExemplars: {
      refId: ERROR_EXEMPLARS_REF,
      expr: eitherKind((consumer) => failedRequestRate(conv, service, opts.window, consumer)),
      ...range,
      exemplar: true,
    },
    latency: {
      refId: SERVICE_REFS.latency,
      expr: serverOrConsumerOnly(conv, service, (consumer) =>
        promql.latencyQuantile(conv, { ...opts, quantile: 0.95, consumer })
      ),
      ...range,
      exemplar: false,
    },
    latencyExemplars: {
      refId: LATENCY_EXEMPLARS_REF,
      expr: eitherKind((consumer) => promql.latencyQuantile(conv, { ...opts, quantile: 0.95, consumer })),
      ...range,
      exemplar: true,
    },
    ...(messages === undefined ? {} : { messages: { refId: MESSAGES_REF, expr: messages, ...range, exemplar: false } }),
  };
}

export function serviceLogsQuery(settings: PivotSettings, service: string): LokiQuery {
  return {
    refId: SERVICE_REFS.logs,
    expr: logql.serviceLogs(settings.logs, { service, errorsOnly: true }),
    queryType: 'range',
    maxLines: LOG_LINES,
    direction: 'backward',
  };
}

export function failingTracesQuery(service: string): TempoQuery {
  return {
    refId: SERVICE_REFS.traces,
    queryType: 'traceql',
    query: traceql.failingSpans({ service }),
    limit: FAILING_TRACES,
    tableType: 'traces',
  };
}

/** Adds the Trace page link to every logs frame's trace ids (src/utils/traceLinks.ts). */
export function traceIdLinksOperator(location: TraceIdLocation): CustomTransformOperator {
  return () => (source) => source.pipe(map((frames: DataFrame[]) => frames.map((f) => withTraceIdLinks(f, location))));
}

/** Where log lines carry the trace id, in words. */
function locationTitle(location: TraceIdLocation): string {
  switch (location) {
    case 'structured-metadata':
      return t('pivot.services.service.trace-id-in.structured-metadata', 'structured metadata');
    case 'logfmt':
      return t('pivot.services.service.trace-id-in.logfmt', 'the line (logfmt)');
    case 'json':
      return t('pivot.services.service.trace-id-in.json', 'the line (JSON)');
  }
}

/** Exemplars carry the trace id as `traceID` (Tempo's generator) or `trace_id` (OTel exporters). */
const EXEMPLAR_TRACE_ID_FIELDS = ['traceID', 'trace_id'];

function metricPanel(
  service: string,
  title: string,
  description: string,
  unit: string,
  consumer?: PanelWords
): VizPanel {
  // An exemplar opens its trace, or narrows this page to the minutes around it.
  const links = [
    traceDataLink(),
    exemplarMomentLink(service, t('pivot.services.service.exemplar-moment', 'Narrow to this moment')),
  ];
  return withAddToDashboard(
    PanelBuilders.timeseries()
      .setTitle(title)
      .setDescription(description)
      .setUnit(unit)
      .setMin(0)
      .setOverrides((b) => {
        for (const name of EXEMPLAR_TRACE_ID_FIELDS) {
          b.matchFieldsWithName(name).overrideLinks(links);
        }
      })
      // A queue consumer's page retitles the panel (consumerView.ts).
      .setBehaviors(consumer ? [retitledForConsumers({ title, description }, consumer)] : [])
      .build()
  );
}

/** The metric panels' queries, in the order they are sent. */
function panelQueriesOf(conv: MetricConventions, service: string): PromQuery[] {
  const q = serviceMetricQueries(conv, service);
  return [q.errorRatio, q.latency, q.errorExemplars, q.latencyExemplars, ...(q.messages ? [q.messages] : [])];
}

/** Keeps the frames of one query (its refId) from a request that holds several. */
function onlyRefId(refId: string, conv: MetricConventions): CustomTransformOperator {
  if (refId === SERVICE_REFS.errorRatio) {
    // With the failed requests' exemplars (errorExemplars.ts).
    return () => (source) => source.pipe(map((frames: DataFrame[]) => errorPanelFrames(frames, refId)));
  }
  if (refId === SERVICE_REFS.latency) {
    // With the latency buckets' exemplars, in seconds as the quantile is.
    const scale = METRIC_FAMILIES[conv.family].latencyToSeconds;
    return () => (source) =>
      source.pipe(map((frames: DataFrame[]) => panelFrames(frames, refId, LATENCY_EXEMPLARS_REF, scale)));
  }
  return () => (source) => source.pipe(map((frames: DataFrame[]) => frames.filter((f) => f.refId === refId)));
}

function metricSections(
  service: string,
  conv: MetricConventions,
  ds: DataSourceSummary,
  shared = false
): SceneFlexLayout {
  const queries = serviceMetricQueries(conv, service);
  const emptyMessage = t(
    'pivot.services.service.metrics-empty',
    'No requests for {{service}} in this window under {{family}}: check the metric family and the service label ({{label}}) in Configuration, or widen the time range.',
    textValues({ service, family: METRIC_FAMILIES[conv.family].title, label: conv.serviceLabel })
  );
  const section = (name: string, what: string, query: PromQuery, panel: VizPanel, note?: string) =>
    new SceneFlexItem({
      body: new PillarSection({
        name,
        what,
        pillar: 'prometheus',
        emptyMessage,
        height: 260,
        body: panel,
        note: note === undefined ? undefined : () => note,
        // Its own query's frames, from the one request both panels share (the row's $data).
        $data: new SceneDataTransformer({ transformations: [onlyRefId(query.refId, conv)] }),
      }),
    });
  const consumer = queries.messages ? consumerWords() : undefined;
  // A queue consumer's messages processed: shown only when its query answers (consumerView.ts).
  const messages =
    queries.messages && consumer
      ? [
          section(
            'messages',
            t('pivot.services.service.consumer.messages-what', 'the messages processed'),
            queries.messages,
            metricPanel(service, consumer.messages.title, consumer.messages.description, 'short'),
            consumerNote(service)
          ),
        ]
      : [];
  for (const item of messages) {
    item.setState({ isHidden: true, $behaviors: [shownForConsumers] });
  }
  return new SceneFlexLayout({
    direction: 'row',
    // Both panels ask the same data source: one request; with `shared`, the page's one request
    // to Prometheus (servicePrometheus.ts), else their own.
    $data: shared ? undefined : new SceneQueryRunner({ datasource: dsRef(ds), queries: panelQueriesOf(conv, service) }),
    children: [
      ...messages,
      section(
        'error-ratio',
        t('pivot.services.service.error-ratio-what', 'the error ratio'),
        queries.errorRatio,
        metricPanel(
          service,
          t('pivot.services.service.error-ratio-title', 'Error ratio'),
          t(
            'pivot.services.service.error-ratio-description',
            'Failed / all requests. Drag across the panel to narrow the page to a window.'
          ),
          'percentunit',
          consumer?.errorRatio
        )
      ),
      section(
        'latency',
        t('pivot.services.service.latency-what', 'the latency'),
        queries.latency,
        metricPanel(
          service,
          t('pivot.services.service.latency-title', 'p95 latency'),
          t(
            'pivot.services.service.latency-description',
            '95th percentile request latency. Drag across the panel to narrow the page to a window.'
          ),
          's',
          consumer?.latency
        )
      ),
    ],
  });
}

function logsSection(ctx: PivotContext, service: string): PillarSection {
  const loki = ctx.datasources.loki;
  const { logs } = ctx.settings;
  const common = {
    name: 'logs',
    what: t('pivot.services.service.logs-what', 'error logs'),
    pillar: 'loki' as const,
    emptyMessage: t(
      'pivot.services.service.logs-empty',
      'No error logs for {{service}} in this window (Loki, label {{label}}): if the service logs errors, check the Loki service label in Configuration.',
      textValues({ service, label: logs.serviceLabel })
    ),
  };
  if (!loki.ok) {
    return new PillarSection({ ...common, problem: loki.message });
  }
  const query = buildQueries(() => serviceLogsQuery(ctx.settings, service));
  if (!query.ok) {
    return new PillarSection({ ...common, problem: query.message });
  }
  return new PillarSection({
    ...common,
    height: 420,
    note: (data) =>
      countTraceIds(data.series) === 0
        ? t(
            'pivot.services.service.no-trace-ids',
            'No log line here carries a trace_id in {{location}}: check the Loki convention ("trace_id in logs") in Configuration.',
            textValues({ location: locationTitle(logs.traceId) })
          )
        : undefined,
    $data: new SceneDataTransformer({
      $data: new SceneQueryRunner({ datasource: dsRef(loki.ds), queries: [query.queries] }),
      transformations: [traceIdLinksOperator(logs.traceId)],
    }),
    body: withAddToDashboard(
      withVerbatimTitle(
        withLineFields(PanelBuilders.logs())
          .setDescription(
            t('pivot.services.service.logs-description', 'Open a line and follow its trace_id to the Trace page.')
          )
          .setOption('showTime', true)
          .setOption('wrapLogMessage', true)
          .setOption('enableLogDetails', true)
          .build(),
        t('pivot.services.service.logs-title', 'Error logs of {{service}}', textValues({ service }))
      )
    ),
  });
}

function tracesSection(ctx: PivotContext, service: string): PillarSection {
  const tempo = ctx.datasources.tempo;
  const common = {
    name: 'traces',
    what: t('pivot.services.service.traces-what', 'failing traces'),
    pillar: 'tempo' as const,
    emptyMessage: t(
      'pivot.services.service.traces-empty',
      'No failing traces of {{service}} in this window (Tempo): no server or consumer span of {{service}} (requests served, messages processed) had error status, or Tempo has not received its traces.',
      textValues({ service })
    ),
  };
  if (!tempo.ok) {
    return new PillarSection({ ...common, problem: tempo.message });
  }
  const query = buildQueries(() => failingTracesQuery(service));
  if (!query.ok) {
    return new PillarSection({ ...common, problem: query.message });
  }
  return new PillarSection({
    ...common,
    height: 360,
    $data: new SceneQueryRunner({ datasource: dsRef(tempo.ds), queries: [query.queries] }),
    body: withAddToDashboard(
      withVerbatimTitle(
        PanelBuilders.table()
          .setDescription(
            t(
              'pivot.services.service.traces-description',
              'Server and consumer spans (requests served, messages processed) with error status. A trace id opens the Trace page.'
            )
          )
          .setOverrides((b) => b.matchFieldsWithName('traceID').overrideLinks([traceDataLink()]))
          .build(),
        t('pivot.services.service.traces-title', 'Failing traces of {{service}}', textValues({ service }))
      )
    ),
  });
}

/**
 * The Service page: error ratio and latency (exemplars on), then, for the same window, the
 * service's error logs, its failing traces and its neighbourhood graph (callers and callees,
 * drawn and listed from one request). One time range drives all of it, so dragging across a
 * metric panel or using the time picker narrows everything.
 */
export function buildServiceScene(ctx: PivotContext, service: string): EmbeddedScene {
  // The page is opened with the metrics' name; logs and traces may know the service by
  // another (job="shop/checkout" is service_name="checkout": datasources/serviceNames.ts).
  const named = logsAndTracesName(ctx.settings.metrics, service);
  // The page's Prometheus queries (panels, neighbourhood graph) go in one request.
  const shared = ctx.datasources.prometheus.ok;
  const scene = pageScene([
    metricFamilyGate(ctx, (conv, ds) => metricSections(service, conv, ds, shared)),
    suspectsSection(ctx, named),
    logPatternsSection(ctx, named),
    logsSection(ctx, named),
    new SceneFlexLayout({
      direction: 'row',
      children: [
        new SceneFlexItem({ body: tracesSection(ctx, named) }),
        new SceneFlexItem({ width: '45%', body: neighbourhoodGraph(ctx, named, shared) }),
      ],
    }),
    hygieneSection(ctx, service),
  ]);
  withServicePrometheusRequest(scene, {
    ctx,
    service: named,
    panelQueries: (conv) => panelQueriesOf(conv, service),
  });
  return scene;
}
