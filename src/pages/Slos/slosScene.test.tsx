import React from 'react';
import { of } from 'rxjs';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { BackendSrvRequest } from '@grafana/runtime';
import { EmbeddedScene } from '@grafana/scenes';
import { reloadPage } from '../../components/AppConfig/pluginSettingsApi';
import { mockFetch, mockGet, resetSettingsBackend } from '../../testing/settingsBackend';
import { testIds } from '../../components/testIds';
import { PLUGIN_ID } from '../../constants';
import { normalizeSettings, type PivotJsonData } from '../../settings';
import { expectValidPromQL } from '../../testing/grammar';
import { sloUrl } from '../../utils/links';
import { installFakeGrafana, pivotContext, PROMETHEUS, renderInGrafana } from '../../testing/fakeGrafana';
import { parse as parseYaml } from 'yaml';
import { buildSlosScene, SLO_PROVISIONING_EXAMPLE } from './slosScene';
import { statusQueries } from './sloRows';
import {
  AVAILABILITY,
  AVAILABILITY_RATIOS,
  byRefId,
  CONV,
  jsonData,
  LATENCY,
  LATENCY_RATIOS,
  ratioFrames,
  signInAs,
} from './sloTestFixtures';

jest.mock('@grafana/runtime', () =>
  jest
    .requireActual<typeof import('../../testing/settingsBackend')>('../../testing/settingsBackend')
    .runtimeWithSettingsBackend()
);

jest.mock('../../components/AppConfig/pluginSettingsApi', () =>
  jest
    .requireActual<typeof import('../../testing/settingsBackend')>('../../testing/settingsBackend')
    .pluginSettingsApiWithoutReload()
);

const BOTH_FRAMES = [...ratioFrames(0, AVAILABILITY_RATIOS), ...ratioFrames(1, LATENCY_RATIOS)];

