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
import { SERVICES_PAGE_SIZE, sparklineQuery } from './sparklines';
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
import { goUnquote } from '../../testing/goUnquote';

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

  it('asks Prometheus one query per statistic for all services, in one request, then the sparklines of the rows shown', async () => {
    const requests = installFakeGrafana(() => servicesAnswer());
    await renderScene(buildServicesScene(pivotContext(configured)));
    await screen.findByTestId(testIds.services.table);

    const conv = metricConventionsFor(normalizeSettings(configured), 'tempo-spanmetrics');
    await waitFor(() => expect(prometheusRequests(requests)).toHaveLength(2));
    const sent = prometheusRequests(requests);
    const { targets } = sent[0].request;
    // The sparklines: one range query naming the rows shown, worst error ratio first.
    expect(sent[1].request.maxDataPoints).toBe(SPARKLINE_POINTS);
    expect(sent[1].request.targets).toEqual([
      expect.objectContaining(sparklineQuery(conv, false, ['payments', 'checkout', 'cart'])),
    ]);
    expectValidPromQL(String((sent[1].request.targets[0] as { expr?: string }).expr));
    expect(targets).toEqual(
      servicesQueries(conv).map((q) =>
        expect.objectContaining({ refId: q.refId, expr: q.expr, instant: q.instant, range: q.range })
      )
    );
    expect(targets.map((t) => t.refId)).toEqual([R.requestRate, R.errorRatio, R.p95, 'consumerRate', 'consumerErrors']);
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
      installFakeGrafana((_ds, request) => {
        if (request.targets.every((t) => t.refId === R.sparkline)) {
          return servicesAnswer();
        }
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

      await waitFor(() => expect(prometheusRequests(requests)).toHaveLength(3));
      const sent = prometheusRequests(requests);
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
      expect(sent[2].request.targets.map((t) => ('expr' in t ? t.expr : ''))).toEqual([
        sparklineQuery(conv, false, ['payments', 'checkout', 'cart']).expr,
      ]);
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

  describe('sparklines of the rows shown only', () => {
    // 120 services: hostile names (regex and PromQL metacharacters, Grafana variable syntax)
    // among the worst, and look-alikes that an unescaped pattern would match among the rest.
    const hostile = ['a.b', 'pay$ments', 'x|y', 'q"uote\\', '$__range', '[[v]]', '(g)+'];
    const lookAlikes = ['axb', 'pay', 'x', 'y', 'gg', 'g'];
    const names = [
      ...hostile,
      ...Array.from(
        { length: 120 - hostile.length - lookAlikes.length },
        (_, i) => `svc-${String(i).padStart(3, '0')}`
      ),
      ...lookAlikes,
    ];
    // Worst error ratio first in the order above: the hostile names are in the first page, the look-alikes last.
    const ratio = (i: number) => (names.length - i) / 1000;
    const frames = names.flatMap((name, i) => [
      promSeries(R.requestRate, { service: name }, [[T, i + 1]]),
      promSeries(R.errorRatio, { service: name }, [[T, ratio(i)]]),
    ]);
    const conv = metricConventionsFor(normalizeSettings(configured), 'tempo-spanmetrics');

    /** The services a sparkline request's `=~` pattern matches among all names, as Prometheus decodes and anchors it. */
    function matched(expr: string): string[] {
      const literal = /service=~("(?:[^"\\]|\\.)*")/.exec(expr)?.[1];
      if (!literal) {
        throw new Error(`no service matcher in ${expr}`);
      }
      const pattern = new RegExp(`^(?:${goUnquote(literal)})$`);
      return names.filter((n) => pattern.test(n));
    }

    function sparklineExprs(requests: RecordedRequest[]): string[] {
      return prometheusRequests(requests)
        .filter((r) => r.request.targets.every((t) => t.refId === R.sparkline))
        .map((r) => String((r.request.targets[0] as { expr?: string }).expr));
    }

    function shownRows(): string[] {
      return screen
        .getAllByTestId(/pivot-services-row /)
        .map((r) => (r.getAttribute('data-testid') ?? '').replace(testIds.services.row(''), ''));
    }

    it('names exactly the visible services, and follows paging, sorting and searching', async () => {
      const requests = installFakeGrafana((_ds, request) =>
        request.targets.every((t) => t.refId === R.sparkline) ? { frames: [] } : { frames }
      );
      const scene = buildServicesScene(pivotContext(configured));
      await renderScene(scene);
      await screen.findByTestId(testIds.services.table);
      const t = table(scene);

      const expectLast = async (services: string[]) => {
        await waitFor(() => expect(sparklineExprs(requests).at(-1)).toBe(sparklineQuery(conv, false, services).expr));
        const expr = sparklineExprs(requests).at(-1) ?? '';
        expectValidPromQL(expr);
        expect(matched(expr)).toEqual([...services].sort((a, b) => names.indexOf(a) - names.indexOf(b)));
        await waitFor(() => expect(shownRows()).toEqual(services));
      };

      // Worst error ratio first: the first page, hostile names included, look-alikes not.
      await expectLast(names.slice(0, SERVICES_PAGE_SIZE));
      expect(screen.getByText(`Showing ${SERVICES_PAGE_SIZE} of 120 services.`)).toBeInTheDocument();

      act(() => t.onShowMore());
      await expectLast(names.slice(0, 2 * SERVICES_PAGE_SIZE));
      expect(screen.getByRole('button', { name: 'Show 20 more' })).toBeInTheDocument();

      act(() => t.onSort('requestRate'));
      await expectLast([...names].reverse().slice(0, 2 * SERVICES_PAGE_SIZE));

      act(() => t.onSearch('svc-01'));
      await expectLast(names.filter((n) => n.startsWith('svc-01')).reverse());
      expect(screen.queryByText(/Showing/)).toBeNull();
      // One sparkline request per change of the rows shown, and no other.
      expect(sparklineExprs(requests)).toHaveLength(4);
    });

    it('says so when the sparklines fail, and keeps the table', async () => {
      installFakeGrafana((_ds, request) =>
        request.targets.every((t) => t.refId === R.sparkline) ? { error: 'too many samples' } : { frames }
      );
      await renderScene(buildServicesScene(pivotContext(configured)));
      const problem = await screen.findByTestId(testIds.states.problem);
      expect(problem).toHaveTextContent('Prometheus could not load the request-rate sparklines');
      expect(problem).toHaveTextContent('too many samples');
      expect(shownRows()).toHaveLength(SERVICES_PAGE_SIZE);
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
