import React from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import {
  DataSourceVariable,
  EmbeddedScene,
  NewSceneObjectAddedEvent,
  sceneGraph,
  SceneObject,
  SceneQueryRunner,
  VizPanel,
} from '@grafana/scenes';
import { FIXTURE_TRACE_ID } from '../analysis/fixtures/traceFrames';
import type { PageContext } from '../utils/pageContext';
import { buildGraphScene } from './Graph/graphPage';
import { buildTraceScene } from './Trace/traceScene';
import { VariableHide } from '@grafana/schema';
import { testIds } from '../components/testIds';
import type { DataSourceSummary } from '../datasources/lookup';
import { buildServiceScene } from './Services/serviceScene';
import { buildServicesScene } from './Services/servicesScene';
import { ServicesTable } from './Services/ServicesTable';
import { answersAbout } from '../testing/pageAnswers';
import { promSeries } from '../testing/frames';
import { SERVICE_STAT_REFS } from './Services/serviceRows';
import {
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderAppAt,
  renderInGrafana,
  Responder,
  TEMPO,
} from '../testing/fakeGrafana';
import { currentDataSources } from '../utils/dataSourceChoice';
import { traceLinkTemplate } from '../utils/traceLinks';
import { dataSourcePage } from '../scenes/dataSourcePage';
import { buildSceneApp } from '../app/App';
import { configureInvestigateLink } from '../extensions/investigateLink';
import { InvestigateScene } from './Investigate/InvestigateScene';

const PROM_EU: DataSourceSummary = { uid: 'prom-eu', name: 'Prometheus EU', type: 'prometheus' };
const LOKI_EU: DataSourceSummary = { uid: 'loki-eu', name: 'Loki EU', type: 'loki' };
const TEMPO_EU: DataSourceSummary = { uid: 'tempo-eu', name: 'Tempo EU', type: 'tempo' };
const AVAILABLE = [PROMETHEUS, PROM_EU, LOKI, LOKI_EU, TEMPO];
const SETTINGS = { metrics: { family: 'tempo-spanmetrics' as const } };
const BASE = '/a/pivot-correlation-app';

let requests: RecordedRequest[] = [];

/** Every page's answers, the Services page's statistics by the label tempo-spanmetrics uses. */
const answers: Responder = (ds, request) => {
  const refIds = request.targets.map((t) => t.refId);
  if (ds.type === 'prometheus' && refIds.includes(SERVICE_STAT_REFS.requestRate)) {
    const range = (r: string) => (r === SERVICE_STAT_REFS.sparkline ? 'range' : undefined);
    return { frames: refIds.map((r) => promSeries(r, { service: 'checkout' }, [[1_700_000_000_000, 1]], range(r))) };
  }
  return answersAbout('checkout')(ds, request);
};

function open(
  url: string,
  build: Parameters<typeof dataSourcePage>[1],
  settings = SETTINGS,
  available = AVAILABLE,
  beforeRender: (scene: EmbeddedScene) => void = () => undefined
): EmbeddedScene {
  locationService.push(url);
  requests = installFakeGrafana(answers, available);
  const scene = dataSourcePage(pivotContext(settings, available), build);
  beforeRender(scene);
  renderInGrafana(<scene.Component model={scene} />);
  return scene;
}

function uidsAsked(type: string): string[] {
  return [...new Set(requests.filter((r) => r.type === type).map((r) => r.uid))];
}

function variable(scene: EmbeddedScene, name: string): DataSourceVariable {
  const found = sceneGraph.lookupVariable(name, scene);
  if (!(found instanceof DataSourceVariable)) {
    throw new Error(`no data source variable ${name}`);
  }
  return found;
}

function params(href: string | null): URLSearchParams {
  return new URLSearchParams((href ?? '').split('?')[1] ?? '');
}

