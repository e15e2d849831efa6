import React from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { DataFrame } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { PLUGIN_BASE_URL } from '../../constants';
import { sloStatusAllServices } from '../../datasources/sloQueries';
import type { PivotJsonData } from '../../settings';
import { expectValidPromQL } from '../../testing/grammar';
import { installFakeGrafana, pivotContext, PROMETHEUS, renderInGrafana } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { SERVICE_STAT_REFS as R } from './serviceRows';
import { SLO_STATUS_REF } from './serviceSlos';
import { ServicesTable } from './ServicesTable';
import { buildServicesScene } from './servicesScene';

const T = 1_700_000_000_000;
/** A service name every language quotes differently. */
const HOSTILE = 'pay"ments\\{x}`$1';

const SLOS: PivotJsonData['slos'] = [
  { name: 'checkout-availability', service: 'checkout', sli: { type: 'availability' }, objective: 99.9, period: '30d' },
  {
    name: 'checkout-latency',
    service: 'checkout',
    sli: { type: 'latency', thresholdSeconds: 0.5 },
    objective: 99,
    period: '30d',
  },
  { name: 'cart-availability', service: 'cart', sli: { type: 'availability' }, objective: 99.5, period: '28d' },
  { name: 'hostile.slo', service: HOSTILE, sli: { type: 'availability' }, objective: 99, period: '30d' },
];

const configured: PivotJsonData = { metrics: { family: 'tempo-spanmetrics' }, slos: SLOS };

function statFrames(): DataFrame[] {
  return ['checkout', 'cart', HOSTILE, 'search'].flatMap((service, i) => [
    promSeries(R.requestRate, { service }, [[T, 10 - i]]),
    promSeries(R.errorRatio, { service }, [[T, 0.01 * i]]),
  ]);
}

const budget = (slo: string, service: string, value: number) =>
  promSeries(SLO_STATUS_REF, { __name__: 'pivot_slo:error_budget:remaining', slo, service }, [[T, value]]);
const alert = (slo: string, service: string, severity: string, alertstate = 'firing') =>
  promSeries(
    SLO_STATUS_REF,
    { __name__: 'ALERTS', alertname: 'PivotSLOBurnRate', alertstate, slo, service, severity },
    [[T, 1]]
  );

/** checkout: one SLO fine, one burning (critical); cart: fine; the hostile service: no series yet; search: no SLO. */
function sloFrames(): DataFrame[] {
  return [
    budget('checkout-availability', 'checkout', 0.9),
    budget('checkout-latency', 'checkout', -0.25),
    alert('checkout-latency', 'checkout', 'warning'),
    alert('checkout-latency', 'checkout', 'critical'),
    budget('cart-availability', 'cart', 0.75),
    alert('cart-availability', 'cart', 'warning', 'pending'),
    // An SLO the settings do not define (another Grafana's rules) is ignored.
    budget('elsewhere', 'search', -3),
    alert('elsewhere', 'search', 'critical'),
  ];
}

function cell(service: string) {
  return screen.getByTestId(testIds.services.slo(service));
}

function order(): Array<string | null> {
  return screen.getAllByTestId(/pivot-services-row /).map((r) => r.getAttribute('data-testid'));
}

function table(scene: EmbeddedScene): ServicesTable {
  const found = sceneGraph.findObject(scene, (o) => o instanceof ServicesTable);
  if (!(found instanceof ServicesTable)) {
    throw new Error('no services table in the scene');
  }
  return found;
}

