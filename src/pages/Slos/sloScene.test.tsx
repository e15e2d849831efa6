import React from 'react';
import { of } from 'rxjs';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { DataQueryRequest } from '@grafana/data';
import { BackendSrvRequest, config } from '@grafana/runtime';
import { EmbeddedScene } from '@grafana/scenes';
import { errorBudget } from '../../analysis/slo';
import { buildSceneApp } from '../../app/App';
import { reloadPage } from '../../components/AppConfig/pluginSettingsApi';
import { mockFetch, mockGet, resetSettingsBackend } from '../../testing/settingsBackend';
import { testIds } from '../../components/testIds';
import { PLUGIN_ID } from '../../constants';
import { budgetRemainingDirect } from '../../datasources/sloQueries';
import type { SloDefinition } from '../../slo/definition';
import { generateRules, rulesYaml } from '../../slo/rules';
import { expectValidPromQL } from '../../testing/grammar';
import { serviceUrl, sloUrl, slosUrl } from '../../utils/links';
import {
  installFakeGrafana,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  renderAppAt,
  renderInGrafana,
} from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { buildSloScene } from './sloScene';
import { detailQueries } from './sloRows';
import {
  AVAILABILITY,
  AVAILABILITY_RATIOS,
  boundaryFrames,
  byRefId,
  CONV,
  jsonData,
  LATENCY,
  LATENCY_RATIOS,
  ratioFrames,
  signInAs,
  T,
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

const BURN_DOWN_REF = 'burnDown';

/** The burn-down panel's range answer: budget remaining falling over the period. */
function burnDownFrames(request: DataQueryRequest) {
  return request.targets.some((t) => t.refId === BURN_DOWN_REF)
    ? [
        promSeries(
          BURN_DOWN_REF,
          { job: 'checkout' },
          [
            [T - 60_000, 0.8],
            [T, 0.75],
          ],
          'range'
        ),
      ]
    : [];
}

/** Each SLO is the only one on its page, so its window queries are `slo0_<window>`. */
function answers(ratios: Record<string, number>, les: string[] = []) {
  return byRefId([...ratioFrames(0, ratios), ...boundaryFrames(les)], burnDownFrames);
}

function renderScene(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

const exprOf = (target: DataQueryRequest['targets'][number]) => ('expr' in target ? String(target.expr) : '');

/** The instant request of the detail (the burn-down panel sends its own range request). */
function detailRequest(requests: RecordedRequest[]): DataQueryRequest {
  const found = requests.find((r) => r.request.targets.some((t) => t.refId === 'slo0_1h'));
  if (!found) {
    throw new Error('the detail request was not sent');
  }
  return found.request;
}

let signOut: () => void = () => undefined;
const appUrl = config.appUrl;

beforeEach(() => {
  resetSettingsBackend();
  jest.mocked(reloadPage).mockReset();
  signOut = signInAs('Viewer');
});

afterEach(() => {
  signOut();
  config.appUrl = appUrl;
});

describe('SLO page', () => {
  it('runs the SLI over every window and the burn-down over the period, all valid PromQL on the configured Prometheus', async () => {
    const requests = installFakeGrafana(answers(LATENCY_RATIOS, ['0.25', '0.5', '1', '+Inf']));
    renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY, LATENCY])), LATENCY.name));
    await screen.findByTestId(testIds.slos.pairs);
    // The burn-down panel's own request (jsdom gives panels no size, so the panel itself stays blank).
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests.every((r) => r.uid === PROMETHEUS.uid)).toBe(true);
    const detail = detailRequest(requests);
    expect(detail.targets).toEqual(
      detailQueries(CONV, LATENCY).map((q) =>
        expect.objectContaining({ refId: q.refId, expr: q.expr, instant: true, range: false })
      )
    );
    expect(detail.targets.map((t) => t.refId)).toContain('boundaries');

    const burnDown = requests.map((r) => r.request).find((r) => r !== detail);
    expect(burnDown?.targets).toEqual([
      expect.objectContaining({
        refId: BURN_DOWN_REF,
        expr: budgetRemainingDirect(CONV, LATENCY.sli, LATENCY.service, '28d', errorBudget(99)),
        range: true,
        instant: false,
      }),
    ]);
    // The burn-down spans the SLO's period, whatever the page's range.
    const span = (burnDown?.range.to.valueOf() ?? 0) - (burnDown?.range.from.valueOf() ?? 0);
    expect(span).toBe(28 * 86400 * 1000);

    for (const target of [...detail.targets, ...(burnDown?.targets ?? [])]) {
      const expr = exprOf(target);
      expect(expr).not.toContain('$');
      expectValidPromQL(expr);
      expect(expr).toContain('job="checkout"');
    }
  });

  it('shows the burn rate of each window pair against its threshold, and which pair fires', async () => {
    installFakeGrafana(answers(AVAILABILITY_RATIOS));
    renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY, LATENCY])), AVAILABILITY.name));
    const pairs = await screen.findByTestId(testIds.slos.pairs);

    const rows = within(pairs)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((c) => c.textContent)
      );
    expect(rows).toEqual([
      ['critical', '1h / 5m', '15.0x', '20.0x', '14.4x (1.440% errors)', 'firing'],
      ['critical', '6h / 30m', '2.00x', '3.00x', '6x (0.600% errors)', 'ok'],
      ['warning', '1d / 2h', '1.00x', '2.00x', '3x (0.300% errors)', 'ok'],
      ['warning', '3d / 6h', '0.80x', '2.00x', '1x (0.100% errors)', 'ok'],
    ]);
    expect(screen.getByText('Budget remaining 75.00%')).toBeInTheDocument();
    expect(screen.getByText('Gone in 1.5d at the 1h burn rate')).toBeInTheDocument();
    expect(screen.getByText('critical burn')).toBeInTheDocument();
    expect(screen.getByText(AVAILABILITY.description ?? '')).toBeInTheDocument();
  });

  it('opens the Service page over the long window of the fastest-burning pair, ending at the query time', async () => {
    const requests = installFakeGrafana(answers(LATENCY_RATIOS, ['0.5', '+Inf']));
    renderScene(buildSloScene(pivotContext(jsonData([LATENCY])), LATENCY.name));
    const investigate = await screen.findByTestId(testIds.slos.investigate);

    // checkout-latency burns fastest over 1d (3x), so the Service page opens on the last day.
    const to = detailRequest(requests).range.to.valueOf();
    expect(investigate).toHaveAttribute('href', serviceUrl('checkout', { from: to - 86400 * 1000, to }));
    expect(screen.getByRole('link', { name: /Investigate/ })).toBe(investigate);
    expect(screen.getByText('warning burn')).toBeInTheDocument();
  });

  it('shows the rules slo-rules prints for this SLO, with links to this Grafana, and offers copy and download', async () => {
    config.appUrl = 'https://grafana.example.com/';
    installFakeGrafana(answers(AVAILABILITY_RATIOS));
    renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY, LATENCY])), AVAILABILITY.name));
    const rules = await screen.findByTestId(testIds.slos.rules);

    const expected = rulesYaml(generateRules(CONV, [AVAILABILITY], { grafanaUrl: 'https://grafana.example.com/' }));
    const shown = rules.querySelector('pre')?.textContent;
    expect(shown).toBe(expected);
    expect(shown).toContain(`pivot_url: https://grafana.example.com${sloUrl(AVAILABILITY.name)}`);
    expect(shown).not.toContain(LATENCY.name);

    // Copy: the same text reaches the clipboard (Grafana uses the Clipboard API in a secure context).
    const writeText = jest.fn().mockResolvedValue(undefined);
    const clipboardBefore = Object.getOwnPropertyDescriptor(navigator, 'clipboard');
    const secureBefore = Object.getOwnPropertyDescriptor(window, 'isSecureContext');
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    Object.defineProperty(window, 'isSecureContext', { value: true, configurable: true });
    await act(async () => {
      fireEvent.click(within(rules).getByRole('button', { name: 'Copy' }));
    });
    expect(writeText).toHaveBeenCalledWith(expected);
    for (const [target, key, before] of [
      [navigator, 'clipboard', clipboardBefore],
      [window, 'isSecureContext', secureBefore],
    ] as const) {
      Reflect.deleteProperty(target, key);
      if (before) {
        Object.defineProperty(target, key, before);
      }
    }
    const downloadButton = within(rules).getByRole('button', { name: 'Download' });

    // jsdom has no object URLs: capture the blob and the link the page clicks.
    const blobs: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:rules';
    });
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: HTMLAnchorElement[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      clicked.push(this);
    });
    try {
      fireEvent.click(downloadButton);
      expect(clicked).toHaveLength(1);
      expect(clicked[0].download).toBe('checkout-availability.rules.yaml');
      expect(clicked[0].href).toBe('blob:rules');
      expect(blobs).toHaveLength(1);
      expect(blobs[0].type).toBe('application/yaml');
      expect(await blobText(blobs[0])).toBe(expected);
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:rules');
    } finally {
      click.mockRestore();
    }
  });

  it('warns when a latency threshold is not a bucket boundary, naming the ones that are', async () => {
    installFakeGrafana(answers(LATENCY_RATIOS, ['0.25', '1', '+Inf']));
    renderScene(buildSloScene(pivotContext(jsonData([LATENCY])), LATENCY.name));
    const warning = await screen.findByTestId(testIds.slos.threshold);
    expect(warning).toHaveTextContent('Latency threshold is not a bucket boundary');
    expect(warning).toHaveTextContent(
      'The threshold 0.5s is not a bucket boundary of the latency histogram, so slow requests cannot be counted exactly. Use one of: 0.25, 1 (seconds).'
    );
  });

  it('shows no threshold warning when the threshold is a boundary', async () => {
    installFakeGrafana(answers(LATENCY_RATIOS, ['0.25', '0.5', '+Inf']));
    renderScene(buildSloScene(pivotContext(jsonData([LATENCY])), LATENCY.name));
    await screen.findByTestId(testIds.slos.pairs);
    expect(screen.queryByTestId(testIds.slos.threshold)).not.toBeInTheDocument();
  });

  it('warns which burn-rate alerts can never fire when the objective is too low', async () => {
    const loose: SloDefinition = { ...AVAILABILITY, name: 'loose', objective: 90 };
    installFakeGrafana(answers(AVAILABILITY_RATIOS));
    renderScene(buildSloScene(pivotContext(jsonData([loose])), loose.name));
    const warning = await screen.findByTestId(testIds.slos.unreachable);
    expect(warning).toHaveTextContent('Some burn-rate alerts can never fire');
    expect(warning).toHaveTextContent(
      'With 90% over 30d, this burn-rate alert can never fire, since at most 100% of requests can fail: critical 1h/5m ' +
        '(needs more than 144% of requests failing, 14.4x the 10% budget). Every alert can fire from an objective of 93.06% up.'
    );
  });

  it('shows the 28d factors rounded for reading (the threshold itself is exact), and no such warning at 99%', async () => {
    installFakeGrafana(answers(LATENCY_RATIOS, ['0.25', '0.5', '+Inf']));
    renderScene(buildSloScene(pivotContext(jsonData([LATENCY])), LATENCY.name));
    const pairs = await screen.findByTestId(testIds.slos.pairs);
    expect(within(pairs).getByText('0.9333x (0.933% errors)')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.slos.unreachable)).not.toBeInTheDocument();
  });

  it('says clearly that no SLO has an unknown name, links back to the list and queries nothing', async () => {
    const requests = installFakeGrafana(answers(AVAILABILITY_RATIOS));
    renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY])), 'checkout-availabilty'));
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('No SLO named checkout-availabilty');
    expect(problem).toHaveTextContent('It may have been renamed or deleted. Pick one from the SLOs list.');
    expect(screen.getByRole('link', { name: /All SLOs/ })).toHaveAttribute('href', slosUrl());
    expect(requests).toHaveLength(0);
  });

  it("shows Prometheus' error", async () => {
    installFakeGrafana(() => ({ error: 'execution: query timed out' }));
    renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY])), AVAILABILITY.name));
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('Prometheus could not compute this SLO');
    expect(problem).toHaveTextContent('execution: query timed out');
  });

  it.each([
    ['missing', { prometheus: 'gone' }, 'The Prometheus data source "gone" set in Pivot\'s settings does not exist'],
    ['of the wrong type', { prometheus: 'pivot-tempo' }, 'is of type "tempo", not "prometheus"'],
  ])('shows the data source problem and sends nothing when Prometheus is %s', async (_, datasources, message) => {
    const requests = installFakeGrafana(answers(AVAILABILITY_RATIOS));
    renderScene(buildSloScene(pivotContext({ ...jsonData([AVAILABILITY]), datasources }), AVAILABILITY.name));
    const problem = await screen.findByTestId(testIds.states.problem);
    expect(problem).toHaveTextContent('Prometheus data source unavailable: no metrics');
    expect(problem).toHaveTextContent(message);
    expect(requests).toHaveLength(0);
  });

  describe('editing', () => {
    beforeEach(() => {
      mockGet.mockResolvedValue({ enabled: true, pinned: true, jsonData: jsonData([AVAILABILITY, LATENCY]) });
      mockFetch.mockImplementation((req: BackendSrvRequest) => of({ status: 200, data: {}, config: req }));
    });

    it('offers a viewer neither Edit nor Delete', async () => {
      installFakeGrafana(answers(AVAILABILITY_RATIOS));
      renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY])), AVAILABILITY.name));
      await screen.findByTestId(testIds.slos.pairs);
      expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    });

    it('lets an admin change the objective in place, saving only slos', async () => {
      signOut();
      signOut = signInAs('Admin');
      installFakeGrafana(answers(AVAILABILITY_RATIOS));
      renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY, LATENCY])), AVAILABILITY.name));
      await screen.findByTestId(testIds.slos.pairs);
      fireEvent.click(screen.getByRole('button', { name: 'Edit' }));

      const editor = within(screen.getByTestId(testIds.slos.editor));
      expect(editor.getByLabelText(/^Name/)).toHaveValue(AVAILABILITY.name);
      expect(editor.getByLabelText('Objective (%)')).toHaveValue(99.9);
      fireEvent.change(editor.getByLabelText('Objective (%)'), { target: { value: '99.5' } });
      await act(async () => {
        fireEvent.click(editor.getByRole('button', { name: 'Save SLO' }));
      });

      await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
      expect(mockFetch).toHaveBeenCalledTimes(1);
      expect(mockFetch.mock.calls[0][0]).toMatchObject({
        url: `/api/plugins/${PLUGIN_ID}/settings`,
        method: 'POST',
        data: { enabled: true, pinned: true, jsonData: jsonData([{ ...AVAILABILITY, objective: 99.5 }, LATENCY]) },
      });
    });

    async function openAsAdmin() {
      signOut();
      signOut = signInAs('Admin');
      installFakeGrafana(answers(AVAILABILITY_RATIOS));
      renderScene(buildSloScene(pivotContext(jsonData([AVAILABILITY, LATENCY])), AVAILABILITY.name));
      await screen.findByTestId(testIds.slos.pairs);
    }

    it('deletes only after confirmation, saving the other SLOs', async () => {
      await openAsAdmin();
      fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
      expect(mockFetch).not.toHaveBeenCalled();
      await act(async () => {
        fireEvent.click(screen.getByRole('button', { name: 'Delete SLO' }));
      });
      await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
      expect(mockFetch.mock.calls[0][0]).toMatchObject({
        method: 'POST',
        data: { enabled: true, pinned: true, jsonData: jsonData([LATENCY]) },
      });
    });

    it('says why a delete failed instead of failing silently', async () => {
      mockGet.mockRejectedValue({ status: 403, statusText: 'Forbidden', data: { message: 'Permission denied' } });
      await openAsAdmin();
      fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
      await act(async () => {
        fireEvent.click(screen.getByRole('button', { name: 'Delete SLO' }));
      });
      const problem = await screen.findByTestId(testIds.states.problem);
      expect(problem).toHaveTextContent('The SLO was not deleted');
      expect(problem).toHaveTextContent('Saving failed: Permission denied. Only organisation admins can change SLOs.');
      expect(reloadPage).not.toHaveBeenCalled();
    });
  });
});

describe('SLO page route', () => {
  function renderAt(path: string, slos: SloDefinition[]) {
    installFakeGrafana(answers(AVAILABILITY_RATIOS));
    const app = buildSceneApp(pivotContext(jsonData(slos)));
    renderAppAt(path, <app.Component model={app} />);
  }

  it('opens the SLO named in slos/:slo', async () => {
    renderAt(sloUrl(AVAILABILITY.name), [AVAILABILITY, LATENCY]);
    expect(await screen.findByTestId(testIds.slos.pairs)).toBeInTheDocument();
    expect(screen.getByText('Budget remaining 75.00%')).toBeInTheDocument();
  });

  it('says so for an SLO name nobody defined', async () => {
    renderAt(sloUrl('nope'), [AVAILABILITY]);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('No SLO named nope');
  });
});

function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}
