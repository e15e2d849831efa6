import fc from 'fast-check';

import {
  alertThreshold,
  budgetRemaining,
  burnRate,
  errorBudget,
  lowestReachableObjective,
  objectiveRatio,
  pairFiring,
  PERIOD_SECONDS,
  sliWindows,
  sloStatus,
  timeToExhaustion,
  unreachablePairs,
  windowPairs,
} from './slo';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('error budget, burn rate, budget remaining', () => {
  it('gives a 0.1% budget for 99.9%, computed on the decimals as written', () => {
    expect(errorBudget(99.9)).toBe(0.001);
    expect(errorBudget(99.5)).toBe(0.005);
    expect(errorBudget(99)).toBe(0.01);
    expect(errorBudget(99.99)).toBe(0.0001);
    // (100 - 99.9999) / 100 in doubles is 0.0000010000000000331966: rounding to 12 digits kept the noise.
    expect(errorBudget(99.9999)).toBe(0.000001);
  });

  it('keeps an objective of 99.99999999999999 below 1 (it was recorded as vector(1), a budget of 0)', () => {
    expect(objectiveRatio(99.99999999999999)).toBe(0.9999999999999999);
    expect(errorBudget(99.99999999999999)).toBe(1e-16);
    expect(alertThreshold(windowPairs('30d')[0], 99.99999999999999)).toBe(1.44e-15);
  });

  it('computes burn rate as error ratio / budget (SRE Workbook: 0.1% errors on 99.9% burns at 1)', () => {
    expect(burnRate(99.9, 0.001)).toBeCloseTo(1, 12);
    expect(burnRate(99.9, 0.0144)).toBeCloseTo(14.4, 12);
    expect(burnRate(99.9, 0)).toBe(0);
  });

  it('gives the budget left after a period', () => {
    expect(budgetRemaining(99.9, 0)).toBe(1);
    expect(budgetRemaining(99.9, 0.00025)).toBeCloseTo(0.75, 12);
    expect(budgetRemaining(99.9, 0.001)).toBeCloseTo(0, 12);
    expect(budgetRemaining(99.9, 0.002)).toBeCloseTo(-1, 12);
  });
});

describe('window pairs (SRE Workbook ch. 5, docs/conventions.md#burn-rate-windows)', () => {
  it('uses factors 14.4, 6, 3, 1 for a 30d period', () => {
    const pairs = windowPairs('30d');
    expect(pairs.map((p) => [p.severity, p.longWindow, p.shortWindow, p.factor, p.budgetConsumed])).toEqual([
      ['critical', '1h', '5m', 14.4, 0.02],
      ['critical', '6h', '30m', 6, 0.05],
      ['warning', '1d', '2h', 3, 0.1],
      ['warning', '3d', '6h', 1, 0.1],
    ]);
  });

  it('scales the factors for a 28d period so each pair still means the same budget fraction', () => {
    const pairs = windowPairs('28d');
    expect(pairs.map((p) => p.factor)).toEqual([13.44, 5.6, 2.8, 14 / 15]);
    for (const p of pairs) {
      // factor x long window / period = budget consumed when the alert fires
      expect((p.factor * p.longSeconds) / PERIOD_SECONDS['28d']).toBeCloseTo(p.budgetConsumed, 9);
    }
  });

  it('alerts at factor x budget on both windows: 1.44% errors over 1h and 5m for a 99.9% SLO', () => {
    const [fast] = windowPairs('30d');
    expect(alertThreshold(fast, 99.9)).toBe(0.0144);
    expect(pairFiring(fast, 99.9, 0.015, 0.02)).toBe(true);
    expect(pairFiring(fast, 99.9, 0.015, 0.01)).toBe(false);
    expect(pairFiring(fast, 99.9, 0.0144, 0.05)).toBe(false);
  });

  it('computes every threshold as the double nearest factor x budget, which prints as that decimal', () => {
    // 14.4 * 0.001 = 0.014400000000000001 and 14.4 * errorBudget(99.9999) printed 0.0000144000000004.
    expect(String(alertThreshold(windowPairs('30d')[0], 99.9999))).toBe('0.0000144');
    // Objectives with up to six decimals, and each 30d factor (14.4, 6, 3, 1 = k / 10): the exact
    // threshold is k x (10^8 - objective x 10^6) / 10^9, a decimal of at most 11 digits.
    const thirtyDays = windowPairs('30d');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 3 }), (millionths, i) => {
        const objective = Number(`${Math.floor(millionths / 1e6)}.${String(millionths % 1e6).padStart(6, '0')}`);
        const k = BigInt([144, 60, 30, 10][i]);
        const exact = k * (BigInt(100_000_000) - BigInt(millionths));
        const text = `${exact / BigInt(1e9)}.${String(exact % BigInt(1e9)).padStart(9, '0')}`;
        return alertThreshold(thirtyDays[i], objective) === Number(text);
      }),
      { numRuns: 2000 }
    );
  });

  it('finds the alerts that can never fire: a threshold of 100% errors or more', () => {
    // 90%: 1h/5m needs more than 144% of requests to fail.
    expect(unreachablePairs('30d', 90).map((p) => p.longWindow)).toEqual(['1h']);
    expect(unreachablePairs('28d', 50).map((p) => p.longWindow)).toEqual(['1h', '6h', '1d']);
    expect(unreachablePairs('30d', 99.9)).toEqual([]);
    expect(lowestReachableObjective('30d')).toBe(93.06);
    expect(lowestReachableObjective('28d')).toBe(92.56);
    expect(unreachablePairs('30d', 93.06)).toEqual([]);
    expect(unreachablePairs('30d', 93.05)).toHaveLength(1);
    expect(unreachablePairs('28d', 92.56)).toEqual([]);
    expect(unreachablePairs('28d', 92.55)).toHaveLength(1);
  });

  it('records the SLI over every window of the pairs and over the period', () => {
    expect(sliWindows('30d')).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(sliWindows('28d')).toContain('28d');
  });
});

