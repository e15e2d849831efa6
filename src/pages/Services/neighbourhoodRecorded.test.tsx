/**
 * The Service page's neighbourhood graph over the page's range, from Pivot's recorded edge
 * series: over exactly 1 hour (the default) the 1-hour edge series as instant reads, over
 * another range the 5-minute rates tiling `$__range`; each change of range sends one request,
 * with the queries of that range (servicePrometheus.ts, scenes/recordedWindow.ts).
 */
import React from 'react';
import { act, waitFor } from '@testing-library/react';
import { DataQueryRequest, dateTime } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import { graphMetricFrames } from '../../analysis/fixtures/serviceGraphMetrics';
import { RECORDED_EDGES_PROBE_REF, recordedGraphQueries } from '../../datasources/recordedEdges';
import { GRAPH_REFS, graphQueries } from '../../datasources/serviceGraph';
import { familyProbe } from '../../scenes/familyProbe';
import { Answer, installFakeGrafana, pivotContext, PROMETHEUS, renderInGrafana } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { buildServiceScene } from './serviceScene';

const T = 1_700_000_000_000;
const SERVICE = '"} or vector(1) # ${x}';

function respond(edges: boolean) {
  return (_ds: unknown, request: DataQueryRequest): Answer => {
    if (request.requestId.startsWith('pivot-family')) {
      const frames = [promSeries('otel-spanmetrics:recorded', {}, [[T, 3]])];
      return { frames: edges ? [...frames, promSeries(RECORDED_EDGES_PROBE_REF, {}, [[T, 1]])] : frames };
    }
    const asked = new Set(request.targets.map((t) => t.refId));
    return {
      frames: graphMetricFrames([{ client: 'frontend', server: SERVICE, rate: 3, p95: 0.2 }], {}).filter((f) =>
        asked.has(f.refId ?? '')
      ),
    };
  };
}

async function servicePage(edges: boolean) {
  const requests = installFakeGrafana(respond(edges));
  const ctx = pivotContext({ metrics: { family: 'otel-spanmetrics' } });
  if (!ctx.datasources.prometheus.ok) {
    throw new Error('no Prometheus in the fake');
  }
  // What the app does as it loads (src/app/App.tsx).
  await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
  const scene = buildServiceScene(ctx, SERVICE);
  renderInGrafana(<scene.Component model={scene} />);
  const page = () =>
    requests.filter((r) => r.uid === PROMETHEUS.uid && !r.request.requestId.startsWith('pivot-family'));
  return { scene, page };
}

/** The neighbourhood graph's expressions in a request (the panels' queries apart). */
const graphExprs = (request: DataQueryRequest) =>
  request.targets
    .filter((t) => (Object.values(GRAPH_REFS) as string[]).includes(t.refId))
    .map((t) => ('expr' in t ? t.expr : ''));

function setRange(scene: EmbeddedScene, minutes: number) {
  const from = dateTime(T - minutes * 60_000);
  const to = dateTime(T);
  act(() => sceneGraph.getTimeRange(scene).onTimeRangeChange({ from, to, raw: { from, to } }));
}

describe('Service page neighbourhood on recorded edge series, by range', () => {
  it('reads the 1-hour edge series over 1 hour, the 5-minute tiling over 2 hours; one request per change', async () => {
    const { scene, page } = await servicePage(true);
    await waitFor(() => expect(page()).toHaveLength(1));
    const steps: Array<[number | undefined, string]> = [
      [undefined, '1h'],
      [120, '$__range'],
      [60, '1h'],
      [5, '5m'],
    ];
    for (const [i, [minutes, window]] of steps.entries()) {
      if (minutes !== undefined) {
        setRange(scene, minutes);
      }
      await waitFor(() => expect(page()).toHaveLength(i + 1));
      const sent = page()[i].request;
      if (minutes !== undefined) {
        expect(sent.range.to.valueOf() - sent.range.from.valueOf()).toBe(minutes * 60_000);
      }
      expect(graphExprs(sent)).toEqual(recordedGraphQueries({ window, service: SERVICE }).map((q) => q.expr));
    }
    expect(page()).toHaveLength(steps.length);
  });

  it('without the edge rules: the raw queries over $__range at 1 hour and 2 hours alike', async () => {
    const { scene, page } = await servicePage(false);
    await waitFor(() => expect(page()).toHaveLength(1));
    setRange(scene, 120);
    await waitFor(() => expect(page()).toHaveLength(2));
    for (const { request } of page()) {
      expect(graphExprs(request)).toEqual(graphQueries({ window: '$__range', service: SERVICE }).map((q) => q.expr));
    }
  });
});
