import fc from 'fast-check';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST } from '../../datasources/conventions';
import { recordedRequestRate } from '../../datasources/redSeries';
import { expectValidPromQL } from '../../testing/grammar';
import { goUnquote } from '../../testing/goUnquote';
import { SERVICE_STAT_REFS } from './serviceRows';
import { SPARKLINE_REF, sparklineQuery } from './sparklines';
import { listQueries, listStats, rowDetailsQueries, SERVICE_STATS, statisticsWindow } from './pageRequests';

/** The `=~` pattern of a sparkline query as Prometheus decodes it, anchored as Prometheus anchors it. */
function pattern(expr: string, label: string): RegExp {
  const literal = new RegExp(`${label}=~("(?:[^"\\\\]|\\\\.)*")`).exec(expr)?.[1];
  if (!literal) {
    throw new Error(`no ${label} matcher in ${expr}`);
  }
  return new RegExp(`^(?:${goUnquote(literal)})$`, 's');
}

// Text without lone surrogates (no server could receive those; promqlString refuses them).
const name = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom('$__range', '${x}', '[[v]]', 'a.b', 'axb', 'x|y', '(g)+', 'q"\\', '\n', '^a$')
);

/** `expr` is valid PromQL, leaves Grafana nothing to interpolate but its own variables, and names exactly `shown`. */
function expectNamesExactly(expr: string, label: string, shown: string[], others: string[]) {
  expectValidPromQL(expr);
  expect(expr.replace(/\[\$__(rate_interval|range)(:5m)?\]/g, '')).not.toMatch(/\$|\[\[/);
  const re = pattern(expr, label);
  for (const s of shown) {
    expect(re.test(s)).toBe(true);
  }
  for (const s of others.filter((o) => !shown.includes(o))) {
    expect(re.test(s)).toBe(false);
  }
}

const shownArb = fc.uniqueArray(name, { minLength: 1, maxLength: 8 });
const othersArb = fc.array(name, { maxLength: 8 });

describe('sparklineQuery', () => {
  it.each(METRIC_FAMILY_LIST.flatMap((family) => [false, true].map((recorded) => [family, recorded] as const)))(
    'names exactly the services shown, whatever their names: %s, recorded %s',
    (family, recorded) => {
      const conv = { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
      fc.assert(
        fc.property(shownArb, othersArb, (shown, others) => {
          const q = sparklineQuery(conv, recorded, shown);
          expect(q).toMatchObject({ refId: 'sparkline', instant: false, range: true });
          expectNamesExactly(q.expr, conv.serviceLabel, shown, others);
        }),
        { numRuns: 60 }
      );
    }
  );

  it('answers under the refId the table joins as sparklines', () => {
    expect(SPARKLINE_REF).toBe(SERVICE_STAT_REFS.sparkline);
  });

  it('refuses an empty list, and a service with a list', () => {
    const conv = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
    expect(() => sparklineQuery(conv, false, [])).toThrow('at least one');
    expect(() => sparklineQuery(conv, true, [])).toThrow('at least one');
    expect(() => recordedRequestRate(conv, { window: '5m', service: 'a', services: ['a'] })).toThrow('not both');
  });
});

describe('the rows shown: rowDetailsQueries', () => {
  it.each(METRIC_FAMILY_LIST.flatMap((family) => [false, true].map((recorded) => [family, recorded] as const)))(
    'asks the statistics not listed and the sparkline of exactly the rows shown, whatever their names: %s, recorded %s',
    (family, recorded) => {
      const conv = { family, serviceLabel: METRIC_FAMILIES[family].defaultServiceLabel };
      fc.assert(
        fc.property(
          shownArb,
          othersArb,
          fc.constantFrom('service', 'requestRate', 'errorRatio', 'p95', 'slo'),
          fc.constantFrom(3600, 300, 7200),
          (shown, others, sort, rangeSeconds) => {
            const window = statisticsWindow(recorded, rangeSeconds);
            const listed = listStats(sort, recorded);
            const queries = rowDetailsQueries(conv, recorded, window, listed, shown);
            expect(queries.map((q) => q.refId)).toEqual([
              ...SERVICE_STATS.filter((s) => !listed.includes(s)),
              SERVICE_STAT_REFS.sparkline,
            ]);
            for (const q of queries) {
              expectNamesExactly(q.expr, conv.serviceLabel, shown, others);
            }
            // The list names no service.
            for (const q of listQueries(conv, recorded, sort, window)) {
              expectValidPromQL(q.expr);
              expect(q.expr).not.toContain(`${conv.serviceLabel}=~`);
            }
          }
        ),
        { numRuns: 25 }
      );
    }
  );

  it('reads the recorded hour or 5 minutes as they are, any other range through $__range; raw always $__range', () => {
    expect(statisticsWindow(true, 3600)).toBe('1h');
    expect(statisticsWindow(true, 300)).toBe('5m');
    expect(statisticsWindow(true, 7200)).toBe('$__range');
    expect(statisticsWindow(true, 3599)).toBe('$__range');
    expect(statisticsWindow(false, 3600)).toBe('$__range');
  });
});
