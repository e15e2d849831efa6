import React from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { DataFrame } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { metricConventionsFor, normalizeSettings } from '../../settings';
import { prometheusProbeQueries } from '../../datasources/probes';
import { METRIC_FAMILY_LIST, promql } from '../../datasources';
import { expectValidPromQL } from '../../testing/grammar';
import { PLUGIN_BASE_URL } from '../../constants';
import { SERVICE_STAT_REFS as R } from './serviceRows';
import { ServicesTable } from './ServicesTable';
import { buildServicesScene, servicesQueries, SPARKLINE_POINTS } from './servicesScene';
import {
  Answer,
  installFakeGrafana,
  renderInGrafana,
  pivotContext,
  PROMETHEUS,
  RecordedRequest,
  Responder,
} from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';

const T = 1_700_000_000_000;

/** Prometheus frames for three services, as the four statistics' queries return them. */
function servicesAnswer(label = 'service'): Answer {
  return { frames: servicesFrames(label) };
}

function servicesFrames(label = 'service'): DataFrame[] {
  return [
    promSeries(R.requestRate, { [label]: 'checkout' }, [[T, 10]]),
    promSeries(R.requestRate, { [label]: 'cart' }, [[T, 4]]),
    promSeries(R.requestRate, { [label]: 'payments' }, [[T, 2]]),
    promSeries(R.errorRatio, { [label]: 'checkout' }, [[T, 0.05]]),
    promSeries(R.errorRatio, { [label]: 'cart' }, [[T, 0]]),
    promSeries(R.errorRatio, { [label]: 'payments' }, [[T, 0.5]]),
    promSeries(R.p95, { [label]: 'checkout' }, [[T, 0.25]]),
    promSeries(
      R.sparkline,
      { [label]: 'checkout' },
      [
        [T, 8],
        [T + 60_000, 12],
      ],
      'range'
    ),
  ];
}

