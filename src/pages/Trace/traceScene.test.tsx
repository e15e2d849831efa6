import React from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DataFrame, dateTimeFormat } from '@grafana/data';
import { EmbeddedScene, sceneGraph, VizPanel } from '@grafana/scenes';
import { checkoutFailureFrame, FIXTURE_START_MS, tempoTraceFrame } from '../../analysis/fixtures/traceFrames';
import { NODE_FIELDS } from '../../analysis/traceGraphFrames';
import { testIds } from '../../components/testIds';
import { logql } from '../../datasources';
import { normalizeSettings, PivotJsonData } from '../../settings';
import { expectValidLogQL } from '../../testing/grammar';
import { fromPathSegment, graphUrl, ROW_URL_PART, serviceUrl, traceUrl } from '../../utils/links';
import {
  Answer,
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderInGrafana,
  TEMPO,
} from '../../testing/fakeGrafana';
import { lokiLogsFrame } from '../../testing/frames';
import { TRACE_REFS } from './traceQueries';
import { buildTraceScene, parseTraceId } from './traceScene';
import { TRACE_LOG_MARGIN_MS } from '../../datasources/tempoAnswers';
import { absoluteRange, UNKNOWN_TRACE_LOG_WINDOW_MS } from './traceState';
import { SECTION_NAMES, TraceView } from './TraceView';
import { summaryTestIds } from './traceSummary';

const ID = '0af7651916cd43dd8448eb211c80319c';
const T = FIXTURE_START_MS;
const WINDOW = { from: T - TRACE_LOG_MARGIN_MS, to: T + 120 + TRACE_LOG_MARGIN_MS };
const SERVICES = ['checkout', 'fraud', 'frontend', 'payment', 'postgres'];
const section = (name: string, state: string) => testIds.service.section(name, state);

const logsAnswer: Answer = {
  frames: [
    lokiLogsFrame(TRACE_REFS.logs, [
      {
        timeMs: T + 30,
        line: 'level=error msg="deadlock detected"',
        labels: { service_name: 'payment', trace_id: ID },
        labelTypes: { service_name: 'I', trace_id: 'S' },
      },
    ]),
  ],
};

function install(answers: { tempo?: Answer; loki?: Answer } = {}, available = [PROMETHEUS, LOKI, TEMPO]) {
  return installFakeGrafana(
    (ds) =>
      ds.type === 'tempo' ? (answers.tempo ?? { frames: [checkoutFailureFrame()] }) : (answers.loki ?? logsAnswer),
    available
  );
}

