import React from 'react';
import { of, throwError } from 'rxjs';
import { render, screen } from '@testing-library/react';
import { DataFrameJSON, dataFrameToJSON, FieldType } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { FIXTURE_START_MS, tempoTraceFrame } from '../../analysis/fixtures/traceFrames';
import { testIds } from '../../components/testIds';
import { logql, METRIC_FAMILY_LIST, promql } from '../../datasources';
import { sliErrorRatio } from '../../datasources/sloQueries';
import ServiceHealth from './ServiceHealth';
import TraceSummary from './TraceSummary';
import { setCurrentDataSources } from '../../utils/dataSourceChoice';

afterEach(() => setCurrentDataSources({}));

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
  getDataSourceSrv: jest.fn(),
}));

const DATASOURCES = [
  { uid: 'pivot-prometheus', name: 'Prometheus', type: 'prometheus' },
  { uid: 'pivot-loki', name: 'Loki', type: 'loki' },
  { uid: 'pivot-tempo', name: 'Tempo', type: 'tempo' },
];

interface DsQueryBody {
  queries: Array<Record<string, unknown> & { refId: string }>;
  from: string;
  to: string;
}

/** Grafana's Prometheus instant-query frame for one series, as `/api/ds/query` sends it. */
function instantFrame(refId: string, value: number, labels: Record<string, string>): DataFrameJSON {
  return {
    schema: {
      refId,
      meta: { type: 'numeric-multi' as never, typeVersion: [0, 1] },
      fields: [
        { name: 'Time', type: FieldType.time },
        { name: 'Value', type: FieldType.number, labels },
      ],
    },
    data: { values: [[FIXTURE_START_MS], [value]] },
  };
}

function mockGrafana(jsonData: unknown, answer: (body: DsQueryBody) => unknown) {
  const fetch = jest.fn((req: { url: string; data: DsQueryBody }) => {
    try {
      return of({ data: answer(req.data), status: 200 });
    } catch (e) {
      return throwError(() => e);
    }
  });
  jest.mocked(getBackendSrv).mockReturnValue({
    get: jest.fn(async (url: string) => {
      expect(url).toBe('/api/plugins/pivot-correlation-app/settings');
      return { jsonData };
    }),
    fetch,
  } as unknown as ReturnType<typeof getBackendSrv>);
  jest.mocked(getDataSourceSrv).mockReturnValue({
    getList: () => DATASOURCES,
  } as unknown as ReturnType<typeof getDataSourceSrv>);
  return fetch;
}

const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };

describe('pivot-correlation-app/service-health/v1', () => {
  const jsonData = {
    metrics: { family: 'tempo-spanmetrics' },
    slos: [
      {
        name: 'checkout-availability',
        service: 'checkout',
        objective: 99,
        sli: { type: 'availability' },
        period: '30d',
      },
      { name: 'cart-availability', service: 'cart', objective: 99.9, sli: { type: 'availability' }, period: '30d' },
    ],
  };

  it("shows the service's RED figures from the builders' queries and its SLO status, linking into Pivot", async () => {
    // A Pivot page on other data sources seen earlier in the session: the component's links
    // still open Pivot on the configured ones, which it queried.
    setCurrentDataSources({ prometheus: 'prom-eu', loki: 'loki-eu', tempo: 'tempo-eu' });
    const fetch = mockGrafana(jsonData, (body) =>
      body.queries[0].refId.startsWith('slo:')
        ? {
            results: { 'slo:checkout-availability': { frames: [instantFrame('slo:checkout-availability', 0.02, {})] } },
          }
        : {
            results: {
              'rate:tempo-spanmetrics': {
                frames: [instantFrame('rate:tempo-spanmetrics', 12.5, { service: 'checkout' })],
              },
              'errors:tempo-spanmetrics': {
                frames: [instantFrame('errors:tempo-spanmetrics', 0.02, { service: 'checkout' })],
              },
              'p95:tempo-spanmetrics': {
                frames: [instantFrame('p95:tempo-spanmetrics', 0.245, { service: 'checkout' })],
              },
            },
          }
    );
    render(<ServiceHealth service="checkout" timeRange={{ from: '1714561200000', to: '1714564800000' }} />);

    expect(await screen.findByText('12.50 req/s')).toBeInTheDocument();
    expect(screen.getByText('2.00%')).toBeInTheDocument();
    expect(screen.getByText('245 ms')).toBeInTheDocument();
    // 2% errors against a 1% budget: burning at twice the sustainable rate.
    expect(screen.getByText('burn 2.0x (over 99%)')).toBeInTheDocument();
    expect(screen.queryByText('cart-availability')).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'checkout-availability' })).toHaveAttribute(
      'href',
      '/a/pivot-correlation-app/slos/checkout-availability?from=1714561200000&to=1714564800000'
    );
    expect(screen.getByRole('link', { name: /Investigate in Pivot/ })).toHaveAttribute(
      'href',
      '/a/pivot-correlation-app/services/checkout?from=1714561200000&to=1714564800000'
    );

    const body = fetch.mock.calls[0][0].data;
    expect(body.queries.map((q) => q.expr)).toEqual([
      promql.requestRate(conv, { service: 'checkout', window: '3600s' }),
      promql.errorRatio(conv, { service: 'checkout', window: '3600s' }),
      promql.latencyQuantile(conv, { service: 'checkout', window: '3600s', quantile: 0.95 }),
    ]);
    expect(body.queries[0]).toMatchObject({
      instant: true,
      datasource: { uid: 'pivot-prometheus', type: 'prometheus' },
    });
    expect(body.to).toBe('1714564800000');
    // The SLO's SLI, in the family the figures came from, only because the service has an SLO.
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(fetch.mock.calls[1][0].data.queries.map((q) => q.expr)).toEqual([
      sliErrorRatio(conv, { type: 'availability' }, 'checkout', '3600s'),
    ]);
  });

  it('with the family on auto, asks every family in one request and shows the one with data', async () => {
    const fetch = mockGrafana({}, () => ({
      results: {
        'rate:http-semconv': { frames: [instantFrame('rate:http-semconv', 3, { job: 'checkout' })] },
        'rate:tempo-spanmetrics': { frames: [] },
      },
    }));
    render(<ServiceHealth service="checkout" />);
    expect(await screen.findByText('3.00 req/s')).toBeInTheDocument();
    expect(screen.getByText(/OpenTelemetry HTTP server metrics \(stable/)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0].data.queries).toHaveLength(3 * METRIC_FAMILY_LIST.length);
  });

  it("on auto, tells the Collector's seconds variant from its milliseconds one by the latency histogram", async () => {
    // Both Collector families count traces_span_metrics_calls_total: the rate answers for both.
    const rate = (family: string) => ({ frames: [instantFrame(`rate:${family}`, 4, { service_name: 'checkout' })] });
    const answer = (p95Family: string) => () => ({
      results: {
        'rate:otel-spanmetrics-seconds': rate('otel-spanmetrics-seconds'),
        'rate:otel-spanmetrics': rate('otel-spanmetrics'),
        [`p95:${p95Family}`]: { frames: [instantFrame(`p95:${p95Family}`, 0.25, { service_name: 'checkout' })] },
      },
    });
    mockGrafana({}, answer('otel-spanmetrics'));
    const { unmount } = render(<ServiceHealth service="checkout" />);
    expect(await screen.findByText('250 ms')).toBeInTheDocument();
    expect(screen.getByText(/spanmetrics connector$/)).toBeInTheDocument();
    unmount();
    mockGrafana({}, answer('otel-spanmetrics-seconds'));
    render(<ServiceHealth service="checkout" />);
    expect(await screen.findByText('250 ms')).toBeInTheDocument();
    expect(screen.getByText(/spanmetrics connector \(seconds\)/)).toBeInTheDocument();
  });

  it('says what to check when the service has no requests', async () => {
    mockGrafana(jsonData, () => ({ results: {} }));
    render(<ServiceHealth service="ghost" />);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('No requests of ghost');
  });

  it('shows the data source error', async () => {
    mockGrafana(jsonData, () => ({ results: { 'rate:tempo-spanmetrics': { error: 'bad_data: parse error' } } }));
    render(<ServiceHealth service="checkout" />);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('bad_data: parse error');
  });
});

