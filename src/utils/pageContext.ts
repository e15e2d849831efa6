import { DataSourceResolution, DataSourceSummary, PILLAR_TITLES, PILLAR_TYPES } from '../datasources/lookup';
import type { PivotContext } from '../pivotContext';
import { PILLARS, Pillar } from '../settings';
import { DataSourceChoice, DS_VARIABLES, dsUrlKey } from './dataSourceChoice';

/** A page's context: the app's, with the data sources the page's URL chose. */
export interface PageContext extends PivotContext {
  /** The uids in effect per pillar (chosen or default): what the page's links carry. */
  choice: DataSourceChoice;
  /** Pillars whose uid came from the URL but is no data source of that type Grafana knows. */
  unknown: Partial<Record<Pillar, string>>;
}

function chosen(pillar: Pillar, uid: string, available: DataSourceSummary[]): DataSourceResolution {
  const title = PILLAR_TITLES[pillar];
  const ds = available.find((d) => d.uid === uid);
  const key = dsUrlKey(pillar);
  if (!ds) {
    return {
      ok: false,
      pillar,
      reason: 'missing',
      message: `The ${title} data source "${uid}" this link names (${key}) does not exist in this Grafana, or you cannot see it. Open the page on the default ${title} data source, or pick one above.`,
    };
  }
  if (ds.type !== PILLAR_TYPES[pillar]) {
    return {
      ok: false,
      pillar,
      reason: 'wrong-type',
      message: `The data source "${ds.name}" this link names for ${title} (${key}) is of type "${ds.type}", not "${PILLAR_TYPES[pillar]}". Open the page on the default ${title} data source, or pick one above.`,
    };
  }
  return { ok: true, pillar, ds, how: 'configured' };
}

/**
 * The page's context for a choice: each chosen uid resolved against the data sources Grafana
 * lists; an unknown uid or one of the wrong type is that pillar's problem (named, never
 * replaced by the default silently). A pillar the settings cannot query (an invalid label)
 * keeps that problem whatever is chosen; a pillar not chosen keeps the configured one.
 */
export function pageContext(ctx: PivotContext, choice: DataSourceChoice, available: DataSourceSummary[]): PageContext {
  const datasources = { ...ctx.datasources };
  const unknown: PageContext['unknown'] = {};
  const inEffect: DataSourceChoice = {};
  for (const pillar of PILLARS) {
    const configured = ctx.datasources[pillar];
    const uid = choice[pillar];
    const keep = !uid || (!configured.ok && configured.reason === 'invalid-setting');
    const resolved = keep || (configured.ok && configured.ds.uid === uid) ? configured : chosen(pillar, uid, available);
    // The page's queries reference its variable (`${metrics}`…), which holds this uid.
    datasources[pillar] = resolved.ok
      ? { ...resolved, ds: { ...resolved.ds, variable: DS_VARIABLES[pillar] } }
      : resolved;
    if (resolved.ok) {
      inEffect[pillar] = resolved.ds.uid;
    } else if (uid && resolved !== configured) {
      unknown[pillar] = uid;
    }
  }
  return { ...ctx, datasources, choice: inEffect, unknown };
}