async function renderScene(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

function table(scene: EmbeddedScene): ServicesTable {
  const found = sceneGraph.findObject(scene, (o) => o instanceof ServicesTable);
  if (!(found instanceof ServicesTable)) {
    throw new Error('no services table in the scene');
  }
  return found;
}

function prometheusRequests(requests: RecordedRequest[]) {
  return requests.filter((r) => r.uid === PROMETHEUS.uid);
}

describe('Services page', () => {
  const configured = { metrics: { family: 'tempo-spanmetrics' as const } };

  it('asks Prometheus one query per statistic for all services, in one request', async () => {
    const requests = installFakeGrafana(() => servicesAnswer());
    await renderScene(buildServicesScene(pivotContext(configured)));
    await screen.findByTestId(testIds.services.table);

    const sent = prometheusRequests(requests);
    expect(sent).toHaveLength(1);
    const { targets, maxDataPoints } = sent[0].request;
    const conv = metricConventionsFor(normalizeSettings(configured), 'tempo-spanmetrics');
    expect(targets).toEqual(
      servicesQueries(conv).map((q) =>
        expect.objectContaining({ refId: q.refId, expr: q.expr, instant: q.instant, range: q.range })
      )
    );
    expect(targets.map((t) => t.refId)).toEqual([
      R.requestRate,
      R.errorRatio,
      R.p95,
      R.sparkline,
      'consumerRate',
      'consumerErrors',
    ]);
    expect(maxDataPoints).toBe(SPARKLINE_POINTS);
    for (const target of targets) {
      const expr = 'expr' in target ? String(target.expr) : '';
      expectValidPromQL(expr);
      // All services at once: grouped by the service label, never filtered to one service.
      expect(expr).toMatch(/by \((le, )?service\)/);
      expect(expr).not.toMatch(/service="/);
    }
    expect(targets.find((t) => t.refId === R.requestRate)).toMatchObject({
      expr: promql.requestRate(conv, { window: '$__range' }),
    });
  });

  it('shows one row per service, worst error ratio first, each opening its Service page in the same window', async () => {
    installFakeGrafana(() => servicesAnswer());
    await renderScene(buildServicesScene(pivotContext(configured)));
    const rows = await screen.findAllByTestId(/pivot-services-row /);
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual([
      testIds.services.row('payments'),
      testIds.services.row('checkout'),
      testIds.services.row('cart'),
    ]);
    const checkout = within(screen.getByTestId(testIds.services.row('checkout')));
    expect(checkout.getByRole('link', { name: 'checkout' })).toHaveAttribute(
      'href',
      `${PLUGIN_BASE_URL}/services/checkout?from=now-1h&to=now`
    );
    expect(checkout.getByText('5%')).toBeInTheDocument();
    expect(checkout.getByText('250 ms')).toBeInTheDocument();
    expect(checkout.getByLabelText('Requests over time for checkout')).toBeInTheDocument();
  });

  it('sorts and searches from its state, and writes both to the URL keys', async () => {
    installFakeGrafana(() => servicesAnswer());
    const scene = buildServicesScene(pivotContext(configured));
    await renderScene(scene);
    await screen.findByTestId(testIds.services.table);
    const t = table(scene);

    act(() => t.updateFromUrl({ search: 'C', sort: 'requestRate-asc' }));
    await waitFor(() =>
      expect(screen.getAllByTestId(/pivot-services-row /).map((r) => r.getAttribute('data-testid'))).toEqual([
        testIds.services.row('cart'),
        testIds.services.row('checkout'),
      ])
    );
    expect(t.getUrlState()).toEqual({ search: 'C', sort: 'requestRate-asc' });

    act(() => t.onSort('requestRate'));
    expect(t.getUrlState()).toEqual({ search: 'C', sort: 'requestRate-desc' });
    // The default order is left out of the URL; an unknown sort reads as the default.
    act(() => t.updateFromUrl({ search: undefined, sort: 'nonsense' }));
    expect(t.getUrlState()).toEqual({ search: undefined, sort: undefined });
    expect(t.state.sort).toBe('errorRatio-desc');
  });

  it('says so when no service matches the search', async () => {
    installFakeGrafana(() => servicesAnswer());
    const scene = buildServicesScene(pivotContext(configured));
    await renderScene(scene);
    await screen.findByTestId(testIds.services.table);
    act(() => table(scene).onSearch('zzz'));
    expect(await screen.findByText('No service matches "zzz".')).toBeInTheDocument();
  });

  describe('states', () => {
    it('is loading until Prometheus answers', async () => {
      installFakeGrafana(() => 'pending');
      await renderScene(buildServicesScene(pivotContext(configured)));
      expect(await screen.findByText('Loading services from Prometheus…')).toBeInTheDocument();
    });

    it('names the family and what to check when there is no data', async () => {
      installFakeGrafana(() => ({ frames: [] }));
      await renderScene(buildServicesScene(pivotContext(configured)));
      const empty = await screen.findByTestId(testIds.states.empty);
      expect(empty).toHaveTextContent(
        'No requests for any service in this window under Tempo metrics-generator span metrics: check the metric family and the service label (service) in Configuration'
      );
    });

    it("shows Prometheus' error message", async () => {
      installFakeGrafana(() => ({ error: 'bad_data: 1:1: parse error' }));
      await renderScene(buildServicesScene(pivotContext(configured)));
      const problem = await screen.findByTestId(testIds.states.problem);
      expect(problem).toHaveTextContent('Prometheus could not load the services');
      expect(problem).toHaveTextContent('bad_data: 1:1: parse error');
    });

    it('shows the rows that answered when one statistic failed, and says which', async () => {
      installFakeGrafana(() => {
        const frames = servicesFrames().filter((f) => f.refId !== R.p95);
        return { error: 'query timed out', refId: R.p95, frames };
      });
      await renderScene(buildServicesScene(pivotContext(configured)));
      expect(await screen.findByTestId(testIds.services.table)).toBeInTheDocument();
      expect(screen.getByTestId(testIds.states.problem)).toHaveTextContent('query timed out');
    });

    it('shows the data source problem and sends nothing when Prometheus is missing', async () => {
      const requests = installFakeGrafana(() => servicesAnswer());
      const ctx = pivotContext({ ...configured, datasources: { prometheus: 'gone' } });
      await renderScene(buildServicesScene(ctx));
      const problem = await screen.findByTestId(testIds.states.problem);
      expect(problem).toHaveTextContent('The Prometheus data source "gone" set in Pivot\'s settings does not exist');
      expect(requests).toHaveLength(0);
    });

    it('shows the problem when the Prometheus data source is of the wrong type', async () => {
      installFakeGrafana(() => servicesAnswer());
      const ctx = pivotContext({ ...configured, datasources: { prometheus: 'pivot-loki' } });
      await renderScene(buildServicesScene(ctx));
      expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent(
        'is of type "loki", not "prometheus"'
      );
    });
  });

  describe('metric family auto', () => {
    const probeAnswer =
      (family: string): Responder =>
      (_ds, request) =>
        request.targets.some((t) => t.refId.endsWith(':all'))
          ? { frames: [promSeries(`${family}:all`, {}, [[T, 30]]), promSeries(`${family}:server`, {}, [[T, 10]])] }
          : servicesAnswer('service_name');

    it('detects the family with one probe request at load, says so, and queries with it', async () => {
      const requests = installFakeGrafana(probeAnswer('otel-spanmetrics'));
      await renderScene(buildServicesScene(pivotContext({ metrics: { family: 'auto' } })));
      await screen.findByTestId(testIds.services.table);

      const sent = prometheusRequests(requests);
      expect(sent).toHaveLength(2);
      // The family probe, and whether each family's recorded RED series exist, in one request.
      expect(sent[0].request.targets.map((t) => t.refId)).toEqual([
        ...prometheusProbeQueries().map((q) => q.refId),
        ...METRIC_FAMILY_LIST.map((f) => `${f}:recorded`),
      ]);
      const conv = metricConventionsFor(normalizeSettings({}), 'otel-spanmetrics');
      expect(sent[1].request.targets.map((t) => ('expr' in t ? t.expr : ''))).toEqual(
        servicesQueries(conv).map((q) => q.expr)
      );
      expect(screen.getByTestId(testIds.services.metricFamily)).toHaveTextContent(
        'OpenTelemetry Collector spanmetrics connector (detected'
      );
      expect(screen.getAllByTestId(/pivot-services-row /)).toHaveLength(3);
    });

    it('says no family has data when the probe finds none', async () => {
      installFakeGrafana(() => ({ frames: [] }));
      await renderScene(buildServicesScene(pivotContext({ metrics: { family: 'auto' } })));
      expect(await screen.findByTestId(testIds.states.empty)).toHaveTextContent(
        'No requests under any metric family in the last hour'
      );
    });

    it('says the probe failed, with its message', async () => {
      installFakeGrafana(() => ({ error: 'connection refused' }));
      await renderScene(buildServicesScene(pivotContext({ metrics: { family: 'auto' } })));
      expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('connection refused');
    });
  });

  it('builds valid all-services queries for every metric family', () => {
    for (const family of METRIC_FAMILY_LIST) {
      const conv = metricConventionsFor(normalizeSettings({}), family);
      for (const q of servicesQueries(conv)) {
        expectValidPromQL(q.expr);
        expect(q.expr).toMatch(new RegExp(`by \\((le, )?${conv.serviceLabel}\\)`));
      }
    }
  });
});
