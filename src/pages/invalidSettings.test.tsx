import React from 'react';
import { screen, within } from '@testing-library/react';
import type { DataQueryRequest } from '@grafana/data';
import { EmbeddedScene } from '@grafana/scenes';
import { checkoutFailureFrame, FIXTURE_START_MS, FIXTURE_TRACE_ID } from '../analysis/fixtures/traceFrames';
import { graphMetricFrames } from '../analysis/fixtures/serviceGraphMetrics';
import { testIds } from '../components/testIds';
import type { DataSourceSummary } from '../datasources/lookup';
import type { PivotJsonData } from '../settings';
import { buildGraphScene } from './Graph/graphPage';
import { buildServiceScene } from './Services/serviceScene';
import { buildServicesScene } from './Services/servicesScene';
import { Answer, installFakeGrafana, pivotContext, RecordedRequest, renderInGrafana } from '../testing/fakeGrafana';
import { lokiLogsFrame, promSeries, tempoTracesFrame } from '../testing/frames';
import { buildSloScene } from './Slos/sloScene';
import { buildSlosScene } from './Slos/slosScene';
import { AVAILABILITY } from './Slos/sloTestFixtures';
import { TRACE_REFS } from './Trace/traceQueries';
import { buildTraceScene } from './Trace/traceScene';

/**
 * Every page with each invalid stored setting (the configuration page refuses them, but a
 * provisioning file or an older Pivot may have stored them): the pillar whose queries the
 * setting breaks says why, and the other pillars keep working. Before, a stored `service.name`
 * blanked the Services, Service and SLO pages and the Trace page never showed its logs.
 */

const T = FIXTURE_START_MS;
const section = (name: string, state: string) => testIds.service.section(name, state);

/** Every data source answers whatever it is asked with one plausible frame. */
function respond(ds: DataSourceSummary, request: DataQueryRequest): Answer {
  const refIds = request.targets.map((t) => t.refId);
  if (ds.type === 'loki') {
    return {
      frames: [
        lokiLogsFrame(refIds[0], [{ timeMs: T, line: 'level=error msg=boom', labels: { service_name: 'checkout' } }]),
      ],
    };
  }
  if (ds.type === 'tempo') {
    const byId = refIds.includes(TRACE_REFS.trace);
    return {
      frames: byId
        ? [checkoutFailureFrame()]
        : [
            tempoTracesFrame(refIds[0], [
              { traceID: FIXTURE_TRACE_ID, startTimeMs: T, service: 'checkout', name: 'GET', durationMs: 5 },
            ]),
          ],
    };
  }
  const graph = graphMetricFrames([{ client: 'frontend', server: 'checkout', rate: 10, p95: 0.2 }], {}).filter((f) =>
    refIds.includes(f.refId ?? '')
  );
  const others = refIds
    .filter((r) => !graph.some((f) => f.refId === r))
    .map((r) => promSeries(r, { job: 'checkout' }, [[T, 0.01]]));
  return { frames: [...graph, ...others] };
}

const BAD_METRICS = { metrics: { family: 'http-semconv', serviceLabel: 'service.name' } } as PivotJsonData;
const BAD_LOGS = { metrics: { family: 'http-semconv' }, logs: { serviceLabel: 'service.name' } } as PivotJsonData;
const METRICS_MESSAGE = /The service label in metrics "service\.name" is not a label name: .* Use service_name\./;
const LOGS_MESSAGE = /The service label in logs "service\.name" is not a label name: .* Use service_name\./;

let requests: RecordedRequest[] = [];

function render(build: (ctx: ReturnType<typeof pivotContext>) => EmbeddedScene, jsonData: PivotJsonData) {
  requests = installFakeGrafana(respond);
  const scene = build(pivotContext({ ...jsonData, slos: [AVAILABILITY] }));
  renderInGrafana(<scene.Component model={scene} />);
}

/** No PromQL or LogQL carrying the invalid label reached a data source (TraceQL names `resource.service.name`). */
function expectNoQueryWithTheBadLabel() {
  for (const { type, request } of requests.filter((r) => r.type !== 'tempo')) {
    expect(`${type}: ${JSON.stringify(request.targets)}`).not.toContain('service.name');
  }
}

async function expectMetricsProblem() {
  const problem = await screen.findByText('Prometheus cannot be queried: no metrics');
  expect(problem.closest(`[data-testid="${testIds.states.problem}"]`)).toHaveTextContent(METRICS_MESSAGE);
}

afterEach(() => expectNoQueryWithTheBadLabel());

describe('Services page', () => {
  it('says why for an invalid metrics service label', async () => {
    render(buildServicesScene, BAD_METRICS);
    await expectMetricsProblem();
  });

  it('is unaffected by an invalid logs service label', async () => {
    render(buildServicesScene, BAD_LOGS);
    expect(await screen.findByTestId(testIds.services.table)).toBeInTheDocument();
  });
});