describe('data sources as page state', () => {
  it('queries the Prometheus the URL names, and every service link carries all three data sources', async () => {
    const scene = open(`${BASE}/services?var-metrics=prom-eu`, buildServicesScene);
    const row = await screen.findByTestId(testIds.services.row('checkout'));
    expect(uidsAsked('prometheus')).toEqual(['prom-eu']);
    const link = params(row.querySelector('a')!.getAttribute('href'));
    expect(link.get('var-metrics')).toBe('prom-eu');
    expect(link.get('var-logs')).toBe(LOKI.uid);
    expect(link.get('var-traces')).toBe(TEMPO.uid);
    // Two of each but Tempo: pickers for metrics and logs, none for traces.
    expect(variable(scene, 'metrics').state.hide).toBe(VariableHide.dontHide);
    expect(variable(scene, 'logs').state.hide).toBe(VariableHide.dontHide);
    expect(variable(scene, 'traces').state.hide).toBe(VariableHide.hideVariable);
    expect(variable(scene, 'metrics').state.value).toBe('prom-eu');
    // The queries reference the variable; Scenes fills in its uid.
    const runners = sceneGraph.findAllObjects(scene, (o) => o instanceof SceneQueryRunner) as SceneQueryRunner[];
    expect(runners.length).toBeGreaterThan(0);
    expect(runners.map((r) => r.state.datasource)).toEqual(
      runners.map(() => ({ uid: '${metrics}', type: 'prometheus' }))
    );
  });

  it('opens on the configured data sources when the URL names none', async () => {
    const scene = open(`${BASE}/services`, buildServicesScene);
    await screen.findByTestId(testIds.services.row('checkout'));
    expect(uidsAsked('prometheus')).toEqual([PROMETHEUS.uid]);
    expect(variable(scene, 'metrics').state.value).toBe(PROMETHEUS.uid);
    expect(screen.queryByTestId(testIds.dataSources.unknown)).not.toBeInTheDocument();
  });

  it('rebuilds the page on the data source picked, and links then carry that one', async () => {
    const scene = open(`${BASE}/services`, buildServicesScene);
    await screen.findByTestId(testIds.services.row('checkout'));
    requests.length = 0;
    act(() => variable(scene, 'metrics').changeValueTo('prom-eu', 'Prometheus EU', true));
    const row = await screen.findByTestId(testIds.services.row('checkout'));
    await waitFor(() => expect(uidsAsked('prometheus')).toEqual(['prom-eu']));
    expect(currentDataSources().prometheus).toBe('prom-eu');
    expect(params(row.querySelector('a')!.getAttribute('href')).get('var-metrics')).toBe('prom-eu');
    expect(sceneGraph.findObject(scene, (o) => o instanceof ServicesTable)).toBeDefined();
  });

  it.each([
    ['a uid Grafana does not know', 'nope"<b>'],
    ['a data source of another type', LOKI.uid],
  ])('names %s in the URL, queries nothing with it, and links to the same page on the default', async (_, uid) => {
    const url = `${BASE}/services?from=now-6h&to=now&var-metrics=${encodeURIComponent(uid)}&var-logs=loki-eu`;
    const scene = open(url, buildServicesScene);
    const notice = await screen.findByTestId(testIds.dataSources.unknown);
    expect(notice).toHaveTextContent(`Prometheus: "${uid}" (var-metrics) does not exist in this Grafana`);
    const back = notice.querySelector('a')!.getAttribute('href') ?? '';
    expect(back).toBe(`${BASE}/services?from=now-6h&to=now&var-logs=loki-eu`);
    // The metric sections say why instead of querying: no request reached any Prometheus.
    expect(screen.getAllByTestId(testIds.states.problem).length).toBeGreaterThan(1);
    expect(uidsAsked('prometheus')).toEqual([]);
    expect(variable(scene, 'metrics').state.value).toBe(uid);
  });

  it('on the Service page, logs come from the chosen Loki and their trace links carry the choice', async () => {
    open(`${BASE}/services/checkout?var-logs=loki-eu`, (ctx) => buildServiceScene(ctx, 'checkout'));
    await screen.findByTestId(testIds.service.section('logs', 'data'));
    expect(uidsAsked('loki')).toEqual(['loki-eu']);
    expect(uidsAsked('prometheus')).toEqual([PROMETHEUS.uid]);
    expect(params(traceLinkTemplate()).get('var-logs')).toBe('loki-eu');
  });

  it('says which pillars come from the defaults when the page was opened from a panel', async () => {
    open(`${BASE}/services/checkout?var-logs=loki-eu&from-panel=loki`, (ctx) => buildServiceScene(ctx, 'checkout'));
    const note = await screen.findByTestId(testIds.dataSources.fromPanel);
    expect(note).toHaveTextContent('Opened from a panel: Prometheus, Tempo from the default data sources');
    expect(note).toHaveTextContent('not from the panel: Prometheus, Tempo');
  });

  it('keeps an invalid logs setting’s problem whatever Loki the URL names, and builds the page once', async () => {
    const settings = { ...SETTINGS, logs: { serviceLabel: 'service.name' } } as never;
    const scene = open(
      `${BASE}/services/checkout?var-logs=loki-eu`,
      (ctx) => buildServiceScene(ctx, 'checkout'),
      settings
    );
    const body = scene.state.body;
    expect(await screen.findByTestId(testIds.service.section('logs', 'problem'))).toHaveTextContent(
      'The service label in logs "service.name" is not a label name'
    );
    await screen.findByTestId(testIds.service.section('latency', 'data'));
    expect(scene.state.body).toBe(body);
    expect(uidsAsked('loki')).toEqual([]);
  });

  it('keeps the settings’ problem when the configured data source is gone and the URL names none', async () => {
    open(`${BASE}/services`, buildServicesScene, { ...SETTINGS, datasources: { prometheus: 'deleted' } } as never);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent(
      'The Prometheus data source "deleted" set in Pivot\'s settings does not exist'
    );
    expect(uidsAsked('prometheus')).toEqual([]);
  });
});

