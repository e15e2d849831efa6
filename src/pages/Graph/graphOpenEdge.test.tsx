import React from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DataFrame, DataQueryRequest } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { SceneApp, sceneGraph, VizPanel } from '@grafana/scenes';
import { buildSceneApp } from '../../app/App';
import { EdgeSpec, graphMetricFrames } from '../../analysis/fixtures/serviceGraphMetrics';
import { EDGE_PIVOT_FIELDS } from '../../analysis/serviceGraphFrames';
import { testIds } from '../../components/testIds';
import type { DataSourceSummary } from '../../datasources/lookup';
import { expectValidTraceQL } from '../../testing/grammar';
import {
  Answer,
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderAppAt,
  TEMPO,
} from '../../testing/fakeGrafana';
import { tempoTracesFrame } from '../../testing/frames';
import { choiceFromUrl, setCurrentDataSources } from '../../utils/dataSourceChoice';
import { graphEdgeUrl, graphUrl, ROW_URL_PART } from '../../utils/links';
import { EDGE_TRACES_TEST_IDS } from './EdgeFailingTraces';
import { EDGE_LIST_TEST_IDS } from './EdgeList';
import { GraphScene } from './GraphScene';

/**
 * The open edge in the Graph page's URL (`client`, `server`): a link (the node graph's edge
 * menu, a pasted URL) opens the edge's failing traces on load, the list's button writes the
 * edge into the URL so a reload opens the same list, an edge the view does not have is said.
 */

const T = 1_700_000_000_000;
const RANGE = { from: String(T - 3_600_000), to: String(T) };
const HOSTILE = { client: `front"end & co #1`, server: 'pay/ments → ünï 😀' };
const HOSTILE_ID = `${HOSTILE.client} → ${HOSTILE.server}`;
const TEMPO_EU: DataSourceSummary = { uid: 'tempo-eu', name: 'Tempo EU', type: 'tempo' };
const AVAILABLE = [PROMETHEUS, LOKI, TEMPO, TEMPO_EU];

const EDGES: EdgeSpec[] = [
  { ...HOSTILE, rate: 10, failedRate: 1, p95: 0.8 },
  { client: 'frontend', server: 'cart', rate: 30, p95: 0.05 },
];

const TRACE = {
  traceID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  startTimeMs: T - 60_000,
  service: 'frontend',
  name: 'GET /pay',
  durationMs: 87,
};

function answer(ds: { uid: string; type: string }, request: DataQueryRequest): Answer {
  if (ds.type === 'tempo') {
    return { frames: [tempoTracesFrame('edgeTraces', [TRACE])] };
  }
  const asked = new Set(request.targets.map((t) => t.refId));
  return { frames: graphMetricFrames(EDGES).filter((f: DataFrame) => asked.has(f.refId ?? '')) };
}

function openUrl(url: string, available = AVAILABLE): { app: SceneApp; requests: RecordedRequest[] } {
  const requests = installFakeGrafana(answer, available);
  const app = buildSceneApp(pivotContext({}, available));
  renderAppAt(url, <app.Component model={app} />);
  return { app, requests };
}

function graphScene(app: SceneApp): GraphScene {
  for (const page of app.state.pages) {
    const scene = page.state.initializedScene;
    const found = scene && sceneGraph.findObject(scene, (o) => o instanceof GraphScene);
    if (found instanceof GraphScene) {
      return found;
    }
  }
  throw new Error('the Graph page is not built yet');
}

function tempoQueries(requests: RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.type === 'tempo')
    .flatMap((r) => r.request.targets.map((t) => String((t as unknown as { query: string }).query)));
}

afterEach(() => setCurrentDataSources({}));

function searchParams(): URLSearchParams {
  return new URLSearchParams(locationService.getLocation().search);
}

