import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { DataQueryRequest } from '@grafana/data';
import { EmbeddedScene, sceneGraph, SceneTimeRange, VizPanel } from '@grafana/scenes';
import { EdgeSpec, graphMetricFrames } from '../../analysis/fixtures/serviceGraphMetrics';
import { neighbourhoodGraph } from '../../components/NeighbourhoodGraph/NeighbourhoodGraph';
import { testIds } from '../../components/testIds';
import { RECORDED_EDGES_PROBE_REF, recordedGraphQueries } from '../../datasources/recordedEdges';
import { graphQueries } from '../../datasources/serviceGraph';
import { familyProbe } from '../../scenes/familyProbe';
import { Answer, installFakeGrafana, pivotContext, PROMETHEUS, renderInGrafana } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { buildGraphScene } from './graphPage';

const T = 1_700_000_000_000;
const SETTINGS = { metrics: { family: 'otel-spanmetrics' as const } };
const TOPOLOGY: EdgeSpec[] = [
  { client: 'user', server: 'frontend', connectionType: 'virtual_node', rate: 50, p95: 0.3 },
  { client: 'frontend', server: 'cart', rate: 30, p95: 0.05 },
  { client: 'frontend', server: 'checkout', rate: 10, failedRate: 1, p95: 0.8 },
  { client: 'cart', server: 'postgres', connectionType: 'database', rate: 40, p95: 0.01 },
];

type Probe = 'edges' | 'services only' | 'failed';

/** The app's probe: the recorded edges found, only the per-service series, or a failure; the graph's answer by refId. */
function respond(probe: Probe) {
  return (_ds: unknown, request: DataQueryRequest): Answer => {
    if (request.requestId.startsWith('pivot-family')) {
      if (probe === 'failed') {
        return { error: 'timeout' };
      }
      const frames = [promSeries('otel-spanmetrics:recorded', {}, [[T, 3]])];
      return { frames: probe === 'edges' ? [...frames, promSeries(RECORDED_EDGES_PROBE_REF, {}, [[T, 4]])] : frames };
    }
    const asked = new Set(request.targets.map((t) => t.refId));
    return {
      frames: graphMetricFrames(TOPOLOGY, { frontend: 0.3, cart: 0.05 }).filter((f) => asked.has(f.refId ?? '')),
    };
  };
}

/** The app loads: its probe is asked once (src/app/App.tsx). */
async function appProbe(probe: Probe) {
  const requests = installFakeGrafana(respond(probe));
  const ctx = pivotContext(SETTINGS);
  if (!ctx.datasources.prometheus.ok) {
    throw new Error('no Prometheus in the fake');
  }
  await familyProbe(ctx.settings, ctx.datasources.prometheus.ds).catch(() => undefined);
  return { requests, ctx };
}

const pageRequests = (requests: ReturnType<typeof installFakeGrafana>) =>
  requests.filter((r) => r.uid === PROMETHEUS.uid && !r.request.requestId.startsWith('pivot-family'));

async function nodesShown(scene: EmbeddedScene): Promise<string> {
  const text = () => {
    const panel = sceneGraph.findObject(scene, (o) => o instanceof VizPanel);
    const series = panel ? (sceneGraph.getData(panel).state.data?.series ?? []) : [];
    return series.map((f) => `${f.name}:${f.length}`).join(' ');
  };
  await waitFor(() => expect(text()).not.toBe(''));
  return text();
}

describe('Graph page and neighbourhood graph on recorded edge series', () => {
  it.each<[Probe, boolean]>([
    ['edges', true],
    ['services only', false],
    ['failed', false],
  ])('Graph page, probe %s: one request, recorded queries %s, the same graph', async (probe, recorded) => {
    const { requests, ctx } = await appProbe(probe);
    const scene = buildGraphScene(ctx);
    renderInGrafana(<scene.Component model={scene} />);
    await screen.findByTestId(testIds.graph.page('data'));
    const sent = pageRequests(requests);
    expect(sent).toHaveLength(1);
    const expected = (recorded ? recordedGraphQueries : graphQueries)({ window: '$__range' });
    expect(sent[0].request.targets).toEqual(
      expected.map((q) => expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true, range: false }))
    );
    expect(await nodesShown(scene)).toBe('nodes:5 edges:4');
    // Said on the page: the recorded window ends at the last 5-minute mark.
    expect(screen.queryByText(/Read from Pivot's recording rules/) !== null).toBe(recorded);
    // The probe was asked once, as the app loaded.
    const probes = requests.filter((r) => r.request.requestId.startsWith('pivot-family'));
    expect(probes).toHaveLength(1);
    // The edges are probed with the per-service series, in the same request.
    expect(probes[0].request.targets.map((t) => t.refId)).toEqual([
      'otel-spanmetrics:recorded',
      RECORDED_EDGES_PROBE_REF,
    ]);
    expect(screen.queryByTestId(testIds.graph.page('error'))).toBeNull();
  });

  it.each<[Probe, boolean]>([
    ['edges', true],
    ['services only', false],
  ])(
    'neighbourhood graph, probe %s: recorded queries %s for the edges touching the service',
    async (probe, recorded) => {
      const { requests, ctx } = await appProbe(probe);
      const service = '"} or vector(1) # ${x}';
      const scene = new EmbeddedScene({
        $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
        body: neighbourhoodGraph(ctx, service),
      });
      renderInGrafana(<scene.Component model={scene} />);
      await waitFor(() => expect(pageRequests(requests)).toHaveLength(1));
      const expected = (recorded ? recordedGraphQueries : graphQueries)({ window: '$__range', service });
      expect(pageRequests(requests)[0].request.targets).toEqual(
        expected.map((q) => expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true }))
      );
      // The fake answers the whole topology whatever was asked: drawn from the one answer.
      await screen.findByTestId(testIds.graph.neighbourhood('data'));
    }
  );

  it('neighbourhood graph outside the app (no probe started): the raw queries at once', async () => {
    const requests = installFakeGrafana(respond('edges'));
    const scene = new EmbeddedScene({
      $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
      body: neighbourhoodGraph(pivotContext(SETTINGS), 'cart'),
    });
    renderInGrafana(<scene.Component model={scene} />);
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    expect(pageRequests(requests)).toHaveLength(1);
    expect(pageRequests(requests)[0].request.targets.map((t) => ('expr' in t ? t.expr : ''))).toEqual(
      graphQueries({ window: '$__range', service: 'cart' }).map((q) => q.expr)
    );
    expect(requests.filter((r) => r.request.requestId.startsWith('pivot-family'))).toHaveLength(0);
  });
});
