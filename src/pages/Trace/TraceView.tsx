import React from 'react';
import { map } from 'rxjs';
import { css } from '@emotion/css';
import {
  DataFrame,
  dateTimeFormat,
  Field,
  FieldType,
  GrafanaTheme2,
  LinkModel,
  LoadingState,
  PanelData,
} from '@grafana/data';
import {
  CustomTransformOperator,
  PanelBuilders,
  SceneComponentProps,
  SceneDataNode,
  SceneDataTransformer,
  SceneObjectBase,
  SceneObjectState,
  SceneObjectUrlSyncConfig,
  SceneObjectUrlValues,
  SceneQueryRunner,
  VizPanel,
} from '@grafana/scenes';
import { t, Trans } from '@grafana/i18n';
import { LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { analyzeTrace, TraceAnalysis } from '../../analysis/traceAnalysis';
import { traceGraphFrames } from '../../analysis/traceGraphFrames';
import { withAddToDashboard } from '../../components/AddToDashboard/AddToDashboardButton';
import type { PivotContext } from '../../pivotContext';
import { Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { textValues } from '../../utils/i18nValues';
import { serviceRowUrlTemplate, traceUrl, URL_KEYS, UrlTimeRange } from '../../utils/links';
import { buildQueries } from '../../scenes/dataState';
import { PillarSection } from '../../scenes/PillarSection';
import { withLineFields } from '../../scenes/logLineFields';
import { dsRef } from '../../datasources/lookup';
import { TraceSummary } from './TraceSummary';
import { traceLogsQuery } from './traceQueries';
import { traceLogWindow } from '../../datasources/tempoAnswers';
import { absoluteRange, logWindowNote, TraceLoadState, traceLoadState } from './traceState';
import { BoundedPageTimeRange, TraceWindowTimeRange } from './TraceWindowTimeRange';
import { errorMessage } from '../../utils/errors';
import { traceFrameWindow, withSpanServiceLinks } from '../../utils/traceLinks';

/** Options of Grafana's traces panel that Pivot sets (the panel is core Grafana: not typed in npm). */
export interface TracesPanelOptions {
  focusedSpanId?: string;
  createFocusSpanLink?: (traceId: string, spanId: string) => LinkModel<Field>;
}

export const SECTION_NAMES = testIds.trace.sections;

export interface TraceViewState extends SceneObjectState {
  /** The settings and data sources the logs section is built from. */
  ctx: PivotContext;
  /** Normalised (lowercase hex, no leading zeros). */
  traceId: string;
  focusedSpanId?: string;
  load: TraceLoadState;
  analysis?: TraceAnalysis;
  /** Why Tempo's answer could not be read as a trace (a malformed frame): shown instead of the trace. */
  readProblem?: string;
  /** Why Tempo cannot be asked (missing or wrong data source): the logs are still read. */
  tempoProblem?: string;
  waterfall: VizPanel<TracesPanelOptions>;
  /** The trace's logs; its `$timeRange` is the window they are read in. */
  logs?: PillarSection;
  graph?: PillarSection;
}

/**
 * The Trace page's content: Tempo's answer (its `$data`) decides the state; a trace is
 * analysed once per answer, and its logs section is rebuilt only when the services or the
 * window it reads change. The focused span lives in the URL (`span`).
 */
export class TraceView extends SceneObjectBase<TraceViewState> {
  static Component = TraceViewRenderer;

  protected _urlSync = new SceneObjectUrlSyncConfig(this, { keys: [URL_KEYS.span] });

  private analysedFrame?: DataFrame;
  private logsKey?: string;

  constructor(state: Omit<TraceViewState, 'load' | 'waterfall'> & Partial<Pick<TraceViewState, 'load' | 'waterfall'>>) {
    super({ ...state, load: state.load ?? { kind: 'loading' }, waterfall: state.waterfall ?? buildWaterfall() });
    // The waterfall's span links call back into this view: set here, so a clone's waterfall
    // (copied with the original's options) calls the clone.
    this.state.waterfall.setState({
      options: {
        ...this.state.waterfall.state.options,
        focusedSpanId: state.focusedSpanId,
        createFocusSpanLink: (traceId, spanId) => this.focusSpanLink(traceId, spanId),
      },
    });
    this.addActivationHandler(() => this.onActivate());
  }

  private onActivate() {
    const runner = this.state.$data;
    if (!runner) {
      this.setState({ load: { kind: 'error', message: this.state.tempoProblem ?? '' } });
      this.updateLogs(undefined);
      return;
    }
    this.onData(runner.state.data);
    this._subs.add(
      runner.subscribeToState((next, previous) => {
        if (next.data !== previous.data) {
          this.onData(next.data);
        }
      })
    );
  }

  getUrlState(): SceneObjectUrlValues {
    return { [URL_KEYS.span]: this.state.focusedSpanId };
  }

  updateFromUrl(values: SceneObjectUrlValues): void {
    const span = values[URL_KEYS.span];
    const next = typeof span === 'string' && span !== '' ? span : undefined;
    if (next !== this.state.focusedSpanId) {
      this.focusSpan(next);
    }
  }

  /** Focuses a span in the waterfall; the URL follows. */
  focusSpan(spanId: string | undefined) {
    this.setState({ focusedSpanId: spanId });
    // Set in state rather than through onOptionsChange: the panel plugin may not be loaded yet.
    const { waterfall } = this.state;
    waterfall.setState({ options: { ...waterfall.state.options, focusedSpanId: spanId } });
  }

  /** The window (epoch ms) links to other pages open: the trace's own, else the page's. */
  linkRange(): UrlTimeRange | undefined {
    return traceLinkRange(this.state.analysis);
  }

  private focusSpanLink(traceId: string, spanId: string): LinkModel<Field> {
    const origin: Field = { name: 'spanID', type: FieldType.string, config: {}, values: [spanId] };
    return {
      title: t('pivot.trace.view.focus-span', 'Focus this span'),
      href: traceUrl(traceId, { spanId, range: this.linkRange() }),
      target: '_self',
      origin,
      onClick: (event?: { preventDefault?: () => void }) => {
        event?.preventDefault?.();
        this.focusSpan(spanId);
      },
    };
  }

  private onData(data: PanelData | undefined) {
    const load = traceLoadState(data);
    if (load.kind === 'loading') {
      this.setState({ load });
      return;
    }
    if (load.kind !== 'data') {
      this.analysedFrame = undefined;
      this.setState({ load, analysis: undefined, readProblem: undefined, graph: undefined });
      // Without the trace (sampled out, expired, Tempo down) its logs may still tell the story.
      this.updateLogs(undefined);
      return;
    }
    if (load.frame === this.analysedFrame && this.state.analysis) {
      this.setState({ load });
      return;
    }
    this.analysedFrame = load.frame;
    const read = readTrace(load.frame);
    if ('problem' in read) {
      this.setState({ load, analysis: undefined, readProblem: read.problem, graph: undefined });
      this.updateLogs(undefined);
      return;
    }
    const { analysis } = read;
    this.setState({ load, analysis, readProblem: undefined, graph: buildGraphSection(analysis) });
    this.updateLogs(analysis);
  }

  private updateLogs(analysis: TraceAnalysis | undefined) {
    const services = analysis?.services.map((s) => s.name).filter((name) => name !== '') ?? [];
    const window =
      analysis?.startMs !== undefined && analysis.endMs !== undefined
        ? traceLogWindow(analysis.startMs, analysis.endMs)
        : undefined;
    const key = JSON.stringify([services, window]);
    if (key === this.logsKey && this.state.logs) {
      return;
    }
    this.logsKey = key;
    // Without the trace's window (Tempo could not answer, or no span has a usable time), the
    // query reads every service's streams: the page's range, at most its last hour.
    const logsWindow = window ? new TraceWindowTimeRange(window) : new BoundedPageTimeRange();
    this.setState({ logs: buildLogsSection(this.state.ctx, this.state.traceId, services, logsWindow) });
  }
}

/**
 * The analysis of Tempo's frame, or why it cannot be read. `analyzeTrace` reports a malformed
 * frame itself; anything else it throws is caught here too, so a bad answer is a message on
 * the page and the logs are still read, never a broken page.
 */
function readTrace(frame: DataFrame): { analysis: TraceAnalysis } | { problem: string } {
  try {
    const analysis = analyzeTrace(frame);
    return analysis.frameProblem !== undefined ? { problem: analysis.frameProblem } : { analysis };
  } catch (error) {
    return { problem: errorMessage(error) };
  }
}
/**
 * Links each span's service in the waterfall to its Service page at the trace's window (5
 * minutes either side, as the summary's links): Grafana's traces panel lists a frame's field
 * links in each span's links menu.
 */
function spanServiceLinksOperator(): CustomTransformOperator {
  return () => (source) =>
    source.pipe(
      map((frames: DataFrame[]) =>
        frames.map((frame) => {
          const window = traceFrameWindow(frame);
          if (!window) {
            return frame;
          }
          const { fromMs, toMs } = traceLogWindow(window.startMs, window.endMs);
          return withSpanServiceLinks(
            frame,
            { from: fromMs, to: toMs },
            t('pivot.trace.view.span-service-link', 'Open the service in Pivot')
          );
        })
      )
    );
}

function buildWaterfall(): VizPanel<TracesPanelOptions> {
  return new VizPanel<TracesPanelOptions>({
    pluginId: 'traces',
    // The view's Tempo answer, with the span services linked (no query of its own).
    $data: new SceneDataTransformer({ transformations: [spanServiceLinksOperator()] }),
    title: t('pivot.trace.view.waterfall-title', 'Trace'),
    description: t(
      'pivot.trace.view.waterfall-description',
      'Every span of the trace. A span id link focuses it; the URL keeps the focused span.'
    ),
    options: {},
  });
}

function logsDescription(): string {
  return t(
    'pivot.trace.view.logs-description',
    'Log lines carrying this trace_id, from every service the trace crossed, from 5 minutes before it started to 5 minutes after it ended. When the trace could not be read: from every service, over the selected time range, at most its last hour.'
  );
}

function buildLogsSection(
  ctx: PivotContext,
  traceId: string,
  services: string[],
  window: TraceWindowTimeRange | BoundedPageTimeRange
): PillarSection {
  const loki = ctx.datasources.loki;
  const common = {
    name: SECTION_NAMES.logs,
    what: t('pivot.trace.view.logs-what', 'logs of this trace'),
    pillar: 'loki' as const,
    emptyMessage: t(
      'pivot.trace.view.logs-empty',
      'No logs carry this trace_id: check the Loki convention ("trace_id in logs" and the service label) in Configuration.'
    ),
  };
  if (!loki.ok) {
    return new PillarSection({ ...common, problem: loki.message });
  }
  // Built while Tempo's answer is handled: a throw here would leave the page without logs.
  const query = buildQueries(() => traceLogsQuery(ctx.settings, traceId, services));
  if (!query.ok) {
    return new PillarSection({ ...common, problem: query.message });
  }
  return new PillarSection({
    ...common,
    height: 380,
    $timeRange: window,
    $data: new SceneQueryRunner({ datasource: dsRef(loki.ds), queries: [query.queries] }),
    body: withAddToDashboard(
      withLineFields(PanelBuilders.logs())
        .setTitle(
          window instanceof TraceWindowTimeRange
            ? t('pivot.trace.view.logs-title', 'Logs of this trace')
            : t('pivot.trace.view.logs-title-every-service', 'Logs of this trace (from every service)')
        )
        .setDescription(logsDescription())
        .setOption('showTime', true)
        .setOption('wrapLogMessage', true)
        .setOption('enableLogDetails', true)
        .build()
    ),
  });
}

/** The window (epoch ms) links to other pages open: the trace's, 5 minutes either side; undefined without a usable time. */
function traceLinkRange(analysis: TraceAnalysis | undefined): UrlTimeRange | undefined {
  if (analysis?.startMs === undefined || analysis.endMs === undefined) {
    return undefined;
  }
  const { fromMs, toMs } = traceLogWindow(analysis.startMs, analysis.endMs);
  return { from: fromMs, to: toMs };
}

function buildGraphSection(analysis: TraceAnalysis): PillarSection {
  const timeRange = absoluteRange(analysis.startMs ?? 0, analysis.endMs ?? 0);
  const range = traceLinkRange(analysis);
  // Each node opens its Service page at the trace's window (none when no span has a usable time).
  const links = range ? { serviceUrl: serviceRowUrlTemplate(range) } : {};
  return new PillarSection({
    name: SECTION_NAMES.graph,
    what: t('pivot.trace.view.graph-what', 'the services crossed'),
    pillar: 'tempo',
    emptyMessage: t('pivot.trace.view.graph-empty', 'This trace has no spans, so it crossed no service.'),
    height: 360,
    $data: new SceneDataNode({
      data: { state: LoadingState.Done, series: traceGraphFrames(analysis, links), timeRange },
    }),
    body: PanelBuilders.nodegraph()
      .setTitle(t('pivot.trace.view.graph-title', 'Services this trace crossed'))
      .setDescription(
        t(
          'pivot.trace.view.graph-description',
          'One node per service (red arc: its share of failed spans), one edge per parent → child call.'
        )
      )
      .build(),
  });
}

function TraceViewRenderer({ model }: SceneComponentProps<TraceView>) {
  const { traceId, load, analysis, readProblem, tempoProblem, waterfall, logs, graph } = model.useState();
  const styles = useStyles2(getStyles);
  const range = model.linkRange();
  const shown = tempoProblem !== undefined ? 'no-tempo' : readProblem !== undefined ? 'unreadable' : load.kind;

  return (
    <div className={styles.page}>
      <Text color="secondary">
        <Trans i18nKey="pivot.trace.view.heading" values={{ traceId }}>
          Trace <code>{'{{traceId}}'}</code>
        </Trans>
      </Text>
      <div data-testid={testIds.trace.state(shown)}>
        {tempoProblem !== undefined && (
          <Problem
            title={t('pivot.trace.view.no-tempo', 'Tempo data source unavailable: the trace cannot be read')}
            message={tempoProblem}
            showConfigLink
          />
        )}
        {tempoProblem === undefined && load.kind === 'loading' && (
          <LoadingPlaceholder text={t('pivot.trace.view.loading', 'Loading the trace from Tempo…')} />
        )}
        {tempoProblem === undefined && load.kind === 'not-found' && (
          <Problem
            severity="warning"
            title={t('pivot.trace.view.not-found', 'Trace not found')}
            message={t(
              'pivot.trace.view.not-found-message',
              "Tempo has no trace {{traceId}} in the selected time range. It may have been sampled out (tail sampling keeps errors and slow traces), not be ingested yet, or be older than Tempo's retention: widen the time range, or read its logs below.",
              textValues({ traceId })
            )}
          />
        )}
        {tempoProblem === undefined && load.kind === 'error' && (
          <Problem title={t('pivot.trace.view.load-failed', 'Tempo could not load the trace')} message={load.message} />
        )}
        {shown === 'unreadable' && (
          <Problem
            title={t('pivot.trace.view.unreadable', "Tempo's answer could not be read as a trace")}
            message={t(
              'pivot.trace.view.unreadable-message',
              "{{problem}} The trace's logs are still read below.",
              textValues({ problem: readProblem })
            )}
          />
        )}
        {shown === 'data' && analysis && (
          <div className={styles.trace}>
            <TraceSummary analysis={analysis} range={range} onFocusSpan={(spanId) => model.focusSpan(spanId)} />
            <div className={styles.waterfall}>
              <waterfall.Component model={waterfall} />
            </div>
          </div>
        )}
      </div>
      {logs && <LogsWindowNote section={logs} />}
      {logs && <logs.Component model={logs} />}
      {graph && <graph.Component model={graph} />}
    </div>
  );
}

/** Which window the logs below were read in, and why that one. */
function LogsWindowNote({ section }: { section: PillarSection }) {
  const timeRange = section.state.$timeRange;
  if (!(timeRange instanceof TraceWindowTimeRange || timeRange instanceof BoundedPageTimeRange)) {
    // No Loki data source: nothing is read.
    return null;
  }
  return <LogsWindowText timeRange={timeRange} />;
}

function LogsWindowText({ timeRange }: { timeRange: TraceWindowTimeRange | BoundedPageTimeRange }) {
  const window = timeRange.useState();
  if (window.toMs === 0) {
    // The bounded page range before it has read the page's range.
    return null;
  }
  const timeZone = timeRange.getTimeZone();
  return (
    <div data-testid={testIds.trace.logsWindow}>
      <Text color="secondary">{logWindowNote(window, (ms) => dateTimeFormat(ms, { timeZone }))}</Text>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  trace: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  waterfall: css({
    height: 560,
  }),
});
