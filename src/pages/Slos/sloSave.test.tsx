import React from 'react';
import { throwError } from 'rxjs';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EmbeddedScene } from '@grafana/scenes';
import { reloadPage } from '../../components/AppConfig/pluginSettingsApi';
import { answerSavesOk, mockFetch, mockGet, postedSettings, resetSettingsBackend } from '../../testing/settingsBackend';
import { testIds } from '../../components/testIds';
import { PLUGIN_ID } from '../../constants';
import type { PivotJsonData } from '../../settings';
import type { SloDefinition } from '../../slo/definition';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../../testing/fakeGrafana';
import { buildSloScene } from './sloScene';
import { buildSlosScene } from './slosScene';
import { AVAILABILITY, AVAILABILITY_RATIOS, byRefId, CONFIGURED, ratioFrames, signInAs } from './sloTestFixtures';

/**
 * Saves from the SLO pages while other admins change the same settings: every save reads the
 * current settings (the GET fake) and writes only its own change (the POST fake's body).
 */

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

const CHECKOUT = AVAILABILITY;
const PAYMENTS: SloDefinition = { ...AVAILABILITY, name: 'payments-availability', service: 'payments' };
/** Stored by hand and invalid: an objective of 100% leaves no error budget. */
const LEGACY = { name: 'legacy', service: 'legacy', sli: { type: 'availability' }, objective: 100, period: '30d' };
const LEGACY_ERROR = 'slos[1] (legacy).objective: a percentage above 0 and below 100, e.g. 99.9; got 100';

const settings = (slos: unknown[]) => ({ metrics: CONFIGURED, future: 'kept', slos }) as unknown as PivotJsonData;

/** What this admin's page loaded. */
const LOADED = settings([CHECKOUT, LEGACY]);

/** The settings on the server when the save reads them. */
function serverHolds(jsonData: PivotJsonData) {
  mockGet.mockResolvedValue({ enabled: true, pinned: true, jsonData });
}

/** The settings the save wrote. */
const posted = (): PivotJsonData => postedSettings().jsonData;

function render(scene: EmbeddedScene) {
  installFakeGrafana(byRefId(ratioFrames(0, AVAILABILITY_RATIOS)));
  renderInGrafana(<scene.Component model={scene} />);
}

async function click(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element);
  });
}

let signOut: () => void = () => undefined;

beforeEach(() => {
  resetSettingsBackend();
  answerSavesOk();
  jest.mocked(reloadPage).mockReset();
  signOut = signInAs('Admin');
});

afterEach(() => signOut());