describe('Service page', () => {
  const service = (ctx: ReturnType<typeof pivotContext>) => buildServiceScene(ctx, 'checkout');

  it('an invalid metrics service label: Prometheus says why; logs, traces and neighbours still load', async () => {
    render(service, BAD_METRICS);
    await expectMetricsProblem();
    expect(await screen.findByTestId(section('logs', 'data'))).toBeInTheDocument();
    expect(await screen.findByTestId(section('traces', 'data'))).toBeInTheDocument();
    expect(await screen.findByTestId(testIds.graph.neighbourhood('data'))).toBeInTheDocument();
  });

  it('an invalid logs service label: the logs section says why; metrics and traces still load', async () => {
    render(service, BAD_LOGS);
    const logs = await screen.findByTestId(section('logs', 'problem'));
    expect(logs).toHaveTextContent('Loki cannot be queried: no error logs');
    expect(logs).toHaveTextContent(LOGS_MESSAGE);
    expect(await screen.findByTestId(section('error-ratio', 'data'))).toBeInTheDocument();
    expect(await screen.findByTestId(section('traces', 'data'))).toBeInTheDocument();
  });

  it('a builder error of any kind becomes the message of its own section, not a blank page', async () => {
    // A lone surrogate is not Unicode text: every builder refuses it (src/datasources/strings.ts).
    render((ctx) => buildServiceScene(ctx, 'checkout\ud800'), { metrics: { family: 'http-semconv' } });
    expect(await screen.findByText('Prometheus cannot be queried: no metrics')).toBeInTheDocument();
    for (const name of ['logs', 'traces']) {
      expect(await screen.findByTestId(section(name, 'problem'))).toHaveTextContent(
        /Pivot could not build the query: .*lone UTF-16 surrogate/
      );
    }
    expect(await screen.findByTestId(testIds.graph.neighbourhood('problem'))).toHaveTextContent(
      /lone UTF-16 surrogate/
    );
  });

  it('reads stored values of the wrong type as unset: every pillar loads', async () => {
    render(service, {
      datasources: 'pivot-loki',
      metrics: { family: 'http-semconv', serviceLabel: 5 },
      logs: { serviceLabel: ['app'], traceId: 'line' },
    } as unknown as PivotJsonData);
    for (const name of ['error-ratio', 'logs', 'traces']) {
      expect(await screen.findByTestId(section(name, 'data'))).toBeInTheDocument();
    }
  });
});

describe('SLOs page', () => {
  it('says why for an invalid metrics service label', async () => {
    render(buildSlosScene, BAD_METRICS);
    await expectMetricsProblem();
  });

  it('is unaffected by an invalid logs service label', async () => {
    render(buildSlosScene, BAD_LOGS);
    expect(await screen.findByTestId(testIds.slos.row(AVAILABILITY.name))).toBeInTheDocument();
  });
});

describe('SLO page', () => {
  const slo = (ctx: ReturnType<typeof pivotContext>) => buildSloScene(ctx, AVAILABILITY.name);

  it('says why for an invalid metrics service label', async () => {
    render(slo, BAD_METRICS);
    await expectMetricsProblem();
  });

  it('is unaffected by an invalid logs service label', async () => {
    render(slo, BAD_LOGS);
    expect(await screen.findByTestId(testIds.slos.pairs)).toBeInTheDocument();
  });
});

describe('Trace page', () => {
  const trace = (ctx: ReturnType<typeof pivotContext>) => buildTraceScene(ctx, FIXTURE_TRACE_ID);
  const logsSection = (state: string) => section(testIds.trace.sections.logs, state);

  it('an invalid logs service label: the trace shows and the logs section says why', async () => {
    render(trace, BAD_LOGS);
    expect(await screen.findByTestId(testIds.trace.state('data'))).toBeInTheDocument();
    const logs = await screen.findByTestId(logsSection('problem'));
    expect(logs).toHaveTextContent('Loki cannot be queried: no logs of this trace');
    expect(logs).toHaveTextContent(LOGS_MESSAGE);
  });

  it('is unaffected by an invalid metrics service label', async () => {
    render(trace, BAD_METRICS);
    expect(await screen.findByTestId(testIds.trace.state('data'))).toBeInTheDocument();
    expect(await screen.findByTestId(logsSection('data'))).toBeInTheDocument();
  });
});

describe('Graph page', () => {
  it('an invalid metrics service label does not touch the service graph, which does not use it', async () => {
    render(buildGraphScene, BAD_METRICS);
    const page = await screen.findByTestId(testIds.graph.page('data'));
    expect(within(page).getByText('Error logs of checkout')).toBeInTheDocument();
  });

  it('an invalid logs service label leaves the graph and drops only the links to Loki', async () => {
    render(buildGraphScene, BAD_LOGS);
    const page = await screen.findByTestId(testIds.graph.page('data'));
    expect(within(page).getByText('Failing traces')).toBeInTheDocument();
    expect(within(page).queryByText(/^Error logs of/)).toBeNull();
  });
});
