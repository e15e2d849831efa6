import React from 'react';
import { of, throwError } from 'rxjs';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { DataSourceInstanceSettings } from '@grafana/data';
import type { BackendSrvRequest } from '@grafana/runtime';
import type { PivotJsonData } from '../../settings';
import { testIds } from '../testIds';
import AppConfig from './AppConfig';
import { reloadPage } from './pluginSettingsApi';
import { appPluginWith, mockFetch, mockGet, stubCanvasText } from '../../testing/settingsBackend';

const DATASOURCES = [
  { uid: 'pivot-prometheus', name: 'Prometheus (provisioned)', type: 'prometheus' },
  { uid: 'other-prom', name: 'Other Prometheus', type: 'prometheus' },
  { uid: 'loki-a', name: 'Loki A', type: 'loki' },
  { uid: 'loki-b', name: 'Loki B', type: 'loki' },
  { uid: 'tempo-main', name: 'Tempo', type: 'tempo' },
] as unknown as DataSourceInstanceSettings[];

jest.mock('@grafana/runtime', () =>
  jest
    .requireActual<typeof import('../../testing/settingsBackend')>('../../testing/settingsBackend')
    .runtimeWithDataSources(() => DATASOURCES)
);

jest.mock('./pluginSettingsApi', () =>
  jest
    .requireActual<typeof import('../../testing/settingsBackend')>('../../testing/settingsBackend')
    .pluginSettingsApiWithoutReload()
);

