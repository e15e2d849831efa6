import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import {
  EmbeddedScene,
  SceneApp,
  SceneAppPage,
  SceneObject,
  SceneReactObject,
  SceneTimeRange,
  sceneGraph,
} from '@grafana/scenes';
import { testIds } from '../components/testIds';
import { PLUGIN_BASE_URL } from '../constants';
import { installFakeGrafana, renderAppAt } from '../testing/fakeGrafana';
import { lazyPage } from './lazyPage';

/** A page scene as the pages build them: its own time range, in the URL. */
function pageScene(): EmbeddedScene {
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
    body: new SceneReactObject({ reactNode: <div data-testid="loaded-page">loaded</div> }),
  });
}

/** A one-page app at `lazy`, whose scene comes from `load`, mounted at `url`. */
function openAt(url: string, load: () => Promise<SceneObject>): SceneAppPage {
  installFakeGrafana(() => ({ frames: [] }));
  const page = new SceneAppPage({
    title: 'Lazy',
    url: `${PLUGIN_BASE_URL}/lazy`,
    routePath: 'lazy/*',
    getScene: () => lazyPage(load),
  });
  const app = new SceneApp({ pages: [page], urlSyncOptions: { updateUrlOnInit: true } });
  renderAppAt(url, <app.Component model={app} />);
  return page;
}

/** A promise the test settles. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('lazyPage', () => {
  it('shows a loading state until the page loads, then the page with the state of the pasted URL', async () => {
    const chunk = deferred<SceneObject>();
    const load = jest.fn(() => chunk.promise);
    const page = openAt(`${PLUGIN_BASE_URL}/lazy?from=now-6h`, load);
    expect(await screen.findByText('Loading page…')).toBeInTheDocument();
    expect(screen.queryByTestId('loaded-page')).not.toBeInTheDocument();

    const scene = pageScene();
    chunk.resolve(scene);
    expect(await screen.findByTestId('loaded-page')).toBeInTheDocument();
    // The URL's window reached the loaded scene; what the URL left out was written from its state.
    expect(sceneGraph.getTimeRange(scene.state.body!).state.from).toBe('now-6h');
    await waitFor(() => expect(locationService.getSearchObject()).toMatchObject({ from: 'now-6h', to: 'now' }));
    expect(load).toHaveBeenCalledTimes(1);
    expect(page.state.initializedScene).toBeDefined();
  });

  it("writes the loaded scene's later changes to the URL, as a page built at once does", async () => {
    const scene = pageScene();
    openAt(`${PLUGIN_BASE_URL}/lazy?from=now-6h&to=now`, () => Promise.resolve(scene));
    await screen.findByTestId('loaded-page');
    sceneGraph.getTimeRange(scene.state.body!).setState({ from: 'now-2d' });
    await waitFor(() => expect(locationService.getSearchObject().from).toBe('now-2d'));
  });

  it('says the page could not be loaded, with the reason, when its chunk fails', async () => {
    openAt(`${PLUGIN_BASE_URL}/lazy`, () => Promise.reject(new Error('Loading chunk 410 failed')));
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('This page could not be loaded');
    expect(problem).toHaveTextContent('Loading chunk 410 failed. Pivot may have been updated');
    expect(screen.queryByText('Loading page…')).not.toBeInTheDocument();
  });
});
