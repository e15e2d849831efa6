import React from 'react';
import { screen } from '@testing-library/react';
import { EmbeddedScene, sceneGraph, VizPanel } from '@grafana/scenes';
import { FIXTURE_TRACE_ID } from '../analysis/fixtures/traceFrames';
import type { PivotContext } from '../pivotContext';
import { TITLE_VARIABLE } from '../components/verbatimTitle';
import { testIds } from '../components/testIds';
import { buildGraphScene } from './Graph/graphPage';
import { buildServiceScene } from './Services/serviceScene';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../testing/fakeGrafana';
import { answersAbout } from '../testing/pageAnswers';
import { buildSloScene } from './Slos/sloScene';
import { AVAILABILITY } from './Slos/sloTestFixtures';
import { buildTraceScene } from './Trace/traceScene';

/**
 * Scenes interpolates every panel title (VizPanelRenderer), and Grafana's template syntax has
 * no escape: before, a service named `${__from}` titled its logs panel "Error logs of
 * 1699996400000". Each page is rendered through the real Scenes renderer with services named
 * like Grafana variables, and every panel title must read exactly as the name is written.
 */

// Built-in macros, a variable that does not exist, and the variable the titles refer to.
const NAMES = ['$__interval', '${__from}', '[[x]]', `\${${TITLE_VARIABLE}}`, `[[${TITLE_VARIABLE}]]`];

function render(service: string, build: (ctx: PivotContext) => EmbeddedScene) {
  installFakeGrafana(answersAbout(service));
  const ctx = pivotContext({
    metrics: { family: 'http-semconv' },
    slos: [{ ...AVAILABILITY, service }],
  });
  const scene = build(ctx);
  renderInGrafana(<scene.Component model={scene} />);
  rendered = scene;
}

let rendered: EmbeddedScene | undefined;

/** The title of every panel on the page, as the panel header shows it. */
function panelTitles(): string[] {
  return Array.from(document.querySelectorAll('[data-viz-panel-key] h2')).map((h) => h.textContent ?? '');
}

/** Waits for each panel header (a panel shows once its plugin has loaded), then compares them all. */
async function expectPanelTitles(expected: string[]) {
  for (const title of expected) {
    await screen.findAllByTitle(title, { exact: true });
  }
  expect(panelTitles()).toEqual(expected);
  // Descriptions (the header's tooltip) are interpolated too: none may change there.
  const panels = sceneGraph.findAllObjects(rendered!, (o) => o instanceof VizPanel) as VizPanel[];
  expect(panels).toHaveLength(expected.length);
  for (const panel of panels) {
    const description = panel.state.description ?? '';
    expect(panel.interpolate(description, undefined, 'text')).toBe(description);
  }
}

describe.each(NAMES)('a service named %s', (service) => {
  it('Service page: the logs, traces and neighbourhood titles hold the name verbatim', async () => {
    render(service, (ctx) => buildServiceScene(ctx, service));
    await screen.findByTestId(testIds.service.section('logs', 'data'));
    await screen.findByTestId(testIds.service.section('traces', 'data'));
    await screen.findByTestId(testIds.graph.neighbourhood('data'));
    await expectPanelTitles([
      'Error ratio',
      'p95 latency',
      `Error logs of ${service}`,
      `Failing traces of ${service}`,
      `Around ${service}`,
    ]);
  });

  it('Trace page: its titles are unchanged by the services the trace crossed', async () => {
    render(service, (ctx) => buildTraceScene(ctx, FIXTURE_TRACE_ID));
    await screen.findByTestId(testIds.trace.state('data'));
    await screen.findByTestId(testIds.service.section(testIds.trace.sections.logs, 'data'));
    await expectPanelTitles(['Trace', 'Logs of this trace', 'Services this trace crossed']);
  });

  it('Graph page: the graph and the edge list keep the name', async () => {
    render(service, buildGraphScene);
    const page = await screen.findByTestId(testIds.graph.page('data'));
    await expectPanelTitles(['Service graph']);
    expect(page).toHaveTextContent(`Error logs of ${service}`, { normalizeWhitespace: false });
  });

  it('SLO page: the burn-down title', async () => {
    render(service, (ctx) => buildSloScene(ctx, AVAILABILITY.name));
    await screen.findByTestId(testIds.slos.pairs);
    await expectPanelTitles([`Error budget remaining over the last ${AVAILABILITY.period}`]);
  });
});