function renderConfig(jsonData: PivotJsonData, enabled = true) {
  // The server holds what the page loaded (configSave.test.tsx covers changes made meanwhile).
  mockGet.mockResolvedValue({ enabled, pinned: enabled, jsonData });
  return render(<AppConfig plugin={appPluginWith(jsonData, enabled)} query={{}} />);
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function frame(fields: Array<{ name: string; type: string }>, values: unknown[][], name?: string) {
  return { schema: { name, fields }, data: { values } };
}

/** Each data source's settings as Grafana's API returns them: every link the pivots rely on set. */
const LINKED_SETTINGS: Record<string, Record<string, unknown>> = {
  'pivot-prometheus': {
    exemplarTraceIdDestinations: [
      { name: 'trace_id', datasourceUid: 'tempo-main' },
      { name: 'traceID', datasourceUid: 'tempo-main' },
    ],
  },
  'loki-a': {
    derivedFields: [
      { name: 'trace_id', matcherType: 'label', matcherRegex: '^trace_id$', datasourceUid: 'tempo-main' },
      { name: 'in_line', matcherType: 'regex', matcherRegex: 'trace_id=(\\w+)', datasourceUid: 'tempo-main' },
      {
        name: 'in_pivot',
        matcherType: 'regex',
        matcherRegex: 'trace_id=(\\w+)',
        url: '/a/pivot-correlation-app/trace/${__value.raw:percentencode}?from=${__from}&to=${__to}',
      },
    ],
  },
  'tempo-main': {
    tracesToLogsV2: { datasourceUid: 'loki-a' },
    serviceMap: { datasourceUid: 'pivot-prometheus' },
  },
};

/** Grafana as the Check sees it: instant counts, label names, a Loki sample, a Tempo search, settings, exemplars. */
function grafanaAnswers(req: BackendSrvRequest) {
  const settings = /^\/api\/datasources\/uid\/([^/?]+)$/.exec(req.url);
  if (settings) {
    return of({ status: 200, data: { uid: settings[1], jsonData: LINKED_SETTINGS[settings[1]] ?? {} } });
  }
  if (req.url.includes('/resources/api/v1/query_exemplars')) {
    return of({ status: 200, data: { status: 'success', data: [{ seriesLabels: {}, exemplars: [{}, {}] }] } });
  }
  if (req.url === '/api/ds/query') {
    const queries = (req.data as { queries: Array<{ refId: string; datasource: { type: string } }> }).queries;
    const type = queries[0].datasource.type;
    const results: Record<string, unknown> = {};
    for (const q of queries) {
      if (type === 'prometheus') {
        const count = q.refId.startsWith('tempo-spanmetrics') ? 10 : q.refId === 'service-graph' ? 3 : 0;
        results[q.refId] = {
          frames: count
            ? [
                frame(
                  [
                    { name: 'Time', type: 'time' },
                    { name: 'Value', type: 'number' },
                  ],
                  [[1], [count]]
                ),
              ]
            : [],
        };
      } else if (type === 'loki') {
        results[q.refId] = {
          frames: [
            frame(
              [
                { name: 'labels', type: 'other' },
                { name: 'Time', type: 'time' },
                { name: 'Line', type: 'string' },
              ],
              [[{ service_name: 'checkout' }], [1], [`level=error trace_id=${TRACE_ID} msg=boom`]]
            ),
          ],
        };
      } else {
        results[q.refId] = { frames: [frame([{ name: 'traceID', type: 'string' }], [[TRACE_ID, 'abc']], 'Traces')] };
      }
    }
    return of({ status: 200, data: { results } });
  }
  if (req.url.includes('/uid/pivot-prometheus/resources/api/v1/labels')) {
    return of({ status: 200, data: { status: 'success', data: ['__name__', 'service', 'span_kind', 'status_code'] } });
  }
  if (req.url.includes('/resources/labels')) {
    return of({ status: 200, data: { status: 'success', data: ['service_name', 'job'] } });
  }
  if (req.url === '/api/plugins/pivot-correlation-app/settings') {
    return of({ status: 200, data: { message: 'Plugin settings updated' } });
  }
  return throwError(() => ({ status: 404, data: { message: `unexpected ${req.url}` } }));
}

function savedBody(): { enabled: boolean; pinned: boolean; jsonData: PivotJsonData } {
  const call = mockFetch.mock.calls.find(([req]) => req.url === '/api/plugins/pivot-correlation-app/settings');
  expect(call).toBeDefined();
  expect(call![0].method).toBe('POST');
  return call![0].data;
}

beforeAll(stubCanvasText);

beforeEach(() => {
  mockFetch.mockReset();
  mockFetch.mockImplementation(grafanaAnswers);
  jest.mocked(reloadPage).mockReset();
});

describe('AppConfig', () => {
  it('loads the saved settings and says which data source applies to each pillar', () => {
    renderConfig({
      datasources: { tempo: 'tempo-main' },
      metrics: { family: 'http-semconv', serviceLabel: 'service_name' },
      logs: { serviceLabel: 'app', traceId: 'json' },
    });
    expect(screen.getByTestId(testIds.appConfig.container)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Service label in metrics/)).toHaveValue('service_name');
    expect(screen.getByLabelText(/^Service label in logs/)).toHaveValue('app');
    expect(screen.getByLabelText(/^Metric family/)).toHaveValue(
      'OpenTelemetry HTTP server metrics (stable semantic conventions)'
    );
    expect(screen.getByLabelText(/^trace_id in logs/)).toHaveValue('In the line, JSON');
    expect(screen.getByLabelText(/^Tempo/)).toHaveValue('tempo-main');

    expect(screen.getByTestId(testIds.appConfig.resolution('prometheus'))).toHaveTextContent(
      'Using Prometheus (provisioned): none is chosen, so Pivot uses the provisioned data source (uid pivot-prometheus).'
    );
    const loki = screen.getByTestId(testIds.appConfig.resolution('loki'));
    expect(loki).toHaveTextContent('There are 2 Loki data sources (Loki A, Loki B) and none is chosen.');
    expect(loki).toHaveAttribute('role', 'alert');
    expect(screen.getByTestId(testIds.appConfig.resolution('tempo'))).toHaveTextContent('Using Tempo, chosen here.');
  });

  it('saves changed settings through the plugin settings API, keeps other keys, then reloads', async () => {
    const other = { slos: [{ name: 'checkout availability' }] } as unknown as PivotJsonData;
    renderConfig({ ...other, logs: { serviceLabel: 'service_name', traceId: 'structured-metadata' } });

    fireEvent.change(screen.getByLabelText(/^Loki/), { target: { value: 'loki-b' } });
    expect(screen.getByTestId(testIds.appConfig.resolution('loki'))).toHaveTextContent('Using Loki B, chosen here.');
    fireEvent.change(screen.getByLabelText(/^Service label in metrics/), { target: { value: ' job ' } });
    fireEvent.change(screen.getByLabelText(/^Service label in logs/), { target: { value: 'service' } });

    await act(async () => {
      fireEvent.click(screen.getByTestId(testIds.appConfig.save));
    });
    expect(savedBody()).toEqual({
      enabled: true,
      pinned: true,
      jsonData: {
        slos: [{ name: 'checkout availability' }],
        datasources: { loki: 'loki-b' },
        metrics: { family: 'auto', serviceLabel: 'job' },
        logs: { serviceLabel: 'service', traceId: 'structured-metadata' },
      },
    });
    expect(reloadPage).toHaveBeenCalledTimes(1);
  });

  it('enables a disabled app on save', async () => {
    renderConfig({}, false);
    expect(screen.getByText('Pivot is not enabled')).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Enable and save' }));
    });
    expect(savedBody()).toMatchObject({ enabled: true, pinned: true });
  });

  it('says why saving failed and does not reload', async () => {
    mockFetch.mockImplementation(() => throwError(() => ({ status: 403, data: { message: 'Permission denied' } })));
    renderConfig({});
    await act(async () => {
      fireEvent.click(screen.getByTestId(testIds.appConfig.save));
    });
    expect(screen.getByTestId(testIds.appConfig.saveError)).toHaveTextContent('Saving failed: Permission denied.');
    expect(reloadPage).not.toHaveBeenCalled();
  });

  it('checks every pillar through Grafana and offers the detected conventions in one click', async () => {
    renderConfig({ datasources: { loki: 'loki-a' } });
    fireEvent.click(screen.getByTestId(testIds.appConfig.check));

    const prometheus = await screen.findByTestId(testIds.appConfig.checkResult('prometheus'));
    await waitFor(() => expect(prometheus).toHaveTextContent('Prometheus: works'));
    expect(prometheus).toHaveTextContent('RED metrics found: Tempo metrics-generator span metrics (10 series');
    expect(prometheus).toHaveTextContent(
      'Detected: Tempo metrics-generator span metrics, service label service (family default)'
    );

    const loki = screen.getByTestId(testIds.appConfig.checkResult('loki'));
    await waitFor(() => expect(loki).toHaveTextContent('Loki: needs a fix'));
    expect(loki).toHaveTextContent('trace_id found in the line, as logfmt on 1 of 1 sampled lines.');
    expect(loki).toHaveTextContent('To fix: Set "trace_id in logs" to the line, as logfmt.');
    expect(loki).toHaveTextContent(
      'Log lines link to their trace in Tempo (a derived field on trace_id in the line, as logfmt).'
    );
    expect(loki).toHaveTextContent(
      "Log lines open their trace in Pivot from dashboards' logs panels too (a derived field on trace_id in the line, as logfmt)."
    );

    const tempo = screen.getByTestId(testIds.appConfig.checkResult('tempo'));
    await waitFor(() => expect(tempo).toHaveTextContent('Tempo answers TraceQL search (2 recent traces found).'));
    expect(within(tempo).queryByRole('button', { name: /Use detected/ })).toBeNull();

    // The probes went to the chosen and the default data sources.
    const queried = mockFetch.mock.calls
      .filter(([req]) => req.url === '/api/ds/query')
      .map(([req]) => req.data.queries[0].datasource.uid);
    expect(queried.sort()).toEqual(['loki-a', 'pivot-prometheus', 'tempo-main']);

    fireEvent.click(screen.getByTestId(testIds.appConfig.useDetected('prometheus')));
    fireEvent.click(screen.getByTestId(testIds.appConfig.useDetected('loki')));
    expect(screen.getByLabelText(/^Metric family/)).toHaveValue('Tempo metrics-generator span metrics');
    expect(screen.getByLabelText(/^trace_id in logs/)).toHaveValue('In the line, logfmt');
    // Once applied, there is nothing left to offer.
    expect(screen.queryByTestId(testIds.appConfig.useDetected('prometheus'))).toBeNull();

    await act(async () => {
      fireEvent.click(screen.getByTestId(testIds.appConfig.save));
    });
    expect(savedBody().jsonData).toEqual({
      datasources: { loki: 'loki-a' },
      metrics: { family: 'tempo-spanmetrics', serviceLabel: '' },
      logs: { serviceLabel: 'service_name', traceId: 'logfmt' },
    });
  });

  it('checks the settings each pivot relies on: unanswered is said as such, a wrong link names its pivot and fix', async () => {
    mockFetch.mockImplementation((req: BackendSrvRequest) => {
      if (req.url === '/api/datasources/uid/loki-a') {
        return throwError(() => ({ status: 403, data: { message: 'Permission denied' } }));
      }
      if (req.url === '/api/datasources/uid/tempo-main') {
        return of({ status: 200, data: { jsonData: { tracesToLogsV2: { datasourceUid: 'loki-a' } } } });
      }
      if (req.url.includes('query_exemplars')) {
        return of({ status: 200, data: { status: 'success', data: [] } });
      }
      return grafanaAnswers(req);
    });
    renderConfig({ datasources: { loki: 'loki-a' } });
    fireEvent.click(screen.getByTestId(testIds.appConfig.check));

    const prometheus = await screen.findByTestId(testIds.appConfig.checkResult('prometheus'));
    await waitFor(() => expect(prometheus).toHaveTextContent('Prometheus: works, with warnings'));
    expect(prometheus).toHaveTextContent('No exemplars on `traces_spanmetrics_latency_bucket` in the last hour');
    expect(prometheus).toHaveTextContent('--enable-feature=exemplar-storage');
    expect(prometheus).toHaveTextContent('Exemplars link to traces in Tempo (trace_id and traceID).');

    const loki = screen.getByTestId(testIds.appConfig.checkResult('loki'));
    await waitFor(() =>
      expect(loki).toHaveTextContent(
        'Grafana did not answer the request for the settings of Loki A (Permission denied), so its log-to-trace links (derived fields) could not be checked.'
      )
    );
    expect(loki).not.toHaveTextContent('has no derived field');

    const tempo = screen.getByTestId(testIds.appConfig.checkResult('tempo'));
    await waitFor(() => expect(tempo).toHaveTextContent('Tempo: works, with warnings'));
    expect(tempo).toHaveTextContent('Spans link to their logs in Loki A (tracesToLogsV2).');
    expect(tempo).toHaveTextContent(
      "Tempo's Service Graph in Explore and a trace's node graph stay empty (trace → service graph): Tempo's serviceMap names no Prometheus data source."
    );
    // The fix ends in a provisioning snippet, shown as written.
    const snippet = within(tempo).getByText(/serviceMap:/, { selector: 'pre' });
    expect(snippet.textContent).toBe(
      [
        'apiVersion: 1',
        'datasources:',
        '  - name: "Tempo"',
        '    uid: "tempo-main"',
        '    type: tempo',
        '    jsonData:',
        '      serviceMap:',
        '        datasourceUid: "pivot-prometheus"',
      ].join('\n')
    );
  });

  it('shows how a metrics service name becomes the logs and traces one, and saves the choice with the other fields', async () => {
    const { unmount } = renderConfig({ metrics: { family: 'http-semconv' } });
    const field = screen.getByTestId(testIds.appConfig.serviceNames);
    expect(field).toHaveTextContent(
      'With these settings, shop/checkout in the metrics is checkout in logs and traces.'
    );
    expect(screen.getByLabelText(/^Service names in logs and traces/)).toHaveValue('Auto');
    unmount();

    renderConfig({ metrics: { family: 'http-semconv', serviceNames: 'as-is' } });
    expect(screen.getByTestId(testIds.appConfig.serviceNames)).toHaveTextContent(
      'With these settings, shop/checkout in the metrics is shop/checkout in logs and traces.'
    );
    expect(screen.getByLabelText(/^Service names in logs and traces/)).toHaveValue('As in the metrics');
    // Another field changed: the stored mapping is saved as it is.
    fireEvent.change(screen.getByLabelText(/^Service label in logs/), { target: { value: 'app' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId(testIds.appConfig.save));
    });
    expect(savedBody().jsonData.metrics).toEqual({ family: 'http-semconv', serviceLabel: '', serviceNames: 'as-is' });
  });

  it('reports a pillar without a usable data source and still checks the others', async () => {
    renderConfig({ datasources: { prometheus: 'deleted-uid' } });
    expect(screen.getByTestId(testIds.appConfig.resolution('prometheus'))).toHaveTextContent(
      'The Prometheus data source "deleted-uid" set in Pivot\'s settings does not exist'
    );
    fireEvent.click(screen.getByTestId(testIds.appConfig.check));
    const prometheus = await screen.findByTestId(testIds.appConfig.checkResult('prometheus'));
    await waitFor(() => expect(prometheus).toHaveTextContent('Prometheus: needs a fix'));
    expect(prometheus).toHaveTextContent('"deleted-uid"');
    const loki = screen.getByTestId(testIds.appConfig.checkResult('loki'));
    await waitFor(() => expect(loki).toHaveTextContent('There are 2 Loki data sources'));
    await waitFor(() =>
      expect(screen.getByTestId(testIds.appConfig.checkResult('tempo'))).toHaveTextContent('Tempo: works')
    );
  });
});
