import React from 'react';
import { css } from '@emotion/css';
import { DataFrame, GrafanaTheme2, LoadingState, locationUtil } from '@grafana/data';
import { map } from 'rxjs';
import { config } from '@grafana/runtime';
import {
  CustomTransformOperator,
  PanelBuilders,
  SceneComponentProps,
  SceneDataProvider,
  SceneDataTransformer,
  sceneGraph,
  SceneObject,
  SceneObjectBase,
  SceneQueryRunner,
  VizPanel,
} from '@grafana/scenes';
import { t, Trans } from '@grafana/i18n';
import { LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import { graphFromMetrics, viewGraph } from '../../analysis/serviceGraph';
import { graphFrames } from '../../analysis/serviceGraphFrames';
import { GRAPH_REFS, graphQueries, SERVICE_GRAPH_REQUESTS } from '../../datasources/serviceGraph';
import { recordedGraphQueries } from '../../datasources/recordedEdges';
import { whenRecordedEdgesKnown } from '../../scenes/familyProbe';
import { sectionDataState } from '../../scenes/dataState';
import { DerivedDataNode, DerivedDataOwnerState } from '../../scenes/DerivedDataNode';
import { textValues } from '../../utils/i18nValues';
import { graphUrl } from '../../utils/links';
import type { PivotContext } from '../../pivotContext';
import { Empty, Problem } from '../states/PivotStates';
import { withVerbatimTitle } from '../verbatimTitle';
import { testIds } from '../testIds';
import { graphLinks, graphPalette } from './graphLinks';
import { Neighbours, neighbourRows } from './neighbourRows';
import { NeighboursList } from './NeighboursList';
import { errorMessage } from '../../utils/errors';

export const NEIGHBOURHOOD_HEIGHT = 320;

export interface NeighbourhoodGraphState extends DerivedDataOwnerState {
  service: string;
  /** The settings and data sources the graph's links are built from (absent with a problem). */
  ctx?: PivotContext;
  /** Why the graph cannot be drawn (no Prometheus data source): shown instead of querying. */
  problem?: string;
  /** The node graph; its data node follows `derivedData`, built from `$data` on every answer. */
  panel?: VizPanel;
  /** The same neighbourhood as text (NeighboursList), from the same answer as the panel. */
  neighbours?: Neighbours;
  /**
   * The graph queries, raw until the app's probe says whether Pivot's recorded edge series
   * exist (recordedEdges.ts); it becomes `$data` (and runs) once that is known.
   */
  runner?: SceneQueryRunner;
  /** The runner, or the graph's frames of a request the page shares (neighbourhoodGraph's `shared`). */
  $data?: SceneDataProvider;
}

/**
 * One service and its direct callers and callees (depth 1) as a node graph, with the health
 * of each edge; a node opens its Service page, an edge its failing traces and error logs.
 * Asks the four service-graph queries for the edges touching the service only, in one
 * request that feeds both the node graph and the list of callers and callees beside it.
 */
export class NeighbourhoodGraph extends SceneObjectBase<NeighbourhoodGraphState> {
  static Component = NeighbourhoodGraphRenderer;

  constructor(state: NeighbourhoodGraphState) {
    super({ derivedData: undefined, ...state });
    this.addActivationHandler(() => {
      const { $data, runner, ctx, service } = this.state;
      if ($data) {
        this.follow($data);
      } else if (runner && ctx) {
        return whenRecordedEdgesKnown(ctx, (recorded) => {
          if (recorded) {
            runner.setState({ queries: recordedGraphQueries({ window: '$__range', service }) });
          }
          // Set on an active object, $data is activated: the queries run now.
          this.setState({ $data: runner, runner: undefined });
          this.follow(runner);
        });
      }
      return undefined;
    });
  }

  private follow(runner: SceneDataProvider) {
    this._subs.add(runner.subscribeToState(() => this.buildFrames()));
    this.buildFrames();
  }

  /** The node graph frames and the list of the neighbourhood, from the answers of the graph queries. */
  private buildFrames() {
    const { $data, ctx, service } = this.state;
    const data = $data?.state.data;
    if (!ctx || !data) {
      return;
    }
    const { from, to } = sceneGraph.getTimeRange(this).state;
    const graph = graphFromMetrics(data.series, { statsFor: new Set([service]) });
    const view = viewGraph(graph, { focus: service, depth: 1 });
    const series = graphFrames(view.graph, {
      focus: service,
      palette: graphPalette(config.theme2),
      links: graphLinks(ctx, { from, to }),
    });
    this.setState({
      derivedData: { ...data, state: LoadingState.Done, series },
      neighbours: neighbourRows(view.graph, service),
    });
  }
}

/**
 * The reusable neighbourhood graph for the Service page: place it in a layout; it uses the
 * time range of the scene it is placed in.
 */
/** Keeps the frames of the service graph's queries from a request that holds others too. */
function graphFramesOnly(): SceneDataTransformer {
  const refs = new Set<string>(Object.values(GRAPH_REFS));
  const only: CustomTransformOperator = () => (source) =>
    source.pipe(map((frames: DataFrame[]) => frames.filter((f) => refs.has(f.refId ?? ''))));
  return new SceneDataTransformer({ transformations: [only] });
}

/**
 * With `shared`, the graph's queries go in a request the page sends for all its Prometheus
 * queries (the page's `$data`, e.g. the Service page's ServicePrometheusRequest), and the
 * graph keeps their frames; else it sends them itself.
 */
export function neighbourhoodGraph(ctx: PivotContext, service: string, shared = false): SceneObject {
  const prometheus = ctx.datasources.prometheus;
  if (!prometheus.ok) {
    return new NeighbourhoodGraph({ service, problem: prometheus.message });
  }
  let queries;
  try {
    queries = graphQueries({ window: '$__range', service });
  } catch (error) {
    // A name PromQL cannot hold: this section says so, the rest of the page still renders.
    const reason = errorMessage(error);
    return new NeighbourhoodGraph({
      service,
      problem: t(
        'pivot.scenes.data.cannot-build',
        'Pivot could not build the query: {{reason}}',
        textValues({ reason })
      ),
    });
  }
  return new NeighbourhoodGraph({
    ctx,
    service,
    ...(shared
      ? { $data: graphFramesOnly() }
      : {
          runner: new SceneQueryRunner({ datasource: { uid: prometheus.ds.uid, type: prometheus.ds.type }, queries }),
        }),
    panel: withVerbatimTitle(
      PanelBuilders.nodegraph()
        .setDescription(
          t(
            'pivot.neighbours.graph.description',
            'Direct callers and callees. Click a node for its Service page, an edge for its failing traces and error logs.'
          )
        )
        .setData(new DerivedDataNode())
        .build(),
      t('pivot.neighbours.graph.title', 'Around {{service}}', textValues({ service }))
    ),
  });
}

function NeighbourhoodGraphRenderer({ model }: SceneComponentProps<NeighbourhoodGraph>) {
  const { service, problem, panel, neighbours, runner } = model.useState();
  const styles = useStyles2(getStyles);
  if (problem !== undefined || !panel) {
    return (
      <div data-testid={testIds.graph.neighbourhood('problem')}>
        <Problem
          title={t('pivot.neighbours.graph.unavailable', 'Prometheus data source unavailable: no service graph')}
          message={problem ?? ''}
          showConfigLink
        />
      </div>
    );
  }
  if (runner) {
    // Waiting for the app's probe: which series the graph reads.
    return (
      <LoadingPlaceholder
        text={t('pivot.neighbours.graph.loading', 'Loading the service graph…')}
        data-testid={testIds.graph.neighbourhood('loading')}
      />
    );
  }
  return <NeighbourhoodBody model={model} panel={panel} service={service} neighbours={neighbours} styles={styles} />;
}

function NeighbourhoodBody({
  model,
  panel,
  service,
  neighbours,
  styles,
}: {
  model: NeighbourhoodGraph;
  panel: VizPanel;
  service: string;
  neighbours?: Neighbours;
  styles: ReturnType<typeof getStyles>;
}) {
  const { data } = sceneGraph.getData(model).useState();
  const { from, to } = sceneGraph.getTimeRange(model).useState();
  const state = sectionDataState(data);
  const range = { from, to };
  const link = (
    <TextLink
      href={locationUtil.assureBaseUrl(graphUrl({ range, focus: service, depth: 2 }))}
      icon="sitemap"
      inline={false}
    >
      <Trans i18nKey="pivot.neighbours.graph.open" values={{ service }}>
        Open the service graph around {'{{service}}'}
      </Trans>
    </TextLink>
  );
  if (state.kind === 'loading') {
    return (
      <LoadingPlaceholder
        text={t('pivot.neighbours.graph.loading', 'Loading the service graph…')}
        data-testid={testIds.graph.neighbourhood('loading')}
      />
    );
  }
  if (state.kind === 'error') {
    return (
      <div data-testid={testIds.graph.neighbourhood('error')}>
        <Problem title={t('pivot.neighbours.graph.failed', 'The service graph query failed')} message={state.message} />
      </div>
    );
  }
  if (state.kind === 'empty') {
    return (
      <div data-testid={testIds.graph.neighbourhood('empty')}>
        <Empty
          message={t(
            'pivot.neighbours.graph.empty',
            "No service-graph edges touch {{service}} in this window ({{metric}}). Widen the time range; if no service has edges, the service-graph metrics are not being generated: enable the service-graphs processor of Tempo's metrics-generator or the OpenTelemetry Collector servicegraph connector (the Graph page shows how).",
            textValues({ service, metric: SERVICE_GRAPH_REQUESTS })
          )}
        >
          {link}
        </Empty>
      </div>
    );
  }
  return (
    <div className={styles.body} data-testid={testIds.graph.neighbourhood('data')}>
      {state.warning && (
        <Problem
          severity="warning"
          title={t('pivot.neighbours.graph.partial', 'Prometheus answered in part')}
          message={state.warning}
        />
      )}
      <div className={styles.panel}>
        <panel.Component model={panel} />
      </div>
      {neighbours && <NeighboursList service={service} neighbours={neighbours} range={range} />}
      {link}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  body: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  panel: css({ height: NEIGHBOURHOOD_HEIGHT }),
});
