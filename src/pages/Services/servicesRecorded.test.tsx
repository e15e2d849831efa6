import React from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { DataQueryRequest, dateTime } from '@grafana/data';
import { EmbeddedScene, sceneGraph } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { metricConventionsFor, normalizeSettings } from '../../settings';
import { RED_LONG_WINDOW, redLongSeriesNames, redSeriesNames } from '../../datasources/redSeries';
import { familyProbe } from '../../scenes/familyProbe';
import { expectValidPromQL } from '../../testing/grammar';
import { SERVICE_STAT_REFS as R } from './serviceRows';
import { buildServicesScene, servicesQueries } from './servicesScene';
import { sparklineQuery } from './sparklines';
import { rowDetailsQueries } from './pageRequests';
import { installFakeGrafana, renderInGrafana, pivotContext, PROMETHEUS, Responder } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';

const T = 1_700_000_000_000;
const SETTINGS = { metrics: { family: 'otel-spanmetrics' as const } };
const CONV = metricConventionsFor(normalizeSettings(SETTINGS), 'otel-spanmetrics');

/** The probe answers `recordedServices` for the family's recorded series; the page's queries one service each. */
function answers(recordedServices: number): Responder {
  return (_ds, request) =>
    request.targets.some((t) => t.refId === 'otel-spanmetrics:recorded')
      ? { frames: recordedServices > 0 ? [promSeries('otel-spanmetrics:recorded', {}, [[T, recordedServices]])] : [] }
      : { frames: asked(request) };
}

/** Checkout's statistics, those a request asked (by refId). */
function asked(request: DataQueryRequest) {
  const refs = request.targets.map((t) => t.refId);
  return [
    promSeries(R.requestRate, { service_name: 'checkout' }, [[T, 10]]),
    promSeries(R.errorRatio, { service_name: 'checkout' }, [[T, 0.1]]),
    promSeries(R.p95, { service_name: 'checkout' }, [[T, 0.25]]),
    promSeries(
      R.sparkline,
      { service_name: 'checkout' },
      [
        [T, 1],
        [T + 60_000, 2],
      ],
      'range'
    ),
  ].filter((f) => refs.includes(f.refId ?? ''));
}

/** The raw page: the list (request rate, worst error ratio), then the rest of the row shown. */
const RAW_PAGE = [
  servicesQueries(CONV).map((q) => q.expr),
  rowDetailsQueries(CONV, false, '$__range', [R.requestRate, R.errorRatio], ['checkout']).map((q) => q.expr),
];

