import {
  EmbeddedScene,
  SceneDataQuery,
  sceneGraph,
  SceneObjectBase,
  SceneObjectState,
  SceneQueryRunner,
} from '@grafana/scenes';
import type { MetricConventions } from '../../datasources/conventions';
import type { PivotContext } from '../../pivotContext';
import { dsRef } from '../../datasources/lookup';
import { graphQueriesFor } from '../../datasources/recordedEdges';
import { whenRecordedEdgesKnown } from '../../scenes/familyProbe';
import { recordedWindowOf } from '../../scenes/recordedWindow';
import { MetricFamilyGate } from '../../scenes/MetricFamilyGate';
import { metricConventionsFor } from '../../settings';

export interface ServicePrometheusRequestState extends SceneObjectState {
  ctx: PivotContext;
  /** The name the service graph knows the service by. */
  service: string;
  /** The metric panels' queries for the family the page's gate chose. */
  panelQueries: (conv: MetricConventions) => SceneDataQuery[];
}

/**
 * The Service page's queries to Prometheus in one request (issue 16: one request per data
 * source on a page): the error-ratio and latency panels' (once the metric family gate chose a
 * family) and the neighbourhood graph's (raw, or Pivot's recorded edge series once the app's
 * probe says they exist: recordedEdges.ts; over a range of exactly 1 hour or 5 minutes the
 * recorded series of that window, chosen again for every run: recordedWindowOf). A behavior
 * of the page's body: the request is the body's `$data` (a SceneQueryRunner in manual mode), each section keeps its own queries' frames (a
 * SceneDataTransformer filtering by refId). It runs once both parts are known (a gate that
 * built nothing leaves the graph alone), and again on every new time range. Everything it
 * needs is in its state and the page's, so a clone of the page asks the same.
 */
export class ServicePrometheusRequest extends SceneObjectBase<ServicePrometheusRequestState> {
  private metrics?: SceneDataQuery[];
  /** Whether the graph reads the recorded edge series; undefined until the probe answered. */
  private recorded?: boolean;

  constructor(state: ServicePrometheusRequestState) {
    super(state);
    this.addActivationHandler(() => this.onActivate());
  }

  private onActivate() {
    // The page's body: what a change of data source rebuilds (dataSourcePage.tsx), with this.
    const scene = this.parent;
    const runner = scene?.state.$data;
    if (!scene || !(runner instanceof SceneQueryRunner)) {
      return;
    }
    this.metrics = undefined;
    this.recorded = undefined;
    const { ctx, panelQueries } = this.state;
    const stopWaiting = whenRecordedEdgesKnown(ctx, (recorded) => {
      this.recorded = recorded;
      this.run(runner);
    });
    const gate = sceneGraph.findObject(scene, (o) => o instanceof MetricFamilyGate);
    const onGate = () => {
      if (this.metrics !== undefined || !(gate instanceof MetricFamilyGate)) {
        return;
      }
      const { choice, error, invalid, problem, body, settings } = gate.state;
      if (body && choice && choice.kind !== 'none') {
        this.metrics = panelQueries(metricConventionsFor(settings, choice.family));
      } else if (choice || error !== undefined || invalid !== undefined || problem !== undefined) {
        // No family, the probe failed, or settings that cannot build the queries: the graph alone.
        this.metrics = [];
      } else {
        return;
      }
      this.run(runner);
    };
    if (gate instanceof MetricFamilyGate) {
      this._subs.add(gate.subscribeToState(onGate));
      onGate();
    } else {
      this.metrics = [];
    }
    this._subs.add(sceneGraph.getTimeRange(scene).subscribeToState(() => this.run(runner)));
    return stopWaiting;
  }

  /** The neighbourhood graph's queries for the current time range. */
  private graph(recorded: boolean): SceneDataQuery[] {
    try {
      return graphQueriesFor({ window: recordedWindowOf(this, recorded), service: this.state.service }, recorded);
    } catch {
      // A name PromQL cannot hold: the neighbourhood section says so (neighbourhoodGraph).
      return [];
    }
  }

  private run(runner: SceneQueryRunner) {
    if (this.metrics === undefined || this.recorded === undefined) {
      return;
    }
    runner.setState({ queries: [...this.metrics, ...this.graph(this.recorded)] });
    runner.runQueries();
  }
}

/**
 * Gives the page's body one Prometheus request: its `$data`, asked by a ServicePrometheusRequest
 * among its behaviors. On the body, not the page: a change of data source rebuilds the body
 * alone (dataSourcePage.tsx), and the new body brings its own request for the new source.
 */
export function withServicePrometheusRequest(scene: EmbeddedScene, state: ServicePrometheusRequestState): void {
  const prometheus = state.ctx.datasources.prometheus;
  const body = scene.state.body;
  if (!prometheus.ok) {
    return;
  }
  body.setState({
    $data: new SceneQueryRunner({
      datasource: dsRef(prometheus.ds),
      queries: [],
      // Run by the behavior once the queries are known, not on activation with none.
      runQueriesMode: 'manual',
    }),
    $behaviors: [...(body.state.$behaviors ?? []), new ServicePrometheusRequest(state)],
  });
}
