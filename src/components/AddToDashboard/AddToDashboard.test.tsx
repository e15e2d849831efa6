import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { getDataSourceSrv, setPluginComponentHook } from '@grafana/runtime';
import {
  CustomVariable,
  EmbeddedScene,
  PanelBuilders,
  SceneDataTransformer,
  SceneFlexItem,
  sceneGraph,
  SceneFlexLayout,
  SceneQueryRunner,
  SceneTimeRange,
  SceneVariableSet,
  VizPanel,
} from '@grafana/scenes';
import type { DataQuery, Panel } from '@grafana/schema';
import { promql } from '../../datasources';
import { goUnquote } from '../../testing/goUnquote';
import { ADD_TO_DASHBOARD_FORM_ID } from '../../extensions/ids';
import { testIds } from '../testIds';
import { withVerbatimTitle } from '../verbatimTitle';
import { AddToDashboardButton, dashboardPanelOf, withAddToDashboard } from './AddToDashboardButton';
import { interpolateKeepingMacros, toDashboardPanel } from './dashboardPanel';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: jest.fn(),
}));

const INSTANCES: Record<string, { uid: string; type: string; name: string }> = {
  'pivot-prometheus': { uid: 'pivot-prometheus', type: 'prometheus', name: 'Prometheus' },
  Loki: { uid: 'pivot-loki', type: 'loki', name: 'Loki' },
};

beforeEach(() => {
  jest.mocked(getDataSourceSrv).mockReturnValue({
    getInstanceSettings: (ref: { uid?: string } | string | null | undefined) =>
      INSTANCES[typeof ref === 'string' ? ref : (ref?.uid ?? '')],
  } as unknown as ReturnType<typeof getDataSourceSrv>);
});

const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };

// A query reading a scene variable on purpose (builders quote values, so `$service` is written here).
const BY_VARIABLE = 'sum(rate(http_requests_total{service="$service"}[$__rate_interval]))';

/** A Pivot page panel: error ratio of `$service` (a scene variable), rate window a Grafana macro. */
function pivotPanel(): { scene: EmbeddedScene; panel: VizPanel } {
  const panel = PanelBuilders.timeseries()
    .setTitle('Error ratio of $service')
    .setUnit('percentunit')
    .setData(
      new SceneDataTransformer({
        $data: new SceneQueryRunner({
          datasource: { uid: 'pivot-prometheus' },
          queries: [{ refId: 'A', expr: BY_VARIABLE }],
        }),
        transformations: [{ id: 'organize', options: {} }, () => (source) => source],
      })
    )
    .build();
  const scene = new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: '2024-05-01T11:00:00Z', to: '2024-05-01T12:00:00Z' }),
    $variables: new SceneVariableSet({
      variables: [new CustomVariable({ name: 'service', query: 'checkout', value: 'checkout', text: 'checkout' })],
    }),
    body: new SceneFlexLayout({ children: [new SceneFlexItem({ body: panel })] }),
  });
  return { scene, panel };
}

describe('the panel handed to Grafana’s add-to-dashboard form', () => {
  it('interpolates Pivot’s variables, keeps Grafana’s macros and resolves the data source to a real uid', () => {
    const { scene, panel } = pivotPanel();
    scene.activate();
    const built = dashboardPanelOf(panel);
    expect(built).toMatchObject({
      type: 'timeseries',
      title: 'Error ratio of checkout',
      datasource: { uid: 'pivot-prometheus', type: 'prometheus' },
      targets: [
        {
          refId: 'A',
          datasource: { uid: 'pivot-prometheus', type: 'prometheus' },
          expr: 'sum(rate(http_requests_total{service="checkout"}[$__rate_interval]))',
        },
      ],
      // Function transformers live in Pivot's code only; the standard one is kept.
      transformations: [{ id: 'organize', options: {} }],
    });
    expect(built.fieldConfig?.defaults).toMatchObject({ unit: 'percentunit' });
  });

  it.each(['$__interval', '${__from}', '[[service]]', '${service}'])(
    'copies the queries of a service named %s with their escapes, and a title the dashboard shows as written',
    (service) => {
      const expr = promql.errorRatio(conv, { service, window: '$__rate_interval' });
      const { scene, panel } = pivotPanel();
      panel.setState({ description: 'Share of $service requests' });
      const runner = (panel.state.$data as SceneDataTransformer).state.$data as SceneQueryRunner;
      runner.setState({ queries: [{ refId: 'A', expr }] });
      withVerbatimTitle(panel, `Error ratio of ${service}`);
      scene.activate();
      const built = dashboardPanelOf(panel);
      // The \u0024 and \u005b escapes are not variable syntax: the copy is the query Pivot sends.
      expect(built.targets?.[0]).toMatchObject({ expr });
      expect(goUnquote(/service="((?:[^"\\]|\\.)*)"/.exec(expr)![0].slice(8))).toBe(service);
      // What the dashboard will interpolate finds no variable, and reads as Pivot's title.
      const asShown = (text: string) => text.replaceAll('\u2060', '');
      expect(asShown(built.title ?? '')).toBe(`Error ratio of ${service}`);
      expect(sceneGraph.interpolate(scene, built.title)).toBe(built.title);
      expect(asShown(built.description ?? '')).toBe('Share of $service requests');
      expect(sceneGraph.interpolate(scene, built.description)).toBe(built.description);
    }
  );

  it('uses the mixed data source for queries of different sources, resolving names to uids', () => {
    const queries: Array<DataQuery & Record<string, unknown>> = [
      { refId: 'A', expr: 'up' },
      { refId: 'B', datasource: { uid: 'Loki' }, expr: '{service_name="a"}' },
    ];
    const built = toDashboardPanel(
      { pluginId: 'timeseries', title: 't', datasource: { uid: 'pivot-prometheus' }, queries },
      { interpolate: (t) => t, resolveDataSource: (ref) => INSTANCES[ref?.uid ?? ''] }
    );
    expect(built.datasource).toEqual({ type: 'datasource', uid: '-- Mixed --' });
    expect(built.targets?.map((t) => t.datasource)).toEqual([
      { uid: 'pivot-prometheus', type: 'prometheus' },
      { uid: 'pivot-loki', type: 'loki' },
    ]);
  });

  it('refuses a query whose data source does not exist, saying which', () => {
    expect(() =>
      toDashboardPanel(
        { pluginId: 'logs', title: 't', queries: [{ refId: 'A', datasource: { uid: 'gone' } }] },
        { interpolate: (t) => t, resolveDataSource: () => undefined }
      )
    ).toThrow('The data source of query A ({"uid":"gone"}) does not exist');
  });

  it('keeps $__ macros, braced or not, through interpolation', () => {
    const everything = (text: string) => text.replace(/\$\{?\w+(:\w+)?\}?/g, 'X');
    expect(interpolateKeepingMacros('rate(x{a="$a"}[$__rate_interval]) ${__from:date} ${b}', everything)).toBe(
      'rate(x{a="X"}[$__rate_interval]) ${__from:date} X'
    );
  });
});

