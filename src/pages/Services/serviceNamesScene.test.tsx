import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { EmbeddedScene } from '@grafana/scenes';
import type { PivotJsonData } from '../../settings';
import { expectValidLogQL, expectValidPromQL, expectValidTraceQL } from '../../testing/grammar';
import {
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderInGrafana,
  TEMPO,
} from '../../testing/fakeGrafana';
import { buildServiceScene } from './serviceScene';

/** job="<namespace>/<name>" as OpenTelemetry writes it, with a name every language quotes differently. */
const JOB = 'shop/pay"ments\\{x="y"} $1 [[v]]';
const NAME_IN_PROMQL = '"shop/pay\\"ments\\\\{x=\\"y\\"} \\u00241 \\u005b[v]]"';
const NAME_IN_LOGS_AND_TRACES = '"pay\\"ments\\\\{x=\\"y\\"} \\u00241 \\u005b[v]]"';

function texts(requests: RecordedRequest[], uid: string, key: 'expr' | 'query'): string[] {
  return requests
    .filter((r) => r.uid === uid)
    .flatMap((r) => r.request.targets)
    .map((t) => (t as unknown as Record<string, unknown>)[key])
    .filter((v): v is string => typeof v === 'string');
}

async function sent(jsonData: PivotJsonData, service: string): Promise<RecordedRequest[]> {
  const requests = installFakeGrafana(() => ({ frames: [] }));
  const scene: EmbeddedScene = buildServiceScene(pivotContext(jsonData), service);
  renderInGrafana(<scene.Component model={scene} />);
  await waitFor(() => {
    for (const uid of [PROMETHEUS.uid, LOKI.uid, TEMPO.uid]) {
      expect(requests.some((r) => r.uid === uid)).toBe(true);
    }
  });
  return requests;
}

describe('Service page: the metrics name becomes the logs and traces name', () => {
  it('keeps job="ns/name" for Prometheus and sends only the name, escaped, to Loki and Tempo', async () => {
    const requests = await sent({ metrics: { family: 'http-semconv' } }, JOB);
    const promql = texts(requests, PROMETHEUS.uid, 'expr');
    const logql = texts(requests, LOKI.uid, 'expr');
    const traceql = texts(requests, TEMPO.uid, 'query');
    const red = promql.filter((q) => !q.includes('traces_service_graph'));
    expect(red.length).toBeGreaterThan(0);
    for (const q of red) {
      expectValidPromQL(q);
      expect(q).toContain(`job=${NAME_IN_PROMQL}`);
    }
    // Every Loki query of the page (error logs, and any other section's) names the service as logs do.
    expect(logql.length).toBeGreaterThan(0);
    for (const q of logql) {
      expectValidLogQL(q);
      expect(q).toContain(`service_name=${NAME_IN_LOGS_AND_TRACES}`);
    }
    // Failing traces and the neighbourhood (service-graph metrics, keyed by the traces' names).
    expect(traceql.length).toBeGreaterThan(0);
    for (const q of traceql) {
      expectValidTraceQL(q);
      expect(q).toContain(`resource.service.name = ${NAME_IN_LOGS_AND_TRACES}`);
      expect(q).not.toContain('shop/');
    }
    // The graph's queries that select a service (one asks only for the histogram's bounds).
    const graph = promql.filter((q) => q.includes('traces_service_graph') && /(client|server)=/.test(q));
    expect(graph.length).toBeGreaterThan(0);
    for (const q of graph) {
      expect(q).toContain(NAME_IN_LOGS_AND_TRACES);
      expect(q).not.toContain('shop/');
    }
    // The page says the name it looked for in Loki.
    const said = 'No error logs for pay"ments\\{x="y"} $1 [[v]] in this window';
    expect(await screen.findAllByText((content) => content.includes(said))).not.toHaveLength(0);
  });

  it('keeps the whole name when the setting says so, or when services are not named by job', async () => {
    for (const jsonData of [
      { metrics: { family: 'http-semconv', serviceNames: 'as-is' } },
      { metrics: { family: 'tempo-spanmetrics' } },
    ] as PivotJsonData[]) {
      const requests = await sent(jsonData, JOB);
      for (const q of texts(requests, LOKI.uid, 'expr')) {
        expect(q).toContain(`service_name=${NAME_IN_PROMQL}`);
      }
      for (const q of texts(requests, TEMPO.uid, 'query')) {
        expect(q).toContain(`resource.service.name = ${NAME_IN_PROMQL}`);
      }
    }
  });
});