describe('saving on the SLOs page', () => {
  async function addCart() {
    render(buildSlosScene(pivotContext(LOADED)));
    await screen.findByTestId(testIds.slos.table);
    fireEvent.click(screen.getByRole('button', { name: 'Add SLO' }));
    const editor = within(screen.getByTestId(testIds.slos.editor));
    fireEvent.change(editor.getByLabelText(/^Name/), { target: { value: 'cart' } });
    fireEvent.change(editor.getByLabelText(/^Service/), { target: { value: 'cart' } });
    await click(editor.getByRole('button', { name: 'Save SLO' }));
    return editor;
  }

  const CART: SloDefinition = {
    name: 'cart',
    service: 'cart',
    sli: { type: 'availability' },
    objective: 99.9,
    period: '30d',
  };

  it("adds to the server's SLOs: another admin's payments and the invalid legacy stay (the issue's reproducer)", async () => {
    serverHolds(settings([CHECKOUT, PAYMENTS, LEGACY]));
    await addCart();
    await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
    expect(mockGet).toHaveBeenCalledWith(`/api/plugins/${PLUGIN_ID}/settings`);
    expect(posted()).toEqual(settings([CHECKOUT, PAYMENTS, LEGACY, CART]));
  });

  it('stops when another admin took the name since the page loaded, and offers to reload', async () => {
    serverHolds(settings([CHECKOUT, { ...CART, objective: 99 }]));
    const editor = await addCart();
    const alert = editor.getByRole('alert');
    expect(alert).toHaveTextContent(
      'An SLO named cart exists already (it may have been added since this page loaded). Nothing was saved'
    );
    expect(mockFetch).not.toHaveBeenCalled();
    fireEvent.click(within(alert).getByRole('button', { name: 'Reload' }));
    expect(reloadPage).toHaveBeenCalledTimes(1);
  });

  it('says what failed when the network fails while reading the settings', async () => {
    mockGet.mockRejectedValue(new TypeError('Failed to fetch'));
    const editor = await addCart();
    expect(within(editor.getByRole('alert')).getByRole('listitem')).toHaveTextContent(
      /^Saving failed: Failed to fetch\.$/
    );
    expect(mockFetch).not.toHaveBeenCalled();
    expect(reloadPage).not.toHaveBeenCalled();
  });

  it("shows Grafana's 403 on the write and keeps the form", async () => {
    serverHolds(LOADED);
    mockFetch.mockImplementation(() =>
      throwError(() => ({ status: 403, statusText: 'Forbidden', data: { message: 'Permission denied' } }))
    );
    const editor = await addCart();
    expect(within(editor.getByRole('alert')).getByRole('listitem')).toHaveTextContent(
      /^Saving failed: Permission denied\. Only organisation admins can change SLOs\.$/
    );
    expect(editor.getByLabelText(/^Name/)).toHaveValue('cart');
    expect(reloadPage).not.toHaveBeenCalled();
  });

  it('lists an invalid stored SLO with its error, and deleting it removes only it', async () => {
    serverHolds(settings([CHECKOUT, LEGACY, PAYMENTS]));
    render(buildSlosScene(pivotContext(LOADED)));
    const entry = await screen.findByTestId(testIds.slos.invalid('legacy'));
    expect(within(entry).getByRole('listitem')).toHaveTextContent(LEGACY_ERROR);
    // The valid SLO is still computed and shown beside it.
    expect(await screen.findByTestId(testIds.slos.row(CHECKOUT.name))).toBeInTheDocument();

    fireEvent.click(within(entry).getByRole('button', { name: 'Delete' }));
    await click(within(entry).getByRole('button', { name: 'Delete SLO' }));
    await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
    expect(posted()).toEqual(settings([CHECKOUT, PAYMENTS]));
  });

  it('lists invalid stored SLOs even when no valid one is left', async () => {
    render(buildSlosScene(pivotContext(settings([LEGACY]))));
    expect(await screen.findByTestId(testIds.slos.invalid('legacy'))).toHaveTextContent(
      LEGACY_ERROR.replace('slos[1]', 'slos[0]')
    );
  });
});

describe('saving on an SLO page', () => {
  async function openCheckout(jsonData: PivotJsonData = LOADED) {
    render(buildSloScene(pivotContext(jsonData), CHECKOUT.name));
    await screen.findByTestId(testIds.slos.pairs);
  }

  async function setObjective(value: string) {
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const editor = within(screen.getByTestId(testIds.slos.editor));
    fireEvent.change(editor.getByLabelText('Objective (%)'), { target: { value } });
    await click(editor.getByRole('button', { name: 'Save SLO' }));
    return editor;
  }

  it('two admins editing different SLOs: this edit replaces checkout and keeps their payments edit', async () => {
    const theirs = { ...PAYMENTS, description: 'edited by the other admin' };
    serverHolds(settings([CHECKOUT, LEGACY, theirs]));
    await openCheckout();
    await setObjective('99.5');
    await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
    expect(posted()).toEqual(settings([{ ...CHECKOUT, objective: 99.5 }, LEGACY, theirs]));
  });

  it('two admins editing the same SLO: the save stops, says so and offers to reload', async () => {
    serverHolds(settings([{ ...CHECKOUT, objective: 99 }, LEGACY]));
    await openCheckout();
    const editor = await setObjective('99.5');
    const alert = editor.getByRole('alert');
    expect(alert).toHaveTextContent(
      `The SLO ${CHECKOUT.name} was changed by someone else since this page loaded. Nothing was saved: reload to see their change, then make your edit again.`
    );
    expect(mockFetch).not.toHaveBeenCalled();
    fireEvent.click(within(alert).getByRole('button', { name: 'Reload' }));
    expect(reloadPage).toHaveBeenCalledTimes(1);
  });

  it('does not delete an SLO someone changed since the page loaded', async () => {
    serverHolds(settings([{ ...CHECKOUT, objective: 99 }]));
    await openCheckout();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await click(screen.getByRole('button', { name: 'Delete SLO' }));
    expect(await screen.findByText(/was changed by someone else since this page loaded/)).toBeInTheDocument();
    expect(mockFetch).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
  });

  it('shows an invalid stored SLO by its name with its error and Delete, not as unknown', async () => {
    render(buildSloScene(pivotContext(LOADED), 'legacy'));
    const entry = await screen.findByTestId(testIds.slos.invalid('legacy'));
    expect(entry).toHaveTextContent(LEGACY_ERROR);
    expect(within(entry).getByRole('button', { name: 'Delete' })).toBeInTheDocument();
  });
});
