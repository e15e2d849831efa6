import {
  DEFAULT_SORT,
  formatSort,
  joinServiceRows,
  nextSort,
  parseSort,
  searchRows,
  SERVICE_STAT_REFS as R,
  ServiceRow,
  sortRows,
  sparklinePoints,
} from './serviceRows';
import { promSeries } from '../../testing/frames';

const T = 1_700_000_000_000;

describe('joinServiceRows', () => {
  const frames = [
    promSeries(R.requestRate, { service: 'checkout' }, [[T, 12.5]]),
    promSeries(R.requestRate, { service: 'cart' }, [[T, 3]]),
    promSeries(R.requestRate, { service: 'idle' }, [[T, 0]]),
    promSeries(R.errorRatio, { service: 'checkout' }, [[T, 0.2]]),
    promSeries(R.p95, { service: 'checkout' }, [[T, 0.35]]),
    promSeries(R.p95, { service: 'cart' }, [[T, 0.05]]),
    promSeries(
      R.sparkline,
      { service: 'checkout' },
      [
        [T + 30_000, 2],
        [T, 1],
        [T + 60_000, NaN],
        [T + 90_000, 3],
      ],
      'range'
    ),
    // A series without the service label cannot be attributed and is ignored.
    promSeries(R.requestRate, { job: 'x' }, [[T, 99]]),
  ];

  it('joins one row per service from the per-statistic frames', () => {
    const rows = joinServiceRows(frames, 'service');
    const byName = Object.fromEntries(rows.map((r) => [r.service, r]));
    expect(Object.keys(byName).sort()).toEqual(['cart', 'checkout', 'idle']);
    expect(byName.checkout).toEqual({
      service: 'checkout',
      requestRate: 12.5,
      errorRatio: 0.2,
      p95Seconds: 0.35,
      sparkline: [1, 2, 3],
    });
  });

  it('reads a service with requests and no error series as 0% errors, and an idle service as unknown', () => {
    const byName = Object.fromEntries(joinServiceRows(frames, 'service').map((r) => [r.service, r]));
    expect(byName.cart.errorRatio).toBe(0);
    expect(byName.idle.errorRatio).toBeUndefined();
    expect(byName.cart.sparkline).toEqual([]);
  });

  it('keeps the error ratio unknown when its query failed', () => {
    const byName = Object.fromEntries(joinServiceRows(frames, 'service', [R.errorRatio]).map((r) => [r.service, r]));
    expect(byName.cart.errorRatio).toBeUndefined();
    expect(byName.checkout.errorRatio).toBe(0.2);
  });

  it('joins by the configured service label, whatever the family', () => {
    const rows = joinServiceRows(
      [
        promSeries(R.requestRate, { service_name: 'a"b' }, [[T, 1]]),
        promSeries(R.requestRate, { service: 'other' }, [[T, 1]]),
      ],
      'service_name'
    );
    expect(rows.map((r) => r.service)).toEqual(['a"b']);
  });

  it('takes the last finite value of a range series and ignores NaN', () => {
    const rows = joinServiceRows(
      [
        promSeries(
          R.p95,
          { service: 's' },
          [
            [T, 0.1],
            [T + 1, 0.2],
            [T + 2, NaN],
          ],
          'range'
        ),
      ],
      'service'
    );
    expect(rows[0].p95Seconds).toBe(0.2);
  });

  it('returns no rows for no frames', () => {
    expect(joinServiceRows([], 'service')).toEqual([]);
  });
});

describe('sorting and search', () => {
  const row = (service: string, errorRatio?: number, requestRate?: number, p95Seconds?: number): ServiceRow => ({
    service,
    errorRatio,
    requestRate,
    p95Seconds,
    sparkline: [],
  });
  const rows = [row('b', 0.1, 5, 0.2), row('a', 0.5, 1, undefined), row('c', undefined, 9, 0.1), row('d', 0.1, 2, 0.3)];

  it('puts the worst error ratio first by default, unknowns last, ties by name', () => {
    expect(sortRows(rows, DEFAULT_SORT).map((r) => r.service)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('keeps unknown values last in ascending order too', () => {
    expect(sortRows(rows, { key: 'p95', direction: 'asc' }).map((r) => r.service)).toEqual(['c', 'b', 'd', 'a']);
    expect(sortRows(rows, { key: 'p95', direction: 'desc' }).map((r) => r.service)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('sorts by request rate and by name', () => {
    expect(sortRows(rows, { key: 'requestRate', direction: 'desc' }).map((r) => r.service)).toEqual([
      'c',
      'b',
      'd',
      'a',
    ]);
    expect(sortRows(rows, { key: 'service', direction: 'desc' }).map((r) => r.service)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('does not reorder its input', () => {
    sortRows(rows, { key: 'service', direction: 'asc' });
    expect(rows.map((r) => r.service)).toEqual(['b', 'a', 'c', 'd']);
  });

  it('searches case-insensitively, blank matching all', () => {
    const named = [row('Checkout'), row('cart'), row('payments')];
    expect(searchRows(named, ' CH ').map((r) => r.service)).toEqual(['Checkout']);
    expect(searchRows(named, 'a').map((r) => r.service)).toEqual(['cart', 'payments']);
    expect(searchRows(named, '  ')).toHaveLength(3);
  });

  it('round-trips the sort through its URL text and falls back on anything unknown', () => {
    for (const key of ['service', 'requestRate', 'errorRatio', 'p95'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        expect(parseSort(formatSort({ key, direction }))).toEqual({ key, direction });
      }
    }
    expect(parseSort('bogus-desc')).toEqual(DEFAULT_SORT);
    expect(parseSort('p95-sideways')).toEqual(DEFAULT_SORT);
    expect(parseSort(undefined)).toEqual(DEFAULT_SORT);
  });

  it('flips the direction on the same column and starts a new column in its natural order', () => {
    expect(nextSort({ key: 'errorRatio', direction: 'desc' }, 'errorRatio')).toEqual({
      key: 'errorRatio',
      direction: 'asc',
    });
    expect(nextSort(DEFAULT_SORT, 'service')).toEqual({ key: 'service', direction: 'asc' });
    expect(nextSort(DEFAULT_SORT, 'p95')).toEqual({ key: 'p95', direction: 'desc' });
  });
});

describe('sparklinePoints', () => {
  it('spans the box, highest value at the top', () => {
    expect(sparklinePoints([0, 5, 10], 100, 20)).toBe('0,20 50,10 100,0');
  });
  it('draws a flat series across the middle and nothing for no values', () => {
    expect(sparklinePoints([3, 3], 10, 20)).toBe('0,10 10,10');
    expect(sparklinePoints([], 10, 20)).toBe('');
  });
});
