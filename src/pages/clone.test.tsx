import React from 'react';
import { screen } from '@testing-library/react';
import type { DataQueryRequest } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { EmbeddedScene, sceneGraph, SceneObject, VizPanel } from '@grafana/scenes';
import { graphMetricFrames } from '../analysis/fixtures/serviceGraphMetrics';
import {
  checkoutFailureSpans,
  FIXTURE_START_MS,
  FIXTURE_TRACE_ID,
  tempoTraceFrame,
} from '../analysis/fixtures/traceFrames';
import { testIds } from '../components/testIds';
import type { DataSourceSummary } from '../datasources/lookup';
import type { PivotContext } from '../pivotContext';
import { Answer, installFakeGrafana, pivotContext, renderInGrafana } from '../testing/fakeGrafana';
import { lokiLogsFrame, promSeries, tempoTracesFrame } from '../testing/frames';
import { buildGraphScene } from './Graph/graphPage';
import { InvestigateScene } from './Investigate/InvestigateScene';
import { buildServiceScene } from './Services/serviceScene';
import { buildServicesScene } from './Services/servicesScene';
import { buildSloScene } from './Slos/sloScene';
import { buildSlosScene } from './Slos/slosScene';
import { AVAILABILITY } from './Slos/sloTestFixtures';
import { TRACE_REFS } from './Trace/traceQueries';
import { buildTraceScene } from './Trace/traceScene';

/**
 * Scenes' `clone()` rebuilds a scene object from its state alone (the URL sync, the dashboard
 * copy and the Drilldown apps' embedding all clone). Every page's scene is rendered, cloned
 * while live, and the clone rendered on its own: it must show the same content.
 */

const T = FIXTURE_START_MS;
const SERVICE = 'checkout';

/** Every data source answers with one plausible frame about the service. */
function respond(ds: DataSourceSummary, request: DataQueryRequest): Answer {
  const refIds = request.targets.map((t) => t.refId);
  if (ds.type === 'loki') {
    return {
      frames: [lokiLogsFrame(refIds[0], [{ timeMs: T, line: 'level=error', labels: { service_name: SERVICE } }])],
    };
  }
  if (ds.type === 'tempo') {
    if (refIds.includes(TRACE_REFS.trace)) {
      return { frames: [tempoTraceFrame(checkoutFailureSpans())] };
    }
    const row = { traceID: FIXTURE_TRACE_ID, startTimeMs: T, service: SERVICE, name: 'GET', durationMs: 5 };
    return { frames: [tempoTracesFrame(refIds[0], [row])] };
  }
  const graph = graphMetricFrames([{ client: 'frontend', server: SERVICE, rate: 10, p95: 0.2 }], {}).filter((f) =>
    refIds.includes(f.refId ?? '')
  );
  const others = refIds
    .filter((r) => !graph.some((f) => f.refId === r))
    .map((r) => promSeries(r, { job: SERVICE }, [[T, 0.01]]));
  return { frames: [...graph, ...others] };
}

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
  return view;
}

describe.each(PAGES)('the $page page', ({ build, ready }) => {
  it('renders the same from a clone of its live scene', async () => {
    installFakeGrafana(respond);
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
