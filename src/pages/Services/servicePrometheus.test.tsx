import React from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { DataQueryRequest, dateTime } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { DataSourceVariable, EmbeddedScene, sceneGraph, SceneQueryRunner } from '@grafana/scenes';
import type { DataSourceSummary } from '../../datasources/lookup';
import { dataSourcePage } from '../../scenes/dataSourcePage';
import { testIds } from '../../components/testIds';
import { RECORDED_EDGES_PROBE_REF, recordedGraphQueries } from '../../datasources/recordedEdges';
import { GRAPH_REFS, graphQueries } from '../../datasources/serviceGraph';
import { familyProbe } from '../../scenes/familyProbe';
import type { PivotJsonData } from '../../settings';
import {
  Answer,
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderInGrafana,
  TEMPO,
} from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { ERROR_EXEMPLARS_REF, LATENCY_EXEMPLARS_REF } from './errorExemplars';
import { MESSAGES_REF } from './consumerView';
import { buildServiceScene, SERVICE_REFS } from './serviceScene';

const T = 1_700_000_000_000;
const SERVICE = 'checkout';
const CONFIGURED: PivotJsonData = { metrics: { family: 'otel-spanmetrics' } };
// With a queue consumer's messages processed, which checkout (a server) leaves unanswered.
const PANEL_REFS = [
  SERVICE_REFS.errorRatio,
  SERVICE_REFS.latency,
  ERROR_EXEMPLARS_REF,
  LATENCY_EXEMPLARS_REF,
  MESSAGES_REF,
];

/** The probe (recorded edges found or not; no family for `auto`), the panels' range series and the graph's edges. */
function respond(edgesRecorded: boolean) {
  return (_ds: unknown, request: DataQueryRequest): Answer => {
    const refIds = request.targets.map((t) => t.refId);
    if (request.requestId.startsWith('pivot-family')) {
      return { frames: edgesRecorded ? [promSeries(RECORDED_EDGES_PROBE_REF, {}, [[T, 2]])] : [] };
    }
    if (request.targets.some((t) => 'queryType' in t)) {
      return { frames: [] };
    }
    const graph = refIds.includes(GRAPH_REFS.requests)
      ? [
          promSeries(GRAPH_REFS.requests, { client: 'frontend', server: SERVICE }, [[T, 12]]),
          promSeries(GRAPH_REFS.requests, { client: SERVICE, server: 'payments' }, [[T, 5]]),
        ]
      : [];
    const panels = refIds
      .filter((r) => (PANEL_REFS as string[]).includes(r) && r !== MESSAGES_REF)
      .map((refId) =>
        promSeries(
          refId,
          { service_name: SERVICE },
          [
            [T, 0.1],
            [T + 60_000, 0.2],
          ],
          'range'
        )
      );
    return { frames: [...panels, ...graph] };
  };
}

/** The page's requests per data source (the app's probe apart). */
function perDataSource(requests: RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const key = r.request.requestId.startsWith('pivot-family') ? 'probe' : r.type;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const prometheusPage = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.type === 'prometheus' && !r.request.requestId.startsWith('pivot-family'));

async function appLoad(settings: PivotJsonData, edgesRecorded: boolean) {
  const requests = installFakeGrafana(respond(edgesRecorded));
  const ctx = pivotContext(settings);
  if (!ctx.datasources.prometheus.ok) {
    throw new Error('no Prometheus in the fake');
  }
  // What the app does as it loads (src/app/App.tsx).
  await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
  return { requests, ctx };
}

function render(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
  return scene;
}