describe('every link a page renders carries its data sources', () => {
  const EVERY = [...AVAILABLE, TEMPO_EU];
  const CHOSEN = { 'var-metrics': 'prom-eu', 'var-logs': 'loki-eu', 'var-traces': 'tempo-eu' };
  const query = new URLSearchParams(CHOSEN).toString();

  /**
   * The panels' data links (field-config overrides), read as each panel is built: before a panel
   * loads its plugin, as later the test runtime's empty field-option registry drops them.
   */
  function collectDataLinks(scene: EmbeddedScene, into: string[]) {
    const read = (root: SceneObject) =>
      sceneGraph
        .findAllObjects(root, (o) => o instanceof VizPanel)
        .flatMap((panel) => (panel as VizPanel).state.fieldConfig.overrides)
        .flatMap((o) => o.properties.filter((p) => p.id === 'links').flatMap((p) => p.value as Array<{ url: string }>))
        .forEach((link) => into.push(link.url));
    read(scene);
    // The metric panels are built once the metric family is known, and announced.
    scene.subscribeToEvent(NewSceneObjectAddedEvent, (event) => read(event.payload));
  }

  /** Links to Pivot's pages in the document. */
  function anchors(): string[] {
    return [...document.querySelectorAll('a')]
      .map((a) => a.getAttribute('href') ?? '')
      .filter((href) => href.includes(BASE));
  }

  it.each([
    ['Services', `${BASE}/services`, buildServicesScene, testIds.services.row('checkout'), 1],
    [
      'Service',
      `${BASE}/services/checkout`,
      (c: PageContext) => buildServiceScene(c, 'checkout'),
      testIds.service.section('latency', 'data'),
      10,
    ],
    [
      'Trace',
      `${BASE}/trace/${FIXTURE_TRACE_ID}`,
      (c: PageContext) => buildTraceScene(c, FIXTURE_TRACE_ID),
      testIds.trace.summary,
      15,
    ],
    ['Graph', `${BASE}/graph`, buildGraphScene, testIds.graph.page('data'), 2],
  ])('the %s page', async (_, path, build, ready, minimum) => {
    const dataLinks: string[] = [];
    open(`${path}?${query}`, build as Parameters<typeof dataSourcePage>[1], SETTINGS, EVERY, (scene) =>
      collectDataLinks(scene, dataLinks)
    );
    await screen.findByTestId(ready);
    await waitFor(() => expect(anchors().length + dataLinks.length).toBeGreaterThanOrEqual(minimum));
    for (const href of [...anchors(), ...dataLinks]) {
      const carried = params(href);
      for (const [key, uid] of Object.entries(CHOSEN)) {
        expect(`${href} ${key}=${carried.get(key)}`).toBe(`${href} ${key}=${uid}`);
      }
    }
    // And nothing was asked of the default data sources.
    const defaults = [PROMETHEUS.uid, LOKI.uid, TEMPO.uid];
    expect(requests.filter((r) => defaults.includes(r.uid)).map((r) => r.uid)).toEqual([]);
  });
});