describe('AddToDashboardButton', () => {
  function installForm(available: boolean) {
    const calls: Panel[] = [];
    const Form = ({ buildPanel, onClose }: { buildPanel: () => Panel; onClose: () => void }) => (
      <button
        onClick={() => {
          calls.push(buildPanel());
          onClose();
        }}
      >
        Grafana form: save
      </button>
    );
    setPluginComponentHook(((id: string) => ({
      component: available && id === ADD_TO_DASHBOARD_FORM_ID ? Form : undefined,
      isLoading: false,
    })) as Parameters<typeof setPluginComponentHook>[0]);
    return calls;
  }

  it('opens Grafana’s form with the built panel', async () => {
    const calls = installForm(true);
    const { scene, panel } = pivotPanel();
    withAddToDashboard(panel);
    scene.activate();
    const button = panel.state.headerActions;
    expect(Array.isArray(button) && button[0] instanceof AddToDashboardButton).toBe(true);
    const action = (button as AddToDashboardButton[])[0];
    render(<action.Component model={action} />);

    fireEvent.click(screen.getByTestId(testIds.embedding.addToDashboard));
    fireEvent.click(await screen.findByText('Grafana form: save'));
    expect(calls).toHaveLength(1);
    expect(calls[0].title).toBe('Error ratio of checkout');
    await act(async () => undefined);
    expect(action.state.isOpen).toBe(false);
  });

  it('names a verbatim title in its dialog as the panel header shows it', async () => {
    installForm(true);
    const { scene, panel } = pivotPanel();
    withAddToDashboard(withVerbatimTitle(panel, 'Error ratio of $__interval'));
    scene.activate();
    const action = (panel.state.headerActions as AddToDashboardButton[])[0];
    render(<action.Component model={action} />);
    fireEvent.click(screen.getByTestId(testIds.embedding.addToDashboard));
    expect(await screen.findByText('Add "Error ratio of $__interval" to a dashboard')).toBeInTheDocument();
  });

  it('renders nothing where Grafana lacks the form', () => {
    installForm(false);
    const { scene, panel } = pivotPanel();
    withAddToDashboard(panel);
    scene.activate();
    const action = (panel.state.headerActions as AddToDashboardButton[])[0];
    const { container } = render(<action.Component model={action} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('is added once, next to the header actions the panel had', () => {
    const { panel } = pivotPanel();
    panel.setState({ headerActions: <span>own action</span> });
    withAddToDashboard(withAddToDashboard(panel));
    const actions = panel.state.headerActions as unknown[];
    expect(actions).toHaveLength(2);
    expect(actions[1]).toBeInstanceOf(AddToDashboardButton);
  });
});

describe('AddToDashboardButton on Pivot page layouts', () => {
  it('finds the queries of the section around the panel, and hides on computed data', () => {
    setPluginComponentHook((() => ({ component: () => <span>form</span>, isLoading: false })) as Parameters<
      typeof setPluginComponentHook
    >[0]);
    const runner = new SceneQueryRunner({
      datasource: { uid: 'pivot-prometheus' },
      queries: [{ refId: 'A', expr: 'up' }],
    });
    const panel = withAddToDashboard(PanelBuilders.timeseries().setTitle('t').build());
    const scene = new EmbeddedScene({
      $data: runner,
      body: new SceneFlexLayout({ children: [new SceneFlexItem({ body: panel })] }),
    });
    scene.activate();
    expect(dashboardPanelOf(panel).targets).toEqual([
      { refId: 'A', datasource: { uid: 'pivot-prometheus', type: 'prometheus' }, expr: 'up' },
    ]);

    const computed = withAddToDashboard(PanelBuilders.nodegraph().setTitle('graph').build());
    new EmbeddedScene({ body: new SceneFlexLayout({ children: [new SceneFlexItem({ body: computed })] }) }).activate();
    const action = (computed.state.headerActions as AddToDashboardButton[])[0];
    const { container } = render(<action.Component model={action} />);
    expect(container).toBeEmptyDOMElement();
  });
});