function render(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

function targetsOf(requests: RecordedRequest[], uid: string) {
  return requests.filter((r) => r.uid === uid);
}

function traceView(scene: EmbeddedScene): TraceView {
  const found = sceneGraph.findObject(scene, (o) => o instanceof TraceView);
  if (!(found instanceof TraceView)) {
    throw new Error('no TraceView');
  }
  return found;
}

const jsonData: PivotJsonData = {};

/** The text of a time as the page writes it, in the page's time zone. */
function shownTime(scene: EmbeddedScene, ms: number): string {
  return dateTimeFormat(ms, { timeZone: sceneGraph.getTimeRange(scene).getTimeZone() });
}

/** The checkout trace with some columns' values replaced (by row) or its length changed. */
function alteredFrame(change: { startTimes?: Record<number, unknown>; length?: unknown }): DataFrame {
  const frame = checkoutFailureFrame();
  const starts = frame.fields.find((f) => f.name === 'startTime')!.values;
  for (const [row, value] of Object.entries(change.startTimes ?? {})) {
    starts[Number(row)] = value;
  }
  return 'length' in change ? ({ ...frame, length: change.length } as unknown as DataFrame) : frame;
}

/** The Loki request of the page's logs section and its range. */
function lokiLogsRequest(requests: RecordedRequest[]) {
  const loki = targetsOf(requests, LOKI.uid);
  expect(loki).toHaveLength(1);
  return {
    expr: (loki[0].request.targets[0] as { expr?: string }).expr,
    from: loki[0].request.range.from.valueOf(),
    to: loki[0].request.range.to.valueOf(),
  };
}

describe('Trace page', () => {
  it('asks Tempo for the trace by its normalised id, then Loki for its logs over the trace window ± 5 minutes', async () => {
    const requests = install();
    render(buildTraceScene(pivotContext(jsonData), ` ${ID.toUpperCase()} `));
    await screen.findByTestId(testIds.trace.state('data'));
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));

    const tempo = targetsOf(requests, TEMPO.uid);
    expect(tempo).toHaveLength(1);
    // Tempo's own form drops leading zeros; logs carry the 32 digits OpenTelemetry writes.
    expect(tempo[0].request.targets).toEqual([
      expect.objectContaining({
        refId: 'trace',
        queryType: 'traceql',
        query: ID.slice(1),
        datasource: { uid: TEMPO.uid, type: 'tempo' },
      }),
    ]);

    const loki = targetsOf(requests, LOKI.uid);
    expect(loki).toHaveLength(1);
    const expr = (loki[0].request.targets[0] as { expr?: string }).expr ?? '';
    expect(expr).toBe(logql.traceLogs(normalizeSettings(jsonData).logs, { traceId: ID, services: SERVICES }));
    expect(expr).toBe(`{service_name=~"checkout|fraud|frontend|payment|postgres"} | trace_id="${ID}"`);
    expectValidLogQL(expr);
    expect(loki[0].request.targets[0]).toMatchObject({ queryType: 'range', direction: 'forward' });
    expect(loki[0].request.range.from.valueOf()).toBe(WINDOW.from);
    expect(loki[0].request.range.to.valueOf()).toBe(WINDOW.to);
  });

  it('says which window the logs were searched in', async () => {
    install();
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    render(scene);
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    expect(screen.getByTestId(testIds.trace.logsWindow)).toHaveTextContent(
      `Logs searched from ${shownTime(scene, WINDOW.from)} to ${shownTime(scene, WINDOW.to)}: the trace's time, 5 minutes either side.`
    );
  });

  it('writes the logs filter the logfmt convention calls for', async () => {
    const requests = install();
    const settings: PivotJsonData = { logs: { traceId: 'logfmt', serviceLabel: 'app' } };
    render(buildTraceScene(pivotContext(settings), ID));
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    const expr = (targetsOf(requests, LOKI.uid)[0].request.targets[0] as { expr?: string }).expr ?? '';
    expect(expr).toBe(`{app=~"checkout|fraud|frontend|payment|postgres"} |= "${ID}" | logfmt | trace_id="${ID}"`);
    expectValidLogQL(expr);
  });

  it('summarises where the trace failed, with a link to the failing service at the trace window', async () => {
    install();
    render(buildTraceScene(pivotContext(jsonData), ID));
    const origin = await screen.findByTestId(testIds.trace.failureOrigin);
    expect(origin).toHaveTextContent('postgres');
    expect(origin).toHaveTextContent('INSERT');
    expect(origin).toHaveTextContent('deadlock detected');
    expect(origin).toHaveTextContent('28 ms');
    expect(screen.getByTestId(testIds.trace.serviceLink('postgres'))).toHaveAttribute(
      'href',
      serviceUrl('postgres', WINDOW)
    );
    const path = screen.getByTestId(testIds.trace.criticalPath);
    expect(path).toHaveTextContent('frontend: GET /checkout');
    // The standard critical path: score.compute's 80 ms section, and GET /checkout before and after its child.
    expect(path).toHaveTextContent('fraud: score.compute (80 ms)');
    expect(within(path).getAllByText('frontend: GET /checkout (5 ms)')).toHaveLength(2);
  });

  it('feeds the waterfall the trace, the node graph the services crossed and the logs panel the lines', async () => {
    install();
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    render(scene);
    await screen.findByTestId(section(SECTION_NAMES.graph, 'data'));
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    const view = traceView(scene);

    const waterfall = view.state.waterfall;
    expect(waterfall.state.pluginId).toBe('traces');
    const traceSeries = sceneGraph.getData(waterfall).state.data?.series ?? [];
    expect(traceSeries.map((f) => [f.name, f.length])).toEqual([['Trace', 10]]);

    const graph = view.state.graph;
    const graphPanel = graph?.state.body;
    expect(graphPanel instanceof VizPanel && graphPanel.state.pluginId).toBe('nodeGraph');
    const graphSeries = graph?.state.$data?.state.data?.series ?? [];
    expect(graphSeries.map((f) => [f.name, f.length])).toEqual([
      ['nodes', 5],
      ['edges', 4],
    ]);

    const logsPanel = view.state.logs?.state.body;
    expect(logsPanel instanceof VizPanel && logsPanel.state.pluginId).toBe('logs');
    const logSeries = view.state.logs?.state.$data?.state.data?.series ?? [];
    expect(logSeries.map((f) => [f.refId, f.length])).toEqual([[TRACE_REFS.logs, 1]]);
  });

  it('keeps the focused span in the URL and in the waterfall', async () => {
    install();
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    render(scene);
    await screen.findByTestId(testIds.trace.failureOrigin);
    const view = traceView(scene);

    act(() => view.updateFromUrl({ span: '000000000000000e' }));
    expect(view.state.focusedSpanId).toBe('000000000000000e');
    expect(view.state.waterfall.state.options.focusedSpanId).toBe('000000000000000e');
    expect(view.getUrlState()).toEqual({ span: '000000000000000e' });

    fireEvent.click(screen.getByTestId(testIds.trace.focusSpan('0000000000000010')));
    expect(view.getUrlState()).toEqual({ span: '0000000000000010' });
    expect(view.state.waterfall.state.options.focusedSpanId).toBe('0000000000000010');

    const link = view.state.waterfall.state.options.createFocusSpanLink?.(ID, '0000000000000012');
    expect(link?.href).toBe(traceUrl(ID, { spanId: '0000000000000012', range: WINDOW }));
    act(() => link?.onClick?.(new MouseEvent('click')));
    expect(view.state.focusedSpanId).toBe('0000000000000012');

    act(() => view.updateFromUrl({ span: undefined }));
    expect(view.getUrlState()).toEqual({ span: undefined });
    expect(view.state.waterfall.state.options.focusedSpanId).toBeUndefined();
  });

  it('reads the focused span from a pasted link before the trace arrives', () => {
    install({ tempo: 'pending' });
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    traceView(scene).updateFromUrl({ span: 'abc' });
    expect(traceView(scene).state.waterfall.state.options.focusedSpanId).toBe('abc');
  });

  it('shows loading while Tempo has not answered', async () => {
    install({ tempo: 'pending' });
    render(buildTraceScene(pivotContext(jsonData), ID));
    expect(await screen.findByTestId(testIds.trace.state('loading'))).toHaveTextContent('Loading the trace from Tempo');
  });

  it.each<[string, Answer]>([
    ['a 404 error', { error: `failed to get trace with id: ${ID} Status: 404 Not Found Body: trace not found` }],
    ['no frame', { frames: [] }],
  ])(
    'says the trace was not found on %s, and still reads its logs in the page range from every service',
    async (_, tempo) => {
      const requests = install({ tempo });
      render(buildTraceScene(pivotContext(jsonData), ID));
      expect(await screen.findByTestId(testIds.trace.state('not-found'))).toHaveTextContent('Trace not found');
      await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
      const loki = targetsOf(requests, LOKI.uid)[0];
      expect((loki.request.targets[0] as { expr?: string }).expr).toBe(`{service_name=~"(?s:.+)"} | trace_id="${ID}"`);
      expect(loki.request.range.to.valueOf() - loki.request.range.from.valueOf()).toBe(60 * 60 * 1000);
      expect(screen.queryByTestId(section(SECTION_NAMES.graph, 'data'))).not.toBeInTheDocument();
      expect(screen.getByTestId(testIds.trace.logsWindow)).toHaveTextContent(
        "the selected time range: the trace's own time is unknown."
      );
    }
  );

  it('reads the logs of a trace Tempo cannot return over the last hour of a range of days, and says so', async () => {
    const requests = install({ tempo: { frames: [] } });
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    const to = T + 60_000;
    sceneGraph.getTimeRange(scene).onTimeRangeChange(absoluteRange(to - 7 * 24 * 3600_000, to));
    render(scene);
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    const logs = lokiLogsRequest(requests);
    expect(logs.expr).toBe(`{service_name=~"(?s:.+)"} | trace_id="${ID}"`);
    expect(logs).toMatchObject({ from: to - UNKNOWN_TRACE_LOG_WINDOW_MS, to });
    expect(screen.getByTestId(testIds.trace.logsWindow)).toHaveTextContent(
      `Logs searched from ${shownTime(scene, to - UNKNOWN_TRACE_LOG_WINDOW_MS)} to ${shownTime(scene, to)}, the last hour of the selected time range`
    );
    // The picker's own range is left as it is: only the logs query is bounded.
    expect(sceneGraph.getTimeRange(scene).state.value.from.valueOf()).toBe(to - 7 * 24 * 3600_000);
  });

  it.each<[string, unknown]>([
    ['0', 0],
    ['null', null],
    ['NaN', NaN],
  ])('keeps the trace window and duration when a span starts at %s, and says a span has no time', async (_, bad) => {
    const requests = install({ tempo: { frames: [alteredFrame({ startTimes: { 9: bad } })] } });
    render(buildTraceScene(pivotContext(jsonData), ID));
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    expect(lokiLogsRequest(requests)).toMatchObject({ from: WINDOW.from, to: WINDOW.to });
    const summary = screen.getByTestId(testIds.trace.summary);
    expect(summary).toHaveTextContent('10 spans, 5 services, 120 ms');
    expect(summary).toHaveTextContent('1 span has no usable start time or duration');
  });

  it('reads the logs over the bounded page range when no span has a usable time', async () => {
    const none = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, 0]));
    const requests = install({ tempo: { frames: [alteredFrame({ startTimes: none })] } });
    render(buildTraceScene(pivotContext(jsonData), ID));
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    const logs = lokiLogsRequest(requests);
    expect(logs.to - logs.from).toBe(UNKNOWN_TRACE_LOG_WINDOW_MS);
    expect(screen.getByTestId(testIds.trace.summary)).toHaveTextContent('duration unknown (no span has a usable time)');
    expect(screen.getByTestId(testIds.trace.failureOrigin)).toHaveTextContent('postgres');
  });

  it.each<[string, unknown, string]>([
    ['1.5', 1.5, "The trace frame's length is 1.5, not a whole number of rows."],
    ['2^31', 2 ** 31, 'The trace frame says it has 2,147,483,648 rows but its columns hold 10.'],
  ])(
    'says a frame of length %s cannot be read, instead of breaking the page, and still reads the logs',
    async (_, length, message) => {
      const requests = install({ tempo: { frames: [alteredFrame({ length })] } });
      render(buildTraceScene(pivotContext(jsonData), ID));
      const state = await screen.findByTestId(testIds.trace.state('unreadable'));
      expect(state).toHaveTextContent("Tempo's answer could not be read as a trace");
      expect(state).toHaveTextContent(message);
      await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
      const logs = lokiLogsRequest(requests);
      expect(logs.expr).toBe(`{service_name=~"(?s:.+)"} | trace_id="${ID}"`);
      expect(logs.to - logs.from).toBe(UNKNOWN_TRACE_LOG_WINDOW_MS);
      expect(screen.queryByTestId(section(SECTION_NAMES.graph, 'data'))).not.toBeInTheDocument();
    }
  );

  it("shows Tempo's error message", async () => {
    install({ tempo: { error: 'context deadline exceeded' } });
    render(buildTraceScene(pivotContext(jsonData), ID));
    const state = await screen.findByTestId(testIds.trace.state('error'));
    expect(state).toHaveTextContent('Tempo could not load the trace');
    expect(state).toHaveTextContent('context deadline exceeded');
  });

  it('says which Loki convention to check when no log carries the trace id', async () => {
    install({ loki: { frames: [] } });
    render(buildTraceScene(pivotContext(jsonData), ID));
    expect(await screen.findByTestId(section(SECTION_NAMES.logs, 'empty'))).toHaveTextContent(
      'No logs carry this trace_id: check the Loki convention'
    );
    expect(screen.getByTestId(testIds.trace.state('data'))).toBeInTheDocument();
  });

  it('shows a Tempo problem when no Tempo is configured, and still reads the logs', async () => {
    const requests = install({}, [PROMETHEUS, LOKI]);
    render(buildTraceScene(pivotContext(jsonData, [PROMETHEUS, LOKI]), ID));
    const state = await screen.findByTestId(testIds.trace.state('no-tempo'));
    expect(state).toHaveTextContent('No Tempo data source exists');
    expect(state).toHaveTextContent('Open Pivot configuration');
    await screen.findByTestId(section(SECTION_NAMES.logs, 'data'));
    expect(requests.every((r) => r.uid === LOKI.uid)).toBe(true);
  });

  it('shows a Loki problem when Loki is of the wrong type, and still shows the trace', async () => {
    install();
    render(buildTraceScene(pivotContext({ datasources: { loki: PROMETHEUS.uid } }), ID));
    expect(await screen.findByTestId(section(SECTION_NAMES.logs, 'problem'))).toHaveTextContent('not "loki"');
    expect(await screen.findByTestId(testIds.trace.failureOrigin)).toHaveTextContent('postgres');
  });

  it('refuses an invalid trace id with a clear message and runs no query', async () => {
    const requests = install();
    render(buildTraceScene(pivotContext(jsonData), 'not-a-trace"}'));
    const state = await screen.findByTestId(testIds.trace.state('invalid-id'));
    expect(state).toHaveTextContent('Invalid trace id');
    expect(state).toHaveTextContent('1 to 32 hexadecimal digits');
    await waitFor(() => expect(screen.getByTestId(testIds.trace.openInput)).toBeInTheDocument());
    expect(requests).toHaveLength(0);
  });
});

