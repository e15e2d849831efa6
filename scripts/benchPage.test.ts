/**
 * The pieces of `npm run bench:queries` (the benchmark itself is not a test): it times the
 * queries the Services page sends, in the request the page sends them in.
 */
import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { DataQueryRequest } from '@grafana/data';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST } from '../src/datasources/conventions';
import { buildServicesScene, servicesQueries } from '../src/pages/Services/servicesScene';
import { familyProbe, familyProbeQueries } from '../src/scenes/familyProbe';
import { metricConventionsFor, normalizeSettings } from '../src/settings';
import { expectValidPromQL } from '../src/testing/grammar';
import fc from 'fast-check';
import { DEFAULT_SORT, joinServiceRows, SERVICE_STAT_REFS, sortRows } from '../src/pages/Services/serviceRows';
import { SERVICES_PAGE_SIZE } from '../src/pages/Services/sparklines';
import { testIds } from '../src/components/testIds';
import { installFakeGrafana, pivotContext, PROMETHEUS, renderInGrafana } from '../src/testing/fakeGrafana';
import { promSeries } from '../src/testing/frames';
import {
  BenchQuery,
  detailTemplates,
  interpolate,
  listTemplates,
  PAGE_SORT,
  pageWindow,
  perServiceTemplates,
  probeQueries,
  shownServices,
} from './benchPage';

const RED_REFS = ['requestRate', 'errorRatio', 'p95'];

