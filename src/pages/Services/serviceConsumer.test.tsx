/**
 * The Service page of a queue consumer (issue 18): a service with consumer spans and no server
 * spans in the window shows its messages processed, their error ratio and latency, titled as
 * such with a note; a service with both keeps its server view; no data keeps the empty state.
 * Prometheus' answers are shaped as Grafana's (frames looked up by refId and labels): the
 * consumer statistics carry span_kind, as the queries' `sum by (…, span_kind)` writes them.
 */
import React from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { dateTime, DataQueryRequest } from '@grafana/data';
import { EmbeddedScene, sceneGraph, VizPanel } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { promql } from '../../datasources';
import { CONSUMER_KIND } from '../../datasources/consumerQueries';
import { GRAPH_REFS } from '../../datasources/serviceGraph';
import { metricConventionsFor, normalizeSettings, PivotJsonData } from '../../settings';
import { expectValidPromQL } from '../../testing/grammar';
import { PillarSection } from '../../scenes/PillarSection';
import {
  Answer,
  installFakeGrafana,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderInGrafana,
} from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { ERROR_EXEMPLARS_REF, failedRequestRate, LATENCY_EXEMPLARS_REF } from './errorExemplars';
import { MESSAGES_REF } from './consumerView';
import { buildServiceScene, SERVICE_REFS, serviceMetricQueries } from './serviceScene';

const T = 1_700_000_000_000;
const SPANS: PivotJsonData = { metrics: { family: 'otel-spanmetrics' } };
const HTTP: PivotJsonData = { metrics: { family: 'http-semconv' } };

type Kind = 'consumer' | 'server' | 'none';

/**
 * Prometheus' answer to the page's request for a service of `kind`: a consumer's panels and
 * messages series (by span kind), a server's panels alone (its messages query answers nothing,
 * as `… unless on (service_name) <server spans>` does), or nothing.
 */
function prometheusAnswer(kind: () => Kind, service: string) {
  return (_ds: unknown, request: DataQueryRequest): Answer => {
    if (request.requestId.startsWith('pivot-family') || kind() === 'none') {
      return { frames: [] };
    }
    const consumer = kind() === 'consumer';
    const labels: Record<string, string> = consumer
      ? { service_name: service, span_kind: CONSUMER_KIND }
      : { service_name: service };
    const panels: string[] = [SERVICE_REFS.errorRatio, SERVICE_REFS.latency, ...(consumer ? [MESSAGES_REF] : [])];
    const frames = request.targets
      .map((t) => t.refId)
      .filter((refId) => panels.includes(refId))
      .map((refId) =>
        promSeries(
          refId,
          labels,
          [
            [T, 0.1],
            [T + 60_000, 0.2],
          ],
          'range'
        )
      );
    return { frames };
  };
}

function install(kind: () => Kind, service: string): RecordedRequest[] {
  return installFakeGrafana((ds, request) =>
    ds.type === 'prometheus' ? prometheusAnswer(kind, service)(ds, request) : { frames: [] }
  );
}

function render(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
  return scene;
}

function panelTitle(scene: EmbeddedScene, name: string): string | undefined {
  const found = sceneGraph.findObject(scene, (o) => o instanceof PillarSection && o.state.name === name);
  const panel = found instanceof PillarSection ? found.state.body : undefined;
  return panel instanceof VizPanel ? panel.state.title : undefined;
}

const pageRequests = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.uid === PROMETHEUS.uid && !r.request.requestId.startsWith('pivot-family'));

const messagesShown = () =>
  screen.queryAllByTestId((id) => id.startsWith('data-testid pivot-service-messages ')).length > 0;

