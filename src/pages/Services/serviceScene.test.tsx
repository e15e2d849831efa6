import React from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { dateTime, DataFrame } from '@grafana/data';
import { EmbeddedScene, SceneAppPage, SceneDataProvider, sceneGraph, VizPanel } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { PLUGIN_BASE_URL } from '../../constants';
import { logql, promql, traceql } from '../../datasources';
import { NeighbourhoodGraph } from '../../components/NeighbourhoodGraph/NeighbourhoodGraph';
import { graphQueries, GRAPH_REFS } from '../../datasources/serviceGraph';
import { metricConventionsFor, normalizeSettings, PivotJsonData } from '../../settings';
import { expectValidLogQL, expectValidPromQL, expectValidTraceQL } from '../../testing/grammar';
import { MetricFamilyGate } from '../../scenes/MetricFamilyGate';
import { PillarSection } from '../../scenes/PillarSection';
import { buildServiceScene, SERVICE_REFS, serviceMetricQueries } from './serviceScene';
import { ERROR_EXEMPLARS_REF, LATENCY_EXEMPLARS_REF } from './errorExemplars';
import { MESSAGES_REF } from './consumerView';
import { suspectQueries } from './SuspectsSection';
import { PATTERN_REFS } from './LogPatternsSection';
import { servicePage, servicesPage } from './servicesPage';
import {
  Answer,
  installFakeGrafana,
  renderInGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  Responder,
  TEMPO,
} from '../../testing/fakeGrafana';
import { lokiLogsFrame, promSeries, tempoTracesFrame } from '../../testing/frames';
import { TRACE_ID_FIELD, TRACE_LINK_TITLE, traceLinkTemplate } from '../../utils/traceLinks';
import { serviceUrl } from '../../utils/links';

const T = 1_700_000_000_000;
const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SERVICE = 'checkout';
const configured: PivotJsonData = { metrics: { family: 'tempo-spanmetrics' } };

/**
 * The page's one Prometheus request: the panels' range series (no messages processed: checkout
 * serves requests), and the neighbourhood graph's answer, frontend → checkout → payments (20%
 * failing) and postgres.
 */
function prometheusAnswer(refIds: string[]): Answer {
  const graphRefs: string[] = Object.values(GRAPH_REFS);
  const toPostgres = { client: SERVICE, server: 'postgres', connection_type: 'database' };
  const graph = refIds.includes(GRAPH_REFS.requests)
    ? [
        promSeries(GRAPH_REFS.requests, { client: 'frontend', server: SERVICE }, [[T, 12]]),
        promSeries(GRAPH_REFS.requests, { client: SERVICE, server: 'payments' }, [[T, 5]]),
        promSeries(GRAPH_REFS.requests, toPostgres, [[T, 3]]),
        promSeries(GRAPH_REFS.failed, { client: SERVICE, server: 'payments' }, [[T, 1]]),
        promSeries(GRAPH_REFS.edgeP95, { client: 'frontend', server: SERVICE }, [[T, 0.2]]),
        promSeries(GRAPH_REFS.edgeP95, toPostgres, [[T, 0.01]]),
        promSeries(GRAPH_REFS.nodeP95, { server: SERVICE }, [[T, 0.2]]),
      ]
    : [];
  const panels = refIds
    .filter((refId) => !graphRefs.includes(refId) && refId !== MESSAGES_REF)
    .map((refId) =>
      promSeries(
        refId,
        { service: SERVICE },
        [
          [T, 0.1],
          [T + 60_000, 0.2],
        ],
        'range'
      )
    );
  return { frames: [...panels, ...graph] };
}

function lokiAnswer(withTraceIds = true): Answer {
  return {
    frames: [
      lokiLogsFrame(SERVICE_REFS.logs, [
        {
          timeMs: T,
          line: 'level=error msg="charge failed"',
          labels: withTraceIds ? { service_name: SERVICE, trace_id: ID } : { service_name: SERVICE },
          labelTypes: withTraceIds ? { service_name: 'I', trace_id: 'S' } : { service_name: 'I' },
        },
      ]),
    ],
  };
}