/** The page and path value a Pivot link opens, as the browser resolves it and the app's route reads it back. */
function routeOf(href: string): { page: string; value?: string; search: URLSearchParams } {
  const url = new URL(href, 'https://grafana.example.com/a/pivot-correlation-app/trace/x');
  const segments = url.pathname.split('/');
  expect(segments.slice(0, 3)).toEqual(['', 'a', 'pivot-correlation-app']);
  const value = segments.length > 4 ? fromPathSegment(decodeURIComponent(segments[4])) : undefined;
  return { page: segments[3], value, search: url.searchParams };
}

// Names a link must carry whole: variable syntax, what ends a path segment or a query, a dot segment, quotes.
const ROOT = '$__interval';
const HOSTILE = [ROOT, 'a/b?c', '..', `it's "quoted"`];

/** A trace crossing the hostile services, no span failing: root → a/b?c, then root → .. → quoted. */
function hostileFrame(): DataFrame {
  const span = (spanId: string, parentSpanId: string, serviceName: string, from: number, to: number) => ({
    spanId,
    parentSpanId,
    serviceName,
    operationName: `op ${spanId}`,
    startTime: T + from,
    duration: to - from,
    statusCode: 1,
  });
  return tempoTraceFrame([
    span('0000000000000001', '', ROOT, 0, 120),
    span('0000000000000002', '0000000000000001', 'a/b?c', 10, 40),
    span('0000000000000003', '0000000000000001', '..', 50, 110),
    span('0000000000000004', '0000000000000003', `it's "quoted"`, 60, 100),
  ]);
}

