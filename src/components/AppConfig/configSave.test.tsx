import React from 'react';
import { throwError } from 'rxjs';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { DataSourceInstanceSettings } from '@grafana/data';
import { PLUGIN_ID } from '../../constants';
import type { PivotJsonData } from '../../settings';
import { testIds } from '../testIds';
import AppConfig from './AppConfig';
import { reloadPage } from './pluginSettingsApi';
import {
  answerSavesOk,
  appPluginWith,
  mockFetch,
  mockGet,
  postedSettings,
  resetSettingsBackend,
  stubCanvasText,
} from '../../testing/settingsBackend';

/**
 * The configuration page's save while other admins change the same settings, and its
 * validation: the GET fake is the server's settings at save time, the POST fake records what
 * was written.
 */

const DATASOURCES = [
  { uid: 'loki-a', name: 'Loki A', type: 'loki' },
  { uid: 'loki-b', name: 'Loki B', type: 'loki' },
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

const CHECKOUT = {
  name: 'checkout',
  service: 'checkout',
  sli: { type: 'availability' },
  objective: 99.9,
  period: '30d',
};
const PAYMENTS = { ...CHECKOUT, name: 'payments', service: 'payments' };

const LOADED = {
  datasources: { loki: 'loki-a' },
  metrics: { family: 'http-semconv', serviceLabel: 'job' },
  logs: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
  slos: [CHECKOUT],
} as PivotJsonData;

function renderConfig(jsonData: PivotJsonData) {
  render(<AppConfig plugin={appPluginWith(jsonData)} query={{}} />);
}

function serverHolds(jsonData: PivotJsonData) {
  mockGet.mockResolvedValue({ enabled: true, pinned: false, jsonData });
}

const posted = postedSettings;

const setLogsLabel = (value: string) =>
  fireEvent.change(screen.getByLabelText(/^Service label in logs/), { target: { value } });
const setMetricsLabel = (value: string) =>
  fireEvent.change(screen.getByLabelText(/^Service label in metrics/), { target: { value } });

async function save(name = 'Save settings') {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name }));
  });
}

beforeAll(stubCanvasText);

beforeEach(() => {
  resetSettingsBackend();
  answerSavesOk();
  jest.mocked(reloadPage).mockReset();
});

describe('saving the configuration', () => {
  it("saves while SLOs change: another admin's SLO added since the page loaded is kept", async () => {
    const server = { ...LOADED, slos: [CHECKOUT, PAYMENTS], future: { kept: true } } as PivotJsonData;
    serverHolds(server);
    renderConfig(LOADED);
    setLogsLabel('app');
    await save();

    expect(mockGet).toHaveBeenCalledWith(`/api/plugins/${PLUGIN_ID}/settings`);
    expect(posted()).toEqual({
      enabled: true,
      // The pin as it is now on the server, not as the page loaded it.
      pinned: false,
      jsonData: { ...server, logs: { serviceLabel: 'app', traceId: 'structured-metadata' } },
    });
    expect(reloadPage).toHaveBeenCalledTimes(1);
  });

  it("keeps another admin's change to a field this admin left alone", async () => {
    serverHolds({ ...LOADED, datasources: { loki: 'loki-b' } });
    renderConfig(LOADED);
    setLogsLabel('app');
    await save();
    expect(posted().jsonData).toMatchObject({ datasources: { loki: 'loki-b' }, logs: { serviceLabel: 'app' } });
  });

  it('stops when another admin changed the same field, says so and offers to reload', async () => {
    serverHolds({ ...LOADED, logs: { serviceLabel: 'service', traceId: 'structured-metadata' } });
    renderConfig(LOADED);
    setLogsLabel('app');
    await save();

    const alert = screen.getByTestId(testIds.appConfig.saveError);
    expect(alert).toHaveTextContent(
      'Someone else changed the service label in logs (now "service") since this page loaded. Nothing was saved'
    );
    expect(mockFetch).not.toHaveBeenCalled();
    fireEvent.click(within(alert).getByRole('button', { name: 'Reload' }));
    expect(reloadPage).toHaveBeenCalledTimes(1);
  });

  it('disabling changes only the switch, not the fields being edited', async () => {
    serverHolds(LOADED);
    renderConfig(LOADED);
    setLogsLabel('app');
    await save('Disable Pivot');
    expect(posted()).toEqual({ enabled: false, pinned: false, jsonData: LOADED });
  });

  it('says what failed when the network fails while reading the settings', async () => {
    mockGet.mockRejectedValue(new TypeError('Failed to fetch'));
    renderConfig(LOADED);
    await save();
    expect(screen.getByTestId(testIds.appConfig.saveError)).toHaveTextContent('Saving failed: Failed to fetch.');
    expect(mockFetch).not.toHaveBeenCalled();
    expect(reloadPage).not.toHaveBeenCalled();
  });

  it("shows Grafana's 403 on the write", async () => {
    serverHolds(LOADED);
    mockFetch.mockImplementation(() => throwError(() => ({ status: 403, data: { message: 'Permission denied' } })));
    renderConfig(LOADED);
    await save();
    expect(screen.getByTestId(testIds.appConfig.saveError)).toHaveTextContent(
      'Saving failed: Permission denied. Check that you are an organisation admin'
    );
    expect(reloadPage).not.toHaveBeenCalled();
  });
});

describe('validating the configuration', () => {
  it.each([
    ['metrics', setMetricsLabel],
    ['logs', setLogsLabel],
  ])('refuses service.name as the %s service label, states the rule and suggests service_name', async (_, set) => {
    renderConfig(LOADED);
    set('service.name');
    expect(
      screen.getByText(
        'The label "service.name" is not a label name: Prometheus and Loki label names match [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and _, not starting with a digit). Use service_name.'
      )
    ).toBeInTheDocument();
    await save();
    expect(screen.getByTestId(testIds.appConfig.saveError)).toHaveTextContent(
      'Nothing was saved: fix the fields marked above first.'
    );
    expect(mockGet).not.toHaveBeenCalled();
    expect(mockFetch).not.toHaveBeenCalled();
  });

  it('marks an invalid stored label as soon as the page opens', () => {
    renderConfig({ ...LOADED, metrics: { serviceLabel: '1st label' } });
    expect(screen.getByText(/^The label "1st label" is not a label name: .* Use _1st_label\.$/)).toBeInTheDocument();
  });

  it('accepts an empty metrics label (the family default applies)', async () => {
    serverHolds(LOADED);
    renderConfig(LOADED);
    setMetricsLabel('');
    await save();
    expect(posted().jsonData.metrics).toEqual({ family: 'http-semconv', serviceLabel: '' });
  });
});