const tempoAnswer: Answer = {
  frames: [
    tempoTracesFrame(SERVICE_REFS.traces, [
      { traceID: ID, startTimeMs: T, service: SERVICE, name: 'POST /checkout', durationMs: 120 },
    ]),
  ],
};

function responder(overrides: Partial<Record<'prometheus' | 'loki' | 'tempo', Answer>> = {}): Responder {
  return (ds, request) => {
    const refIds = request.targets.map((t) => t.refId);
    switch (ds.type) {
      case 'prometheus':
        return overrides.prometheus ?? prometheusAnswer(refIds);
      case 'loki':
        return overrides.loki ?? lokiAnswer();
      default:
        return overrides.tempo ?? tempoAnswer;
    }
  };
}

function renderScene(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

function section(scene: EmbeddedScene, name: string): PillarSection {
  const found = sceneGraph.findObject(scene, (o) => o instanceof PillarSection && o.state.name === name);
  if (!(found instanceof PillarSection)) {
    throw new Error(`no ${name} section`);
  }
  return found;
}

function sectionData(scene: EmbeddedScene, name: string): SceneDataProvider {
  const data = section(scene, name).state.$data;
  if (!data) {
    throw new Error(`${name} has no data`);
  }
  return data;
}

function targetsOf(requests: RecordedRequest[], uid: string) {
  return requests.filter((r) => r.uid === uid).flatMap((r) => r.request.targets);
}

function text(target: object, key: 'expr' | 'query'): string {
  const value = (target as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

function prometheusRequests(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.uid === PROMETHEUS.uid);
}

/** What the neighbourhood graph's node graph panel is given, as "nodes:N edges:M". */
function neighbourhoodPanelText(scene: EmbeddedScene): string {
  const graph = sceneGraph.findObject(scene, (o) => o instanceof NeighbourhoodGraph);
  const panel = graph instanceof NeighbourhoodGraph ? graph.state.panel : undefined;
  const series = panel ? (sceneGraph.getData(panel).state.data?.series ?? []) : [];
  return series.map((f) => `${f.name}:${f.length}`).join(' ');
}

async function settled(scene: EmbeddedScene) {
  renderScene(scene);
  for (const name of ['error-ratio', 'latency', 'logs', 'traces']) {
    await screen.findByTestId(testIds.service.section(name, 'data'));
  }
  await screen.findByTestId(testIds.graph.neighbourhood('data'));
}

describe('Service page', () => {
  it('runs, for the service, error ratio and latency with exemplars, its error logs, failing traces and neighbourhood', async () => {
    const requests = installFakeGrafana(responder());
    await settled(buildServiceScene(pivotContext(configured), SERVICE));

    const conv = metricConventionsFor(normalizeSettings(configured), 'tempo-spanmetrics');
    const prom = targetsOf(requests, PROMETHEUS.uid);
    // The server statistics, or a queue consumer's (src/pages/Services/serviceConsumer.test.tsx).
    const panels = serviceMetricQueries(conv, SERVICE);
    expect(panels.errorRatio.expr).toContain(promql.errorRatio(conv, { service: SERVICE, window: '$__rate_interval' }));
    expect(panels.latency.expr).toContain(
      promql.latencyQuantile(conv, { service: SERVICE, window: '$__rate_interval', quantile: 0.95 })
    );
    expect(prom).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          refId: SERVICE_REFS.errorRatio,
          expr: panels.errorRatio.expr,
          exemplar: false,
          range: true,
        }),
        // The error-ratio panel's exemplars: the failed requests' (errorExemplars.ts).
        expect.objectContaining({
          refId: ERROR_EXEMPLARS_REF,
          expr: panels.errorExemplars.expr,
          exemplar: true,
          range: true,
        }),
        expect.objectContaining({
          refId: SERVICE_REFS.latency,
          expr: panels.latency.expr,
          exemplar: false,
          range: true,
        }),
        // The latency panel's exemplars: the latency buckets' (errorExemplars.ts).
        expect.objectContaining({
          refId: LATENCY_EXEMPLARS_REF,
          expr: panels.latencyExemplars.expr,
          exemplar: true,
          range: true,
        }),
        expect.objectContaining({ refId: MESSAGES_REF, expr: panels.messages?.expr, exemplar: false, range: true }),
        ...graphQueries({ service: SERVICE, window: '$__range' }).map((q) =>
          expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true, range: false })
        ),
      ])
    );
    expect(prom).toHaveLength(5 + graphQueries({ service: SERVICE, window: '$__range' }).length);
    // One request to Prometheus for the page: both metric panels and the neighbourhood (whose
    // graph and list share it), the panels' range queries and the graph's instant ones.
    const sent = prometheusRequests(requests);
    expect(sent).toHaveLength(1);
    expect(sent[0].request.targets.map((t) => t.refId)).toEqual([
      SERVICE_REFS.errorRatio,
      SERVICE_REFS.latency,
      ERROR_EXEMPLARS_REF,
      LATENCY_EXEMPLARS_REF,
      MESSAGES_REF,
      ...Object.values(GRAPH_REFS),
    ]);
    // The error logs, and the log patterns' two windows (src/pages/Services/LogPatternsSection.test.tsx).
    await waitFor(() => expect(targetsOf(requests, LOKI.uid)).toHaveLength(3));
    expect(targetsOf(requests, LOKI.uid)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          refId: SERVICE_REFS.logs,
          expr: logql.serviceLogs(normalizeSettings(configured).logs, { service: SERVICE, errorsOnly: true }),
          queryType: 'range',
        }),
        expect.objectContaining({ refId: PATTERN_REFS.current }),
        expect.objectContaining({ refId: PATTERN_REFS.previous }),
      ])
    );
    // Failing traces, and the suspects' two samples (src/pages/Services/SuspectsSection.test.tsx).
    await waitFor(() => expect(targetsOf(requests, TEMPO.uid)).toHaveLength(3));
    expect(targetsOf(requests, TEMPO.uid)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          refId: SERVICE_REFS.traces,
          queryType: 'traceql',
          query: traceql.failingSpans({ service: SERVICE }),
        }),
        ...Object.values(suspectQueries(SERVICE)).map((q) => expect.objectContaining(q)),
      ])
    );
  });

  it('escapes any service name in every query it sends', async () => {
    const nasty = 'check"out\\ {x="y"} | line';
    const requests = installFakeGrafana(responder());
    renderScene(buildServiceScene(pivotContext({ ...configured, logs: { traceId: 'logfmt' } }), nasty));
    await waitFor(() =>
      expect(requests.map((r) => r.uid).sort()).toEqual([
        LOKI.uid,
        LOKI.uid,
        LOKI.uid,
        // The two metric panels and the neighbourhood in one request.
        PROMETHEUS.uid,
        TEMPO.uid,
        TEMPO.uid,
        TEMPO.uid,
      ])
    );
    for (const t of targetsOf(requests, PROMETHEUS.uid)) {
      expectValidPromQL(text(t, 'expr'));
      expect(text(t, 'expr')).toContain('"check\\"out\\\\ {x=\\"y\\"} | line"');
    }
    for (const t of targetsOf(requests, LOKI.uid)) {
      expectValidLogQL(text(t, 'expr'));
    }
    for (const t of targetsOf(requests, TEMPO.uid)) {
      expectValidTraceQL(text(t, 'query'));
    }
  });

  it('links each log line’s trace_id to the Trace page', async () => {
    installFakeGrafana(responder());
    const scene = buildServiceScene(pivotContext(configured), SERVICE);
    await settled(scene);
    const frames: DataFrame[] = sectionData(scene, 'logs').state.data?.series ?? [];
    const ids = frames[0].fields.find((f) => f.name === TRACE_ID_FIELD);
    expect(ids?.values).toEqual([ID]);
    expect(ids?.config.links).toEqual([{ title: TRACE_LINK_TITLE, url: traceLinkTemplate() }]);
    // The logs panel reads these linked frames, and no "no trace_id" note is shown.
    const panel = section(scene, 'logs').state.body;
    expect(panel).toBeInstanceOf(VizPanel);
    expect(panel && sceneGraph.getData(panel)).toBe(sectionData(scene, 'logs'));
    expect(screen.queryByTestId(testIds.service.note)).not.toBeInTheDocument();
  });

  it('says so when no error line carries a trace_id where the settings say it lives', async () => {
    installFakeGrafana(responder({ loki: lokiAnswer(false) }));
    await settled(buildServiceScene(pivotContext(configured), SERVICE));
    expect(screen.getByTestId(testIds.service.note)).toHaveTextContent(
      'No log line here carries a trace_id in structured metadata: check the Loki convention ("trace_id in logs") in Configuration.'
    );
  });

  it('opens the Trace page from exemplars (traceID or trace_id) and from failing-trace rows', async () => {
    installFakeGrafana(responder());
    // Read before the panels load: Grafana's panel plugins keep these standard link overrides, the
    // test's stand-in panels (without Grafana's standard option registry) would drop them.
    const scene = buildServiceScene(pivotContext(configured), SERVICE);
    const gate = sceneGraph.findObject(scene, (o) => o instanceof MetricFamilyGate);
    act(() => gate?.activate());
    await waitFor(() =>
      expect(sceneGraph.findObject(scene, (o) => o instanceof PillarSection && o.state.name === 'latency')).toBeTruthy()
    );
    const link = { title: TRACE_LINK_TITLE, url: traceLinkTemplate() };
    const overrides = (name: string) => {
      const panel = section(scene, name).state.body;
      if (!(panel instanceof VizPanel)) {
        throw new Error(`${name} has no panel`);
      }
      return panel.state.fieldConfig.overrides;
    };
    // Exemplars also narrow this page to ±5 minutes of their time (the href itself is tested
    // through Grafana's link interpolation in src/datasources/interpolation.test.ts).
    const moment = expect.objectContaining({ title: 'Narrow to this moment', onBuildUrl: expect.any(Function) });
    for (const name of ['error-ratio', 'latency']) {
      expect(overrides(name)).toEqual([
        { matcher: { id: 'byName', options: 'traceID' }, properties: [{ id: 'links', value: [link, moment] }] },
        { matcher: { id: 'byName', options: 'trace_id' }, properties: [{ id: 'links', value: [link, moment] }] },
      ]);
      const [, narrow] = overrides(name)[0].properties[0].value;
      const at = 1_767_226_800_000;
      expect(narrow.onBuildUrl({ origin: {}, replaceVariables: () => String(at) })).toBe(
        serviceUrl(SERVICE, { from: at - 300_000, to: at + 300_000 })
      );
    }
    expect(overrides('traces')).toEqual([
      { matcher: { id: 'byName', options: 'traceID' }, properties: [{ id: 'links', value: [link] }] },
    ]);
  });

  it('draws the neighbourhood graph: the service, its caller and its callees', async () => {
    installFakeGrafana(responder());
    const scene = buildServiceScene(pivotContext(configured), SERVICE);
    await settled(scene);
    await waitFor(() => expect(neighbourhoodPanelText(scene)).toBe('nodes:4 edges:3'));
  });

  it('lists upstream and downstream neighbours from the same request, each service linking to its Service page in the same window', async () => {
    const requests = installFakeGrafana(responder());
    await settled(buildServiceScene(pivotContext(configured), SERVICE));
    const list = screen.getByRole('region', { name: `Callers and callees of ${SERVICE}` });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('data-testid'))
    ).toEqual(['frontend', 'payments', 'postgres'].map(testIds.service.neighbour));
    const frontend = within(screen.getByTestId(testIds.service.neighbour('frontend')));
    expect(frontend.getByRole('link', { name: 'frontend' })).toHaveAttribute(
      'href',
      `${PLUGIN_BASE_URL}/services/frontend?from=now-1h&to=now`
    );
    expect(
      within(screen.getByTestId(testIds.service.neighbour('payments'))).getByText(/20% errors/)
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId(testIds.service.neighbour('payments'))).getByRole('link', { name: 'payments' })
    ).toHaveAttribute('href', `${PLUGIN_BASE_URL}/services/payments?from=now-1h&to=now`);
    // A database has no Service page: named, not linked.
    const postgres = within(screen.getByTestId(testIds.service.neighbour('postgres')));
    expect(postgres.queryByRole('link')).not.toBeInTheDocument();
    expect(postgres.getByText(/database/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: `Open the service graph around ${SERVICE}` })).toHaveAttribute(
      'href',
      `${PLUGIN_BASE_URL}/graph?from=now-1h&to=now&focus=${SERVICE}&depth=2`
    );
    // The list asked nothing of its own.
    expect(
      prometheusRequests(requests).filter((r) => r.request.targets.some((t) => t.refId === GRAPH_REFS.requests))
    ).toHaveLength(1);
  });

  it('narrows everything to a chosen window: every query runs again over it', async () => {
    const requests = installFakeGrafana(responder());
    const scene = buildServiceScene(pivotContext(configured), SERVICE);
    await settled(scene);
    const before = requests.length;
    const from = dateTime(T);
    const to = dateTime(T + 10 * 60_000);
    // What a drag across a time series panel does: set the page's time range.
    act(() => sceneGraph.getTimeRange(scene).onTimeRangeChange({ from, to, raw: { from, to } }));
    // Every request again (the metric panels and the neighbourhood share one).
    await waitFor(() => expect(requests.length - before).toBe(7));
    for (const r of requests.slice(before)) {
      // The log patterns' comparison runs over the ten minutes before the window.
      const previous = r.request.targets.some((t) => t.refId === PATTERN_REFS.previous);
      expect(r.request.range.from.valueOf()).toBe(previous ? T - 10 * 60_000 : T);
      expect(r.request.range.to.valueOf()).toBe(previous ? T : T + 10 * 60_000);
    }
  });

  describe('states', () => {
    it('keeps the other pillars working when Loki fails, and shows its message', async () => {
      installFakeGrafana(responder({ loki: { error: 'parse error at line 1, col 5' } }));
      renderScene(buildServiceScene(pivotContext(configured), SERVICE));
      const logs = await screen.findByTestId(testIds.service.section('logs', 'error'));
      expect(logs).toHaveTextContent('Loki could not load error logs');
      expect(logs).toHaveTextContent('parse error at line 1, col 5');
      expect(await screen.findByTestId(testIds.service.section('traces', 'data'))).toBeInTheDocument();
      expect(await screen.findByTestId(testIds.service.section('error-ratio', 'data'))).toBeInTheDocument();
    });

    it('shows a missing Tempo as a problem, sends it nothing, and still shows metrics and logs', async () => {
      const available = [PROMETHEUS, LOKI];
      const requests = installFakeGrafana(responder(), available);
      renderScene(buildServiceScene(pivotContext(configured, available), SERVICE));
      expect(await screen.findByTestId(testIds.service.section('traces', 'problem'))).toHaveTextContent(
        'No Tempo data source exists in this Grafana organisation'
      );
      expect(await screen.findByTestId(testIds.service.section('logs', 'data'))).toBeInTheDocument();
      expect(await screen.findByTestId(testIds.service.section('latency', 'data'))).toBeInTheDocument();
      expect(requests.some((r) => r.type === 'tempo')).toBe(false);
    });

    it('names the service, the family and what to check when there are no requests', async () => {
      installFakeGrafana(responder({ prometheus: { frames: [] } }));
      renderScene(buildServiceScene(pivotContext(configured), SERVICE));
      expect(await screen.findByTestId(testIds.service.section('error-ratio', 'empty'))).toHaveTextContent(
        `No requests for ${SERVICE} in this window under Tempo metrics-generator span metrics: check the metric family`
      );
      expect(await screen.findByTestId(testIds.graph.neighbourhood('empty'))).toHaveTextContent(
        'No service-graph edges touch checkout in this window (traces_service_graph_request_total)'
      );
    });

    it('shows a failing Prometheus as an error in the neighbourhood', async () => {
      installFakeGrafana(responder({ prometheus: { error: 'bad_data: parse error' } }));
      renderScene(buildServiceScene(pivotContext(configured), SERVICE));
      expect(await screen.findByTestId(testIds.graph.neighbourhood('error'))).toHaveTextContent(
        'bad_data: parse error'
      );
    });

    it('shows a missing Prometheus as a problem in the neighbourhood, sends it nothing, and still shows traces', async () => {
      const available = [LOKI, TEMPO];
      const requests = installFakeGrafana(responder(), available);
      renderScene(buildServiceScene(pivotContext(configured, available), SERVICE));
      expect(await screen.findByTestId(testIds.graph.neighbourhood('problem'))).toHaveTextContent(
        'Prometheus data source unavailable: no service graph'
      );
      expect(await screen.findByTestId(testIds.service.section('traces', 'data'))).toBeInTheDocument();
      expect(requests.some((r) => r.type === 'prometheus')).toBe(false);
    });

    it('says what is empty in logs and traces, naming the pillar', async () => {
      installFakeGrafana(responder({ loki: { frames: [] }, tempo: { frames: [] } }));
      renderScene(buildServiceScene(pivotContext(configured), SERVICE));
      expect(await screen.findByTestId(testIds.service.section('logs', 'empty'))).toHaveTextContent(
        'No error logs for checkout in this window (Loki, label service_name)'
      );
      expect(await screen.findByTestId(testIds.service.section('traces', 'empty'))).toHaveTextContent(
        'No failing traces of checkout in this window (Tempo)'
      );
    });

    it('is loading while the data sources have not answered', async () => {
      installFakeGrafana(() => 'pending');
      renderScene(buildServiceScene(pivotContext(configured), SERVICE));
      expect(await screen.findByTestId(testIds.service.section('logs', 'loading'))).toHaveTextContent(
        'Loading error logs from Loki'
      );
    });
  });
});

describe('Service page route', () => {
  it('is the Services page drilldown at services/:service, titled by the decoded service name', () => {
    const ctx = pivotContext(configured);
    const parent = servicesPage(ctx);
    const [drilldown] = parent.state.drilldowns ?? [];
    expect(drilldown.routePath).toBe(':service');
    const page = drilldown.getPage({ params: { service: 'a b/c' }, isExact: true, path: '', url: '' }, parent);
    expect(page).toBeInstanceOf(SceneAppPage);
    expect(page.state.title).toBe('a b/c');
    expect(page.state.url).toBe(`${PLUGIN_BASE_URL}/services/a%20b%2Fc`);
    expect(page.state.getParentPage?.()).toBe(parent);
  });

  it('keeps the window and the data sources when going back to the list, and the search and sort too', () => {
    const ctx = pivotContext(configured);
    const parent = servicesPage(ctx);
    const ds = ['var-metrics', 'var-logs', 'var-traces'];
    expect(parent.state.preserveUrlKeys).toEqual(['from', 'to', 'search', 'sort', ...ds]);
    expect(servicePage(ctx, 'x', parent).state.preserveUrlKeys).toEqual(['from', 'to', ...ds]);
  });
});