describe('time to exhaustion', () => {
  // SRE Workbook table 5-4 (99.9% SLO, 30 days): burn rate 1 → 30 days, 2 → 15 days, 10 → 3 days, 1000 → 43 minutes.
  it.each([
    [1, 30 * DAY],
    [2, 15 * DAY],
    [10, 3 * DAY],
    [1000, 43.2 * 60],
  ])('burn rate %s spends a full 30d budget in %s s', (rate, seconds) => {
    expect(timeToExhaustion(1, rate, '30d')).toBeCloseTo(seconds, 6);
  });

  it('scales with the budget left, is 0 when spent and undefined when nothing burns', () => {
    expect(timeToExhaustion(0.5, 2, '28d')).toBeCloseTo(7 * DAY, 6);
    expect(timeToExhaustion(0, 3, '30d')).toBe(0);
    expect(timeToExhaustion(-0.2, 3, '30d')).toBe(0);
    expect(timeToExhaustion(0.5, 0, '30d')).toBeUndefined();
    expect(timeToExhaustion(NaN, 1, '30d')).toBeUndefined();
  });
});

describe('sloStatus', () => {
  it('finds the fastest burn, the firing severity and the budget left', () => {
    const status = sloStatus(99.9, '30d', {
      '5m': 0.02,
      '30m': 0.008,
      '1h': 0.015,
      '2h': 0.004,
      '6h': 0.005,
      '1d': 0.002,
      '3d': 0.001,
      '30d': 0.0005,
    });
    expect(status.budgetRemaining).toBeCloseTo(0.5, 12);
    expect(status.fastest?.pair.longWindow).toBe('1h');
    expect(status.fastest?.longBurnRate).toBeCloseTo(15, 9);
    expect(status.pairs.map((p) => p.firing)).toEqual([true, false, false, false]);
    expect(status.firing).toBe('critical');
    // 50% of 30 days at 15x: one day.
    expect(status.timeToExhaustionSeconds).toBeCloseTo(DAY, 3);
  });

  it('reports warning when only a slow pair fires, and nothing without data', () => {
    const slow = sloStatus(99.9, '30d', {
      '5m': 0,
      '30m': 0,
      '1h': 0,
      '2h': 0.002,
      '6h': 0.002,
      '1d': 0.002,
      '3d': 0.002,
      '30d': 0.001,
    });
    expect(slow.firing).toBe('warning');
    expect(slow.pairs.filter((p) => p.firing).map((p) => p.pair.longWindow)).toEqual(['3d']);
    const empty = sloStatus(99, '28d', {});
    expect(empty.budgetRemaining).toBeUndefined();
    expect(empty.fastest).toBeUndefined();
    expect(empty.firing).toBeUndefined();
    expect(sloStatus(99, '28d', { '28d': NaN }).budgetRemaining).toBeUndefined();
  });
});
