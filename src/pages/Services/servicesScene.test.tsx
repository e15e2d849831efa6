import React from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { DataFrame, DataQueryRequest, dateTime } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { metricConventionsFor, normalizeSettings } from '../../settings';
import { prometheusProbeQueries } from '../../datasources/probes';
import { METRIC_FAMILY_LIST, promql } from '../../datasources';
import { expectValidPromQL } from '../../testing/grammar';
import { PLUGIN_BASE_URL } from '../../constants';
import { SERVICE_STAT_REFS as R, SortKey } from './serviceRows';
import { ServicesTable } from './ServicesTable';
import { buildServicesScene, servicesQueries, SPARKLINE_POINTS } from './servicesScene';
import { SERVICES_PAGE_SIZE, sparklineQuery } from './sparklines';
import { listStats, rowDetailsQueries, SERVICE_STATS } from './pageRequests';
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

/** The second request: the details of the rows shown (it alone asks the sparklines). */
function isDetails(request: DataQueryRequest): boolean {
  return request.targets.some((t) => t.refId === R.sparkline);
}

function detailRequests(requests: RecordedRequest[]) {
  return prometheusRequests(requests).filter((r) => isDetails(r.request));
}

function listRequests(requests: RecordedRequest[]) {
  return prometheusRequests(requests).filter((r) => !isDetails(r.request));
}

function exprs(request: DataQueryRequest): string[] {
  return request.targets.map((t) => ('expr' in t ? String(t.expr) : ''));
}

/** The frames of `frames` a request asked for (by refId), as Prometheus answers only what it is asked. */
function asked(frames: DataFrame[], request: DataQueryRequest): DataFrame[] {
  const refs = request.targets.map((t) => t.refId);
  return frames.filter((f) => f.refId !== undefined && refs.includes(f.refId));
}