describe('bench:queries pieces', () => {
  it.each(METRIC_FAMILY_LIST)('builds the Services page’s list with its builders, raw and recorded: %s', (family) => {
    const conv = { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
    expect(PAGE_SORT).toBe(DEFAULT_SORT.key);
    for (const recorded of [false, true]) {
      for (const rangeSeconds of [3600, 600]) {
        const window = pageWindow(recorded, rangeSeconds);
        expect(window).toBe(recorded && rangeSeconds === 3600 ? '1h' : '$__range');
        // The RED statistics of the first request (the page may ask more, e.g. SLO status, not timed here).
        const page = servicesQueries(conv, false, recorded, { window }).filter((q) => RED_REFS.includes(q.refId));
        expect(listTemplates(conv, recorded, window)).toEqual(
          page.map((q) => ({ refId: q.refId, expr: q.expr, range: q.range }))
        );
        for (const q of [
          ...listTemplates(conv, recorded, window),
          ...detailTemplates(conv, recorded, window, ['a.b']),
        ]) {
          expectValidPromQL(q.expr);
        }
      }
    }
  });

  /** The Services page as it loads in Grafana: what its two requests ask, answered by `series` (service, error ratio). */
  async function pageRequests(recorded: boolean, series: Array<[string, number]>): Promise<string[][]> {
    const settings = { metrics: { family: 'tempo-spanmetrics' as const } };
    const conv = metricConventionsFor(normalizeSettings(settings), 'tempo-spanmetrics');
    const requests = installFakeGrafana((_ds, request: DataQueryRequest) => {
      if (request.targets.some((t) => t.refId === 'tempo-spanmetrics:recorded')) {
        return { frames: recorded ? [promSeries('tempo-spanmetrics:recorded', {}, [[0, 1]])] : [] };
      }
      const refs = request.targets.map((t) => t.refId);
      return {
        frames: series.flatMap(([service, ratio]) =>
          [
            promSeries(SERVICE_STAT_REFS.requestRate, { [conv.serviceLabel]: service }, [[0, 1]]),
            promSeries(SERVICE_STAT_REFS.errorRatio, { [conv.serviceLabel]: service }, [[0, ratio]]),
          ].filter((f) => refs.includes(f.refId ?? ''))
        ),
      };
    });
    const ctx = pivotContext(settings);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
    const scene = buildServicesScene(ctx);
    renderInGrafana(React.createElement(scene.Component, { model: scene }));
    await screen.findByTestId(testIds.services.table);
    const page = () =>
      requests.filter((r) => r.uid === PROMETHEUS.uid && !r.request.requestId.startsWith('pivot-family'));
    await waitFor(() => expect(page()).toHaveLength(2));
    return page().map((r) => r.request.targets.map((t) => ('expr' in t ? String(t.expr) : t.refId)));
  }

  it.each([false, true])(
    'sends exactly the two requests the page sends, the second naming the rows it shows: recorded %s',
    async (recorded) => {
      const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
      // More services than a page, hostile names among the worst.
      const series: Array<[string, number]> = [
        ['a.b', 0.9],
        ['x|y', 0.8],
        ['q"uote\\', 0.7],
        ...Array.from({ length: 60 }, (_, i): [string, number] => [`svc-${String(i).padStart(2, '0')}`, i / 100]),
      ];
      const [list, details] = await pageRequests(recorded, series);
      // The page's default range is 1 hour.
      const window = pageWindow(recorded, 3600);
      const stats = listTemplates(conv, recorded, window);
      expect(list.filter((_, i) => i < stats.length)).toEqual(stats.map((q) => q.expr));
      const answers = Object.fromEntries(
        stats.map((q) => [
          q.refId,
          series.map(([service, ratio]) => ({
            metric: { service },
            value: q.refId === SERVICE_STAT_REFS.errorRatio ? ratio : 1,
          })),
        ])
      );
      const shown = shownServices(answers, conv.serviceLabel);
      expect(shown).toHaveLength(SERVICES_PAGE_SIZE);
      expect(shown.slice(0, 3)).toEqual(['a.b', 'x|y', 'q"uote\\']);
      expect(details).toEqual(detailTemplates(conv, recorded, window, shown).map((q: BenchQuery) => q.expr));
    }
  );

  it('sends the probe the app sends once per app load with the family auto', () => {
    const settings = normalizeSettings({ metrics: { family: 'auto' } });
    expect(probeQueries()).toEqual(familyProbeQueries(settings).map((q) => ({ ...q, range: false })));
  });

  it('fills in $__range and $__rate_interval as Grafana does, and asks the per-service way for one service', () => {
    const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
    const filled = interpolate(listTemplates(conv, false, '$__range'), { rangeSeconds: 600, rateIntervalSeconds: 240 });
    expect(filled.map((q) => q.expr).join()).not.toContain('$');
    expect(filled[0].expr).toContain('[600s]');
    const details = interpolate(detailTemplates(conv, false, '$__range', ['service-00001']), {
      rangeSeconds: 600,
      rateIntervalSeconds: 240,
    });
    expect(details.map((q) => q.refId)).toEqual(['p95', 'sparkline']);
    expect(details[0].expr).toContain('[600s]');
    expect(details[1]).toMatchObject({ range: true });
    expect(details[1].expr).toContain('[240s]');
    for (const q of interpolate(perServiceTemplates(conv, 'a"b'), { rangeSeconds: 600, rateIntervalSeconds: 240 })) {
      expectValidPromQL(q.expr);
      expect(q.expr).toContain('service="a\\"b"');
    }
  });

  it('names the rows the page shows first, in its order, from the raw or the recorded list', () => {
    const value = fc.oneof(fc.constantFrom(0, 0.5, NaN), fc.double({ min: 0, max: 1, noNaN: true }));
    const service = fc.constantFrom(...Array.from({ length: 80 }, (_, i) => `s${i}`), 'a"b', 'x|y');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ service, rate: value, ratio: fc.option(value) }), {
          selector: (r) => r.service,
          maxLength: 90,
        }),
        (rows) => {
          const answers = {
            requestRate: rows.map((r) => ({ metric: { service: r.service }, value: r.rate })),
            errorRatio: rows.flatMap((r) =>
              r.ratio === null ? [] : [{ metric: { service: r.service }, value: r.ratio }]
            ),
          };
          const frames = [
            ...answers.requestRate.map((s) => promSeries('requestRate', s.metric, [[0, s.value]])),
            ...answers.errorRatio.map((s) => promSeries('errorRatio', s.metric, [[0, s.value]])),
          ];
          const page = (f: typeof frames) =>
            sortRows(joinServiceRows(f, 'service'), DEFAULT_SORT)
              .slice(0, SERVICES_PAGE_SIZE)
              .map((r) => r.service);
          expect(shownServices(answers, 'service')).toEqual(page(frames));
          // Recorded, the error ratio alone lists the services.
          expect(shownServices({ errorRatio: answers.errorRatio }, 'service')).toEqual(
            page(frames.filter((f) => f.refId === 'errorRatio'))
          );
        }
      ),
      { numRuns: 100 }
    );
  });
});