describe('Services page: SLO column', () => {
  it('asks for every SLO status in one more query of the same request, only when SLOs are defined', async () => {
    const requests = installFakeGrafana(() => ({ frames: [...statFrames(), ...sloFrames()] }));
    renderInGrafana(<EmbeddedSceneView scene={buildServicesScene(pivotContext(configured))} />);
    await screen.findByTestId(testIds.services.table);
    // The statistics' request (the second one is the sparklines of the rows shown).
    const sent = requests.filter((r) => r.uid === PROMETHEUS.uid);
    expect(sent[0].request.targets.map((t) => t.refId)).toContain(R.requestRate);
    const slo = sent[0].request.targets.filter((t) => t.refId === SLO_STATUS_REF);
    expect(slo).toEqual([expect.objectContaining({ expr: sloStatusAllServices(), instant: true, range: false })]);
    expectValidPromQL(sloStatusAllServices());
    expect(sloStatusAllServices()).toBe(
      'pivot_slo:error_budget:remaining or ALERTS{alertname="PivotSLOBurnRate", alertstate="firing"}'
    );

    const without = installFakeGrafana(() => ({ frames: statFrames() }));
    renderInGrafana(<EmbeddedSceneView scene={buildServicesScene(pivotContext({ ...configured, slos: [] }))} />);
    await waitFor(() => expect(without.filter((r) => r.uid === PROMETHEUS.uid)).toHaveLength(2));
    expect(without[0].request.targets.map((t) => t.refId)).not.toContain(SLO_STATUS_REF);
  });

  it("shows each service's worst SLO: firing, ok, not recorded, or no SLO", async () => {
    installFakeGrafana(() => ({ frames: [...statFrames(), ...sloFrames()] }));
    renderInGrafana(<EmbeddedSceneView scene={buildServicesScene(pivotContext(configured))} />);
    await screen.findByTestId(testIds.services.table);

    const checkout = within(cell('checkout'));
    expect(checkout.getByRole('link', { name: 'checkout-latency' })).toHaveAttribute(
      'href',
      `${PLUGIN_BASE_URL}/slos/checkout-latency?from=now-1h&to=now`
    );
    expect(cell('checkout')).toHaveTextContent('firing: critical');
    expect(cell('checkout')).toHaveTextContent('99% objective, -25.0% of the budget left (worst of 2)');

    // A pending alert is not firing.
    expect(cell('cart')).toHaveTextContent('cart-availabilityok');
    expect(cell('cart')).toHaveTextContent('99.5% objective, 75.0% of the budget left');
    expect(cell('cart')).not.toHaveTextContent('firing');

    expect(within(cell(HOSTILE)).getByRole('link', { name: 'hostile.slo' })).toBeInTheDocument();
    expect(cell(HOSTILE)).toHaveTextContent(
      '99% objective, no status recorded: load the Prometheus rules from its SLO page'
    );
    expect(cell('search')).toHaveTextContent(/^no SLO$/);
  });

  it('sorts by SLO: firing first, then least budget left, services without a known status last', async () => {
    installFakeGrafana(() => ({ frames: [...statFrames(), ...sloFrames()] }));
    const scene = buildServicesScene(pivotContext(configured));
    renderInGrafana(<EmbeddedSceneView scene={scene} />);
    await screen.findByTestId(testIds.services.table);

    act(() => screen.getByTestId(testIds.services.sortBy('slo')).click());
    expect(table(scene).getUrlState()).toMatchObject({ sort: 'slo-desc' });
    const row = testIds.services.row;
    await waitFor(() => expect(order()).toEqual([row('checkout'), row('cart'), row(HOSTILE), row('search')]));

    act(() => screen.getByTestId(testIds.services.sortBy('slo')).click());
    await waitFor(() => expect(order()).toEqual([row('cart'), row('checkout'), row(HOSTILE), row('search')]));
    expect(table(scene).getUrlState()).toMatchObject({ sort: 'slo-asc' });
  });

  it('says the status is unknown when the SLO query failed, and keeps the statistics', async () => {
    installFakeGrafana((_ds, request) =>
      request.targets.some((t) => t.refId === SLO_STATUS_REF)
        ? { error: 'query timed out', refId: SLO_STATUS_REF, frames: statFrames() }
        : { frames: statFrames() }
    );
    renderInGrafana(<EmbeddedSceneView scene={buildServicesScene(pivotContext(configured))} />);
    await screen.findByTestId(testIds.services.table);
    expect(screen.getByTestId(testIds.states.problem)).toHaveTextContent('query timed out');
    expect(cell('checkout')).toHaveTextContent('checkout-availability status unknown');
    expect(cell('search')).toHaveTextContent('no SLO');
    expect(screen.getAllByTestId(/pivot-services-row /)).toHaveLength(4);
  });

  it('is empty, not a table of SLOs, when the statistics are', async () => {
    installFakeGrafana(() => ({ frames: sloFrames() }));
    renderInGrafana(<EmbeddedSceneView scene={buildServicesScene(pivotContext(configured))} />);
    expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent('No requests for any service');
  });
});

function EmbeddedSceneView({ scene }: { scene: EmbeddedScene }) {
  return <scene.Component model={scene} />;
}