describe('Services page', () => {
  const configured = { metrics: { family: 'tempo-spanmetrics' as const } };

  it('asks every service only what lists and orders them (request rate, worst error ratio), then the latency and sparklines of the rows shown', async () => {
    const requests = installFakeGrafana((_ds, request) => ({ frames: asked(servicesFrames(), request) }));
    await renderScene(buildServicesScene(pivotContext(configured)));
    await screen.findByTestId(testIds.services.table);

    const conv = metricConventionsFor(normalizeSettings(configured), 'tempo-spanmetrics');
    await waitFor(() => expect(prometheusRequests(requests)).toHaveLength(2));
    const sent = prometheusRequests(requests);
    const { targets } = sent[0].request;
    expect(targets).toEqual(
      servicesQueries(conv).map((q) =>
        expect.objectContaining({ refId: q.refId, expr: q.expr, instant: q.instant, range: q.range })
      )
    );
    // No latency for every service: the default order needs the request rate (the list) and the error ratio.
    expect(targets.map((t) => t.refId)).toEqual([R.requestRate, R.errorRatio, 'consumerRate', 'consumerErrors']);
    for (const target of targets) {
      const expr = 'expr' in target ? String(target.expr) : '';
      expectValidPromQL(expr);
      // All services at once: grouped by the service label, never filtered to one service.
      expect(expr).toMatch(/by \((le, )?service\)/);
      expect(expr).not.toMatch(/service=~?"/);
    }
    expect(targets.find((t) => t.refId === R.requestRate)).toMatchObject({
      expr: promql.requestRate(conv, { window: '$__range' }),
    });
    // The second request: the latency and the sparklines of the rows shown, worst error ratio first.
    const shown = ['payments', 'checkout', 'cart'];
    expect(sent[1].request.maxDataPoints).toBe(SPARKLINE_POINTS);
    expect(sent[1].request.targets).toEqual(
      rowDetailsQueries(conv, false, '$__range', [R.requestRate, R.errorRatio], shown).map((q) =>
        expect.objectContaining(q)
      )
    );
    expect(sent[1].request.targets.map((t) => t.refId)).toEqual([R.p95, R.sparkline]);
    expect(exprs(sent[1].request)[0]).toBe(
      promql.latencyQuantile(conv, { window: '$__range', quantile: 0.95, services: shown })
    );
    expect(exprs(sent[1].request)[1]).toBe(sparklineQuery(conv, false, shown).expr);
    exprs(sent[1].request).forEach(expectValidPromQL);
  });

  it.each(['service', 'requestRate', 'errorRatio', 'p95', 'slo'] as SortKey[])(
    'asks every service the list and the sort column only, raw and recorded: sorted by %s',
    (sort) => {
      const conv = metricConventionsFor(normalizeSettings(configured), 'tempo-spanmetrics');
      const raw = servicesQueries(conv, false, false, { sort }).map((q) => q.refId);
      const recorded = servicesQueries(conv, false, true, { sort }).map((q) => q.refId);
      const expected = (list: string) => SERVICE_STATS.filter((s) => s === list || s === sort);
      expect(raw).toEqual([...expected(R.requestRate), 'consumerRate', 'consumerErrors']);
      expect(recorded).toEqual(expected(R.errorRatio));
      expect(listStats(sort, false)).toEqual(expected(R.requestRate));
      // The second request asks the rest, for the rows shown.
      const details = rowDetailsQueries(conv, true, '$__range', recorded, ['a']).map((q) => q.refId);
      expect([...recorded, ...details].sort()).toEqual([...SERVICE_STATS, R.sparkline].sort());
    }
  );

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
        if (isDetails(request)) {
          return { frames: asked(servicesFrames(), request) };
        }
        const frames = asked(servicesFrames(), request).filter((f) => f.refId !== R.errorRatio);
        return { error: 'query timed out', refId: R.errorRatio, frames };
      });
      await renderScene(buildServicesScene(pivotContext(configured)));
      expect(await screen.findByTestId(testIds.services.table)).toBeInTheDocument();
      expect(screen.getByTestId(testIds.states.problem)).toHaveTextContent('query timed out');
      // The error ratio is unknown (not 0) for every service, the rest of the rows answered.
      const checkout = within(screen.getByTestId(testIds.services.row('checkout')));
      await waitFor(() => expect(checkout.getByText('250 ms')).toBeInTheDocument());
      expect(checkout.queryByText('0%')).toBeNull();
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
        'service-graph:recorded',
      ]);
      const conv = metricConventionsFor(normalizeSettings({}), 'otel-spanmetrics');
      expect(sent[1].request.targets.map((t) => ('expr' in t ? t.expr : ''))).toEqual(
        servicesQueries(conv).map((q) => q.expr)
      );
      expect(screen.getByTestId(testIds.services.metricFamily)).toHaveTextContent(
        'OpenTelemetry Collector spanmetrics connector (detected'
      );
      expect(screen.getAllByTestId(/pivot-services-row /)).toHaveLength(3);
      expect(exprs(sent[2].request)).toEqual(
        rowDetailsQueries(conv, false, '$__range', [R.requestRate, R.errorRatio], ['payments', 'checkout', 'cart']).map(
          (q) => q.expr
        )
      );
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

  describe('details of the rows shown only', () => {
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

    /** The services a query's `=~` pattern matches among all names, as Prometheus decodes and anchors it. */
    function matched(expr: string): string[] {
      const literals = [...expr.matchAll(/service=~("(?:[^"\\]|\\.)*")/g)].map((m) => m[1]);
      if (literals.length === 0) {
        throw new Error(`no service matcher in ${expr}`);
      }
      // Every selector of the query names the same services.
      expect(new Set(literals).size).toBe(1);
      const pattern = new RegExp(`^(?:${goUnquote(literals[0])})$`);
      return names.filter((n) => pattern.test(n));
    }

    function shownRows(): string[] {
      return screen
        .getAllByTestId(/pivot-services-row /)
        .map((r) => (r.getAttribute('data-testid') ?? '').replace(testIds.services.row(''), ''));
    }

    it('names exactly the rows shown that have no details yet, and follows searching, paging and sorting', async () => {
      const requests = installFakeGrafana((_ds, request) => (isDetails(request) ? { frames: [] } : { frames }));
      const scene = buildServicesScene(pivotContext(configured));
      await renderScene(scene);
      await screen.findByTestId(testIds.services.table);
      const t = table(scene);
      const inOrder = (services: string[]) => [...services].sort((a, b) => names.indexOf(a) - names.indexOf(b));

      const expectAsked = async (count: number, services: string[], shown: string[]) => {
        await waitFor(() => expect(detailRequests(requests)).toHaveLength(count));
        const last = detailRequests(requests).at(-1)!.request;
        expect(exprs(last)).toEqual(
          rowDetailsQueries(conv, false, '$__range', [R.requestRate, R.errorRatio], services).map((q) => q.expr)
        );
        for (const expr of exprs(last)) {
          expectValidPromQL(expr);
          expect(matched(expr)).toEqual(inOrder(services));
        }
        await waitFor(() => expect(shownRows()).toEqual(shown));
      };

      // Worst error ratio first: the first page, hostile names included, look-alikes not.
      await expectAsked(1, names.slice(0, SERVICES_PAGE_SIZE), names.slice(0, SERVICES_PAGE_SIZE));
      expect(screen.getByText(`Showing ${SERVICES_PAGE_SIZE} of 120 services.`)).toBeInTheDocument();

      // A search shows two look-alikes without details: asked, not the row already answered.
      act(() => t.onSearch('g'));
      await expectAsked(2, ['gg', 'g'], ['$__range', '(g)+', 'gg', 'g']);
      act(() => t.onSearch(''));

      act(() => t.onShowMore());
      await expectAsked(
        3,
        names.slice(SERVICES_PAGE_SIZE, 2 * SERVICES_PAGE_SIZE),
        names.slice(0, 2 * SERVICES_PAGE_SIZE)
      );
      expect(screen.getByRole('button', { name: 'Show 20 more' })).toBeInTheDocument();

      // Busiest first: the request rate is in the first request's answer (no new one); the rows
      // newly shown are asked.
      act(() => t.onSort('requestRate'));
      const busiest = [...names].reverse().slice(0, 2 * SERVICES_PAGE_SIZE);
      await expectAsked(
        4,
        busiest.filter((n) => names.indexOf(n) >= 2 * SERVICES_PAGE_SIZE && !['gg', 'g'].includes(n)),
        busiest
      );
      expect(listRequests(requests)).toHaveLength(1);

      // Rows that all have their details: nothing more is asked.
      act(() => t.onSearch('svc-01'));
      await waitFor(() => expect(shownRows()).toEqual(names.filter((n) => n.startsWith('svc-01')).reverse()));
      expect(screen.queryByText(/Showing/)).toBeNull();
      expect(detailRequests(requests)).toHaveLength(4);
    });

    it('shows a loading cell, busy for screen readers, until the details of its row answered', async () => {
      installFakeGrafana((_ds, request) => (isDetails(request) ? 'pending' : { frames }));
      await renderScene(buildServicesScene(pivotContext(configured)));
      await screen.findByTestId(testIds.services.table);
      const row = screen.getByTestId(testIds.services.row('a.b'));
      const busy = row.querySelectorAll('td[aria-busy="true"]');
      expect(busy).toHaveLength(2);
      expect(busy[0]).toHaveTextContent('Loading p95 latency of a.b');
      expect(busy[1]).toHaveTextContent('Loading requests over time of a.b');
      // The first request's columns are there.
      expect(within(row).getByText('12%')).toBeInTheDocument();
    });

    it('says which columns failed when the details fail, shows them unknown, and keeps the table', async () => {
      installFakeGrafana((_ds, request) => (isDetails(request) ? { error: 'too many samples' } : { frames }));
      await renderScene(buildServicesScene(pivotContext(configured)));
      const problem = await screen.findByTestId(testIds.states.problem);
      expect(problem).toHaveTextContent('Prometheus could not load the latency and sparklines of the rows shown');
      expect(problem).toHaveTextContent('too many samples');
      expect(shownRows()).toHaveLength(SERVICES_PAGE_SIZE);
      const row = screen.getByTestId(testIds.services.row('a.b'));
      expect(row.querySelectorAll('[aria-busy="true"]')).toHaveLength(0);
      expect(row.querySelectorAll('td')[3]).toHaveTextContent('–');
    });

    it('asks again on return what was in flight when the page was left', async () => {
      let details: 'pending' | 'answer' = 'pending';
      const requests = installFakeGrafana((_ds, request) =>
        isDetails(request) && details === 'pending' ? 'pending' : { frames: asked(servicesFrames(), request) }
      );
      const scene = buildServicesScene(pivotContext(configured));
      const first = renderInGrafana(<scene.Component model={scene} />);
      await waitFor(() => expect(detailRequests(requests)).toHaveLength(1));
      first.unmount();
      details = 'answer';
      renderInGrafana(<scene.Component model={scene} />);
      const checkout = within(await screen.findByTestId(testIds.services.row('checkout')));
      await waitFor(() => expect(checkout.getByText('250 ms')).toBeInTheDocument());
      // The list of the same window is not asked again; the rows shown are.
      expect(listRequests(requests)).toHaveLength(1);
      expect(detailRequests(requests)).toHaveLength(2);
    });

    it('names only the columns that failed when part of the details answered', async () => {
      const sparklines = names.map((name) =>
        promSeries(
          R.sparkline,
          { service: name },
          [
            [T, 1],
            [T + 60_000, 2],
          ],
          'range'
        )
      );
      installFakeGrafana((_ds, request) =>
        isDetails(request)
          ? { error: 'query timed out', refId: R.p95, frames: sparklines.slice(0, SERVICES_PAGE_SIZE) }
          : { frames }
      );
      await renderScene(buildServicesScene(pivotContext(configured)));
      const problem = await screen.findByTestId(testIds.states.problem);
      expect(problem).toHaveTextContent('Prometheus could not load the latency of the rows shown');
      const row = screen.getByTestId(testIds.services.row('a.b'));
      expect(row.querySelectorAll('td')[3]).toHaveTextContent('–');
      expect(within(row).getByLabelText('Requests over time for a.b')).toBeInTheDocument();
    });

    const withP95 = [...frames, ...names.map((name, i) => promSeries(R.p95, { service: name }, [[T, i / 100]]))];

    it('asks every service the new sort column when it needs one, then the rest for the rows shown', async () => {
      const requests = installFakeGrafana((_ds, request) => ({ frames: asked(withP95, request) }));
      const scene = buildServicesScene(pivotContext(configured));
      await renderScene(scene);
      await screen.findByTestId(testIds.services.table);
      await waitFor(() => expect(detailRequests(requests)).toHaveLength(1));

      act(() => table(scene).onSort('p95'));
      await waitFor(() => expect(listRequests(requests)).toHaveLength(2));
      expect(listRequests(requests)[1].request.targets.map((t) => t.refId)).toEqual([
        R.requestRate,
        R.p95,
        'consumerRate',
        'consumerErrors',
      ]);
      // Slowest first, then the error ratio and sparklines of those rows.
      const slowest = [...names].reverse().slice(0, SERVICES_PAGE_SIZE);
      await waitFor(() => expect(shownRows()).toEqual(slowest));
      await waitFor(() =>
        expect(exprs(detailRequests(requests).at(-1)!.request)).toEqual(
          rowDetailsQueries(conv, false, '$__range', [R.requestRate, R.p95], slowest).map((q) => q.expr)
        )
      );
      expect(
        detailRequests(requests)
          .at(-1)!
          .request.targets.map((t) => t.refId)
      ).toEqual([R.errorRatio, R.sparkline]);
      const row = within(screen.getByTestId(testIds.services.row('g')));
      await waitFor(() => expect(row.getByText('1.19 s')).toBeInTheDocument());
      expect(row.getByText('0.100%')).toBeInTheDocument();

      // Sorting by name needs no column more: nothing is asked of every service again.
      act(() => table(scene).onSort('service'));
      await waitFor(() => expect(shownRows()[0]).toBe('$__range'));
      expect(listRequests(requests)).toHaveLength(2);
    });

    it('shows the sort column loading in every row while every service is asked it', async () => {
      let list: 'answer' | 'pending' = 'answer';
      const requests = installFakeGrafana((_ds, request) =>
        !isDetails(request) && list === 'pending' ? 'pending' : { frames: asked(withP95, request) }
      );
      const scene = buildServicesScene(pivotContext(configured));
      await renderScene(scene);
      await screen.findByTestId(testIds.services.table);
      await waitFor(() => expect(detailRequests(requests)).toHaveLength(1));
      list = 'pending';
      act(() => table(scene).onSort('p95'));
      await waitFor(() => expect(listRequests(requests)).toHaveLength(2));
      for (const service of shownRows()) {
        const busy = screen.getByTestId(testIds.services.row(service)).querySelector('td[aria-busy="true"]');
        expect(busy).toHaveTextContent(`Loading p95 latency of ${service}`);
      }
      // No details are asked for rows whose order is not known yet.
      expect(detailRequests(requests)).toHaveLength(1);
    });

    it('never shows a value of another time range: the list is asked again, its rows loading until their details answer', async () => {
      let phase: 'first' | 'pending' | 'second' = 'first';
      const first = [
        promSeries(R.requestRate, { service: 'checkout' }, [[T, 10]]),
        promSeries(R.errorRatio, { service: 'checkout' }, [[T, 0.05]]),
        promSeries(R.p95, { service: 'checkout' }, [[T, 0.25]]),
      ];
      const second = [
        promSeries(R.requestRate, { service: 'checkout' }, [[T, 20]]),
        promSeries(R.errorRatio, { service: 'checkout' }, [[T, 0.5]]),
      ];
      const requests = installFakeGrafana((_ds, request) => {
        if (phase === 'first') {
          return { frames: asked(first, request) };
        }
        if (phase === 'pending' || isDetails(request)) {
          return 'pending';
        }
        return { frames: asked(second, request) };
      });
      const scene = buildServicesScene(pivotContext(configured));
      await renderScene(scene);
      const checkout = () => within(screen.getByTestId(testIds.services.row('checkout')));
      await waitFor(() => expect(checkout().getByText('250 ms')).toBeInTheDocument());
      const timeRange = sceneGraph.getTimeRange(scene);
      const setRange = (hours: number) =>
        act(() =>
          timeRange.onTimeRangeChange({
            from: dateTime(T - hours * 3_600_000),
            to: dateTime(T),
            raw: { from: `now-${hours}h`, to: 'now' },
          })
        );

      // The list of the new window is awaited: the page says so, with no row of the old one.
      phase = 'pending';
      setRange(2);
      expect(await screen.findByText('Loading services from Prometheus…')).toBeInTheDocument();
      expect(screen.queryByText('250 ms')).toBeNull();

      // The new window's list answers, its details are awaited: no latency of the old window.
      phase = 'second';
      setRange(3);
      await waitFor(() => expect(checkout().getByText('50%')).toBeInTheDocument());
      expect(screen.queryByText('250 ms')).toBeNull();
      expect(
        checkout()
          .getAllByText(/^Loading/)
          .map((e) => e.textContent)
      ).toEqual(['Loading p95 latency of checkout', 'Loading requests over time of checkout']);
      // One list request per window, each with the queries of its own window, and the details of the last.
      const hours = (r: RecordedRequest) => (r.request.range.to.valueOf() - r.request.range.from.valueOf()) / 3_600_000;
      expect(listRequests(requests).map(hours)).toEqual([1, 2, 3]);
      await waitFor(() => expect(detailRequests(requests).map(hours)).toEqual([1, 3]));
    });
  });

  it('the refresh button asks an absolute range again, the list and the rows; a relative one once', async () => {
    const requests = installFakeGrafana((_ds, request) => ({ frames: asked(servicesFrames(), request) }));
    const scene = buildServicesScene(pivotContext(configured));
    await renderScene(scene);
    await screen.findByTestId(testIds.services.table);
    const timeRange = sceneGraph.getTimeRange(scene);
    const from = dateTime(T - 3_600_000);
    const to = dateTime(T);
    act(() => timeRange.onTimeRangeChange({ from, to, raw: { from, to } }));
    await waitFor(() => expect(detailRequests(requests)).toHaveLength(2));
    expect(listRequests(requests)).toHaveLength(2);

    act(() => timeRange.onRefresh());
    await waitFor(() => expect(detailRequests(requests)).toHaveLength(3));
    expect(listRequests(requests)).toHaveLength(3);
    const [, second, third] = listRequests(requests);
    expect(third.request.range.from.valueOf()).toBe(second.request.range.from.valueOf());
    expect(exprs(third.request)).toEqual(exprs(second.request));

    // A relative range moves on with the refresh: asked once, not twice.
    act(() => timeRange.onTimeRangeChange({ from, to, raw: { from: 'now-1h', to: 'now' } }));
    await waitFor(() => expect(listRequests(requests)).toHaveLength(4));
    await waitFor(() => expect(detailRequests(requests)).toHaveLength(4));
    act(() => timeRange.onRefresh());
    await waitFor(() => expect(listRequests(requests)).toHaveLength(5));
    await waitFor(() => expect(detailRequests(requests)).toHaveLength(5));
    expect(listRequests(requests)).toHaveLength(5);
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
