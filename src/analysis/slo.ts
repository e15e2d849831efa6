/**
 * SLO math, pure: error budget, budget remaining, burn rate, the multi-window multi-burn-rate
 * window pairs (Google SRE Workbook ch. 5; docs/conventions.md#burn-rate-windows) and time to exhaustion.
 * The generated Prometheus rules use these same numbers, so the rules and the pages agree.
 *
 * Budgets, factors and thresholds are computed exactly from the decimals as written and rounded
 * once (slo/numbers.ts): 100 - 99.9999 is 0.0001, not 0.00010000000000331966, and the 1h/5m
 * threshold of a 99.9% SLO is 0.0144, not 14.4 × 0.001 = 0.014400000000000001.
 */
import type { SloPeriod } from '../slo/definition';
import { compare, decimal, div, Fraction, mul, sub, toNumber } from '../slo/numbers';

const HOUR = 3600;
const DAY = 24 * HOUR;

export const PERIOD_SECONDS: Record<SloPeriod, number> = { '28d': 28 * DAY, '30d': 30 * DAY };

const HUNDRED = decimal(100);

/** The objective as a ratio, exactly: 99.9 → 999/1000. */
function objectiveFraction(objectivePercent: number): Fraction {
  return div(decimal(objectivePercent), HUNDRED);
}

/** The error budget as an exact ratio of requests: 99.9 → 1/1000. */
function budgetFraction(objectivePercent: number): Fraction {
  return sub(decimal(1), objectiveFraction(objectivePercent));
}

/** The objective as a ratio of requests: 99.9 → 0.999, 99.99999999999999 → 0.9999999999999999. */
export function objectiveRatio(objectivePercent: number): number {
  return toNumber(objectiveFraction(objectivePercent));
}

/** The error budget as a ratio of requests: 99.9 → 0.001, 99.9999 → 0.000001. */
export function errorBudget(objectivePercent: number): number {
  return toNumber(budgetFraction(objectivePercent));
}

/** How many times faster than sustainable the budget is spent: 1 spends it exactly over the period. */
export function burnRate(objectivePercent: number, errorRatio: number): number {
  return errorRatio / errorBudget(objectivePercent);
}

/**
 * The fraction of the budget left after a period whose error ratio is `errorRatio`: 1 when
 * nothing failed, 0 when exactly the budget was spent, negative when overspent.
 */
export function budgetRemaining(objectivePercent: number, errorRatio: number): number {
  return 1 - errorRatio / errorBudget(objectivePercent);
}

export type Severity = 'critical' | 'warning';

export interface WindowPair {
  severity: Severity;
  /** PromQL durations, e.g. 1h and 5m. */
  longWindow: string;
  shortWindow: string;
  longSeconds: number;
  shortSeconds: number;
  /** Fraction of the period's budget spent by the time the long window alerts. */
  budgetConsumed: number;
  /** Burn rate both windows must exceed. */
  factor: number;
  periodSeconds: number;
}

/** The four standard pairs; `budgetConsumed` is kept, so the factors scale with the period. */
const STANDARD_PAIRS: Array<Omit<WindowPair, 'factor' | 'longSeconds' | 'shortSeconds' | 'periodSeconds'>> = [
  { severity: 'critical', longWindow: '1h', shortWindow: '5m', budgetConsumed: 0.02 },
  { severity: 'critical', longWindow: '6h', shortWindow: '30m', budgetConsumed: 0.05 },
  { severity: 'warning', longWindow: '1d', shortWindow: '2h', budgetConsumed: 0.1 },
  { severity: 'warning', longWindow: '3d', shortWindow: '6h', budgetConsumed: 0.1 },
];

const UNIT_SECONDS: Record<string, number> = { m: 60, h: HOUR, d: DAY };

