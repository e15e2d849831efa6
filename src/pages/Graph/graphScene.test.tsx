import React from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DataFrame, DataQueryRequest } from '@grafana/data';
import { EmbeddedScene, sceneGraph, SceneObject, SceneTimeRange, VizPanel } from '@grafana/scenes';
import { checkoutFailureFrame } from '../../analysis/fixtures/traceFrames';
import { EdgeSpec, graphMetricFrames, syntheticEdges } from '../../analysis/fixtures/serviceGraphMetrics';
import { neighbourhoodGraph } from '../../components/NeighbourhoodGraph/NeighbourhoodGraph';
import { testIds } from '../../components/testIds';
import { graphQueries, GRAPH_REFS } from '../../datasources/serviceGraph';
import { traceql } from '../../datasources';
import { expectValidPromQL, expectValidTraceQL } from '../../testing/grammar';
import { PLUGIN_BASE_URL } from '../../constants';
import {
  ALL_DATASOURCES,
  Answer,
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  renderInGrafana,
  TEMPO,
} from '../../testing/fakeGrafana';
import { tempoTracesFrame } from '../../testing/frames';
import { EDGE_TRACES_LIMIT, EDGE_TRACES_TEST_IDS } from './EdgeFailingTraces';
import { buildGraphScene } from './graphPage';
import { GraphScene } from './GraphScene';
import { controlsFromUrl, controlsToUrl } from './graphModel';

const TOPOLOGY: EdgeSpec[] = [
  { client: 'user', server: 'frontend', connectionType: 'virtual_node', rate: 50, p95: 0.3 },
  { client: 'frontend', server: 'cart', rate: 30, p95: 0.05 },
  { client: 'frontend', server: 'checkout', rate: 10, failedRate: 1, p95: 0.8 },
  { client: 'cart', server: 'postgres', connectionType: 'database', rate: 40, p95: 0.01 },
];

function graphOf(scene: EmbeddedScene): GraphScene {
  const found = sceneGraph.findObject(scene, (o) => o instanceof GraphScene);
  if (!(found instanceof GraphScene)) {
    throw new Error('no graph scene');
  }
  return found;
}

/**
 * What the node graph panel is given, as "nodes:N edges:M" (core panels do not render in jest,
 * docs/conventions.md#panels-and-node-graph-frames: the scene's data is what is tested).
 */
async function panelText(owner: SceneObject): Promise<string> {
  const text = () => {
    const panel = sceneGraph.findObject(owner, (o) => o instanceof VizPanel);
    const series = panel ? (sceneGraph.getData(panel).state.data?.series ?? []) : [];
    return series.map((f) => `${f.name}:${f.length}`).join(' ');
  };
  await waitFor(() => expect(text()).not.toBe(''));
  return text();
}

function metricsAnswer(edges: EdgeSpec[]) {
  return (request: DataQueryRequest): Answer => {
    const asked = new Set(request.targets.map((t) => t.refId));
    return { frames: graphMetricFrames(edges, { frontend: 0.3, cart: 0.05 }).filter((f) => asked.has(f.refId ?? '')) };
  };
}

function render(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
  return scene;
}

