import { EmbeddedScene, SceneDataQuery, SceneQueryRunner } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { METRIC_FAMILIES, MetricConventions, promql } from '../../datasources';
import { dsRef } from '../../datasources/lookup';
import {
  RED_WINDOW,
  recordedErrorRatio,
  recordedLatencyQuantile,
  recordedRequestRate,
} from '../../datasources/redSeries';
import { pageScene } from '../../scenes/pageControls';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { sloStatusAllServices } from '../../datasources/sloQueries';
import { DEFAULT_SORT, formatSort, SERVICE_STAT_REFS } from './serviceRows';
import { SLO_STATUS_REF } from './serviceSlos';
import { ServicesTable } from './ServicesTable';
import { withConsumers } from './ConsumerServices';
import { consumerOnlyQueries } from '../../datasources/consumerQueries';

/** Points on each sparkline: enough to show a trend, few enough to stay cheap for every service. */
export const SPARKLINE_POINTS = 40;

export interface PromQuery extends SceneDataQuery {
  expr: string;
  instant: boolean;
  range: boolean;
  exemplar?: boolean;
}

/**
 * The Services page's queries: one per statistic for all services (never one per service).
 * The table's numbers are instant queries over the whole window (`$__range`); the sparkline
 * is the request rate as a range query. With SLOs defined, one more instant query reads every
 * SLO's status for all services (serviceSlos.ts). With `recorded`, the statistics read Pivot's
 * recorded RED series (docs/scaling.md#recording-rules) and the sparkline is their 5-minute rate.
 */
export function servicesQueries(conv: MetricConventions, withSlos = false, recorded = false): PromQuery[] {
  const whole = { window: '$__range' };
  const stats = recorded
    ? {
        requestRate: recordedRequestRate,
        errorRatio: recordedErrorRatio,
        latencyQuantile: recordedLatencyQuantile,
        sparklineWindow: RED_WINDOW,
      }
    : { ...promql, sparklineWindow: '$__rate_interval' };
  const slo: PromQuery[] = withSlos
    ? [{ refId: SLO_STATUS_REF, expr: sloStatusAllServices(), instant: true, range: false }]
    : [];
  return [
    { refId: SERVICE_STAT_REFS.requestRate, expr: stats.requestRate(conv, whole), instant: true, range: false },
    { refId: SERVICE_STAT_REFS.errorRatio, expr: stats.errorRatio(conv, whole), instant: true, range: false },
    {
      refId: SERVICE_STAT_REFS.p95,
      expr: stats.latencyQuantile(conv, { ...whole, quantile: 0.95 }),
      instant: true,
      range: false,
    },
    {
      refId: SERVICE_STAT_REFS.sparkline,
      expr: stats.requestRate(conv, { window: stats.sparklineWindow }),
      instant: false,
      range: true,
    },
    ...slo,
    // Queue workers (consumer spans, no server spans): the section below the table
    // (ConsumerServices.tsx). Not on recorded series, which exist to spare the raw ones.
    ...((!recorded && consumerOnlyQueries(conv, '$__range')) || []),
  ];
}

export function buildServicesScene(ctx: PivotContext): EmbeddedScene {
  return pageScene([
    metricFamilyGate(ctx, (conv, ds, recorded) =>
      withConsumers(
        new ServicesTable({
          search: '',
          sort: formatSort(DEFAULT_SORT),
          serviceLabel: conv.serviceLabel,
          familyTitle: METRIC_FAMILIES[conv.family].title,
          slos: ctx.settings.slos,
          $data: new SceneQueryRunner({
            datasource: dsRef(ds),
            queries: servicesQueries(conv, ctx.settings.slos.length > 0, recorded),
            maxDataPoints: SPARKLINE_POINTS,
          }),
        }),
        conv,
        METRIC_FAMILIES[conv.family].title
      )
    ),
  ]);
}
