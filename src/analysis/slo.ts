/**
 * SLO math, pure: error budget, budget remaining, burn rate, the multi-window multi-burn-rate
 * window pairs (Google SRE Workbook ch. 5; docs/conventions.md#burn-rate-windows) and time to exhaustion.
 * The generated Prometheus rules use these same numbers, so the rules and the pages agree.
 */
import type { SloPeriod } from '../slo/definition';

const HOUR = 3600;
const DAY = 24 * HOUR;

export const PERIOD_SECONDS: Record<SloPeriod, number> = { '28d': 28 * DAY, '30d': 30 * DAY };

/** Rounds away binary noise (100 - 99.9 = 0.0999999999999943) so rules print clean numbers. */
export function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/** The error budget as a ratio of requests: 99.9 → 0.001. */
export function errorBudget(objectivePercent: number): number {
  return clean((100 - objectivePercent) / 100);
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
}

/** The four standard pairs; `budgetConsumed` is kept, so the factors scale with the period. */
const STANDARD_PAIRS: Array<Omit<WindowPair, 'factor' | 'longSeconds' | 'shortSeconds'>> = [
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

/** factor = budget consumed x period / long window: 14.4, 6, 3, 1 for 30d; 13.44, 5.6, 2.8, 0.9333 for 28d. */
export function windowPairs(period: SloPeriod): WindowPair[] {
  const periodSeconds = PERIOD_SECONDS[period];
  return STANDARD_PAIRS.map((pair) => {
    const longSeconds = durationSeconds(pair.longWindow);
    return {
      ...pair,
      longSeconds,
      shortSeconds: durationSeconds(pair.shortWindow),
      factor: clean((pair.budgetConsumed * periodSeconds) / longSeconds),
    };
  });
}

/** Every window the rules record the SLI over: the pairs' windows and the period. */
export function sliWindows(period: SloPeriod): string[] {
  return ['5m', '30m', '1h', '2h', '6h', '1d', '3d', period];
}

/** The error ratio both windows of `pair` must exceed: factor x budget. */
export function alertThreshold(pair: WindowPair, objectivePercent: number): number {
  return clean(pair.factor * errorBudget(objectivePercent));
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
        longRatio !== undefined && shortRatio !== undefined && pairFiring(pair, objectivePercent, longRatio, shortRatio),
    };
  });
  let fastest: PairStatus | undefined;
  for (const p of pairs) {
    if (p.longBurnRate !== undefined && (fastest?.longBurnRate === undefined || p.longBurnRate > fastest.longBurnRate)) {
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
