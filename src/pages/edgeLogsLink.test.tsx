import { cleanup, screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import { SceneApp } from '@grafana/scenes';
import { EdgeSpec } from '../analysis/fixtures/serviceGraphMetrics';
import { EDGE_PIVOT_FIELDS } from '../analysis/serviceGraphFrames';
import { testIds } from '../components/testIds';
import { edgeErrorLogs } from '../datasources/serviceGraph';
import { pivotContext, RecordedRequest } from '../testing/fakeGrafana';
import { lokiLogsFrame } from '../testing/frames';
import { graphPageFrame, openAppWithGraph } from '../testing/graphApp';
import { graphUrl, ROW_URL_PART, serviceSectionUrl, serviceUrl } from '../utils/links';
import { SERVICE_REFS } from './Services/serviceScene';

/**
 * From the service graph's edge menu to the answering service's error logs in Pivot: the
 * "Error logs of the answering service" link of the Graph page's edges frame opens that
 * service's page with `section=logs`, and the page brings its error-logs section (the same
 * errors-only query as the edge's raw LogQL) into view once it has answered.
 */

const T = 1_700_000_000_000;
const SETTINGS = { metrics: { family: 'tempo-spanmetrics' as const } };
const ANSWERING = 'pay/ments "v2" & co';
const EDGES: EdgeSpec[] = [{ client: 'frontend', server: ANSWERING, rate: 10, failedRate: 1, p95: 0.8 }];

function openUrl(url: string): { app: SceneApp; requests: RecordedRequest[] } {
  return openAppWithGraph(url, SETTINGS, EDGES, (ds, request) => {
    if (ds.type === 'loki' && request.targets.some((t) => t.refId === SERVICE_REFS.logs)) {
      return {
        frames: [
          lokiLogsFrame(SERVICE_REFS.logs, [{ timeMs: T - 1000, line: 'payment failed', labels: { level: 'error' } }]),
        ],
      };
    }
    return { frames: [] };
  });
}

const scrolled: Element[] = [];
const original = Element.prototype.scrollIntoView;
beforeAll(() => {
  Element.prototype.scrollIntoView = function (this: Element) {
    scrolled.push(this);
  };
});
afterAll(() => {
  Element.prototype.scrollIntoView = original;
});

describe('edge menu → error logs of the answering service', () => {
  it('opens its Service page scrolled to the error logs, querying what the edge’s LogQL queries', async () => {
    const range = { from: String(T - 3_600_000), to: String(T) };
    const graph = openUrl(graphUrl({ range, ds: {} }));
    await screen.findByTestId(testIds.graph.edgeRow(`frontend → ${ANSWERING}`));
    await waitFor(() => expect(graphPageFrame(graph.app, 'edges')).toBeDefined());
    const frame = graphPageFrame(graph.app, 'edges')!;
    const field = frame.fields.find((f) => f.name === EDGE_PIVOT_FIELDS.pivotLogsService)!;
    const link = field.config.links![0];
    expect(link.title).toBe('Pivot/Error logs of the answering service');
    const href = link.url.split(ROW_URL_PART).join(String(field.values[0]));
    const { from, to } = locationService.getSearchObject();
    expect(href).toBe(serviceSectionUrl(ANSWERING, 'logs', { from: String(from), to: String(to) }));
    const edgeLogql = String(frame.fields.find((f) => f.name === EDGE_PIVOT_FIELDS.logql)!.values[0]);

    cleanup();
    scrolled.length = 0;
    const service = openUrl(href);
    const logs = await screen.findByTestId(testIds.service.section('logs', 'data'));
    await waitFor(() => expect(scrolled).toEqual([logs]));
    const asked = service.requests
      .filter((r) => r.type === 'loki')
      .flatMap((r) => r.request.targets.filter((t) => t.refId === SERVICE_REFS.logs))
      .map((t) => String((t as unknown as { expr: string }).expr));
    expect(asked).toEqual([edgeLogql]);
    expect(edgeLogql).toBe(edgeErrorLogs(pivotContext(SETTINGS).settings.logs, ANSWERING));
  });

  it('does not scroll a Service page opened without a section', async () => {
    scrolled.length = 0;
    openUrl(serviceUrl(ANSWERING, { from: 'now-1h', to: 'now' }));
    await screen.findByTestId(testIds.service.section('logs', 'data'));
    expect(locationService.getSearchObject().section).toBeUndefined();
    expect(scrolled).toEqual([]);
  });
});
