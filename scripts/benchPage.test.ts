/**
 * The pieces of `npm run bench:queries` (the benchmark itself is not a test): it times the
 * queries the Services page sends, in the request the page sends them in.
 */
import { METRIC_FAMILIES, METRIC_FAMILY_LIST } from '../src/datasources/conventions';
import { servicesQueries } from '../src/pages/Services/servicesScene';
import { SERVICES_PAGE_SIZE, sparklineQuery } from '../src/pages/Services/sparklines';
import { familyProbeQueries } from '../src/scenes/familyProbe';
import { normalizeSettings } from '../src/settings';
import { expectValidPromQL } from '../src/testing/grammar';
import fc from 'fast-check';
import { DEFAULT_SORT, joinServiceRows, sortRows } from '../src/pages/Services/serviceRows';
import { promSeries } from '../src/testing/frames';
import {
  interpolate,
  pageQueryTemplates,
  perServiceTemplates,
  probeQueries,
  shownServices,
  sparklineTemplate,
} from './benchPage';

const RED_REFS = ['requestRate', 'errorRatio', 'p95'];

describe('bench:queries pieces', () => {
  it.each(METRIC_FAMILY_LIST)('times the queries the Services page sends, raw and recorded: %s', (family) => {
    const conv = { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
    for (const recorded of [false, true]) {
      // The three RED statistics (the page may ask more, e.g. SLO status, not timed here).
      const page = servicesQueries(conv, false, recorded).filter((q) => RED_REFS.includes(q.refId));
      expect(pageQueryTemplates(conv, recorded)).toEqual(
        page.map((q) => ({ refId: q.refId, expr: q.expr, range: q.range }))
      );
      // Then the sparklines of the rows shown.
      const shown = ['service-00001', 'a.b'];
      const sparkline = sparklineQuery(conv, recorded, shown);
      expect(sparklineTemplate(conv, recorded, shown)).toEqual({
        refId: 'sparkline',
        expr: sparkline.expr,
        range: true,
      });
    }
  });

  it('sends the probe the app sends once per app load with the family auto', () => {
    const settings = normalizeSettings({ metrics: { family: 'auto' } });
    expect(probeQueries()).toEqual(familyProbeQueries(settings).map((q) => ({ ...q, range: false })));
  });

  it('fills in $__range and $__rate_interval as Grafana does, and asks the per-service way for one service', () => {
    const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
    const filled = interpolate(pageQueryTemplates(conv, false), { rangeSeconds: 600, rateIntervalSeconds: 240 });
    expect(filled.map((q) => q.expr).join()).not.toContain('$');
    expect(filled[0].expr).toContain('[600s]');
    const spark = interpolate([sparklineTemplate(conv, false, ['service-00001'])], {
      rangeSeconds: 600,
      rateIntervalSeconds: 240,
    });
    expect(spark[0].expr).toContain('[240s]');
    for (const q of interpolate(perServiceTemplates(conv, 'a"b'), { rangeSeconds: 600, rateIntervalSeconds: 240 })) {
      expectValidPromQL(q.expr);
      expect(q.expr).toContain('service="a\\"b"');
    }
  });

  it('names the sparklines of the rows the page shows first, in its order', () => {
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
          const page = sortRows(joinServiceRows(frames, 'service'), DEFAULT_SORT)
            .slice(0, SERVICES_PAGE_SIZE)
            .map((r) => r.service);
          expect(shownServices(answers, 'service')).toEqual(page);
        }
      ),
      { numRuns: 100 }
    );
  });
});
