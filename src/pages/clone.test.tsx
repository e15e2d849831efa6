import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import { EmbeddedScene, sceneGraph, SceneObject, VizPanel } from '@grafana/scenes';
import { FIXTURE_TRACE_ID } from '../analysis/fixtures/traceFrames';
import { testIds } from '../components/testIds';
import type { PivotContext } from '../pivotContext';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../testing/fakeGrafana';
import { answersAbout } from '../testing/pageAnswers';
import { buildGraphScene } from './Graph/graphPage';
import { InvestigateScene } from './Investigate/InvestigateScene';
import { buildServiceScene } from './Services/serviceScene';
import { buildServicesScene } from './Services/servicesScene';
import { buildSloScene } from './Slos/sloScene';
import { buildSlosScene } from './Slos/slosScene';
import { AVAILABILITY } from './Slos/sloTestFixtures';
import { buildTraceScene } from './Trace/traceScene';

/**
 * Scenes' `clone()` rebuilds a scene object from its state alone (the URL sync, the dashboard
 * copy and the Drilldown apps' embedding all clone). Every page's scene is rendered, cloned
 * while live, and the clone rendered on its own: it must show the same content.
 */

const SERVICE = 'checkout';

/** What a page shows: its text, and each panel's title and data (core panels do not draw in jest). */
function shown(scene: SceneObject, container: HTMLElement) {
  const panels = sceneGraph.findAllObjects(scene, (o) => o instanceof VizPanel) as VizPanel[];
  return {
    text: container.textContent,
    panels: panels.map((panel) => ({
      title: panel.state.title,
      series: (sceneGraph.getData(panel).state.data?.series ?? []).map((f) => `${f.name ?? f.refId}:${f.length}`),
    })),
  };
}

interface PageCase {
  page: string;
  build: (ctx: PivotContext) => EmbeddedScene;
  /** The test ids that appear once the page's answers have arrived. */
  ready: string[];
}

const PAGES: PageCase[] = [
  { page: 'Services', build: buildServicesScene, ready: [testIds.services.row(SERVICE)] },
  {
    page: 'Service',
    build: (ctx) => buildServiceScene(ctx, SERVICE),
    ready: [
      testIds.service.section('logs', 'data'),
      testIds.service.section('traces', 'data'),
      testIds.graph.neighbourhood('data'),
      testIds.service.neighbour('frontend'),
    ],
  },
  {
    page: 'Trace',
    build: (ctx) => buildTraceScene(ctx, FIXTURE_TRACE_ID),
    ready: [testIds.trace.state('data'), testIds.service.section(testIds.trace.sections.logs, 'data')],
  },
  { page: 'Graph', build: buildGraphScene, ready: [testIds.graph.page('data'), testIds.graph.nodeLink(SERVICE)] },
  { page: 'SLOs', build: buildSlosScene, ready: [testIds.slos.row(AVAILABILITY.name)] },
  { page: 'SLO', build: (ctx) => buildSloScene(ctx, AVAILABILITY.name), ready: [testIds.slos.pairs] },
  {
    page: 'Investigate',
    // No query in the URL: the page says so (with one, it would leave for another page).
    build: (ctx) => new EmbeddedScene({ body: new InvestigateScene({ settings: ctx.settings }) }),
    ready: [testIds.states.problem],
  },
];

async function renderUntilReady(scene: EmbeddedScene, ready: string[]) {
  const view = renderInGrafana(<scene.Component model={scene} />);
  for (const id of ready) {
    await screen.findAllByTestId(id);
  }
  // A panel draws its header once its plugin has loaded: wait for every active panel's.
  const panels = sceneGraph.findAllObjects(scene, (o) => o instanceof VizPanel && o.isActive);
  await waitFor(() => expect(view.container.querySelectorAll('[data-viz-panel-key] h2')).toHaveLength(panels.length));
  return view;
}

describe.each(PAGES)('the $page page', ({ build, ready }) => {
  it('renders the same from a clone of its live scene', async () => {
    installFakeGrafana(answersAbout(SERVICE));
    locationService.push('/a/pivot-correlation-app/investigate');
    const ctx = pivotContext({ metrics: { family: 'http-semconv' }, slos: [{ ...AVAILABILITY, service: SERVICE }] });
    const original = build(ctx);
    const first = await renderUntilReady(original, ready);
    const expected = shown(original, first.container);
    // Every panel has its data (the node graphs' frames come from their owner's state).
    expect(expected.panels.filter((p) => p.series.length === 0)).toEqual([]);
    const clone = original.clone();
    first.unmount();

    const second = await renderUntilReady(clone, ready);
    expect(shown(clone, second.container)).toEqual(expected);
    // The clone is a copy, not the same objects drawn twice.
    expect(
      sceneGraph.findAllObjects(clone, (o) => sceneGraph.findAllObjects(original, (p) => p === o).length > 0)
    ).toEqual([]);
  });
});