describe('Investigate in Pivot lands on the panel’s data sources', () => {
  const KNOWN: Record<string, string> = Object.fromEntries(AVAILABLE.map((d) => [d.uid, d.type]));
  const deps = {
    interpolate: (text: string) => text,
    dataSourceType: (ref: unknown) => KNOWN[typeof ref === 'string' ? ref : ((ref as { uid?: string }).uid ?? '')],
  };

  /** Clicks "Investigate in Pivot" on a panel with these targets; resolves with where it landed. */
  async function investigate(targets: Array<Record<string, unknown>>): Promise<string> {
    const link = configureInvestigateLink(
      { targets: targets.map((t, i) => ({ refId: String(i), ...t })), timeRange: { from: 'now-1h', to: 'now' } },
      deps
    );
    locationService.push(link!.path);
    const landing = new InvestigateScene({ settings: pivotContext(SETTINGS, AVAILABLE).settings });
    landing.activate();
    await waitFor(() => expect(locationService.getLocation().pathname).not.toContain('/investigate'));
    const { pathname, search } = locationService.getLocation();
    return `${pathname}${search}`;
  }

  it('a panel on a non-default Prometheus opens the Service page querying that Prometheus', async () => {
    const url = await investigate([
      {
        datasource: { type: 'prometheus', uid: 'prom-eu' },
        expr: 'sum(rate(traces_spanmetrics_calls_total{service="checkout"}[5m]))',
      },
    ]);
    expect(url).toContain('/services/checkout?');
    open(url, (ctx) => buildServiceScene(ctx, 'checkout'));
    await screen.findByTestId(testIds.service.section('latency', 'data'));
    expect(uidsAsked('prometheus')).toEqual(['prom-eu']);
    // Logs and traces come from the defaults, and the page says so.
    expect(await screen.findByTestId(testIds.dataSources.fromPanel)).toHaveTextContent(
      'not from the panel: Loki, Tempo'
    );
  });

  it('a Loki panel opens the Service page with its logs from that Loki, saying the metrics are the default’s', async () => {
    const url = await investigate([
      { datasource: { type: 'loki', uid: 'loki-eu' }, expr: '{service_name="checkout"}' },
    ]);
    open(url, (ctx) => buildServiceScene(ctx, 'checkout'));
    await screen.findByTestId(testIds.service.section('logs', 'data'));
    expect(uidsAsked('loki')).toEqual(['loki-eu']);
    expect(await screen.findByTestId(testIds.dataSources.fromPanel)).toHaveTextContent(
      'Opened from a panel: Prometheus, Tempo from the default data sources'
    );
  });

  it('a panel on a data source this Grafana does not list lands on a page naming it', async () => {
    const url = await investigate([
      { datasource: { type: 'prometheus', uid: 'gone-prom' }, expr: 'up{service="checkout"}' },
    ]);
    open(url, (ctx) => buildServiceScene(ctx, 'checkout'));
    expect(await screen.findByTestId(testIds.dataSources.unknown)).toHaveTextContent('"gone-prom" (var-metrics)');
    expect(uidsAsked('prometheus')).toEqual([]);
  });
});

describe('through the app and Scenes’ URL sync', () => {
  function openApp(url: string) {
    requests = installFakeGrafana(answers, AVAILABLE);
    const app = buildSceneApp(pivotContext(SETTINGS, AVAILABLE));
    renderAppAt(url, <app.Component model={app} />);
    return app;
  }

  it('opens a pasted link on the data sources it names, and the URL keeps them', async () => {
    openApp(`${BASE}/services?from=now-1h&to=now&var-metrics=prom-eu&var-logs=loki-eu`);
    await screen.findByTestId(testIds.services.row('checkout'));
    expect(uidsAsked('prometheus')).toEqual(['prom-eu']);
    const search = new URLSearchParams(locationService.getLocation().search);
    expect([search.get('var-metrics'), search.get('var-logs')]).toEqual(['prom-eu', 'loki-eu']);
  });

  it('writes the defaults into the URL of a page opened without them, so a copied link names them', async () => {
    openApp(`${BASE}/services?from=now-1h&to=now`);
    await screen.findByTestId(testIds.services.row('checkout'));
    await waitFor(() =>
      expect(new URLSearchParams(locationService.getLocation().search).get('var-metrics')).toBe(PROMETHEUS.uid)
    );
  });

  it('keeps an unknown uid in the URL and names it, instead of switching to the first data source', async () => {
    openApp(`${BASE}/services?from=now-1h&to=now&var-metrics=gone`);
    expect(await screen.findByTestId(testIds.dataSources.unknown)).toHaveTextContent('"gone" (var-metrics)');
    expect(new URLSearchParams(locationService.getLocation().search).get('var-metrics')).toBe('gone');
    expect(uidsAsked('prometheus')).toEqual([]);
  });

  it('a data source picked on the page goes into the URL, and the page queries it', async () => {
    const app = openApp(`${BASE}/services?from=now-1h&to=now`);
    await screen.findByTestId(testIds.services.row('checkout'));
    const page = app.state.pages[0].state.initializedScene!;
    const metrics = sceneGraph.findObject(
      page,
      (o) => o instanceof DataSourceVariable && o.state.name === 'metrics'
    ) as DataSourceVariable;
    requests.length = 0;
    act(() => metrics.changeValueTo('prom-eu', 'Prometheus EU', true));
    await waitFor(() =>
      expect(new URLSearchParams(locationService.getLocation().search).get('var-metrics')).toBe('prom-eu')
    );
    await waitFor(() => expect(uidsAsked('prometheus')).toEqual(['prom-eu']));
  });
});