async function renderScene(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

function pageExprs(requests: ReturnType<typeof installFakeGrafana>): string[][] {
  return requests
    .filter((r) => r.uid === PROMETHEUS.uid && !r.request.requestId.startsWith('pivot-family'))
    .map((r) => r.request.targets.map((t) => ('expr' in t ? String(t.expr) : '')));
}

describe('Services page on recorded RED series', () => {
  it('reads the recorded series when the app’s probe found them, the hour as one recorded sample, and asks the probe once per app load', async () => {
    const requests = installFakeGrafana(answers(3));
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    // What the app does as it loads (src/app/App.tsx).
    await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
    await renderScene(buildServicesScene(ctx));
    await screen.findByTestId(testIds.services.table);
    expect(screen.getByTestId(testIds.services.metricFamily)).toHaveTextContent("read from Pivot's recording rules");
    // The default range is 1 hour: the recorded error ratio over the hour lists every service alone.
    const list = servicesQueries(CONV, false, true, { window: RED_LONG_WINDOW }).map((q) => q.expr);
    const details = rowDetailsQueries(CONV, true, RED_LONG_WINDOW, [R.errorRatio], ['checkout']).map((q) => q.expr);
    await waitFor(() => expect(pageExprs(requests)).toEqual([list, details]));
    const long = redLongSeriesNames(CONV);
    expect(list).toEqual([`sum by (service_name) (${long.errorRatio})`]);
    expect(details).toEqual([
      `sum by (service_name) (${long.requests}{service_name=~"checkout"})`,
      `sum by (service_name) (${long.latencyQuantile}{service_name=~"checkout"}) / 1000`,
      sparklineQuery(CONV, true, ['checkout']).expr,
    ]);
    for (const expr of [...list, ...details]) {
      expectValidPromQL(expr);
      // No raw series and no subquery: each statistic is one recorded sample per service.
      expect(expr).not.toContain('traces_span_metrics_calls_total');
      expect(expr).not.toContain('traces_span_metrics_duration_milliseconds_bucket{');
      expect(expr).not.toContain(':5m]');
    }
    expect(details[2]).toBe(`sum by (service_name) (${redSeriesNames(CONV).requests}{service_name=~"checkout"})`);
    const checkout = within(screen.getByTestId(testIds.services.row('checkout')));
    await waitFor(() => expect(checkout.getByText('250 ms')).toBeInTheDocument());
    expect(checkout.getByText('10%')).toBeInTheDocument();

    // A second page load in the same app: no probe, straight to the recorded queries.
    await renderScene(buildServicesScene(ctx));
    const probes = requests.filter((r) => r.request.requestId.startsWith('pivot-family'));
    expect(probes).toHaveLength(1);
    expect(probes[0].request.targets.map((t) => t.refId)).toContain('otel-spanmetrics:recorded');
    await waitFor(() => expect(pageExprs(requests)).toEqual([list, details, list, details]));
  });

  it.each([
    ['2 hours', 2 * 3_600_000, '$__range'],
    ['5 minutes', 300_000, '5m'],
  ])('reads the window of the time range: %s, one request each time it changes', async (_name, length, window) => {
    const requests = installFakeGrafana(answers(3));
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
    const scene = buildServicesScene(ctx);
    await renderScene(scene);
    await screen.findByTestId(testIds.services.table);
    await waitFor(() => expect(pageExprs(requests)).toHaveLength(2));
    act(() =>
      sceneGraph.getTimeRange(scene).onTimeRangeChange({
        from: dateTime(T - length),
        to: dateTime(T),
        raw: { from: dateTime(T - length), to: dateTime(T) },
      })
    );
    const list = servicesQueries(CONV, false, true, { window }).map((q) => q.expr);
    const details = rowDetailsQueries(CONV, true, window, [R.errorRatio], ['checkout']).map((q) => q.expr);
    // The new window's queries only: never a request with the hour's first.
    await waitFor(() => expect(pageExprs(requests).slice(2)).toEqual([list, details]));
    if (window === '$__range') {
      expect(list[0]).toContain('[$__range:5m]');
    } else {
      expect(list[0]).toContain(redSeriesNames(CONV).failed);
      expect(list[0]).not.toContain('[');
    }
    list.forEach(expectValidPromQL);
  });

  it('reads the raw series when the recording rules do not run there', async () => {
    const requests = installFakeGrafana(answers(0));
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
    await renderScene(buildServicesScene(ctx));
    await screen.findByTestId(testIds.services.table);
    await waitFor(() => expect(pageExprs(requests)).toEqual(RAW_PAGE));
    expect(screen.getByTestId(testIds.services.metricFamily)).not.toHaveTextContent('recording rules');
  });

  it('reads the raw series when the probe failed, without showing an error (the rules are an optimisation)', async () => {
    const requests = installFakeGrafana((_ds, request) =>
      request.requestId.startsWith('pivot-family') ? { error: 'timeout' } : answers(0)(_ds, request)
    );
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    await expect(familyProbe(ctx.settings, ctx.datasources.prometheus.ds)).rejects.toThrow('timeout');
    // The failed probe was forgotten: a configured family then goes raw at once, asking nothing more.
    await renderScene(buildServicesScene(ctx));
    await screen.findByTestId(testIds.services.table);
    await waitFor(() => expect(pageExprs(requests)).toEqual(RAW_PAGE));
    expect(requests.filter((r) => r.request.requestId.startsWith('pivot-family'))).toHaveLength(1);
    expect(screen.queryByTestId(testIds.states.problem)).toBeNull();
  });
});