function renderScene(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

let signOut: () => void = () => undefined;

beforeEach(() => {
  resetSettingsBackend();
  jest.mocked(reloadPage).mockReset();
  signOut = signInAs('Viewer');
});

afterEach(() => signOut());

describe('SLOs page', () => {
  it('asks every SLO error ratio over its eight windows in one valid Prometheus request', async () => {
    const requests = installFakeGrafana(byRefId(BOTH_FRAMES));
    renderScene(buildSlosScene(pivotContext(jsonData([AVAILABILITY, LATENCY]))));
    await screen.findByTestId(testIds.slos.table);

    expect(requests).toHaveLength(1);
    expect(requests[0].uid).toBe(PROMETHEUS.uid);
    const targets = requests[0].request.targets;
    expect(targets).toHaveLength(16);
    expect(targets).toEqual(
      statusQueries(CONV, [AVAILABILITY, LATENCY]).map((q) =>
        expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true, range: false })
      )
    );
    for (const target of targets) {
      const expr = 'expr' in target ? String(target.expr) : '';
      // Fixed windows: nothing is left for Grafana to interpolate.
      expect(expr).not.toContain('$');
      expectValidPromQL(expr);
      expect(expr).toContain('job="checkout"');
    }
  });

  it('shows each SLO with objective, budget remaining, fastest burn, time to exhaustion and firing state', async () => {
    installFakeGrafana(byRefId(BOTH_FRAMES));
    renderScene(buildSlosScene(pivotContext(jsonData([AVAILABILITY, LATENCY]))));
    await screen.findByTestId(testIds.slos.table);

    const cells = (name: string) =>
      within(screen.getByTestId(testIds.slos.row(name)))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells(AVAILABILITY.name)).toEqual([
      'checkout-availability',
      'checkout',
      'availability',
      '99.9% / 30d',
      '75.00%',
      '15.0x over 1h',
      '1.5d',
      'critical',
    ]);
    expect(cells(LATENCY.name)).toEqual([
      'checkout-latency',
      'checkout',
      'latency ≤ 0.5s',
      '99% / 28d',
      '60.00%',
      '3.00x over 1d',
      '16.8d',
      'warning',
    ]);
    const row = within(screen.getByTestId(testIds.slos.row(AVAILABILITY.name)));
    expect(row.getByRole('link', { name: AVAILABILITY.name })).toHaveAttribute('href', sloUrl(AVAILABILITY.name));
  });

  it('shows an SLO without traffic as such, not as healthy numbers', async () => {
    installFakeGrafana(byRefId(ratioFrames(0, AVAILABILITY_RATIOS)));
    renderScene(buildSlosScene(pivotContext(jsonData([AVAILABILITY, LATENCY]))));
    await screen.findByTestId(testIds.slos.table);
    const row = within(screen.getByTestId(testIds.slos.row(LATENCY.name)));
    expect(row.getByText('no traffic')).toBeInTheDocument();
    expect(row.getByText('not burning')).toBeInTheDocument();
    expect(row.getByText('ok')).toBeInTheDocument();
  });

  it("shows Prometheus' error instead of the table", async () => {
    installFakeGrafana(() => ({ error: 'bad_data: 1:1: parse error' }));
    renderScene(buildSlosScene(pivotContext(jsonData([AVAILABILITY]))));
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('Prometheus could not compute the SLOs');
    expect(problem).toHaveTextContent('bad_data: 1:1: parse error');
    expect(screen.queryByTestId(testIds.slos.table)).not.toBeInTheDocument();
  });

  it('is loading until Prometheus answers', async () => {
    installFakeGrafana(() => 'pending');
    renderScene(buildSlosScene(pivotContext(jsonData([AVAILABILITY]))));
    expect(await screen.findByText('Computing error budgets…')).toBeInTheDocument();
  });

  it.each([
    ['missing', { prometheus: 'gone' }, 'The Prometheus data source "gone" set in Pivot\'s settings does not exist'],
    ['of the wrong type', { prometheus: 'pivot-loki' }, 'is of type "loki", not "prometheus"'],
  ])('shows the data source problem and sends nothing when Prometheus is %s', async (_, datasources, message) => {
    const requests = installFakeGrafana(byRefId(BOTH_FRAMES));
    renderScene(buildSlosScene(pivotContext({ ...jsonData([AVAILABILITY]), datasources })));
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('Prometheus data source unavailable: no metrics');
    expect(problem).toHaveTextContent(message);
    expect(requests).toHaveLength(0);
  });

  describe('without SLOs', () => {
    it('shows a provisioning example that Pivot reads as one valid SLO', () => {
      const app = parseYaml(SLO_PROVISIONING_EXAMPLE).apps[0];
      expect(app.type).toBe(PLUGIN_ID);
      const settings = normalizeSettings(app.jsonData);
      expect(settings.invalidSlos).toEqual([]);
      expect(settings.slos.map((slo) => slo.name)).toEqual(['checkout-availability']);
    });

    it('tells a viewer that an admin defines them, offers no Add button and sends no query', async () => {
      const requests = installFakeGrafana(byRefId([]));
      renderScene(buildSlosScene(pivotContext(jsonData([]))));
      const empty = await screen.findByTestId(testIds.states.empty);
      expect(empty).toHaveTextContent(
        'No SLOs yet. An organisation admin adds them on this page, or provisions them as jsonData.slos in the app settings file (docs/slos.md):'
      );
      expect(empty).toHaveTextContent('jsonData: slos: - name: checkout-availability');
      expect(screen.queryByTestId(testIds.slos.add)).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: /add slo/i })).not.toBeInTheDocument();
      expect(requests).toHaveLength(0);
    });

    it.each([
      ['an org admin', () => signInAs('Admin')],
      ['a Grafana server admin', () => signInAs('Viewer', true)],
    ])('lets %s add one', async (_, signIn) => {
      signOut();
      signOut = signIn();
      installFakeGrafana(byRefId([]));
      renderScene(buildSlosScene(pivotContext(jsonData([]))));
      const empty = await screen.findByTestId(testIds.states.empty);
      expect(empty).toHaveTextContent(
        'No SLOs yet. Add one with Add SLO below, or provision them as jsonData.slos in the app settings file (docs/slos.md):'
      );
      fireEvent.click(screen.getByRole('button', { name: 'Add SLO' }));
      expect(screen.getByTestId(testIds.slos.editor)).toBeInTheDocument();
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByTestId(testIds.slos.editor)).not.toBeInTheDocument();
    });
  });

  describe('adding an SLO (admin)', () => {
    const saved: PivotJsonData = {
      ...jsonData([AVAILABILITY]),
      datasources: { loki: 'pivot-loki' },
      logs: { serviceLabel: 'app', traceId: 'json' },
    };

    beforeEach(() => {
      signOut();
      signOut = signInAs('Admin');
      mockGet.mockResolvedValue({ enabled: true, pinned: false, jsonData: saved });
      mockFetch.mockImplementation((req: BackendSrvRequest) =>
        of({ status: 200, data: { message: 'ok' }, config: req })
      );
    });

    async function openEditor() {
      installFakeGrafana(byRefId(ratioFrames(0, AVAILABILITY_RATIOS)));
      renderScene(buildSlosScene(pivotContext(saved)));
      await screen.findByTestId(testIds.slos.table);
      fireEvent.click(screen.getByRole('button', { name: 'Add SLO' }));
      return within(screen.getByTestId(testIds.slos.editor));
    }

    it('saves the new SLO through the plugin settings API, changing only slos, then reloads', async () => {
      const editor = await openEditor();
      fireEvent.change(editor.getByLabelText(/^Name/), { target: { value: ' cart-latency ' } });
      fireEvent.change(editor.getByLabelText(/^Service/), { target: { value: 'cart' } });
      fireEvent.click(editor.getByLabelText('Latency (faster than a threshold)'));
      fireEvent.change(editor.getByLabelText(/^Threshold \(seconds\)/), { target: { value: '0.25' } });
      fireEvent.change(editor.getByLabelText('Objective (%)'), { target: { value: '99.5' } });
      fireEvent.click(editor.getByLabelText('28d'));
      await act(async () => {
        fireEvent.click(editor.getByRole('button', { name: 'Save SLO' }));
      });

      await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
      expect(mockGet).toHaveBeenCalledWith(`/api/plugins/${PLUGIN_ID}/settings`);
      expect(mockFetch).toHaveBeenCalledTimes(1);
      const request: BackendSrvRequest = mockFetch.mock.calls[0][0];
      expect(request).toMatchObject({ url: `/api/plugins/${PLUGIN_ID}/settings`, method: 'POST' });
      const cart = {
        name: 'cart-latency',
        service: 'cart',
        sli: { type: 'latency', thresholdSeconds: 0.25 },
        objective: 99.5,
        period: '28d',
      };
      expect(request.data).toEqual({
        enabled: true,
        pinned: false,
        jsonData: { ...saved, slos: [AVAILABILITY, cart] },
      });
    });

    it('says what to fix and saves nothing when the definition is invalid', async () => {
      const editor = await openEditor();
      fireEvent.change(editor.getByLabelText(/^Name/), { target: { value: 'bad name!' } });
      fireEvent.click(editor.getByLabelText('Latency (faster than a threshold)'));
      fireEvent.change(editor.getByLabelText(/^Threshold \(seconds\)/), { target: { value: '' } });
      fireEvent.change(editor.getByLabelText('Objective (%)'), { target: { value: '100' } });
      await act(async () => {
        fireEvent.click(editor.getByRole('button', { name: 'Save SLO' }));
      });

      const alert = editor.getByRole('alert');
      expect(alert).toHaveTextContent('The SLO cannot be saved');
      expect(
        within(alert)
          .getAllByRole('listitem')
          .map((li) => li.textContent)
      ).toEqual([
        `name: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit; got "bad name!"`,
        'service: the service name as your metrics label it, e.g. checkout; got ""',
        'sli.thresholdSeconds: a latency SLI needs a positive number of seconds that is a bucket boundary of the latency histogram, e.g. 0.5; got 0',
        'objective: a percentage above 0 and below 100, e.g. 99.9; got 100',
      ]);
      expect(mockGet).not.toHaveBeenCalled();
      expect(mockFetch).not.toHaveBeenCalled();
      expect(reloadPage).not.toHaveBeenCalled();
    });

    it('refuses a name in use without calling the API', async () => {
      const editor = await openEditor();
      fireEvent.change(editor.getByLabelText(/^Name/), { target: { value: AVAILABILITY.name } });
      fireEvent.change(editor.getByLabelText(/^Service/), { target: { value: 'checkout' } });
      await act(async () => {
        fireEvent.click(editor.getByRole('button', { name: 'Save SLO' }));
      });
      // A clash is the user's to fix, not a permission problem: no admin hint.
      expect(within(editor.getByRole('alert')).getByRole('listitem')).toHaveTextContent(
        /^Saving failed: An SLO named checkout-availability exists already: choose another name\.$/
      );
      expect(mockFetch).not.toHaveBeenCalled();
    });

    it("shows Grafana's refusal when the settings API rejects the save", async () => {
      mockGet.mockRejectedValue({ status: 403, statusText: 'Forbidden', data: { message: 'Permission denied' } });
      const editor = await openEditor();
      fireEvent.change(editor.getByLabelText(/^Name/), { target: { value: 'cart-availability' } });
      fireEvent.change(editor.getByLabelText(/^Service/), { target: { value: 'cart' } });
      await act(async () => {
        fireEvent.click(editor.getByRole('button', { name: 'Save SLO' }));
      });
      // Grafana rejects with a plain object, not an Error: its message is read from data.message.
      expect(within(editor.getByRole('alert')).getByRole('listitem')).toHaveTextContent(
        /^Saving failed: Permission denied\. Only organisation admins can change SLOs\.$/
      );
      expect(editor.getByRole('button', { name: 'Save SLO' })).toBeEnabled();
      expect(reloadPage).not.toHaveBeenCalled();
    });
  });
});
