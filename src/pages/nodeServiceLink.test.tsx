import { cleanup, screen, waitFor } from '@testing-library/react';
import { DataFrame } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { SceneApp } from '@grafana/scenes';
import { EdgeSpec } from '../analysis/fixtures/serviceGraphMetrics';
import { NODE_PIVOT_FIELDS } from '../analysis/serviceGraphFrames';
import { testIds } from '../components/testIds';
import { RecordedRequest } from '../testing/fakeGrafana';
import { graphPageFrame, openAppWithGraph } from '../testing/graphApp';
import { graphUrl, ROW_URL_PART, serviceUrl } from '../utils/links';

/**
 * From a node of the service graph to its Service page, for services named as dot segments: the
 * Graph page's nodes-frame link, filled as Grafana fills it and opened as a browser opens it
 * (dot segments removed by its URL parser), opens the Service page of that very service, whose
 * neighbourhood graph then asks Prometheus about that service and no other.
 */

const T = 1_700_000_000_000;
const SETTINGS = { metrics: { family: 'tempo-spanmetrics' as const } };
const EDGES: EdgeSpec[] = [
  { client: 'frontend', server: '..', rate: 10, failedRate: 1, p95: 0.8 },
  { client: '..', server: '.', rate: 5 },
  { client: '..', server: '~.', rate: 2 },
];

function openUrl(url: string): { app: SceneApp; requests: RecordedRequest[] } {
  return openAppWithGraph(url, SETTINGS, EDGES);
}

/** The node's "Open the service page", filled on its row as Grafana fills it. */
function nodeHref(nodes: DataFrame, service: string): string {
  const row = nodes.fields.find((f) => f.name === 'id')!.values.indexOf(service);
  expect(row).toBeGreaterThanOrEqual(0);
  const linked = nodes.fields.filter((f) => f.config.links?.length);
  expect(linked.map((f) => f.name)).toEqual([NODE_PIVOT_FIELDS.pivotService]);
  const [link] = linked[0].config.links ?? [];
  expect(link.title).toBe('Pivot/Open the service page');
  return link.url.split(ROW_URL_PART).join(String(linked[0].values[row]));
}

/** As a browser opens a clicked link: its URL parser removes dot segments before the router sees the path. */
function asBrowserOpens(href: string): string {
  const url = new URL(href, 'https://grafana.example.com');
  return `${url.pathname}${url.search}`;
}

/** The services the neighbourhood graph's request-rate query asked about (as callee). */
function askedServices(requests: RecordedRequest[]): Set<string> {
  const asked = new Set<string>();
  for (const r of requests.filter((q) => q.type === 'prometheus')) {
    for (const target of r.request.targets) {
      const expr = 'expr' in target ? String(target.expr) : '';
      for (const m of expr.matchAll(/traces_service_graph_request_total\{server=("(?:[^"\\]|\\.)*")\}/g)) {
        asked.add(JSON.parse(m[1]));
      }
    }
  }
  return asked;
}

describe('node → Service page, for services named as dot segments', () => {
  it.each(['..', '.', '~.'])('the Graph page’s node %p opens its own Service page', async (service) => {
    const range = { from: String(T - 3_600_000), to: String(T) };
    const graph = openUrl(graphUrl({ range, ds: {} })).app;
    await screen.findByTestId(testIds.graph.edgeRow('frontend → ..'));
    await waitFor(() => expect(graphPageFrame(graph, 'nodes')).toBeDefined());
    const href = nodeHref(graphPageFrame(graph, 'nodes')!, service);
    const { from, to } = locationService.getSearchObject();
    expect(href).toBe(serviceUrl(service, { from: String(from), to: String(to) }));

    cleanup();
    const { requests } = openUrl(asBrowserOpens(href));
    await waitFor(() => expect(askedServices(requests)).toEqual(new Set([service])));
    expect(screen.queryByTestId(testIds.services.table)).toBeNull();
  });
});