describe('Trace page links onward', () => {
  it('lists every service crossed, each opening its Service page at the trace window', async () => {
    install();
    render(buildTraceScene(pivotContext(jsonData), ID));
    const crossed = await screen.findByTestId(summaryTestIds.servicesCrossed);
    for (const service of SERVICES) {
      expect(within(crossed).getByTestId(summaryTestIds.crossedService(service))).toHaveAttribute(
        'href',
        serviceUrl(service, WINDOW)
      );
    }
    expect(within(crossed).getAllByRole('link')).toHaveLength(SERVICES.length + 1);
    expect(screen.getByTestId(summaryTestIds.graphLink)).toHaveAttribute(
      'href',
      graphUrl({ range: WINDOW, focus: 'postgres' })
    );
    expect(screen.getByTestId(summaryTestIds.graphLink)).toHaveTextContent('Open the service graph around postgres');
  });

  it('links each critical-path step to its service and still focuses its span', async () => {
    install();
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    render(scene);
    const path = await screen.findByTestId(testIds.trace.criticalPath);
    const steps = within(path).getAllByRole('listitem');
    expect(steps.length).toBeGreaterThan(2);
    steps.forEach((step, i) => {
      const service = (within(step).getByRole('button').textContent ?? '').split(':')[0];
      expect(SERVICES).toContain(service);
      expect(within(step).getByTestId(summaryTestIds.stepService(i))).toHaveAttribute(
        'href',
        serviceUrl(service, WINDOW)
      );
    });
    fireEvent.click(within(path).getByText('fraud: score.compute (80 ms)'));
    expect(traceView(scene).getUrlState()).toEqual({ span: '0000000000000013' });
  });

  it('gives each node of the services graph a data link to its Service page at the trace window, names whole', async () => {
    install({ tempo: { frames: [hostileFrame()] } });
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    render(scene);
    await screen.findByTestId(section(SECTION_NAMES.graph, 'data'));
    const [nodes] = traceView(scene).state.graph?.state.$data?.state.data?.series ?? [];
    const linked = nodes.fields.filter((f) => f.config.links?.length);
    expect(linked.map((f) => f.name)).toEqual([NODE_FIELDS.pivotService]);
    const [link] = linked[0].config.links ?? [];
    expect(link.title).toBe('Pivot/Open the service page');
    const ids = nodes.fields.find((f) => f.name === NODE_FIELDS.id)?.values ?? [];
    expect(new Set(ids)).toEqual(new Set(HOSTILE));
    const window = { from: T - TRACE_LOG_MARGIN_MS, to: T + 120 + TRACE_LOG_MARGIN_MS };
    ids.forEach((service, row) => {
      // As Grafana fills it: the row's value of the link's field in place of `${__value.raw:raw}`.
      const href = link.url.split(ROW_URL_PART).join(String(linked[0].values[row]));
      expect(href).toBe(serviceUrl(service, window));
      expect(routeOf(href)).toMatchObject({ page: 'services', value: service });
    });
  });

  it('offers every service and the graph around the root service when no span failed, names carried whole', async () => {
    install({ tempo: { frames: [hostileFrame()] } });
    const scene = buildTraceScene(pivotContext(jsonData), ID);
    render(scene);
    const window = { from: T - TRACE_LOG_MARGIN_MS, to: T + 120 + TRACE_LOG_MARGIN_MS };
    expect(await screen.findByTestId(testIds.trace.failureOrigin)).toHaveTextContent('No span failed in this trace');

    for (const service of HOSTILE) {
      const href = screen.getByTestId(summaryTestIds.crossedService(service)).getAttribute('href') ?? '';
      expect(href).toBe(serviceUrl(service, window));
      const route = routeOf(href);
      expect(route).toMatchObject({ page: 'services', value: service });
      expect([route.search.get('from'), route.search.get('to')]).toEqual([String(window.from), String(window.to)]);
    }

    const graph = routeOf(screen.getByTestId(summaryTestIds.graphLink).getAttribute('href') ?? '');
    expect(graph.page).toBe('graph');
    expect(graph.value).toBeUndefined();
    expect(graph.search.get('focus')).toBe(ROOT);
    expect(graph.search.get('from')).toBe(String(window.from));
    expect(screen.getByTestId(summaryTestIds.graphLink)).toHaveTextContent(`Open the service graph around ${ROOT}`);

    const path = screen.getByTestId(testIds.trace.criticalPath);
    const linked = within(path)
      .getAllByRole('listitem')
      .map((_, i) => routeOf(within(path).getByTestId(summaryTestIds.stepService(i)).getAttribute('href') ?? '').value);
    expect(new Set(linked)).toEqual(new Set(HOSTILE));
  });
});

describe('parseTraceId', () => {
  it('normalises ids as Tempo writes them and decodes URL escapes', () => {
    expect(parseTraceId('  00AB12 ')).toEqual({ ok: true, traceId: 'ab12' });
    expect(parseTraceId('%20ab12')).toEqual({ ok: true, traceId: 'ab12' });
    expect(parseTraceId('%E0%A4%A')).toEqual({ ok: false, message: expect.stringContaining('Invalid trace id') });
    expect(parseTraceId('0'.repeat(32))).toEqual({ ok: false, message: expect.stringContaining('all-zero') });
  });
});