describe('Graph page: the open edge in the URL', () => {
  it('opens the edge’s failing traces on load from a link, names escaped in the URL and the TraceQL', async () => {
    const { requests } = openUrl(graphEdgeUrl(HOSTILE, { range: RANGE }));
    const list = within(await screen.findByTestId(EDGE_TRACES_TEST_IDS.list(HOSTILE_ID)));
    expect(await list.findByRole('link', { name: /frontend GET \/pay/ })).toBeInTheDocument();
    const row = within(screen.getByTestId(testIds.graph.edgeRow(HOSTILE_ID)));
    expect(row.getByRole('button', { name: /Failing traces/ })).toHaveAttribute('aria-expanded', 'true');
    const queries = tempoQueries(requests);
    expect(queries).toHaveLength(1);
    expectValidTraceQL(queries[0]);
    expect(queries[0]).toContain('"front\\"end & co #1"');
    expect(queries[0]).toContain('"pay/ments → ünï 😀"');
    expect(searchParams().get('client')).toBe(HOSTILE.client);
    expect(searchParams().get('server')).toBe(HOSTILE.server);
  });

  it('writes the edge opened by the button into the URL, and a reload opens the same list', async () => {
    openUrl(graphUrl({ range: RANGE }));
    const row = within(await screen.findByTestId(testIds.graph.edgeRow(HOSTILE_ID)));
    expect(screen.queryByTestId(EDGE_TRACES_TEST_IDS.list(HOSTILE_ID))).toBeNull();
    fireEvent.click(row.getByRole('button', { name: /Failing traces/ }));
    await screen.findByTestId(EDGE_TRACES_TEST_IDS.list(HOSTILE_ID));
    await waitFor(() => expect(searchParams().get('client')).toBe(HOSTILE.client));
    expect(searchParams().get('server')).toBe(HOSTILE.server);
    const { pathname, search } = locationService.getLocation();
    const reloaded = `${pathname}${search}`;

    // The reload: a new app at the URL the page wrote.
    cleanup();
    const { requests } = openUrl(reloaded);
    await screen.findByTestId(EDGE_TRACES_TEST_IDS.list(HOSTILE_ID));
    expect(tempoQueries(requests)).toHaveLength(1);
    // The window of the link (Scenes writes it back as ISO time).
    expect(Date.parse(searchParams().get('from') ?? '')).toBe(T - 3_600_000);

    // Closed: the keys leave the URL, one edge open at a time.
    const again = within(screen.getByTestId(testIds.graph.edgeRow(HOSTILE_ID)));
    fireEvent.click(again.getByRole('button', { name: /Failing traces/ }));
    await waitFor(() => expect(searchParams().get('client')).toBeNull());
    expect(searchParams().get('server')).toBeNull();
    expect(screen.queryByTestId(EDGE_TRACES_TEST_IDS.list(HOSTILE_ID))).toBeNull();
  });

  it('says so when the URL’s edge is not in the view, never a blank, and closes the message', async () => {
    const { app, requests } = openUrl(graphEdgeUrl({ client: 'ghost"', server: 'nowhere/#' }, { range: RANGE }));
    const problem = await screen.findByTestId(EDGE_LIST_TEST_IDS.openEdgeProblem);
    expect(problem).toHaveTextContent('Edge not in this view');
    expect(problem).toHaveTextContent('ghost" → nowhere/#');
    // The rest of the page as usual, and no search for an edge that is not there.
    expect(screen.getByTestId(testIds.graph.edgeRow(HOSTILE_ID))).toBeInTheDocument();
    expect(tempoQueries(requests)).toHaveLength(0);

    // Hidden by the unhealthy filter: frontend → cart is healthy.
    act(() => graphScene(app).updateFromUrl({ client: 'frontend', server: 'cart', unhealthy: 'true' }));
    expect(await screen.findByTestId(EDGE_LIST_TEST_IDS.openEdgeProblem)).toHaveTextContent('frontend → cart');
    act(() => graphScene(app).setUnhealthy(false));
    await screen.findByTestId(EDGE_TRACES_TEST_IDS.list('frontend → cart'));
    expect(screen.queryByTestId(EDGE_LIST_TEST_IDS.openEdgeProblem)).toBeNull();

    act(() => graphScene(app).updateFromUrl({ client: 'ghost', server: 'x' }));
    const again = await screen.findByTestId(EDGE_LIST_TEST_IDS.openEdgeProblem);
    fireEvent.click(within(again).getByRole('button', { name: /close/i }));
    await waitFor(() => expect(screen.queryByTestId(EDGE_LIST_TEST_IDS.openEdgeProblem)).toBeNull());
    await waitFor(() => expect(searchParams().get('client')).toBeNull());
  });

  it('says the failing traces need Tempo when the URL opens an edge on a Grafana without one', async () => {
    const { requests } = openUrl(graphEdgeUrl(HOSTILE, { range: RANGE, ds: {} }), [PROMETHEUS, LOKI]);
    const problem = await screen.findByTestId(EDGE_LIST_TEST_IDS.openEdgeProblem);
    expect(problem).toHaveTextContent('No Tempo data source: failing traces cannot be searched');
    expect(problem).toHaveTextContent(`${HOSTILE.client} → ${HOSTILE.server}`);
    expect(screen.getByTestId(testIds.graph.edgeRow(HOSTILE_ID))).toBeInTheDocument();
    expect(requests.filter((r) => r.type === 'tempo')).toHaveLength(0);
  });

  it('gives the node graph’s edge menu the same URL, with the window, focus and data sources of the page', async () => {
    const { app, requests } = openUrl(graphUrl({ range: RANGE, focus: 'frontend', ds: { tempo: TEMPO_EU.uid } }));
    await screen.findByTestId(testIds.graph.edgeRow('frontend → cart'));
    const edges = () => {
      const panel = sceneGraph.findObject(graphScene(app), (o) => o instanceof VizPanel);
      return panel && sceneGraph.getData(panel).state.data?.series.find((f) => f.name === 'edges');
    };
    await waitFor(() => expect(edges()).toBeDefined());
    const frame = edges()!;
    const field = frame.fields.find((f) => f.name === EDGE_PIVOT_FIELDS.pivotEdge)!;
    const link = field.config.links![0];
    const row = (frame.fields.find((f) => f.name === 'id')!.values as string[]).indexOf('frontend → cart');
    const href = link.url.split(ROW_URL_PART).join(String(field.values[row]));
    const { from, to } = sceneGraph.getTimeRange(graphScene(app)).state;
    expect(Date.parse(from)).toBe(T - 3_600_000);
    expect(href).toBe(
      graphEdgeUrl(
        { client: 'frontend', server: 'cart' },
        {
          range: { from, to },
          focus: 'frontend',
          ds: { prometheus: PROMETHEUS.uid, loki: LOKI.uid, tempo: TEMPO_EU.uid },
        }
      )
    );
    expect(choiceFromUrl(href.split('?')[1])).toEqual({
      prometheus: PROMETHEUS.uid,
      loki: LOKI.uid,
      tempo: TEMPO_EU.uid,
    });

    // Followed in the same tab: Scenes hands the page its keys of the new URL (the test's router
    // does not follow the location service, so that step is done here); the list opens,
    // searching the page's Tempo.
    act(() => graphScene(app).updateFromUrl(Object.fromEntries(new URLSearchParams(href.split('?')[1]))));
    await screen.findByTestId(EDGE_TRACES_TEST_IDS.list('frontend → cart'));
    await waitFor(() => expect(requests.filter((r) => r.type === 'tempo').map((r) => r.uid)).toEqual([TEMPO_EU.uid]));
  });
});
