/**
 * The whole app over a fake Grafana whose Prometheus answers a service graph, for tests that
 * follow a link of the Graph page's node graph to another page.
 */
import React from 'react';
import { DataFrame } from '@grafana/data';
import { SceneApp, sceneGraph, VizPanel } from '@grafana/scenes';
import type { PivotJsonData } from '../settings';
import { buildSceneApp } from '../app/App';
import { EdgeSpec, graphMetricFrames } from '../analysis/fixtures/serviceGraphMetrics';
import { GraphScene } from '../pages/Graph/GraphScene';
import { installFakeGrafana, pivotContext, RecordedRequest, renderAppAt, Responder } from './fakeGrafana';

/**
 * Opens the app at `url`: Prometheus answers the frames of `edges` the request asks for (by
 * refId), every other data source what `others` answers (nothing by default).
 */
export function openAppWithGraph(
  url: string,
  settings: PivotJsonData,
  edges: EdgeSpec[],
  others: Responder = () => ({ frames: [] })
): { app: SceneApp; requests: RecordedRequest[] } {
  const requests = installFakeGrafana((ds, request) => {
    if (ds.type === 'prometheus') {
      const asked = new Set(request.targets.map((t) => t.refId));
      return { frames: graphMetricFrames(edges).filter((f: DataFrame) => asked.has(f.refId ?? '')) };
    }
    return others(ds, request);
  });
  const app = buildSceneApp(pivotContext(settings));
  renderAppAt(url, <app.Component model={app} />);
  return { app, requests };
}

/** The Graph page's node-graph frame named `name` (`nodes` or `edges`), once it has answered. */
export function graphPageFrame(app: SceneApp, name: 'nodes' | 'edges'): DataFrame | undefined {
  for (const page of app.state.pages) {
    const scene = page.state.initializedScene;
    const graph = scene && sceneGraph.findObject(scene, (o) => o instanceof GraphScene);
    const panel = graph && sceneGraph.findObject(graph, (o) => o instanceof VizPanel);
    const frame = panel && sceneGraph.getData(panel).state.data?.series.find((f) => f.name === name);
    if (frame) {
      return frame;
    }
  }
  return undefined;
}
