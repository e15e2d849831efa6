import React from 'react';
import { useLocation } from 'react-router-dom';
import { screen, waitFor } from '@testing-library/react';
import { AppRootProps } from '@grafana/data';
import { PLUGIN_BASE_URL } from '../constants';
import type { DataSourceSummary } from '../datasources/lookup';
import { installFakeGrafana, ALL_DATASOURCES, LOKI, PROMETHEUS, renderAppAt, TEMPO } from '../testing/fakeGrafana';
import { pivotPluginMeta } from '../testing/settingsBackend';
import type { PivotJsonData } from '../settings';
import { testIds } from '../components/testIds';
import App from './App';

function props(jsonData: PivotJsonData): AppRootProps<PivotJsonData> {
  return {
    basename: PLUGIN_BASE_URL,
    path: PLUGIN_BASE_URL,
    query: {},
    onNavChanged: () => undefined,
    meta: pivotPluginMeta(jsonData),
  };
}

/** Shows the router's path, where the app's redirects land. */
function LocationProbe() {
  return <output data-testid="router-path">{useLocation().pathname}</output>;
}

/** Mounts the app as Grafana does (docs/conventions.md#mounting-the-app): router, location service, app route. */
function renderApp(path: string, jsonData: PivotJsonData = {}, available: DataSourceSummary[] = ALL_DATASOURCES) {
  // Every query stays pending: this test is about routing and states, not data.
  installFakeGrafana(() => 'pending', available);
  return renderAppAt(
    path,
    <>
      <LocationProbe />
      <App {...props(jsonData)} />
    </>
  );
}

describe('App', () => {
  it('sends the app root to the Services page', async () => {
    renderApp(PLUGIN_BASE_URL, { metrics: { family: 'tempo-spanmetrics' } });
    await waitFor(() => expect(screen.getByTestId('router-path')).toHaveTextContent(`${PLUGIN_BASE_URL}/services`));
    expect(await screen.findByTestId(testIds.services.metricFamily)).toHaveTextContent('Tempo metrics-generator');
  });

  it.each([
    ['services', testIds.services.metricFamily],
    ['graph', undefined],
    ['slos', undefined],
    ['trace', undefined],
    ['trace/4bf92f3577b34da6a3ce929d0e0e4736', undefined],
  ])(
    'renders the %s route with something to read, never a blank page',
    async (route, expectedTestId) => {
      const { container } = renderApp(`${PLUGIN_BASE_URL}/${route}`, { metrics: { family: 'tempo-spanmetrics' } });
      if (expectedTestId) {
        expect(await screen.findByTestId(expectedTestId)).toBeInTheDocument();
      }
      await waitFor(() => expect(container.textContent?.trim().length ?? 0).toBeGreaterThan(20));
      // Scenes' fallback for a route no page matches.
      expect(container).not.toHaveTextContent('there might be a bug in this application');
      // The first render of a page pays for transforming its modules: generous on a busy machine.
    },
    60_000
  );

  it('shows a Problem, not a blank page, when the Prometheus data source is missing', async () => {
    renderApp(`${PLUGIN_BASE_URL}/services`, { datasources: { prometheus: 'deleted' } });
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('The Prometheus data source "deleted" set in Pivot\'s settings does not exist');
    expect(problem).toHaveTextContent('Open Pivot configuration');
  });

  it('shows a Problem when the configured Prometheus is of the wrong type', async () => {
    renderApp(`${PLUGIN_BASE_URL}/services`, { datasources: { prometheus: LOKI.uid } });
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('is of type "loki", not "prometheus"');
  });

  it('shows a Problem on the Trace page when no Tempo exists', async () => {
    renderApp(`${PLUGIN_BASE_URL}/trace/4bf92f3577b34da6a3ce929d0e0e4736`, {}, [PROMETHEUS, LOKI]);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('No Tempo data source exists');
  });

  it('shows a Problem when no Prometheus exists at all', async () => {
    renderApp(`${PLUGIN_BASE_URL}/services`, {}, [LOKI, TEMPO]);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('No Prometheus data source exists');
  });
});
