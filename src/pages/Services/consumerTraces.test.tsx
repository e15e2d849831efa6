/**
 * The Service page's Tempo sections for a queue consumer (issue 18): fulfilment writes consumer
 * spans and no server spans, so its failing work is its failed messages. The failing traces
 * section and both suspect samples search server and consumer spans alike
 * (traceql.ts SERVED_SPAN_KINDS); the page is in its consumer view (Prometheus' answers carry
 * span_kind consumer, as serviceConsumer.test.tsx shapes them). Tempo's answers are shaped as
 * Grafana's: the `Traces` search frame and the `Spans` table, looked up by field name.
 */
import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import { DataFrame, DataQueryRequest } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { SUSPECT_REFS } from '../../analysis/suspectFrames';
import { CONSUMER_KIND } from '../../datasources/consumerQueries';
import { SUSPECT_ATTRIBUTES } from '../../datasources/suspectQueries';
import { PillarSection } from '../../scenes/PillarSection';
import { PivotJsonData } from '../../settings';
import { goUnquote } from '../../testing/goUnquote';
import { expectValidTraceQL, nodeCounts, nodeTexts } from '../../testing/grammar';
import {
  Answer,
  installFakeGrafana,
  pivotContext,
  RecordedRequest,
  renderInGrafana,
  TEMPO,
} from '../../testing/fakeGrafana';
import { promSeries, tempoTracesFrame } from '../../testing/frames';
import { SpanRow, spansFrame } from '../../testing/tempoSpans';
import { MESSAGES_REF } from './consumerView';
import { buildServiceScene, SERVICE_REFS } from './serviceScene';
import { SUSPECTS_TEST_IDS } from './SuspectsSection';

const T = 1_700_000_000_000;
const SPANS: PivotJsonData = { metrics: { family: 'otel-spanmetrics' } };
const CONSUMER = 'fulfilment';
const ID = '7a3c0f5e9b1d2c4e6f8091a2b3c4d5e6';
const SELECT = `select(${SUSPECT_ATTRIBUTES.join(', ')})`;

/** Prometheus: the consumer statistics of `service` (by span kind) and its messages; no graph. */
function prometheusAnswer(service: string, request: DataQueryRequest): Answer {
  if (request.requestId.startsWith('pivot-family')) {
    return { frames: [] };
  }
  const panels: string[] = [SERVICE_REFS.errorRatio, SERVICE_REFS.latency, MESSAGES_REF];
  return {
    frames: request.targets
      .map((t) => t.refId)
      .filter((refId) => panels.includes(refId))
      .map((refId) =>
        promSeries(
          refId,
          { service_name: service, span_kind: CONSUMER_KIND },
          [
            [T, 0.1],
            [T + 60_000, 0.2],
          ],
          'range'
        )
      ),
  };
}

/** A failed message: queue → fulfilment, the trace's root the producer's span. */
const failedMessage = tempoTracesFrame(SERVICE_REFS.traces, [
  { traceID: ID, startTimeMs: T, service: 'checkout', name: 'POST /checkout', durationMs: 340 },
]);

/** Fulfilment's consumer spans: 40 messages, the ones to the `orders.priority` queue all failing. */
function messageSpans(): { failing: SpanRow[]; baseline: SpanRow[] } {
  const all = Array.from({ length: 40 }, (_, i) => ({
    traceId: `${(i + 1).toString(16)}cc`,
    spanId: `${(i + 1).toString(16)}dd`,
    timeMs: T + i * 1000,
    name: 'orders process',
    attributes: {
      'service.name': CONSUMER,
      'messaging.destination.name': i % 4 === 0 ? 'orders.priority' : 'orders',
    },
  }));
  return { failing: all.filter((_, i) => i % 4 === 0), baseline: all.filter((_, i) => i % 4 !== 0) };
}

/** Tempo: the failing traces search, and the two suspect samples, each by its refId. */
function tempoAnswer(request: DataQueryRequest, traces: DataFrame[]): Answer {
  const { failing, baseline } = messageSpans();
  switch (request.targets[0]?.refId) {
    case SERVICE_REFS.traces:
      return { frames: traces };
    case SUSPECT_REFS.failing:
      return { frames: [spansFrame(failing)] };
    default:
      return { frames: [spansFrame(baseline)] };
  }
}

