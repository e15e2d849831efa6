import React from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { dateTime, LoadingState } from '@grafana/data';
import { EmbeddedScene, sceneGraph, SceneQueryRunner, SceneTimeRange } from '@grafana/scenes';
import { EdgeSpec, graphMetricFrames } from '../../analysis/fixtures/serviceGraphMetrics';
import * as serviceGraph from '../../analysis/serviceGraph';
import { testIds } from '../../components/testIds';
import { installFakeGrafana, pivotContext, PROMETHEUS, renderInGrafana } from '../../testing/fakeGrafana';
import { buildGraphScene } from './graphPage';
import { GraphScene } from './GraphScene';

// The graph's two computations, counted: the graph from the answer, and the view of it the controls choose.
jest.mock('../../analysis/serviceGraph', () => {
  const actual = jest.requireActual('../../analysis/serviceGraph');
  return {
    ...actual,
    graphFromMetrics: jest.fn(actual.graphFromMetrics),
    viewGraph: jest.fn(actual.viewGraph),
  };
});
const graphFromMetrics = serviceGraph.graphFromMetrics as jest.Mock;
const viewGraph = serviceGraph.viewGraph as jest.Mock;

const TOPOLOGY: EdgeSpec[] = [
  { client: 'user', server: 'frontend', connectionType: 'virtual_node', rate: 50, p95: 0.3 },
  { client: 'frontend', server: 'cart', rate: 30, p95: 0.05 },
  { client: 'frontend', server: 'checkout', rate: 10, failedRate: 1, p95: 0.8 },
  { client: 'cart', server: 'postgres', connectionType: 'database', rate: 40, p95: 0.01 },
];

function parts(scene: EmbeddedScene) {
  const graph = sceneGraph.findObject(scene, (o) => o instanceof GraphScene);
  if (!(graph instanceof GraphScene) || !graph.state.metrics) {
    throw new Error('no graph scene with its metrics runner');
  }
  return { graph, metrics: graph.state.metrics as SceneQueryRunner, timeRange: sceneGraph.getTimeRange(graph) };
}

/** The Graph page on its first answer, with both counters at zero. */
async function openGraph() {
  const frames = graphMetricFrames(TOPOLOGY, { frontend: 0.3, cart: 0.05 });
  const requests = installFakeGrafana((ds, request) => {
    const asked = new Set(request.targets.map((t) => t.refId));
    return { frames: frames.filter((f) => asked.has(f.refId ?? '')) };
  });
  const scene = buildGraphScene(pivotContext());
  renderInGrafana(<scene.Component model={scene} />);
  await screen.findByTestId(testIds.graph.page('data'));
  expect(graphFromMetrics).toHaveBeenCalledTimes(1);
  expect(viewGraph).toHaveBeenCalledTimes(1);
  graphFromMetrics.mockClear();
  viewGraph.mockClear();
  return { ...parts(scene), requests: () => requests.filter((r) => r.uid === PROMETHEUS.uid) };
}

describe('Graph page recomputes only when its data or controls change', () => {
  beforeEach(() => {
    graphFromMetrics.mockClear();
    viewGraph.mockClear();
  });

  it('computes the graph once per answer: a new time range waits for its answer', async () => {
    const { graph, timeRange, requests } = await openGraph();
    act(() =>
      (timeRange as SceneTimeRange).onTimeRangeChange({
        from: dateTime(1_700_000_000_000),
        to: dateTime(1_700_003_600_000),
        raw: { from: dateTime(1_700_000_000_000), to: dateTime(1_700_003_600_000) },
      })
    );
    await waitFor(() => expect(requests()).toHaveLength(2));
    await waitFor(() => expect(graph.state.derivedData?.timeRange?.from.valueOf()).toBe(1_700_000_000_000));
    // One computation, from the new answer; none from the previous answer when the range changed.
    expect(graphFromMetrics).toHaveBeenCalledTimes(1);
    expect(viewGraph).toHaveBeenCalledTimes(1);
  });

  it('computes nothing while a slow query runs, keeping the graph, and once when it answers', async () => {
    const { graph, metrics } = await openGraph();
    const answer = metrics.state.data!;
    const shown = graph.state.status;
    // As Grafana's runRequest reports a query still running: the previous answer's frames, state Loading.
    act(() => metrics.setState({ data: { ...answer, state: LoadingState.Loading } }));
    expect(graphFromMetrics).not.toHaveBeenCalled();
    expect(viewGraph).not.toHaveBeenCalled();
    expect(graph.state.status).toBe(shown);
    expect(screen.getByTestId(testIds.graph.page('data'))).toBeInTheDocument();

    act(() => metrics.setState({ data: { ...answer, state: LoadingState.Done } }));
    expect(graphFromMetrics).toHaveBeenCalledTimes(1);
    expect(viewGraph).toHaveBeenCalledTimes(1);
  });

  it('shows the loading state when a first load has nothing to show yet, computing nothing', async () => {
    const { graph, metrics } = await openGraph();
    act(() => metrics.setState({ data: { ...metrics.state.data!, series: [], state: LoadingState.Loading } }));
    expect(graph.state.status.kind).toBe('loading');
    expect(graphFromMetrics).not.toHaveBeenCalled();
  });

  it('recomputes only the view when a control changes, and nothing when a control is set to its value', async () => {
    const { graph } = await openGraph();
    act(() => graph.setFocus('cart'));
    expect(graphFromMetrics).not.toHaveBeenCalled();
    expect(viewGraph).toHaveBeenCalledTimes(1);
    expect(viewGraph.mock.calls[0][1]).toEqual({ focus: 'cart', depth: 1, unhealthyOnly: false });
    act(() => graph.setDepth(2));
    act(() => graph.setUnhealthy(true));
    expect(viewGraph).toHaveBeenCalledTimes(3);
    act(() => graph.setFocus('cart'));
    expect(viewGraph).toHaveBeenCalledTimes(3);
    expect(graphFromMetrics).not.toHaveBeenCalled();
    await screen.findByTestId(testIds.graph.page('data'));
  });
});