/** Seconds of a single-unit duration such as 5m, 6h, 3d. */
export function durationSeconds(duration: string): number {
  const match = /^([0-9]+)([mhd])$/.exec(duration);
  if (!match) {
    throw new Error(`Unsupported duration ${JSON.stringify(duration)}: use minutes, hours or days, e.g. 5m, 6h, 3d`);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** budget consumed x period / long window, exactly. */
function factorFraction(pair: Pick<WindowPair, 'budgetConsumed' | 'periodSeconds' | 'longSeconds'>): Fraction {
  return div(mul(decimal(pair.budgetConsumed), decimal(pair.periodSeconds)), decimal(pair.longSeconds));
}

/** factor = budget consumed x period / long window: 14.4, 6, 3, 1 for 30d; 13.44, 5.6, 2.8, 14/15 for 28d. */
export function windowPairs(period: SloPeriod): WindowPair[] {
  const periodSeconds = PERIOD_SECONDS[period];
  return STANDARD_PAIRS.map((pair) => {
    const timing = { ...pair, periodSeconds, longSeconds: durationSeconds(pair.longWindow) };
    return { ...timing, shortSeconds: durationSeconds(pair.shortWindow), factor: toNumber(factorFraction(timing)) };
  });
}

/** Every window the rules record the SLI over: the pairs' windows and the period. */
export function sliWindows(period: SloPeriod): string[] {
  return ['5m', '30m', '1h', '2h', '6h', '1d', '3d', period];
}

function thresholdFraction(pair: WindowPair, objectivePercent: number): Fraction {
  return mul(factorFraction(pair), budgetFraction(objectivePercent));
}

/** The error ratio both windows of `pair` must exceed: factor x budget (0.0144 for 1h/5m at 99.9%, 30d). */
export function alertThreshold(pair: WindowPair, objectivePercent: number): number {
  return toNumber(thresholdFraction(pair, objectivePercent));
}

/**
 * The pairs whose alert can never fire: an error ratio is at most 1, and the alert needs both
 * windows above factor x budget, so a threshold of 1 or more is out of reach (objective 90%,
 * 30d: 1h/5m needs more than 144% of requests to fail).
 */
export function unreachablePairs(period: SloPeriod, objectivePercent: number): WindowPair[] {
  return windowPairs(period).filter((pair) => compare(thresholdFraction(pair, objectivePercent), decimal(1)) >= 0);
}

/**
 * The lowest objective, in percent with two decimals, at which every pair can fire: above
 * 100 - 100 / factor for the largest factor (93.06 for 30d, 92.56 for 28d).
 */
export function lowestReachableObjective(period: SloPeriod): number {
  const largest = Math.max(...windowPairs(period).map((p) => p.factor));
  return Math.floor((100 - 100 / largest) * 100 + 1) / 100;
}

/** The alert condition of the generated rules: both windows' error ratios above the threshold. */
export function pairFiring(pair: WindowPair, objectivePercent: number, longRatio: number, shortRatio: number): boolean {
  const threshold = alertThreshold(pair, objectivePercent);
  return longRatio > threshold && shortRatio > threshold;
}

/**
 * Seconds until the budget is gone if the current burn rate holds: budget remaining x period
 * / burn rate. 0 when already exhausted; undefined when nothing is burning (never).
 */
export function timeToExhaustion(remaining: number, currentBurnRate: number, period: SloPeriod): number | undefined {
  if (!Number.isFinite(remaining) || !Number.isFinite(currentBurnRate)) {
    return undefined;
  }
  if (remaining <= 0) {
    return 0;
  }
  if (currentBurnRate <= 0) {
    return undefined;
  }
  return (remaining * PERIOD_SECONDS[period]) / currentBurnRate;
}

/** Error ratios by window (e.g. `{ '5m': 0.002, '1h': 0.0011, … }`), as read from Prometheus. */
export type WindowRatios = Record<string, number | undefined>;

export interface PairStatus {
  pair: WindowPair;
  longBurnRate?: number;
  shortBurnRate?: number;
  threshold: number;
  firing: boolean;
}

export interface SloStatus {
  /** Budget left over the period; undefined without traffic. */
  budgetRemaining?: number;
  pairs: PairStatus[];
  /** The pair burning fastest (highest long-window burn rate). */
  fastest?: PairStatus;
  firing?: Severity;
  /** At the 1h burn rate. */
  timeToExhaustionSeconds?: number;
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** Everything the SLO pages show, from the SLI error ratio per window. */
export function sloStatus(objectivePercent: number, period: SloPeriod, ratios: WindowRatios): SloStatus {
  const periodRatio = finite(ratios[period]);
  const remaining = periodRatio === undefined ? undefined : budgetRemaining(objectivePercent, periodRatio);
  const pairs = windowPairs(period).map((pair): PairStatus => {
    const longRatio = finite(ratios[pair.longWindow]);
    const shortRatio = finite(ratios[pair.shortWindow]);
    return {
      pair,
      longBurnRate: longRatio === undefined ? undefined : burnRate(objectivePercent, longRatio),
      shortBurnRate: shortRatio === undefined ? undefined : burnRate(objectivePercent, shortRatio),
      threshold: alertThreshold(pair, objectivePercent),
      firing:
        longRatio !== undefined &&
        shortRatio !== undefined &&
        pairFiring(pair, objectivePercent, longRatio, shortRatio),
    };
  });
  let fastest: PairStatus | undefined;
  for (const p of pairs) {
    if (
      p.longBurnRate !== undefined &&
      (fastest?.longBurnRate === undefined || p.longBurnRate > fastest.longBurnRate)
    ) {
      fastest = p;
    }
  }
  const firing = pairs.some((p) => p.firing && p.pair.severity === 'critical')
    ? 'critical'
    : pairs.some((p) => p.firing)
      ? 'warning'
      : undefined;
  const hourly = pairs[0].longBurnRate;
  return {
    budgetRemaining: remaining,
    pairs,
    fastest,
    firing,
    timeToExhaustionSeconds:
      remaining === undefined || hourly === undefined ? undefined : timeToExhaustion(remaining, hourly, period),
  };
}