describe('Service page: one request per data source', () => {
  it.each([true, false])(
    'sends the panels’ and the neighbourhood’s Prometheus queries in one request (recorded edges %s)',
    async (edgesRecorded) => {
      const { requests, ctx } = await appLoad(CONFIGURED, edgesRecorded);
      render(buildServiceScene(ctx, SERVICE));
      await screen.findByTestId(testIds.service.section('error-ratio', 'data'));
      await screen.findByTestId(testIds.service.section('latency', 'data'));
      await screen.findByTestId(testIds.graph.neighbourhood('data'));
      await screen.findByTestId(testIds.service.neighbour('payments'));
      await waitFor(() => expect(perDataSource(requests).tempo).toBeGreaterThan(0));
      expect(perDataSource(requests).prometheus).toBe(1);
      expect(perDataSource(requests).probe).toBe(1);
      const [sent] = prometheusPage(requests);
      // Recorded over the page's default hour: the 1-hour edge series (graphRecorded.test.tsx).
      const window = edgesRecorded ? '1h' : '$__range';
      const graph = (edgesRecorded ? recordedGraphQueries : graphQueries)({ window, service: SERVICE });
      expect(sent.request.targets.map((t) => t.refId)).toEqual([...PANEL_REFS, ...graph.map((q) => q.refId)]);
      expect(sent.request.targets.slice(PANEL_REFS.length)).toEqual(
        graph.map((q) => expect.objectContaining({ expr: q.expr, instant: true, range: false }))
      );
      expect(sent.request.targets.slice(0, PANEL_REFS.length)).toEqual(
        PANEL_REFS.map(() => expect.objectContaining({ range: true, instant: false }))
      );
    }
  );

  it('asks the neighbourhood alone when no metric family has requests, and says so above', async () => {
    const { requests, ctx } = await appLoad({}, false);
    render(buildServiceScene(ctx, SERVICE));
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    expect(screen.getByText(/No requests under any metric family/)).toBeInTheDocument();
    expect(prometheusPage(requests)).toHaveLength(1);
    expect(prometheusPage(requests)[0].request.targets.map((t) => t.refId)).toEqual(Object.values(GRAPH_REFS));
  });

  it('asks the neighbourhood alone when the settings cannot build the panels’ queries', async () => {
    const requests = installFakeGrafana(respond(false));
    render(
      buildServiceScene(
        pivotContext({ metrics: { family: 'http-semconv', serviceLabel: 'service.name' } } as PivotJsonData),
        SERVICE
      )
    );
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    expect(prometheusPage(requests)).toHaveLength(1);
    expect(prometheusPage(requests)[0].request.targets.map((t) => t.refId)).toEqual(Object.values(GRAPH_REFS));
  });

  it('asks the one request again over a new window, and a clone asks its own', async () => {
    const { requests, ctx } = await appLoad(CONFIGURED, true);
    const scene = render(buildServiceScene(ctx, SERVICE));
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    await screen.findByTestId(testIds.service.section('latency', 'data'));
    const before = prometheusPage(requests).length;
    const from = dateTime(T);
    const to = dateTime(T + 10 * 60_000);
    act(() => sceneGraph.getTimeRange(scene).onTimeRangeChange({ from, to, raw: { from, to } }));
    await waitFor(() => expect(prometheusPage(requests).length).toBe(before + 1));
    const again = prometheusPage(requests)[before];
    expect(again.request.range.from.valueOf()).toBe(T);
    expect(again.request.targets).toHaveLength(PANEL_REFS.length + Object.values(GRAPH_REFS).length);

    const clone = scene.clone();
    expect(clone.state.body.state.$data).not.toBe(scene.state.body.state.$data);
    render(clone);
    const later = dateTime(T + 20 * 60_000);
    const count = prometheusPage(requests).length;
    act(() => sceneGraph.getTimeRange(clone).onTimeRangeChange({ from: to, to: later, raw: { from: to, to: later } }));
    await waitFor(() => expect(prometheusPage(requests).length).toBeGreaterThan(count));
    // The clone's own request answered into the clone's own runner.
    await waitFor(() =>
      expect((clone.state.body.state.$data as SceneQueryRunner).state.data?.timeRange.to.valueOf()).toBe(
        later.valueOf()
      )
    );
    expect((scene.state.body.state.$data as SceneQueryRunner).state.data?.timeRange.to.valueOf()).toBe(to.valueOf());
  });

  it('asks the Prometheus picked on the page: the rebuilt page brings its own one request', async () => {
    const promEu: DataSourceSummary = { uid: 'prom-eu', name: 'Prometheus EU', type: 'prometheus' };
    const available = [PROMETHEUS, promEu, LOKI, TEMPO];
    locationService.push('/a/pivot-correlation-app/services/checkout');
    const requests = installFakeGrafana(respond(false), available);
    const scene = render(dataSourcePage(pivotContext(CONFIGURED, available), (ctx) => buildServiceScene(ctx, SERVICE)));
    await screen.findByTestId(testIds.service.section('latency', 'data'));
    await screen.findByTestId(testIds.service.neighbour('payments'));
    const uids = () => prometheusPage(requests).map((r) => r.uid);
    expect(uids()).toEqual([PROMETHEUS.uid]);
    const metrics = sceneGraph.lookupVariable('metrics', scene);
    if (!(metrics instanceof DataSourceVariable)) {
      throw new Error('no metrics variable');
    }
    act(() => metrics.changeValueTo(promEu.uid, promEu.name, true));
    await waitFor(() => expect(uids()).toEqual([PROMETHEUS.uid, promEu.uid]));
    await screen.findByTestId(testIds.service.section('latency', 'data'));
    await screen.findByTestId(testIds.service.neighbour('payments'));
    const [, eu] = prometheusPage(requests);
    expect(eu.request.targets.map((t) => t.refId)).toEqual([...PANEL_REFS, ...Object.values(GRAPH_REFS)]);
    // A new window asks the picked one only.
    const from = dateTime(T);
    const to = dateTime(T + 10 * 60_000);
    act(() => sceneGraph.getTimeRange(scene).onTimeRangeChange({ from, to, raw: { from, to } }));
    await waitFor(() => expect(uids()).toEqual([PROMETHEUS.uid, promEu.uid, promEu.uid]));
  });
});
