/**
 * The metric-family probe, asked once per app load: which metric family has series (when the
 * family is `auto`) and whether Pivot's recorded RED series exist (docs/scaling.md#recording-rules),
 * in one request. The app starts it when it loads (src/app/App.tsx), so the first page waits
 * for it at most once and every later page reads the answer at once; a page opened outside the
 * app (a test, an embedded component) with the family `auto` asks it itself.
 */
import { lastValueFrom } from 'rxjs';
import { CoreApp, DataFrame, DataQueryRequest, dateTime, LoadingState, TimeRange } from '@grafana/data';
import { getDataSourceSrv, getRunRequest } from '@grafana/runtime';
import { t } from '@grafana/i18n';
import { METRIC_FAMILY_LIST } from '../datasources/conventions';
import type { DataSourceSummary } from '../datasources/lookup';
import { PROBE_WINDOW_SECONDS, prometheusProbeQueries } from '../datasources/probes';
import { recordedEdgesProbeQuery } from '../datasources/recordedEdges';
import { recordedProbeQueries } from '../datasources/redSeries';
import { recordedEdgesIn } from '../analysis/metricFamily';
import type { PivotContext } from '../pivotContext';
import type { PivotSettings } from '../settings';

interface ProbeQuery {
  refId: string;
  expr: string;
}

/** Probe answers per Grafana runtime (its query runner lives as long as the app), by data source and queries. */
const answers = new WeakMap<object, Map<string, Promise<DataFrame[]>>>();

/**
 * The probe's queries: the family probe and every family's recorded series for `auto`, else the
 * configured family's recorded series; and, for any family, the recorded service-graph edges
 * (their rules can be left out while the per-service ones run: `red-rules --no-service-graph`).
 */
export function familyProbeQueries(settings: PivotSettings): ProbeQuery[] {
  const { family, serviceLabel } = settings.metrics;
  let recorded: ProbeQuery[];
  try {
    recorded = recordedProbeQueries(family === 'auto' ? METRIC_FAMILY_LIST : [family], serviceLabel);
  } catch {
    // A service label that is not a label name: the page says so (settingsProblems); no rules to look for.
    recorded = [];
  }
  recorded.push(recordedEdgesProbeQuery());
  return family === 'auto' ? [...prometheusProbeQueries(), ...recorded] : recorded;
}

function cacheOf(): Map<string, Promise<DataFrame[]>> {
  const runtime = getRunRequest();
  const cache = answers.get(runtime) ?? new Map<string, Promise<DataFrame[]>>();
  answers.set(runtime, cache);
  return cache;
}

function keyOf(settings: PivotSettings, ds: DataSourceSummary): string {
  return JSON.stringify([ds.uid, familyProbeQueries(settings)]);
}

/** The probe's answer if it was started in this app load (and did not fail), else undefined. */
export function startedFamilyProbe(settings: PivotSettings, ds: DataSourceSummary): Promise<DataFrame[]> | undefined {
  return cacheOf().get(keyOf(settings, ds));
}

/**
 * Calls `onKnown` once with whether Pivot's recorded service-graph edge series exist, from the
 * probe the app started (App.tsx) when it answers; at once with `known` when the caller already
 * holds the answer (a clone), and with false when Prometheus is unusable or the probe was not
 * started (a page opened outside the app). A failed probe is false too: the raw queries answer
 * the same, the rules are an optimisation. Returns a canceller for the object's deactivation:
 * an answer after it is dropped.
 */
export function whenRecordedEdgesKnown(
  ctx: PivotContext,
  onKnown: (recorded: boolean) => void,
  known?: boolean
): () => void {
  let cancelled = false;
  const prometheus = ctx.datasources.prometheus;
  const found =
    known === undefined && prometheus.ok
      ? startedFamilyProbe(ctx.settings, prometheus.ds)?.then(recordedEdgesIn, () => false)
      : undefined;
  if (found) {
    found.then((recorded) => {
      if (!cancelled) {
        onKnown(recorded);
      }
    });
  } else {
    onKnown(known ?? false);
  }
  return () => {
    cancelled = true;
  };
}

/** The probe's answer, asked now unless it already was in this app load; a failed probe is asked again next time. */
export function familyProbe(settings: PivotSettings, ds: DataSourceSummary, range?: TimeRange): Promise<DataFrame[]> {
  const cache = cacheOf();
  const key = keyOf(settings, ds);
  let answer = cache.get(key);
  if (!answer) {
    const queries = familyProbeQueries(settings);
    answer = queries.length === 0 ? Promise.resolve([]) : send(ds, queries, range ?? lastHour());
    cache.set(key, answer);
    answer.catch(() => cache.delete(key));
  }
  return answer;
}

function lastHour(): TimeRange {
  const to = dateTime();
  return { from: dateTime(to.valueOf() - PROBE_WINDOW_SECONDS * 1000), to, raw: { from: 'now-1h', to: 'now' } };
}

async function send(summary: DataSourceSummary, queries: ProbeQuery[], range: TimeRange): Promise<DataFrame[]> {
  const { uid, type } = summary;
  // getDataSourceSrv is deprecated in Grafana 13, but its replacements (@grafana/runtime/unstable)
  // do not exist in the Grafana 11.6 Pivot supports; Scenes itself still uses it.
  const ds = await getDataSourceSrv().get({ uid, type });
  const request: DataQueryRequest = {
    app: CoreApp.Unknown,
    requestId: `pivot-family-${uid}`,
    timezone: 'browser',
    range,
    interval: '1m',
    intervalMs: 60_000,
    targets: queries.map((q) => ({
      refId: q.refId,
      datasource: { uid, type },
      expr: q.expr,
      instant: true,
      range: false,
    })),
    scopedVars: {},
    startTime: Date.now(),
  };
  const data = await lastValueFrom(getRunRequest()(ds, request));
  if (data.state === LoadingState.Error) {
    const message = (data.errors ?? [])
      .map((e) => e.message)
      .filter(Boolean)
      .join('; ');
    throw new Error(
      message || t('pivot.scenes.family.probe-no-message', 'The metric family probe failed without a message.')
    );
  }
  return data.series;
}
