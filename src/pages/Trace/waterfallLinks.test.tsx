import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import type { DataFrame } from '@grafana/data';
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
import { fromPathSegment } from '../../utils/links';
import { SPAN_SERVICE_FIELD } from '../../utils/traceLinks';
import { buildTraceScene } from './traceScene';
import { TraceView } from './TraceView';

/**
 * The waterfall (Grafana's traces panel) lists the data links of its frame's fields in each
 * span's links menu, evaluated on the span's row: Pivot links every span's service to its
 * Service page at the trace's window, with the page's data sources.
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

/** What Grafana makes of the link on one span's row: `${__value.raw:percentencode}` is its service. */
function spanHref(url: string, service: string): URL {
  return new URL(url.replace('${__value.raw:percentencode}', encodeURIComponent(service)), 'https://grafana.local');
}

afterEach(() => setCurrentDataSources({}));

describe('the waterfall’s span services link to their Service page', () => {
  it('links every span’s service, at the trace’s window, carrying the page’s data sources', async () => {
    setCurrentDataSources({ prometheus: 'prom-eu', loki: 'loki-eu', tempo: 'tempo-eu' });
    const frame = await waterfallFrame(render(checkoutFailureFrame()));
    const services = frame.fields.find((f) => f.name === SPAN_SERVICE_FIELD)!;
    const [link] = services.config.links ?? [];
    expect(link.title).toBe('Open the service in Pivot');
    // The other fields keep no link of Pivot's: the panel takes every field's links.
    expect(frame.fields.filter((f) => f.config.links?.length).map((f) => f.name)).toEqual([SPAN_SERVICE_FIELD]);
    const spans = checkoutFailureSpans();
    const start = Math.min(...spans.map((s) => s.startTime));
    const end = Math.max(...spans.map((s) => s.startTime + s.duration));
    for (let row = 0; row < frame.length; row++) {
      const service = String(services.values[row]);
      const href = spanHref(link.url, service);
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

  // One template for every span: a service named exactly . or .. opens the Services list from here
  // (docs/trace-page.md); the summary's links carry such names.
  it.each(['a/b?c#d', '%2F 50% off', '$__interval', 'päyment 🚀'])('keeps a service named %j whole', async (name) => {
    const spans = checkoutFailureSpans().map((s) => ({ ...s, serviceName: name }));
    const frame = await waterfallFrame(render(tempoTraceFrame(spans)));
    const [link] = frame.fields.find((f) => f.name === SPAN_SERVICE_FIELD)!.config.links ?? [];
    const segments = spanHref(link.url, name).pathname.split('/');
    expect(fromPathSegment(decodeURIComponent(segments[4]))).toBe(name);
  });

  it('adds no link when no span has a usable time (no window to open the Service page at)', async () => {
    const spans = checkoutFailureSpans().map((s) => ({ ...s, startTime: 0 }));
    const frame = await waterfallFrame(render(tempoTraceFrame(spans)));
    expect(frame.fields.find((f) => f.name === SPAN_SERVICE_FIELD)!.config.links ?? []).toEqual([]);
  });
});
