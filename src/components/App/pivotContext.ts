import { DataSourceResolution, DataSourceSummary, resolveDataSource } from '../../datasources/lookup';
import { normalizeSettings, PILLARS, Pillar, PivotJsonData, PivotSettings } from '../../settings';

/** What every page is built from: the normalised settings and each pillar's data source. */
export interface PivotContext {
  settings: PivotSettings;
  datasources: Record<Pillar, DataSourceResolution>;
}

export function buildPivotContext(jsonData: PivotJsonData | undefined, available: DataSourceSummary[]): PivotContext {
  const settings = normalizeSettings(jsonData);
  const datasources = Object.fromEntries(
    PILLARS.map((pillar) => [pillar, resolveDataSource(pillar, settings.datasources[pillar], available)])
  ) as Record<Pillar, DataSourceResolution>;
  return { settings, datasources };
}
