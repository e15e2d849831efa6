import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, LoadingState, PanelData, SelectableValue } from '@grafana/data';
import { config, RefreshEvent } from '@grafana/runtime';
import {
  PanelBuilders,
  SceneComponentProps,
  sceneGraph,
  SceneObjectBase,
  SceneObjectUrlSyncConfig,
  SceneObjectUrlValues,
  SceneQueryRunner,
  VizPanel,
} from '@grafana/scenes';
import {
  Alert,
  Badge,
  Button,
  InlineField,
  InlineSwitch,
  LoadingPlaceholder,
  RadioButtonGroup,
  Select,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { t, Trans } from '@grafana/i18n';
import { graphFrames } from '../../analysis/serviceGraphFrames';
import type { PivotContext } from '../../pivotContext';
import { graphLinks, graphPalette } from '../../components/NeighbourhoodGraph/graphLinks';
import { Empty, Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { traceql } from '../../datasources';
import { graphQueries } from '../../datasources/serviceGraph';
import { graphQueriesFor } from '../../datasources/recordedEdges';
import { RED_LONG_WINDOW, RED_WINDOW } from '../../datasources/redSeries';
import { whenRecordedEdgesKnown } from '../../scenes/familyProbe';
import { recordedWindowOf } from '../../scenes/recordedWindow';
import { textValues } from '../../utils/i18nValues';
import { GraphEdgeRef, URL_KEYS } from '../../utils/links';
import { EdgeList } from './EdgeList';
import { openEdgeFromUrl, openEdgeToUrl, sameEdge } from './openEdge';
import {
  controlsFromUrl,
  controlsToUrl,
  DEFAULT_CONTROLS,
  GraphControls,
  GraphStatus,
  isPending,
  metricsStatus,
  SAMPLED_TRACES,
  sampledStatus,
  sampleSearchStatus,
  withControls,
} from './graphModel';
import { MissingMetrics } from './MissingMetrics';
import { QuantileNote } from './QuantileNote';
import { DerivedDataNode, DerivedDataOwnerState } from '../../scenes/DerivedDataNode';
import { sectionDataState } from '../../scenes/dataState';

export const GRAPH_HEIGHT = 640;

export interface GraphSceneState extends DerivedDataOwnerState, GraphControls {
  /** The settings and data sources the graph's queries and links are built from. */
  ctx: PivotContext;
  /** Metrics (the default) or a sample of failing traces, asked for when the metrics are missing. */
  source: 'metrics' | 'sampled';
  status: GraphStatus;
  /** The edge whose failing traces are open in the edge list (URL keys `client`, `server`). */
  openEdge?: GraphEdgeRef;
  /** Set when the Prometheus data source cannot be used. */
  problem?: string;
  /** The node graph; its data node follows `derivedData`, the frames of a ready `status`. */
  panel: VizPanel;
  /**
   * The five service-graph queries (instant, over the whole window): from Pivot's recorded edge
   * series once the app's probe found them (recordedEdges.ts), else the raw ones. Run by the
   * scene (manual mode), with the queries of each new time range: over exactly 1 hour (or 5
   * minutes) the recorded series of that window, else the 5-minute rates tiling `$__range`.
   */
  metrics?: SceneQueryRunner;
  /** Whether `metrics` reads the recorded edge series; undefined until the probe answered. */
  recordedEdges?: boolean;
  /** The window of the queries last sent (`1h`, `5m` or `$__range`: recordedWindowOf). */
  metricsWindow?: string;
  /** Sampled graph, step 1: a search for failing traces; step 2: those traces by id. */
  sampleSearch?: SceneQueryRunner;
  sampleTraces?: SceneQueryRunner;
}

/** The Graph page's scene for these settings, at its defaults unless `state` says otherwise. */
export function graphScene(ctx: PivotContext, state: Partial<GraphSceneState> = {}): GraphScene {
  const prometheus = ctx.datasources.prometheus;
  return new GraphScene({
    ctx,
    derivedData: undefined,
    ...DEFAULT_CONTROLS,
    source: 'metrics',
    status: { kind: 'loading', what: t('pivot.graph.loading.metrics', 'the service-graph metrics') },
    problem: prometheus.ok ? undefined : prometheus.message,
    metrics: prometheus.ok
      ? new SceneQueryRunner({
          datasource: { uid: prometheus.ds.uid, type: prometheus.ds.type },
          queries: graphQueries({ window: '$__range' }),
          // Run by the scene once it knows which series to read, with each range's queries.
          runQueriesMode: 'manual',
        })
      : undefined,
    panel: PanelBuilders.nodegraph()
      .setTitle(t('pivot.graph.panel.title', 'Service graph'))
      .setDescription(
        t(
          'pivot.graph.panel.description',
          'Click a node for its Service page; click an edge for its failing traces and error logs.'
        )
      )
      .setData(new DerivedDataNode())
      .build(),
    ...state,
  });
}

/**
 * The service dependency graph of the time range: focus, depth and the unhealthy filter live
 * in the URL; the view is computed from the query answers by pure functions (graphModel.ts,
 * src/analysis/serviceGraph.ts) and handed to the node graph as frames.
 *
 * It computes only when something it shows changes: the graph when an answer arrives (a new
 * time range reruns the queries, and their answer is what it waits for; a query still running
 * changes nothing shown), the view alone when a control changes.
 */
export class GraphScene extends SceneObjectBase<GraphSceneState> {
  static Component = GraphSceneRenderer;

  protected _urlSync = new SceneObjectUrlSyncConfig(this, {
    keys: [URL_KEYS.focus, URL_KEYS.depth, URL_KEYS.unhealthy, URL_KEYS.client, URL_KEYS.server],
  });

  private _stopSampling: Array<() => void> = [];
  /** Stops the runner fetching the sampled traces, and the ids it fetches. */
  private _stopTraces?: () => void;
  private _sampledIds = '';
  /** The time range and queries of the metrics request last sent: never the same twice. */
  private _metricsRun?: string;
  /** The time range value the graph's queries last ran for: a refresh of the same range runs them again. */
  private _metricsValue?: unknown;

  constructor(state: GraphSceneState) {
    super(state);
    this.addActivationHandler(() => this.onActivate());
  }

  private onActivate() {
    const { metrics } = this.state;
    let stopWaiting: (() => void) | undefined;
    if (metrics) {
      this._subs.add(metrics.subscribeToState(this.onData));
      const start = (recorded: boolean) => {
        this.setState({ recordedEdges: recorded });
        this._subs.add(metrics.activate());
        this.runMetrics();
        this._subs.add(sceneGraph.getTimeRange(this).subscribeToState(() => this.runMetrics()));
        // The refresh button over an absolute range: the same range and queries, asked again.
        this._subs.add(
          sceneGraph.getTimeRange(this).subscribeToEvent(RefreshEvent, () => {
            if (sceneGraph.getTimeRange(this).state.value !== this._metricsValue) {
              this._metricsRun = undefined;
              this.runMetrics();
            }
          })
        );
      };
      // Asked once per app load (familyProbe.ts); the raw queries when it was not started.
      stopWaiting = whenRecordedEdgesKnown(this.state.ctx, start, this.state.recordedEdges);
    }
    this._subs.add(
      this.subscribeToState((next, prev) => {
        if (next.focus !== prev.focus || next.depth !== prev.depth || next.unhealthy !== prev.unhealthy) {
          this.setStatus(withControls(next.status, next));
        }
      })
    );
    if (this.state.source === 'sampled') {
      // Activated again, or a clone: the sample runners in state have lost their subscriptions.
      this.buildSampled();
    } else {
      this.refresh();
    }
    return () => {
      stopWaiting?.();
      this.stopSampling();
      // A request in flight is dropped as the runner deactivates: asked again on return.
      if (metrics?.state.data?.state !== LoadingState.Done) {
        this._metricsRun = undefined;
      }
    };
  }

  /**
   * Sends the graph's queries for the current time range, once the probe said which series to
   * read: the window is chosen for this range (recordedWindowOf), so no request carries the
   * queries of a previous range.
   */
  private runMetrics() {
    const { metrics, recordedEdges } = this.state;
    if (!metrics || recordedEdges === undefined) {
      return;
    }
    const window = recordedWindowOf(this, recordedEdges);
    const queries = graphQueriesFor({ window }, recordedEdges);
    const { from, to } = sceneGraph.getTimeRange(this).state.value;
    const run = JSON.stringify([from.valueOf(), to.valueOf(), queries.map((q) => q.expr)]);
    if (run === this._metricsRun) {
      return;
    }
    this._metricsRun = run;
    this._metricsValue = sceneGraph.getTimeRange(this).state.value;
    this.setState({ metricsWindow: window });
    metrics.setState({ queries });
    metrics.runQueries();
  }

  getUrlState(): SceneObjectUrlValues {
    return { ...controlsToUrl(this.state), ...openEdgeToUrl(this.state.openEdge) };
  }

  updateFromUrl(values: SceneObjectUrlValues) {
    const openEdge = openEdgeFromUrl(values);
    if (!sameEdge(openEdge, this.state.openEdge)) {
      this.setState({ openEdge });
    }
    const next = controlsFromUrl(values);
    if (next.focus !== this.state.focus || next.depth !== this.state.depth || next.unhealthy !== this.state.unhealthy) {
      this.setState(next);
    }
  }

  setFocus = (focus: string | undefined) => this.setState({ focus: focus || undefined });
  setDepth = (depth: 1 | 2) => this.setState({ depth });
  setUnhealthy = (unhealthy: boolean) => this.setState({ unhealthy });
  setOpenEdge = (openEdge: GraphEdgeRef | undefined) => this.setState({ openEdge });

  /** Builds the graph from a sample of recent failing traces (when the metrics are missing). */
  buildSampled = () => {
    const tempo = this.state.ctx.datasources.tempo;
    if (!tempo.ok) {
      return;
    }
    this.stopSampling();
    const sampleSearch = new SceneQueryRunner({
      datasource: { uid: tempo.ds.uid, type: tempo.ds.type },
      queries: [
        {
          refId: 'sampleSearch',
          queryType: 'traceql',
          query: traceql.failingSpans(),
          limit: SAMPLED_TRACES,
          tableType: 'traces',
        },
      ],
    });
    this.setState({
      source: 'sampled',
      sampleSearch,
      sampleTraces: undefined,
      status: { kind: 'loading', what: t('pivot.graph.loading.failing-traces', 'recent failing traces') },
    });
    this._stopSampling.push(sampleSearch.activate());
    const sub = sampleSearch.subscribeToState(() => this.onSampleSearch());
    this._stopSampling.push(() => sub.unsubscribe());
  };

  showMetrics = () => {
    this.stopSampling();
    this.setState({ source: 'metrics', sampleSearch: undefined, sampleTraces: undefined });
    this.refresh();
  };

  private stopSampling() {
    this._stopTraces?.();
    this._stopTraces = undefined;
    this._sampledIds = '';
    this._stopSampling.forEach((stop) => stop());
    this._stopSampling = [];
  }

  private onSampleSearch() {
    const tempo = this.state.ctx.datasources.tempo;
    const step = sampleSearchStatus(this.state.sampleSearch?.state.data);
    if (step.kind === 'pending') {
      this.setStatus(step.status);
      return;
    }
    // A new window (or a refresh) finds other traces: fetch those, once per set of ids.
    if (!tempo.ok || step.ids.join(',') === this._sampledIds) {
      return;
    }
    this._stopTraces?.();
    this._sampledIds = step.ids.join(',');
    // All traces in one request: one query per trace id.
    const runner = new SceneQueryRunner({
      datasource: { uid: tempo.ds.uid, type: tempo.ds.type },
      queries: step.ids.map((id, i) => ({
        refId: `sampleTrace${i}`,
        queryType: 'traceql',
        query: traceql.traceById(id),
      })),
    });
    this.setState({ sampleTraces: runner });
    const deactivate = runner.activate();
    const sub = runner.subscribeToState(this.onData);
    this._stopTraces = () => {
      sub.unsubscribe();
      deactivate();
    };
  }

  /**
   * A runner's new state: an answer is computed; a query that starts running shows the loading
   * state only when nothing is shown yet (a refresh keeps the graph until its answer).
   */
  private onData = (next: { data?: PanelData }, prev: { data?: PanelData }) => {
    if (next.data === prev.data) {
      return;
    }
    if (!isPending(next.data)) {
      this.refresh();
    } else if (sectionDataState(next.data).kind === 'loading' && this.state.status.kind !== 'loading') {
      this.refresh();
    }
  };

  /** Recomputes the status and the node graph's frames from the answers and the controls. */
  refresh() {
    const { source, metrics, sampleTraces } = this.state;
    if (source === 'sampled') {
      if (sampleTraces) {
        this.setStatus(sampledStatus(sampleTraces.state.data, this.state));
      }
      return;
    }
    if (metrics) {
      this.setStatus(metricsStatus(metrics.state.data, this.state));
    }
  }

  private setStatus(status: GraphStatus) {
    if (status.kind !== 'ready') {
      this.setState({ status });
      return;
    }
    const { from, to, value } = sceneGraph.getTimeRange(this).state;
    const series = graphFrames(status.view.graph, {
      focus: this.state.focus,
      palette: graphPalette(config.theme2),
      links: graphLinks(this.state.ctx, { from, to }, this.state),
    });
    this.setState({ status, derivedData: { state: LoadingState.Done, series, timeRange: value } });
  }
}

function GraphSceneRenderer({ model }: SceneComponentProps<GraphScene>) {
  const { status, problem, source } = model.useState();
  const styles = useStyles2(getStyles);
  const tempo = model.state.ctx.datasources.tempo;

  if (problem !== undefined) {
    return (
      <div data-testid={testIds.graph.page('problem')}>
        <Problem
          title={t('pivot.graph.unavailable', 'Prometheus data source unavailable: no service graph')}
          message={problem}
          showConfigLink
        />
      </div>
    );
  }
  return (
    <div className={styles.page}>
      <Controls model={model} />
      {source === 'sampled' && (
        <Alert
          severity="warning"
          title={t('pivot.graph.sampled.title', 'Sampled graph')}
          data-testid={testIds.graph.sampledLabel}
        >
          <Stack direction="row" gap={2} alignItems="center">
            <span>
              <Trans i18nKey="pivot.graph.sampled.explanation" values={{ traces: SAMPLED_TRACES }}>
                Built from up to {'{{traces}}'} recent failing traces, not from service-graph metrics: the numbers are
                calls seen in those traces, biased towards failures, with no rates or latencies.
              </Trans>
            </span>
            <Button size="sm" variant="secondary" onClick={model.showMetrics}>
              <Trans i18nKey="pivot.graph.sampled.back">Back to metrics</Trans>
            </Button>
          </Stack>
        </Alert>
      )}
      <StatusBody model={model} status={status} tempoProblem={tempo.ok ? undefined : tempo.message} />
    </div>
  );
}

function StatusBody({
  model,
  status,
  tempoProblem,
}: {
  model: GraphScene;
  status: GraphStatus;
  tempoProblem?: string;
}) {
  const { panel, source, openEdge, recordedEdges, metricsWindow } = model.useState();
  const { from, to } = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
  const { datasources, settings } = model.state.ctx;
  switch (status.kind) {
    case 'loading':
      return (
        <LoadingPlaceholder
          text={t('pivot.graph.loading.text', 'Loading {{what}}…', textValues({ what: status.what }))}
          data-testid={testIds.graph.page('loading')}
        />
      );
    case 'error':
      return (
        <div data-testid={testIds.graph.page('error')}>
          <Problem
            title={t('pivot.graph.load-failed', 'The service graph could not be loaded')}
            message={status.message}
          />
        </div>
      );
    case 'missing':
      return <MissingMetrics tempoProblem={tempoProblem} onBuildSampled={model.buildSampled} />;
    case 'sampled-empty':
      return (
        <div data-testid={testIds.graph.page('sampled-empty')}>
          <Empty message={status.message} />
        </div>
      );
    case 'ready': {
      const { view } = status;
      const empty = view.graph.nodes.length === 0;
      return (
        <div data-testid={testIds.graph.page(source === 'sampled' ? 'sampled' : 'data')} className={styles.body}>
          {status.warning && (
            <Alert severity="warning" title={t('pivot.graph.partial', 'Some service-graph queries failed')}>
              {status.warning}
            </Alert>
          )}
          {view.message && (
            <Alert
              severity={view.focusMissing ? 'warning' : 'info'}
              title={
                view.focusMissing
                  ? t('pivot.graph.focus-missing', 'Service not in the graph')
                  : t('pivot.graph.narrowed', 'Narrowed view')
              }
              data-testid={testIds.graph.message}
            >
              {view.message}
            </Alert>
          )}
          <QuantileNote graph={view.graph} />
          {recordedEdges && source === 'metrics' && (
            <Text variant="bodySmall" color="secondary">
              {recordedNote(metricsWindow)}
            </Text>
          )}
          {empty && !view.focusMissing && (
            <Empty
              message={t(
                'pivot.graph.no-edge-matches',
                'No edge matches: with the unhealthy filter on, this means every edge in view is healthy.'
              )}
            />
          )}
          {!empty && (
            <div className={styles.graph}>
              <panel.Component model={panel} />
            </div>
          )}
          <EdgeList
            graph={view.graph}
            range={{ from, to }}
            tempo={datasources.tempo.ok ? datasources.tempo.ds : undefined}
            loki={datasources.loki.ok ? datasources.loki.ds : undefined}
            logs={settings.logs}
            openEdge={openEdge}
            onOpenEdge={model.setOpenEdge}
          />
        </div>
      );
    }
  }
}

/** What the graph's recorded statistics are over, for the window its queries read. */
function recordedNote(window: string | undefined): string {
  switch (window) {
    case RED_LONG_WINDOW:
      return t(
        'pivot.graph.recorded-hour',
        "Read from Pivot's recording rules: each statistic is over the hour ending at their last run, at most a minute before the range's end."
      );
    case RED_WINDOW:
      return t(
        'pivot.graph.recorded-5m',
        "Read from Pivot's recording rules: each statistic is over the 5 minutes ending at their last run, at most one evaluation interval before the range's end."
      );
    default:
      return t(
        'pivot.graph.recorded',
        "Read from Pivot's recording rules: each statistic is over the window ending at the last 5-minute mark."
      );
  }
}

function Controls({ model }: { model: GraphScene }) {
  const { focus, depth, unhealthy, status, source } = model.useState();
  const styles = useStyles2(getStyles);
  const services =
    status.kind === 'ready' ? status.graph.nodes.map((n) => n.id).sort((a, b) => a.localeCompare(b)) : [];
  const options: Array<SelectableValue<string>> = services.map((s) => ({ label: s, value: s }));
  if (focus && !services.includes(focus)) {
    options.unshift({ label: focus, value: focus });
  }
  const total = status.kind === 'ready' ? status.view.total : undefined;
  return (
    <div className={styles.controls}>
      <InlineField
        label={t('pivot.graph.controls.focus', 'Focus')}
        tooltip={t('pivot.graph.controls.focus-tooltip', 'Show one service and its neighbours only')}
      >
        {/* Select rather than Combobox: Combobox measures text on a canvas at render, which jsdom tests lack. */}
        <Select
          width={32}
          isClearable
          allowCustomValue
          placeholder={t('pivot.graph.controls.whole-graph', 'Whole graph')}
          options={options}
          value={focus ?? null}
          onChange={(v) => model.setFocus(v?.value)}
          data-testid={testIds.graph.focus}
        />
      </InlineField>
      <InlineField
        label={t('pivot.graph.controls.depth', 'Depth')}
        disabled={!focus}
        tooltip={t(
          'pivot.graph.controls.depth-tooltip',
          'Neighbours of the focus: direct (1), or also their callers and callees (2)'
        )}
      >
        <RadioButtonGroup
          options={[
            { label: '1', value: 1 },
            { label: '2', value: 2 },
          ]}
          value={depth}
          onChange={(v) => model.setDepth(v === 2 ? 2 : 1)}
          data-testid={testIds.graph.depth}
        />
      </InlineField>
      <InlineField
        label={t('pivot.graph.controls.unhealthy', 'Unhealthy edges only')}
        tooltip={t('pivot.graph.controls.unhealthy-tooltip', 'Edges failing 1% of calls or more, and their services')}
      >
        <InlineSwitch
          value={unhealthy}
          onChange={(e) => model.setUnhealthy(e.currentTarget.checked)}
          data-testid={testIds.graph.unhealthy}
        />
      </InlineField>
      {total && (
        <Badge
          color="blue"
          text={
            source === 'sampled'
              ? t(
                  'pivot.graph.controls.total-sample',
                  '{{services}} services, {{edges}} edges in the sample',
                  textValues({
                    services: total.nodes.toLocaleString('en-US'),
                    edges: total.edges.toLocaleString('en-US'),
                  })
                )
              : t(
                  'pivot.graph.controls.total-window',
                  '{{services}} services, {{edges}} edges in the window',
                  textValues({
                    services: total.nodes.toLocaleString('en-US'),
                    edges: total.edges.toLocaleString('en-US'),
                  })
                )
          }
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  body: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  graph: css({ height: GRAPH_HEIGHT }),
  controls: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
});
