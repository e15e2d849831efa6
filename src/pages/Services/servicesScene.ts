import { EmbeddedScene, SceneDataQuery, SceneQueryRunner } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { METRIC_FAMILIES, MetricConventions, promql } from '../../datasources';
import { dsRef } from '../../datasources/lookup';
import { recordedErrorRatio, recordedLatencyQuantile, recordedRequestRate } from '../../datasources/redSeries';
import { pageScene } from '../../scenes/pageControls';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { sloStatusAllServices } from '../../datasources/sloQueries';
import { DEFAULT_SORT, formatSort, SERVICE_STAT_REFS } from './serviceRows';
import { SLO_STATUS_REF } from './serviceSlos';
import { ServicesTable } from './ServicesTable';
import { withConsumers } from './ConsumerServices';
import { consumerOnlyQueries } from '../../datasources/consumerQueries';
import { SERVICES_PAGE_SIZE, SPARKLINE_POINTS } from './sparklines';

export { SPARKLINE_POINTS } from './sparklines';

export interface PromQuery extends SceneDataQuery {
  expr: string;
  instant: boolean;
  range: boolean;
  exemplar?: boolean;
}

/**
 * The Services page's first request: one query per statistic for all services (never one per
 * service), instant queries over the whole window (`$__range`), sent together. With SLOs
 * defined, one more instant query reads every SLO's status for all services (serviceSlos.ts).
 * With `recorded`, the statistics read Pivot's recorded RED series
 * (docs/scaling.md#recording-rules). The sparklines are a second request, once these have
 * answered: the request rate over time of the rows on screen only (sparklines.ts).
 */
export function servicesQueries(conv: MetricConventions, withSlos = false, recorded = false): PromQuery[] {
  const whole = { window: '$__range' };
  const stats = recorded
    ? { requestRate: recordedRequestRate, errorRatio: recordedErrorRatio, latencyQuantile: recordedLatencyQuantile }
    : promql;
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
          conv,
          recorded,
          pageSize: SERVICES_PAGE_SIZE,
          $data: new SceneQueryRunner({
            datasource: dsRef(ds),
            queries: servicesQueries(conv, ctx.settings.slos.length > 0, recorded),
          }),
          // Filled in with the rows on screen once the statistics have answered (ServicesTable).
          sparklines: new SceneQueryRunner({ datasource: dsRef(ds), queries: [], maxDataPoints: SPARKLINE_POINTS }),
        }),
        conv,
        METRIC_FAMILIES[conv.family].title
      )
    ),
  ]);
}
