/**
 * What the exposed components need from Grafana, outside Pivot's own pages: the app's settings
 * (they render inside other plugins and dashboards, where the app's `meta` is not passed) and
 * queries through `/api/ds/query`. Tests mock `@grafana/runtime` underneath.
 */
import { lastValueFrom } from 'rxjs';
import { DataFrame, DataFrameJSON, dataFrameFromJSON, dateMath } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { buildPivotContext, PivotContext } from '../../pivotContext';
import { PLUGIN_ID } from '../../constants';
import type { PivotJsonData } from '../../settings';

/** The app's settings as Grafana stores them, with each pillar's data source resolved. */
export async function loadPivotContext(): Promise<{ ctx: PivotContext; jsonData: PivotJsonData }> {
  const settings = await getBackendSrv().get<{ jsonData?: PivotJsonData }>(`/api/plugins/${PLUGIN_ID}/settings`);
  const jsonData = settings?.jsonData ?? {};
  return { ctx: buildPivotContext(jsonData, getDataSourceSrv().getList()), jsonData };
}

/** A query as `/api/ds/query` takes it: refId, data source and the data source's own fields. */
export interface DsQuery {
  refId: string;
  datasource: { uid: string; type: string };
  [key: string]: unknown;
}

export interface EpochRange {
  fromMs: number;
  toMs: number;
}

/** A Grafana time range (`now-1h`, epoch ms as text) in epoch milliseconds; undefined when unreadable. */
export function toEpochRange(range: { from: string; to: string }): EpochRange | undefined {
  const read = (text: string, roundUp: boolean) => {
    if (/^\d+$/.test(text)) {
      return Number(text);
    }
    const parsed = dateMath.parse(text, roundUp);
    return parsed?.isValid() ? parsed.valueOf() : undefined;
  };
  const fromMs = read(range.from, false);
  const toMs = read(range.to, true);
  if (fromMs === undefined || toMs === undefined || fromMs >= toMs) {
    return undefined;
  }
  return { fromMs, toMs };
}

interface DsQueryAnswer {
  results?: Record<string, { frames?: DataFrameJSON[]; error?: string }>;
}

/** Runs queries through Grafana; resolves with the frames, or rejects with the first error's message. */
export async function queryFrames(queries: DsQuery[], range: EpochRange): Promise<DataFrame[]> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<DsQueryAnswer>({
      method: 'POST',
      url: '/api/ds/query',
      data: { queries, from: String(range.fromMs), to: String(range.toMs) },
      showErrorAlert: false,
    })
  );
  const frames: DataFrame[] = [];
  for (const [refId, result] of Object.entries(response.data?.results ?? {})) {
    if (result.error) {
      throw new Error(result.error);
    }
    for (const json of result.frames ?? []) {
      frames.push({ ...dataFrameFromJSON(json), refId });
    }
  }
  return frames;
}
