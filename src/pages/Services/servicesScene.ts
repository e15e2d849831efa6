import { EmbeddedScene, SceneDataQuery, SceneQueryRunner } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { METRIC_FAMILIES, MetricConventions, promql } from '../../datasources';
import { dsRef } from '../../datasources/lookup';
import { pageScene } from '../../scenes/pageControls';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { sloStatusAllServices } from '../../datasources/sloQueries';
import { DEFAULT_SORT, formatSort, SERVICE_STAT_REFS } from './serviceRows';
import { SLO_STATUS_REF } from './serviceSlos';
import { ServicesTable } from './ServicesTable';

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
 * SLO's status for all services (serviceSlos.ts).
 */
export function servicesQueries(conv: MetricConventions, withSlos = false): PromQuery[] {
  const whole = { window: '$__range' };
  const slo: PromQuery[] = withSlos
    ? [{ refId: SLO_STATUS_REF, expr: sloStatusAllServices(), instant: true, range: false }]
    : [];
  return [
    { refId: SERVICE_STAT_REFS.requestRate, expr: promql.requestRate(conv, whole), instant: true, range: false },
    { refId: SERVICE_STAT_REFS.errorRatio, expr: promql.errorRatio(conv, whole), instant: true, range: false },
    {
      refId: SERVICE_STAT_REFS.p95,
      expr: promql.latencyQuantile(conv, { ...whole, quantile: 0.95 }),
      instant: true,
      range: false,
    },
    {
      refId: SERVICE_STAT_REFS.sparkline,
      expr: promql.requestRate(conv, { window: '$__rate_interval' }),
      instant: false,
      range: true,
    },
    ...slo,
  ];
}

export function buildServicesScene(ctx: PivotContext): EmbeddedScene {
  return pageScene([
    metricFamilyGate(
      ctx,
      (conv, ds) =>
        new ServicesTable({
          search: '',
          sort: formatSort(DEFAULT_SORT),
          serviceLabel: conv.serviceLabel,
          familyTitle: METRIC_FAMILIES[conv.family].title,
          slos: ctx.settings.slos,
          $data: new SceneQueryRunner({
            datasource: dsRef(ds),
            queries: servicesQueries(conv, ctx.settings.slos.length > 0),
            maxDataPoints: SPARKLINE_POINTS,
          }),
        })
    ),
  ]);
}