describe('pivot-correlation-app/trace-summary/v1', () => {
  const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
  const frame = tempoTraceFrame([
    {
      spanId: 'a1',
      serviceName: 'frontend',
      operationName: 'GET /checkout',
      kind: 'server',
      statusCode: 2,
      startTime: FIXTURE_START_MS,
      duration: 120,
    },
    {
      spanId: 'b2',
      parentSpanId: 'a1',
      serviceName: 'checkout',
      operationName: 'PlaceOrder',
      kind: 'server',
      statusCode: 2,
      startTime: FIXTURE_START_MS + 5,
      duration: 100,
    },
    {
      spanId: 'c3',
      parentSpanId: 'b2',
      serviceName: 'payments',
      operationName: 'Charge',
      kind: 'server',
      statusCode: 2,
      statusMessage: 'card declined',
      startTime: FIXTURE_START_MS + 10,
      duration: 40,
    },
    {
      spanId: 'd4',
      parentSpanId: 'b2',
      serviceName: 'cart',
      operationName: 'GetCart',
      kind: 'server',
      startTime: FIXTURE_START_MS + 60,
      duration: 20,
    },
  ]);

  it('shows where the trace failed, with links to the Trace page and its logs', async () => {
    setCurrentDataSources({ prometheus: 'prom-eu', loki: 'loki-eu', tempo: 'tempo-eu' });
    const fetch = mockGrafana({ logs: { serviceLabel: 'service_name', traceId: 'logfmt' } }, () => ({
      results: { trace: { frames: [dataFrameToJSON(frame)] } },
    }));
    render(<TraceSummary traceId={`  ${TRACE_ID.toUpperCase()} `} />);

    expect(await screen.findByText('Failed in payments: Charge')).toBeInTheDocument();
    expect(screen.getByText('card declined')).toBeInTheDocument();
    // Critical path: a1 0-5, b2 5-10, c3 10-50, b2 50-60, d4 60-80, b2 80-105, a1 105-120.
    const leaders = screen.getAllByRole('listitem').map((li) => li.textContent);
    // Ties keep the order of first appearance: checkout's first section comes before payments'.
    expect(leaders).toEqual([
      'checkout: PlaceOrder 40.0 ms (33%)',
      'payments: Charge 40.0 ms (33%)',
      'frontend: GET /checkout 20.0 ms (17%)',
    ]);
    expect(screen.getByRole('link', { name: /Open in Pivot/ }).getAttribute('href')).toBe(
      `/a/pivot-correlation-app/trace/af7651916cd43dd8448eb211c80319c?from=${FIXTURE_START_MS - 300000}&to=${FIXTURE_START_MS + 120 + 300000}&span=c3`
    );
    const logs = new URL(screen.getByRole('link', { name: /Logs of this trace/ }).getAttribute('href')!, 'http://x');
    expect(logs.pathname).toBe('/explore');
    const pane = JSON.parse(logs.searchParams.get('panes')!).pivot;
    expect(pane.datasource).toBe('pivot-loki');
    expect(pane.queries[0].expr).toBe(
      logql.traceLogs(
        { serviceLabel: 'service_name', traceId: 'logfmt' },
        { traceId: TRACE_ID, services: ['cart', 'checkout', 'frontend', 'payments'] }
      )
    );
    expect(fetch.mock.calls[0][0].data.queries[0]).toEqual({
      refId: 'trace',
      datasource: { uid: 'pivot-tempo', type: 'tempo' },
      queryType: 'traceql',
      query: 'af7651916cd43dd8448eb211c80319c',
    });
  });

  it('says the trace was not found when Tempo answers no spans', async () => {
    mockGrafana({}, () => ({ results: { trace: { frames: [] } } }));
    render(<TraceSummary traceId="abc123" />);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('Trace abc123 was not found in Tempo');
  });

  it('rejects a malformed trace id before querying', async () => {
    const fetch = mockGrafana({}, () => ({ results: {} }));
    render(<TraceSummary traceId="not-a-trace" />);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('not a trace id');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('echoes at most 40 characters of a 10,000-character trace id', async () => {
    mockGrafana({}, () => ({ results: {} }));
    const id = 'z'.repeat(10_000);
    render(<TraceSummary traceId={id} />);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent(
      `"${id.slice(0, 40)}"… (10000 characters) is not a trace id`
    );
    expect(document.body.textContent).not.toContain(id.slice(0, 41));
  });
});