function install(service: string, traces: DataFrame[] = [failedMessage]): RecordedRequest[] {
  return installFakeGrafana((ds, request) => {
    switch (ds.type) {
      case 'prometheus':
        return prometheusAnswer(service, request);
      case 'tempo':
        return tempoAnswer(request, traces);
      default:
        return { frames: [] };
    }
  });
}

function render(service: string): EmbeddedScene {
  const scene = buildServiceScene(pivotContext(SPANS), service);
  renderInGrafana(<scene.Component model={scene} />);
  return scene;
}

function tempoQueries(requests: RecordedRequest[]): Record<string, string> {
  return Object.fromEntries(
    requests
      .filter((r) => r.uid === TEMPO.uid)
      .flatMap((r) => r.request.targets)
      .map((t) => [t.refId, String((t as { query?: unknown }).query)])
  );
}

function tracesFrames(scene: EmbeddedScene): DataFrame[] {
  const found = sceneGraph.findObject(scene, (o) => o instanceof PillarSection && o.state.name === 'traces');
  return (found instanceof PillarSection ? found.state.$data?.state.data?.series : undefined) ?? [];
}

describe('Failing traces of a queue consumer', () => {
  it('searches its failing server and consumer spans, and lists the failed message’s trace', async () => {
    const requests = install(CONSUMER);
    const scene = render(CONSUMER);
    // The page is in its consumer view.
    await screen.findByTestId(testIds.service.section('messages', 'data'));
    expect(screen.getByTestId(testIds.service.note)).toHaveTextContent(`No server spans of ${CONSUMER} in this window`);

    await screen.findByTestId(testIds.service.section('traces', 'data'));
    await waitFor(() => expect(Object.keys(tempoQueries(requests)).sort()).toHaveLength(3));
    expect(tempoQueries(requests)).toEqual({
      [SERVICE_REFS.traces]:
        '{ resource.service.name = "fulfilment" && status = error && (kind = server || kind = consumer) }',
      [SUSPECT_REFS.failing]: `{ resource.service.name = "fulfilment" && (kind = server || kind = consumer) && status = error } | ${SELECT}`,
      [SUSPECT_REFS.baseline]: `{ resource.service.name = "fulfilment" && (kind = server || kind = consumer) && status != error } | ${SELECT}`,
    });
    const [frame] = tracesFrames(scene);
    expect(frame.fields.find((f) => f.name === 'traceID')?.values).toEqual([ID]);
  });

  it('compares its failed messages with its other messages in "What the failing requests share"', async () => {
    install(CONSUMER);
    render(CONSUMER);
    const view = await screen.findByTestId(SUSPECTS_TEST_IDS.view('ranked'));
    expect(view).toHaveTextContent(
      'Compared 10 failing server or consumer spans of fulfilment with 30 others in this window'
    );
    const row = within(view)
      .getAllByRole('row')
      .find((r) => r.textContent?.includes('orders.priority'));
    expect(row).toHaveTextContent('span.messaging.destination.nameorders.priority100% (10)0% (0)');
  });

  it('says what it searched when no message failed', async () => {
    install(CONSUMER, [tempoTracesFrame(SERVICE_REFS.traces, [])]);
    render(CONSUMER);
    expect(await screen.findByTestId(testIds.service.section('traces', 'empty'))).toHaveTextContent(
      'No failing traces of fulfilment in this window (Tempo): no server or consumer span of fulfilment (requests served, messages processed) had error status, or Tempo has not received its traces.'
    );
  });

  it('keeps a hostile consumer name inside its literal in every Tempo query', async () => {
    const nasty = 'ful"fil\\ment} || { kind = consumer $x [[y]]';
    const requests = install(nasty);
    render(nasty);
    await screen.findByTestId(testIds.service.section('traces', 'data'));
    await waitFor(() => expect(Object.keys(tempoQueries(requests))).toHaveLength(3));
    for (const query of Object.values(tempoQueries(requests))) {
      expectValidTraceQL(query);
      expect(nodeTexts('TraceQL', query, 'String').map(goUnquote)).toEqual([nasty]);
      expect(nodeCounts('TraceQL', query).Or).toBe(1);
      expect(query).toContain(' && (kind = server || kind = consumer) ');
      expect(/\$|\[\[/.test(query)).toBe(false);
    }
  });
});
