import { Pillar, PROVISIONED_UIDS } from '../settings';

/** The Grafana data source plugin type each pillar needs. */
export const PILLAR_TYPES: Record<Pillar, string> = {
  prometheus: 'prometheus',
  loki: 'loki',
  tempo: 'tempo',
};

export const PILLAR_TITLES: Record<Pillar, string> = {
  prometheus: 'Prometheus',
  loki: 'Loki',
  tempo: 'Tempo',
};

/** What Pivot needs to know of a data source: Grafana's `DataSourceInstanceSettings` has these. */
export interface DataSourceSummary {
  uid: string;
  name: string;
  type: string;
  /**
   * On a page whose data sources are page state (src/scenes/dataSourcePage.tsx): the name of the
   * page's variable holding this uid, which the page's queries reference instead of the uid.
   */
  variable?: string;
}

export type DataSourceResolution =
  | { ok: true; pillar: Pillar; ds: DataSourceSummary; how: 'configured' | 'provisioned' | 'only-candidate' }
  | {
      ok: false;
      pillar: Pillar;
      /** `invalid-setting`: the data source is fine, but Pivot's settings cannot build its queries. */
      reason: 'missing' | 'wrong-type' | 'none' | 'ambiguous' | 'invalid-setting';
      message: string;
    };

/**
 * Finds the data source a pillar uses: the configured uid; else the uid the shipped
 * provisioning creates; else the only data source of the right type. Anything else is a
 * problem with a message that says what to do.
 */
export function resolveDataSource(
  pillar: Pillar,
  configuredUid: string | undefined,
  available: DataSourceSummary[]
): DataSourceResolution {
  const type = PILLAR_TYPES[pillar];
  const title = PILLAR_TITLES[pillar];
  const fix = `Choose a ${title} data source in Pivot's Configuration.`;

  if (configuredUid) {
    const ds = available.find((d) => d.uid === configuredUid);
    if (!ds) {
      return {
        ok: false,
        pillar,
        reason: 'missing',
        message: `The ${title} data source "${configuredUid}" set in Pivot's settings does not exist (or you cannot see it). ${fix}`,
      };
    }
    if (ds.type !== type) {
      return {
        ok: false,
        pillar,
        reason: 'wrong-type',
        message: `The data source "${ds.name}" set for ${title} is of type "${ds.type}", not "${type}". ${fix}`,
      };
    }
    return { ok: true, pillar, ds, how: 'configured' };
  }

  const candidates = available.filter((d) => d.type === type);
  const provisioned = candidates.find((d) => d.uid === PROVISIONED_UIDS[pillar]);
  if (provisioned) {
    return { ok: true, pillar, ds: provisioned, how: 'provisioned' };
  }
  if (candidates.length === 1) {
    return { ok: true, pillar, ds: candidates[0], how: 'only-candidate' };
  }
  if (candidates.length === 0) {
    return {
      ok: false,
      pillar,
      reason: 'none',
      message: `No ${title} data source exists in this Grafana organisation. Add one under Connections, then choose it in Pivot's Configuration.`,
    };
  }
  return {
    ok: false,
    pillar,
    reason: 'ambiguous',
    message: `There are ${candidates.length} ${title} data sources (${candidates
      .map((d) => d.name)
      .join(', ')}) and none is chosen. ${fix}`,
  };
}

/**
 * The reference a query or query runner names its data source by: the page's variable
 * (`${metrics}`, which Scenes fills in with its uid) when the data source is the page's choice.
 */
export function dsRef(ds: DataSourceSummary): { uid: string; type: string } {
  return { uid: ds.variable ? `\${${ds.variable}}` : ds.uid, type: ds.type };
}
