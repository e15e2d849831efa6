import { config } from '@grafana/runtime';
import type { DataQueryRequest, DataFrame } from '@grafana/data';
import type { PivotJsonData } from '../../settings';
import type { SloDefinition } from '../../slo/definition';
import type { Answer } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';
import { BOUNDARIES_REF, ratioRef } from './sloRows';

/**
 * Two SLOs and the Prometheus answers that put one in critical and one in warning burn, for
 * the SLO page tests. The numbers are worked out in the comments so a reader can check them.
 */

export const T = 1_700_000_000_000;

/** Budget 0.001; factors 14.4, 6, 3, 1 (30d). */
export const AVAILABILITY: SloDefinition = {
  name: 'checkout-availability',
  service: 'checkout',
  sli: { type: 'availability' },
  objective: 99.9,
  period: '30d',
  description: 'Checkout answers without server errors.',
};

/** Budget 0.01; factors 13.44, 5.6, 2.8, 0.9333 (28d). */
export const LATENCY: SloDefinition = {
  name: 'checkout-latency',
  service: 'checkout',
  sli: { type: 'latency', thresholdSeconds: 0.5 },
  objective: 99,
  period: '28d',
};

/**
 * checkout-availability: 1h 0.015 and 5m 0.02 are above 14.4 x 0.001 = 0.0144, so the 1h/5m
 * pair fires (critical); burn 15x over 1h is the fastest; 30d 0.00025 leaves 75% of the budget,
 * gone in 0.75 x 30d / 15 = 1.5d.
 */
export const AVAILABILITY_RATIOS: Record<string, number> = {
  '5m': 0.02,
  '30m': 0.003,
  '1h': 0.015,
  '2h': 0.002,
  '6h': 0.002,
  '1d': 0.001,
  '3d': 0.0008,
  '30d': 0.00025,
};

/**
 * checkout-latency: 1d and 2h 0.03 are above 2.8 x 0.01 = 0.028, so the 1d/2h pair fires
 * (warning) and nothing critical does; burn 3x over 1d is the fastest; 28d 0.004 leaves 60%,
 * gone in 0.6 x 28d / 1 (the 1h burn) = 16.8d.
 */
export const LATENCY_RATIOS: Record<string, number> = {
  '5m': 0.01,
  '30m': 0.01,
  '1h': 0.01,
  '2h': 0.03,
  '6h': 0.02,
  '1d': 0.03,
  '3d': 0.005,
  '28d': 0.004,
};

export const CONFIGURED = { family: 'http-semconv' as const, serviceLabel: 'job' };
export const CONV = CONFIGURED;

export function jsonData(slos: SloDefinition[]): PivotJsonData {
  return { metrics: CONFIGURED, slos };
}

/** The instant frames of one SLO's window queries, as Prometheus answers `sum by (job) (…)`. */
export function ratioFrames(index: number, ratios: Record<string, number>): DataFrame[] {
  return Object.entries(ratios).map(([window, value]) =>
    promSeries(ratioRef(index, window), { job: 'checkout' }, [[T, value]])
  );
}

/** The boundary probe's answer: one series per `le` value (`group by (le)`). */
export function boundaryFrames(les: string[]): DataFrame[] {
  return les.map((le) => promSeries(BOUNDARIES_REF, { le }, [[T, 1]]));
}

/** Answers each request with the frames of the refIds it asked, so a page sees only its own. */
export function byRefId(frames: DataFrame[], extra: (request: DataQueryRequest) => DataFrame[] = () => []) {
  return (_ds: unknown, request: DataQueryRequest): Answer => {
    const asked = new Set(request.targets.map((t) => t.refId));
    return { frames: [...frames.filter((f) => f.refId !== undefined && asked.has(f.refId)), ...extra(request)] };
  };
}

type Role = 'Admin' | 'Editor' | 'Viewer';

/** Who is signed in, as Grafana's boot data says; returns the previous user to restore. */
export function signInAs(orgRole: Role, isGrafanaAdmin = false): () => void {
  const user = config.bootData.user;
  const before = { orgRole: user.orgRole, isGrafanaAdmin: user.isGrafanaAdmin };
  Object.assign(user, { orgRole, isGrafanaAdmin });
  return () => Object.assign(user, before);
}
