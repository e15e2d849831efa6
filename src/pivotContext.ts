import { DataSourceResolution, DataSourceSummary, resolveDataSource } from './datasources/lookup';
import { normalizeSettings, PILLARS, Pillar, PivotJsonData, PivotSettings, settingsProblems } from './settings';

/** What every page is built from: the normalised settings and each pillar's data source. */
export interface PivotContext {
  settings: PivotSettings;
  datasources: Record<Pillar, DataSourceResolution>;
  /** The data sources Grafana listed: a page's choice in its URL is resolved against them. */
  available?: DataSourceSummary[];
}

export function buildPivotContext(jsonData: PivotJsonData | undefined, available: DataSourceSummary[]): PivotContext {
  const settings = normalizeSettings(jsonData);
  const datasources = Object.fromEntries(
    PILLARS.map((pillar) => [pillar, resolveDataSource(pillar, settings.datasources[pillar], available)])
  ) as Record<Pillar, DataSourceResolution>;
  // Every Loki query names a service by the logs label: when it is not a label name, Loki is
  // unusable and every page says why where its logs would be, while the other pillars work.
  // (The metrics label is checked where metric queries are built, MetricFamilyGate: the
  // service graph's queries do not use it.)
  const logsProblem = settingsProblems(settings).loki;
  if (logsProblem) {
    datasources.loki = { ok: false, pillar: 'loki', reason: 'invalid-setting', message: logsProblem };
  }
  return { settings, datasources, available };
}
