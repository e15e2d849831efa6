import React from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { DataQueryRequest, dateTime } from '@grafana/data';
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
    // The page's default range is exactly 1 hour: recorded, the 1-hour edge series.
    const expected = (recorded ? recordedGraphQueries : graphQueries)({ window: recorded ? '1h' : '$__range' });
    expect(sent[0].request.targets).toEqual(
      expected.map((q) => expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true, range: false }))
    );
    expect(await nodesShown(scene)).toBe('nodes:5 edges:4');
    // Said on the page: the recorded hour ends at the rules' last run.
    expect(screen.queryByText(/Read from Pivot's recording rules/) !== null).toBe(recorded);
    expect(screen.queryByText(/over the hour ending at their last run/) !== null).toBe(recorded);
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

  /** The expressions a request asked, by refId. */
  const exprs = (request: DataQueryRequest) => request.targets.map((t) => ('expr' in t ? t.expr : ''));
  const setRange = (scene: EmbeddedScene, minutes: number) => {
    const from = dateTime(T - minutes * 60_000);
    const to = dateTime(T);
    act(() => sceneGraph.getTimeRange(scene).onTimeRangeChange({ from, to, raw: { from, to } }));
  };

  it('Graph page: 1 hour reads the 1-hour series, 2 hours the 5-minute tiling, 5 minutes the 5-minute series; one request per change', async () => {
    const { requests, ctx } = await appProbe('edges');
    const scene = buildGraphScene(ctx);
    renderInGrafana(<scene.Component model={scene} />);
    await screen.findByTestId(testIds.graph.page('data'));
    expect(pageRequests(requests)).toHaveLength(1);
    expect(exprs(pageRequests(requests)[0].request)).toEqual(recordedGraphQueries({ window: '1h' }).map((q) => q.expr));
    screen.getByText(/over the hour ending at their last run, at most a minute before the range's end/);

    const steps: Array<[number, string, RegExp]> = [
      [120, '$__range', /over the window ending at the last 5-minute mark/],
      [60, '1h', /over the hour ending at their last run/],
      [5, '5m', /over the 5 minutes ending at their last run/],
    ];
    for (const [minutes, window, note] of steps) {
      const before = pageRequests(requests).length;
      setRange(scene, minutes);
      await waitFor(() => expect(pageRequests(requests)).toHaveLength(before + 1));
      const sent = pageRequests(requests)[before].request;
      expect(sent.range.to.valueOf() - sent.range.from.valueOf()).toBe(minutes * 60_000);
      expect(exprs(sent)).toEqual(recordedGraphQueries({ window }).map((q) => q.expr));
      await screen.findByText(note);
      await screen.findByTestId(testIds.graph.page('data'));
      // One request per change: none with a previous range's queries.
      expect(pageRequests(requests)).toHaveLength(before + 1);
    }
  });

  it('Graph page without the edge rules: the raw queries over $__range at 1 hour and 2 hours alike', async () => {
    const { requests, ctx } = await appProbe('services only');
    const scene = buildGraphScene(ctx);
    renderInGrafana(<scene.Component model={scene} />);
    await screen.findByTestId(testIds.graph.page('data'));
    setRange(scene, 120);
    await waitFor(() => expect(pageRequests(requests)).toHaveLength(2));
    for (const { request } of pageRequests(requests)) {
      expect(exprs(request)).toEqual(graphQueries({ window: '$__range' }).map((q) => q.expr));
    }
    expect(screen.queryByText(/Read from Pivot's recording rules/)).toBeNull();
  });

  it('Graph page: the refresh button asks an absolute range again, a relative one once', async () => {
    const { requests, ctx } = await appProbe('edges');
    const scene = buildGraphScene(ctx);
    renderInGrafana(<scene.Component model={scene} />);
    await screen.findByTestId(testIds.graph.page('data'));
    const timeRange = sceneGraph.getTimeRange(scene);
    const from = dateTime(T - 3_600_000);
    const to = dateTime(T);
    act(() => timeRange.onTimeRangeChange({ from, to, raw: { from, to } }));
    await waitFor(() => expect(pageRequests(requests)).toHaveLength(2));
    act(() => timeRange.onRefresh());
    await waitFor(() => expect(pageRequests(requests)).toHaveLength(3));
    const [, absolute, again] = pageRequests(requests);
    expect(again.request.range.from.valueOf()).toBe(absolute.request.range.from.valueOf());
    expect(exprs(again.request)).toEqual(exprs(absolute.request));

    act(() => timeRange.onTimeRangeChange({ from, to, raw: { from: 'now-1h', to: 'now' } }));
    await waitFor(() => expect(pageRequests(requests)).toHaveLength(4));
    act(() => timeRange.onRefresh());
    await waitFor(() => expect(pageRequests(requests)).toHaveLength(5));
    await screen.findByTestId(testIds.graph.page('data'));
    expect(pageRequests(requests)).toHaveLength(5);
  });
});