describe('Service page of a queue consumer', () => {
  const conv = metricConventionsFor(normalizeSettings(SPANS), 'otel-spanmetrics');

  it('shows a consumer-only service’s messages processed, error ratio and latency, titled as such, from the one request', async () => {
    const requests = install(() => 'consumer', 'fulfilment');
    const scene = render(buildServiceScene(pivotContext(SPANS), 'fulfilment'));
    await screen.findByTestId(testIds.service.section('messages', 'data'));
    await screen.findByTestId(testIds.service.section('error-ratio', 'data'));
    expect(screen.getByTestId(testIds.service.note)).toHaveTextContent(
      'No server spans of fulfilment in this window: a queue consumer. These panels count its consumer spans, one per message processed, from the raw span metrics (recorded series count server spans only).'
    );
    await waitFor(() => expect(panelTitle(scene, 'error-ratio')).toBe('Error ratio of messages processed'));
    expect(panelTitle(scene, 'latency')).toBe('p95 message processing latency');
    expect(panelTitle(scene, 'messages')).toBe('Messages processed per second');

    // One Prometheus request: the panels (server or consumer statistics), the messages, the graph.
    await screen.findByTestId(testIds.graph.neighbourhood('empty'));
    const sent = pageRequests(requests);
    expect(sent).toHaveLength(1);
    const q = serviceMetricQueries(conv, 'fulfilment');
    expect(sent[0].request.targets.map((t) => t.refId)).toEqual([
      SERVICE_REFS.errorRatio,
      SERVICE_REFS.latency,
      ERROR_EXEMPLARS_REF,
      LATENCY_EXEMPLARS_REF,
      MESSAGES_REF,
      ...Object.values(GRAPH_REFS),
    ]);
    const exprs = Object.fromEntries(sent[0].request.targets.map((t) => [t.refId, (t as { expr?: string }).expr]));
    expect(exprs[SERVICE_REFS.errorRatio]).toBe(q.errorRatio.expr);
    expect(exprs[SERVICE_REFS.latency]).toBe(q.latency.expr);
    expect(exprs[MESSAGES_REF]).toBe(q.messages?.expr);
    const consumer = { service: 'fulfilment', window: '$__rate_interval', consumer: true };
    expect(q.errorRatio.expr).toContain(promql.errorRatio(conv, consumer));
    expect(q.latency.expr).toContain(promql.latencyQuantile(conv, { ...consumer, quantile: 0.95 }));
    expect(q.messages?.expr).toContain(promql.requestRate(conv, consumer));
    for (const expr of [q.errorRatio.expr, q.latency.expr, q.messages?.expr ?? '']) {
      expectValidPromQL(expr);
      // Unless the service had server spans anywhere in the window.
      expect(expr).toContain(
        'unless on (service_name) sum by (service_name) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_SERVER", service_name="fulfilment"}[$__range] @ end()))'
      );
    }
    // The exemplar queries hold only the selectors whose exemplars belong on each panel: the
    // failed requests and messages, the latency buckets; never the request counter of `unless`.
    expect(q.errorExemplars.expr).toBe(
      `(${failedRequestRate(conv, 'fulfilment', '$__rate_interval')}) or (${failedRequestRate(conv, 'fulfilment', '$__rate_interval', true)})`
    );
    expect(q.latencyExemplars.expr).toBe(
      `(${promql.latencyQuantile(conv, { ...consumer, consumer: false, quantile: 0.95 })}) or (${promql.latencyQuantile(conv, { ...consumer, quantile: 0.95 })})`
    );
    for (const expr of [q.errorExemplars.expr, q.latencyExemplars.expr]) {
      expectValidPromQL(expr);
      expect(expr).not.toContain('unless');
    }
  });

  it('keeps the server view of a service with server spans (consumer spans or not)', async () => {
    install(() => 'server', 'checkout');
    const scene = render(buildServiceScene(pivotContext(SPANS), 'checkout'));
    await screen.findByTestId(testIds.service.section('error-ratio', 'data'));
    await screen.findByTestId(testIds.service.section('latency', 'data'));
    await waitFor(() => expect(panelTitle(scene, 'error-ratio')).toBe('Error ratio'));
    expect(panelTitle(scene, 'latency')).toBe('p95 latency');
    expect(messagesShown()).toBe(false);
    expect(screen.queryByTestId(testIds.service.note)).not.toBeInTheDocument();
  });

  it('keeps the empty state when Prometheus has nothing for the service', async () => {
    install(() => 'none', 'fulfilment');
    render(buildServiceScene(pivotContext(SPANS), 'fulfilment'));
    expect(await screen.findByTestId(testIds.service.section('error-ratio', 'empty'))).toHaveTextContent(
      'No requests for fulfilment in this window under OpenTelemetry Collector spanmetrics connector: check the metric family'
    );
    expect(messagesShown()).toBe(false);
  });

  it('turns back to the server view over a window where the service served requests', async () => {
    let kind: Kind = 'consumer';
    install(() => kind, 'fulfilment');
    const scene = render(buildServiceScene(pivotContext(SPANS), 'fulfilment'));
    await screen.findByTestId(testIds.service.section('messages', 'data'));
    await waitFor(() => expect(panelTitle(scene, 'latency')).toBe('p95 message processing latency'));
    kind = 'server';
    const from = dateTime(T);
    const to = dateTime(T + 10 * 60_000);
    act(() => sceneGraph.getTimeRange(scene).onTimeRangeChange({ from, to, raw: { from, to } }));
    await waitFor(() => expect(panelTitle(scene, 'latency')).toBe('p95 latency'));
    expect(panelTitle(scene, 'error-ratio')).toBe('Error ratio');
    await waitFor(() => expect(messagesShown()).toBe(false));
  });

  it('escapes a hostile service name in every statistic and gate', async () => {
    const nasty = 'ful"fil\\ment {x="y"} $__range [[v]]';
    const requests = install(() => 'consumer', nasty);
    const scene = render(buildServiceScene(pivotContext(SPANS), nasty));
    await screen.findByTestId(testIds.service.section('messages', 'data'));
    await waitFor(() => expect(panelTitle(scene, 'error-ratio')).toBe('Error ratio of messages processed'));
    const targets = pageRequests(requests).flatMap((r) => r.request.targets);
    const panels = targets.filter(
      (t) => t.refId !== undefined && !(Object.values(GRAPH_REFS) as string[]).includes(t.refId)
    );
    expect(panels.map((t) => t.refId)).toEqual([
      SERVICE_REFS.errorRatio,
      SERVICE_REFS.latency,
      ERROR_EXEMPLARS_REF,
      LATENCY_EXEMPLARS_REF,
      MESSAGES_REF,
    ]);
    const quoted = '"ful\\"fil\\\\ment {x=\\"y\\"} \\u0024__range \\u005b[v]]"';
    for (const t of panels) {
      const expr = (t as { expr?: string }).expr ?? '';
      expectValidPromQL(expr);
      expect(expr).toContain(`service_name=${quoted}`);
      expect(
        expr
          .split('service_name=')
          .slice(1)
          .every((rest) => rest.startsWith(quoted))
      ).toBe(true);
    }
  });

  it('leaves the HTTP families as they were: no consumer statistics, the same empty state', async () => {
    const requests = install(() => 'none', 'worker');
    render(buildServiceScene(pivotContext(HTTP), 'worker'));
    expect(await screen.findByTestId(testIds.service.section('error-ratio', 'empty'))).toHaveTextContent(
      'No requests for worker in this window under OpenTelemetry HTTP server metrics (stable semantic conventions)'
    );
    const http = metricConventionsFor(normalizeSettings(HTTP), 'http-semconv');
    await waitFor(() => expect(pageRequests(requests)).toHaveLength(1));
    const targets = pageRequests(requests)[0].request.targets;
    expect(targets.map((t) => t.refId)).not.toContain(MESSAGES_REF);
    expect(targets.find((t) => t.refId === SERVICE_REFS.errorRatio)).toEqual(
      expect.objectContaining({ expr: promql.errorRatio(http, { service: 'worker', window: '$__rate_interval' }) })
    );
    expect(messagesShown()).toBe(false);
  });
});