describe('Graph page', () => {
  it('asks Prometheus the graph queries in one request: instant, over the whole window', async () => {
    const requests = installFakeGrafana((ds, r) => metricsAnswer(TOPOLOGY)(r));
    render(buildGraphScene(pivotContext()));
    await screen.findByTestId(testIds.graph.page('data'));
    const sent = requests.filter((r) => r.uid === PROMETHEUS.uid);
    expect(sent).toHaveLength(1);
    const expected = graphQueries({ window: '$__range' });
    expect(sent[0].request.targets).toEqual(
      expected.map((q) => expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true, range: false }))
    );
    expected.forEach((q) => expectValidPromQL(q.expr));
    expect(requests.filter((r) => r.uid !== PROMETHEUS.uid)).toHaveLength(0);
  });

  it('draws every node and edge, and lists the edges failing first with their pivots', async () => {
    installFakeGrafana((ds, r) => metricsAnswer(TOPOLOGY)(r));
    const scene = render(buildGraphScene(pivotContext()));
    await screen.findByTestId(testIds.graph.page('data'));
    expect(await panelText(scene)).toBe('nodes:5 edges:4');
    const rows = screen.getAllByTestId(/pivot-graph-edge /).map((r) => r.getAttribute('data-testid'));
    expect(rows[0]).toBe(testIds.graph.edgeRow('frontend → checkout'));
    const row = within(screen.getByTestId(testIds.graph.edgeRow('frontend → checkout')));
    expect(row.getByText('10%')).toBeInTheDocument();
    const checkout = row.getByTestId(testIds.graph.nodeLink('checkout'));
    expect(checkout.getAttribute('href')).toBe(`${PLUGIN_BASE_URL}/services/checkout?from=now-1h&to=now`);
    // Failing traces open as a Pivot list under the row (EdgeFailingTraces), not in Explore.
    expect(row.queryByRole('link', { name: /Failing traces/ })).toBeNull();
    expect(row.getByRole('button', { name: /Failing traces/ })).toHaveAttribute('aria-expanded', 'false');
    const logs = row.getByRole('link', { name: /Error logs of checkout/ }).getAttribute('href') ?? '';
    const logPanes = JSON.parse(new URL(logs, 'http://x').searchParams.get('panes') ?? '{}');
    expect(logPanes.pivot.datasource).toBe(LOKI.uid);
    expect(logPanes.pivot.queries[0].expr).toBe('{service_name="checkout"} | detected_level=~"error|critical|fatal"');
    // A database is no Service page: no link on it.
    expect(screen.queryByTestId(testIds.graph.nodeLink('postgres'))).toBeNull();
  });

  it("lists an edge's failing traces under its row, each opening Pivot's Trace page, Explore one link away", async () => {
    const HOSTILE = { client: 'front"end', server: 'check\\out $1' };
    const edges: EdgeSpec[] = [{ ...TOPOLOGY[0], ...HOSTILE }];
    const id = `${HOSTILE.client} → ${HOSTILE.server}`;
    const traces = [
      {
        traceID: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        startTimeMs: 1_700_000_000_000,
        service: 'front"end',
        name: 'GET /',
        durationMs: 87,
      },
      { traceID: '../../admin?x=1#y', startTimeMs: 1_700_000_001_000, service: '', name: '', durationMs: 5 },
    ];
    let tempoAnswer: 'pending' | { error: string } | { frames: DataFrame[] } = 'pending';
    const requests = installFakeGrafana((ds, r) => (ds.uid === TEMPO.uid ? tempoAnswer : metricsAnswer(edges)(r)));
    render(buildGraphScene(pivotContext()));
    const row = within(await screen.findByTestId(testIds.graph.edgeRow(id)));
    expect(requests.filter((r) => r.uid === TEMPO.uid)).toHaveLength(0);

    tempoAnswer = { frames: [tempoTracesFrame('edgeTraces', traces)] };
    fireEvent.click(row.getByRole('button', { name: /Failing traces/ }));
    const list = within(await screen.findByTestId(EDGE_TRACES_TEST_IDS.list(id)));
    await list.findByText(/front"end GET \/ \(a1b2c3d4\)/);
    const sent = requests.filter((r) => r.uid === TEMPO.uid);
    expect(sent).toHaveLength(1);
    expect(sent[0].request.targets[0]).toMatchObject({
      queryType: 'traceql',
      limit: EDGE_TRACES_LIMIT,
      tableType: 'traces',
    });
    // The edge's own pivot query (checkout answers no spans here: it is reached as a peer), names escaped.
    const query = String((sent[0].request.targets[0] as unknown as { query: string }).query);
    expectValidTraceQL(query);
    expect(query).toContain('"front\\"end"');
    expect(query).toContain('"check\\\\out \\u00241"');
    expect(query).toContain('status = error');
    expect(list.getByRole('link', { name: /front"end GET/ })).toHaveAttribute(
      'href',
      `${PLUGIN_BASE_URL}/trace/a1b2c3d4e5f60718293a4b5c6d7e8f90?from=now-1h&to=now`
    );
    // A hostile id stays one path segment.
    expect(list.getByRole('link', { name: '../../admin?x=1#y' })).toHaveAttribute(
      'href',
      `${PLUGIN_BASE_URL}/trace/${encodeURIComponent('../../admin?x=1#y')}?from=now-1h&to=now`
    );
    const explore = list.getByRole('link', { name: /Open the query in Explore/ }).getAttribute('href') ?? '';
    const panes = JSON.parse(new URL(explore, 'http://x').searchParams.get('panes') ?? '{}');
    expect(panes.pivot.datasource).toBe(TEMPO.uid);
    expect(panes.pivot.queries[0].query).toBe(query);

    // Closed and opened again: empty and failing answers are said, never a blank.
    fireEvent.click(row.getByRole('button', { name: /Failing traces/ }));
    expect(screen.queryByTestId(EDGE_TRACES_TEST_IDS.list(id))).toBeNull();
    tempoAnswer = { frames: [tempoTracesFrame('edgeTraces', [])] };
    fireEvent.click(row.getByRole('button', { name: /Failing traces/ }));
    expect(
      await screen.findByText(/No failing trace between front"end and check\\out \$1 in this window/)
    ).toBeInTheDocument();
    fireEvent.click(row.getByRole('button', { name: /Failing traces/ }));
    tempoAnswer = { error: 'tempo: search timed out' };
    fireEvent.click(row.getByRole('button', { name: /Failing traces/ }));
    const problem = within(await screen.findByTestId(EDGE_TRACES_TEST_IDS.list(id)));
    expect(await problem.findByText('Tempo could not search the failing traces')).toBeInTheDocument();
    expect(problem.getByText(/search timed out/)).toBeInTheDocument();
  });

  it('keeps focus, depth and the unhealthy filter in the URL and narrows the graph', async () => {
    installFakeGrafana((ds, r) => metricsAnswer(TOPOLOGY)(r));
    const scene = render(buildGraphScene(pivotContext()));
    await screen.findByTestId(testIds.graph.page('data'));
    const graph = graphOf(scene);
    act(() => graph.updateFromUrl({ focus: 'cart', depth: '1' }));
    expect(await panelText(scene)).toBe('nodes:3 edges:2');
    expect(graph.getUrlState()).toEqual({ focus: 'cart', depth: undefined, unhealthy: undefined });
    act(() => graph.updateFromUrl({ focus: 'cart', depth: '2' }));
    expect(await panelText(scene)).toBe('nodes:4 edges:3');
    act(() => graph.updateFromUrl({ unhealthy: 'true' }));
    expect(await panelText(scene)).toBe('nodes:2 edges:1');
    expect(graph.getUrlState()).toEqual({ focus: undefined, depth: undefined, unhealthy: 'true' });
    act(() => graph.updateFromUrl({}));
    expect(await panelText(scene)).toBe('nodes:5 edges:4');
    fireEvent.click(screen.getByTestId(testIds.graph.unhealthy));
    expect(graph.state.unhealthy).toBe(true);
    expect(await panelText(scene)).toBe('nodes:2 edges:1');
    act(() => graph.updateFromUrl({ focus: 'nope' }));
    expect((await screen.findByTestId(testIds.graph.message)).textContent).toMatch(/nope has no edges/);
  });

  it('parses and writes its URL keys, defaults left out', () => {
    expect(controlsFromUrl({ focus: 'a b', depth: '2', unhealthy: 'true' })).toEqual({
      focus: 'a b',
      depth: 2,
      unhealthy: true,
    });
    expect(controlsFromUrl({ depth: '7', unhealthy: 'no' })).toEqual({ focus: undefined, depth: 1, unhealthy: false });
    expect(controlsToUrl({ depth: 1, unhealthy: false })).toEqual({
      focus: undefined,
      depth: undefined,
      unhealthy: undefined,
    });
  });

  it('collapses more than 1,500 services into the unhealthy edges, with a message', async () => {
    installFakeGrafana((ds, r) => metricsAnswer(syntheticEdges(2000, 4000))(r));
    const scene = render(buildGraphScene(pivotContext()));
    expect((await screen.findByTestId(testIds.graph.message)).textContent).toMatch(
      /2,000 services, more than the 1,500/
    );
    const [nodes] = (await panelText(scene)).split(' ');
    expect(Number(nodes.split(':')[1])).toBeLessThanOrEqual(1500);
  });

  it('says the metrics are missing, shows how to enable them, and builds a sampled graph from failing traces', async () => {
    const traceIds = ['0af7651916cd43dd8448eb211c80319c', '1bf7651916cd43dd8448eb211c80319d'];
    const requests = installFakeGrafana((ds, request) => {
      if (ds.uid === PROMETHEUS.uid) {
        return { frames: [] };
      }
      const first = request.targets[0] as unknown as { refId: string };
      if (first.refId === 'sampleSearch') {
        return {
          frames: [
            tempoTracesFrame(
              'sampleSearch',
              traceIds.map((traceID) => ({ traceID, startTimeMs: 1, service: 'frontend', name: 'GET', durationMs: 1 }))
            ),
          ],
        };
      }
      return {
        frames: request.targets.map((t, i): DataFrame =>
          checkoutFailureFrame({ refId: t.refId, traceId: traceIds[i] })
        ),
      };
    });
    const scene = render(buildGraphScene(pivotContext()));
    const missing = await screen.findByTestId(testIds.graph.page('missing'));
    expect(missing.textContent).toMatch(/traces_service_graph_request_total/);
    expect(missing.textContent).toMatch(/service-graphs/);
    expect(missing.textContent).toMatch(/servicegraph:/);
    fireEvent.click(screen.getByTestId(testIds.graph.buildSampled));
    await screen.findByTestId(testIds.graph.page('sampled'));
    expect(screen.getByTestId(testIds.graph.sampledLabel).textContent).toMatch(/not from service-graph metrics/);
    // frontend, checkout, payment, postgres, fraud; four parent → child service pairs.
    expect(await panelText(scene)).toBe('nodes:5 edges:4');
    const tempo = requests.filter((r) => r.uid === TEMPO.uid);
    expect(tempo).toHaveLength(2);
    expect(tempo[0].request.targets[0]).toMatchObject({
      queryType: 'traceql',
      query: traceql.failingSpans(),
      limit: 20,
    });
    expect(tempo[1].request.targets.map((t) => (t as unknown as { query: string }).query)).toEqual(
      traceIds.map(traceql.traceById)
    );
    const row = within(screen.getByTestId(testIds.graph.edgeRow('frontend → checkout')));
    expect(row.getByText('2 calls')).toBeInTheDocument();
  });

  it('says what to do when there is no Prometheus data source, and cannot sample without Tempo', async () => {
    installFakeGrafana(() => ({ frames: [] }), [LOKI, TEMPO]);
    render(buildGraphScene(pivotContext({}, [LOKI, TEMPO])));
    expect((await screen.findByTestId(testIds.graph.page('problem'))).textContent).toMatch(/Prometheus/);

    installFakeGrafana(() => ({ frames: [] }), [PROMETHEUS, LOKI]);
    render(buildGraphScene(pivotContext({}, [PROMETHEUS, LOKI])));
    await screen.findByTestId(testIds.graph.page('missing'));
    expect(screen.getByTestId(testIds.graph.buildSampled)).toBeDisabled();
  });

  it('shows the data source error when the queries fail', async () => {
    installFakeGrafana(() => ({ error: 'bad_data: parse error' }));
    render(buildGraphScene(pivotContext()));
    expect((await screen.findByTestId(testIds.graph.page('error'))).textContent).toMatch(/bad_data: parse error/);
  });
});

describe('neighbourhood graph (Service page)', () => {
  function inScene(ctxAvailable = ALL_DATASOURCES) {
    const ctx = pivotContext({}, ctxAvailable);
    return new EmbeddedScene({
      $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
      body: neighbourhoodGraph(ctx, 'cart'),
    });
  }

  it('asks the edges touching the service only, and draws it with its neighbours', async () => {
    const requests = installFakeGrafana((ds, r) => metricsAnswer(TOPOLOGY)(r));
    const scene = render(inScene());
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    const targets = requests.filter((r) => r.uid === PROMETHEUS.uid)[0].request.targets;
    expect(targets.map((t) => t.refId)).toEqual(Object.values(GRAPH_REFS));
    expect(targets).toEqual(
      graphQueries({ window: '$__range', service: 'cart' }).map((q) =>
        expect.objectContaining({ expr: q.expr, instant: true })
      )
    );
    // The fake answers the whole topology; the view keeps cart, frontend (caller) and postgres (callee).
    expect(await panelText(scene)).toBe('nodes:3 edges:2');
    expect(screen.getByRole('link', { name: /Open the service graph around cart/ }).getAttribute('href')).toBe(
      `${PLUGIN_BASE_URL}/graph?from=now-1h&to=now&focus=cart&depth=2`
    );
    // The same neighbourhood as text, for screen readers, from the same single request.
    expect(requests.filter((r) => r.uid === PROMETHEUS.uid)).toHaveLength(1);
    const list = within(screen.getByRole('region', { name: 'Callers and callees of cart' }));
    expect(list.getAllByRole('listitem').map((li) => li.getAttribute('data-testid'))).toEqual(
      ['frontend', 'postgres'].map(testIds.service.neighbour)
    );
    const frontend = within(screen.getByTestId(testIds.service.neighbour('frontend')));
    expect(frontend.getByRole('link', { name: 'frontend' }).getAttribute('href')).toBe(
      `${PLUGIN_BASE_URL}/services/frontend?from=now-1h&to=now`
    );
    expect(frontend.getByText('30 req/s')).toBeInTheDocument();
    const postgres = within(screen.getByTestId(testIds.service.neighbour('postgres')));
    expect(postgres.queryByRole('link')).not.toBeInTheDocument();
    expect(postgres.getByText('(database)')).toBeInTheDocument();
  });

  it('lists an edge’s errors, and says when a side has no neighbour', async () => {
    installFakeGrafana((ds, r) => metricsAnswer(TOPOLOGY)(r));
    const ctx = pivotContext();
    render(
      new EmbeddedScene({
        $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
        body: neighbourhoodGraph(ctx, 'checkout'),
      })
    );
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    const frontend = within(screen.getByTestId(testIds.service.neighbour('frontend')));
    expect(frontend.getByText('10% errors')).toBeInTheDocument();
    expect(screen.getByText('None in this window')).toBeInTheDocument();
  });

  it('shows the data source error', async () => {
    installFakeGrafana(() => ({ error: 'bad_data: parse error' }));
    render(inScene());
    expect((await screen.findByTestId(testIds.graph.neighbourhood('error'))).textContent).toMatch(
      /bad_data: parse error/
    );
  });

  it('says when no edge touches the service, and when Prometheus is missing', async () => {
    installFakeGrafana(() => ({ frames: [] }));
    render(inScene());
    expect((await screen.findByTestId(testIds.graph.neighbourhood('empty'))).textContent).toMatch(
      /No service-graph edges touch cart/
    );
    installFakeGrafana(() => ({ frames: [] }), [LOKI, TEMPO]);
    render(inScene([LOKI, TEMPO]));
    expect(await screen.findByTestId(testIds.graph.neighbourhood('problem'))).toBeInTheDocument();
  });
});
