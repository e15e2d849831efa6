import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import type { DataFrame, DataLink } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import {
  checkoutFailureFrame,
  checkoutFailureSpans,
  FIXTURE_TRACE_ID,
  tempoTraceFrame,
} from '../../analysis/fixtures/traceFrames';
import { testIds } from '../../components/testIds';
import { TRACE_LOG_MARGIN_MS } from '../../datasources/tempoAnswers';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../../testing/fakeGrafana';
import { lokiLogsFrame } from '../../testing/frames';
import { setCurrentDataSources } from '../../utils/dataSourceChoice';
import { fromPathSegment, ROW_URL_PART, serviceUrl } from '../../utils/links';
import { SPAN_SERVICE_FIELD, SPAN_SERVICE_LINK_FIELD } from '../../utils/traceLinks';
import { buildTraceScene } from './traceScene';
import { TraceView } from './TraceView';

/**
 * The waterfall (Grafana's traces panel) lists the data links of its frame's fields in each
 * span's links menu, evaluated on the span's row: Pivot links every span's service to its
 * Service page at the trace's window, with the page's data sources, on a field of its own.
 */

function render(tempo: DataFrame): EmbeddedScene {
  installFakeGrafana((ds, request) =>
    ds.type === 'tempo' ? { frames: [tempo] } : { frames: [lokiLogsFrame(request.targets[0].refId, [])] }
  );
  const scene = buildTraceScene(pivotContext(), FIXTURE_TRACE_ID);
  renderInGrafana(<scene.Component model={scene} />);
  return scene;
}

/** The frame the waterfall panel receives. */
async function waterfallFrame(scene: EmbeddedScene): Promise<DataFrame> {
  const view = sceneGraph.findObject(scene, (o) => o instanceof TraceView) as TraceView;
  await screen.findByTestId(testIds.trace.state('data'));
  let frame: DataFrame | undefined;
  await waitFor(() => {
    frame = sceneGraph.getData(view.state.waterfall).state.data?.series[0];
    expect(frame).toBeDefined();
  });
  return frame!;
}

/**
 * The span services' link, on its own field (SPAN_SERVICE_LINK_FIELD), and what Grafana makes of
 * it on one span's row: that row's value of the field in place of `${__value.raw:raw}`.
 */
function serviceLink(frame: DataFrame): { link: DataLink; href: (row: number) => string } {
  const pivot = frame.fields.find((f) => f.name === SPAN_SERVICE_LINK_FIELD)!;
  const [link] = pivot.config.links ?? [];
  return { link, href: (row) => link.url.split(ROW_URL_PART).join(String(pivot.values[row])) };
}

function spanHref(href: string): URL {
  return new URL(href, 'https://grafana.local');
}

afterEach(() => setCurrentDataSources({}));

describe('the waterfall’s span services link to their Service page', () => {
  it('links every span’s service, at the trace’s window, carrying the page’s data sources', async () => {
    setCurrentDataSources({ prometheus: 'prom-eu', loki: 'loki-eu', tempo: 'tempo-eu' });
    const frame = await waterfallFrame(render(checkoutFailureFrame()));
    const services = frame.fields.find((f) => f.name === SPAN_SERVICE_FIELD)!;
    const { link, href: filled } = serviceLink(frame);
    expect(link.title).toBe('Open the service in Pivot');
    // The other fields keep no link of Pivot's: the panel takes every field's links.
    expect(frame.fields.filter((f) => f.config.links?.length).map((f) => f.name)).toEqual([SPAN_SERVICE_LINK_FIELD]);
    const spans = checkoutFailureSpans();
    const start = Math.min(...spans.map((s) => s.startTime));
    const end = Math.max(...spans.map((s) => s.startTime + s.duration));
    for (let row = 0; row < frame.length; row++) {
      const service = String(services.values[row]);
      expect(filled(row)).toBe(
        serviceUrl(service, { from: Math.floor(start - TRACE_LOG_MARGIN_MS), to: Math.ceil(end + TRACE_LOG_MARGIN_MS) })
      );
      const href = spanHref(filled(row));
      const segments = href.pathname.split('/');
      expect(segments.slice(0, 4)).toEqual(['', 'a', 'pivot-correlation-app', 'services']);
      expect(fromPathSegment(decodeURIComponent(segments[4]))).toBe(service);
      expect(Number(href.searchParams.get('from'))).toBe(Math.floor(start - TRACE_LOG_MARGIN_MS));
      expect(Number(href.searchParams.get('to'))).toBe(Math.ceil(end + TRACE_LOG_MARGIN_MS));
      expect(href.searchParams.get('var-metrics')).toBe('prom-eu');
      expect(href.searchParams.get('var-logs')).toBe('loki-eu');
      expect(href.searchParams.get('var-traces')).toBe('tempo-eu');
    }
  });

  // The field holds each span's service as the path segment `serviceUrl` writes, so a service
  // named exactly `.` or `..` keeps its `~` escape (a browser drops dot segments, `%2e%2e` too).
  it.each(['.', '..', '~.', '~~..', 'a/b?c#d', '%2F 50% off', '%2e%2e', '$__interval', 'päyment 🚀'])(
    'keeps a service named %j whole',
    async (name) => {
      const spans = checkoutFailureSpans().map((s) => ({ ...s, serviceName: name }));
      const frame = await waterfallFrame(render(tempoTraceFrame(spans)));
      const { href } = serviceLink(frame);
      for (let row = 0; row < frame.length; row++) {
        const segments = spanHref(href(row)).pathname.split('/');
        expect(segments).toHaveLength(5);
        expect(fromPathSegment(decodeURIComponent(segments[4]))).toBe(name);
      }
    }
  );

  it('adds no link when no span has a usable time (no window to open the Service page at)', async () => {
    const spans = checkoutFailureSpans().map((s) => ({ ...s, startTime: 0 }));
    const frame = await waterfallFrame(render(tempoTraceFrame(spans)));
    expect(frame.fields.some((f) => f.name === SPAN_SERVICE_LINK_FIELD || f.config.links?.length)).toBe(false);
  });
});
