import { EmbeddedScene, SceneDataQuery, SceneQueryRunner } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { METRIC_FAMILIES, MetricConventions } from '../../datasources';
import { dsRef } from '../../datasources/lookup';
import { pageScene } from '../../scenes/pageControls';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { sloStatusAllServices } from '../../datasources/sloQueries';
import { DEFAULT_SORT, formatSort } from './serviceRows';
import { listQueries } from './pageRequests';
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

export interface ListOptions {
  /** The column the table sorts by (serviceRows.ts SortKey): asked for every service. */
  sort?: string;
  /** The statistics' window (pageRequests.ts statisticsWindow): `$__range` unless recorded. */
  window?: string;
}

/**
 * The Services page's first request (pageRequests.ts): for every service, the statistics
 * that list the services and order them (never one query per service), instant queries over
 * the whole window, sent together. With SLOs defined, one more instant query reads every
 * SLO's status for all services (serviceSlos.ts); on raw series, the queue consumers' two
 * queries. With `recorded`, the statistics read Pivot's recorded RED series
 * (docs/scaling.md#recording-rules). The rest of each row shown (the other statistics and the
 * sparkline) is a second request, once these have answered (ServicesTable.tsx).
 */
export function servicesQueries(
  conv: MetricConventions,
  withSlos = false,
  recorded = false,
  { sort = DEFAULT_SORT.key, window = '$__range' }: ListOptions = {}
): PromQuery[] {
  const slo: PromQuery[] = withSlos
    ? [{ refId: SLO_STATUS_REF, expr: sloStatusAllServices(), instant: true, range: false }]
    : [];
  return [
    ...listQueries(conv, recorded, sort, window),
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
          listQueries: (sort, window) =>
            servicesQueries(conv, ctx.settings.slos.length > 0, recorded, { sort, window }),
          // Both requests run when the table says (activation, time range, sort, rows shown),
          // with the queries of that moment: never first with stale ones.
          $data: new SceneQueryRunner({
            datasource: dsRef(ds),
            queries: servicesQueries(conv, ctx.settings.slos.length > 0, recorded),
            runQueriesMode: 'manual',
          }),
          // Filled in with the rows shown once the list has answered (ServicesTable).
          rowDetails: new SceneQueryRunner({
            datasource: dsRef(ds),
            queries: [],
            maxDataPoints: SPARKLINE_POINTS,
            runQueriesMode: 'manual',
          }),
        }),
        conv,
        METRIC_FAMILIES[conv.family].title
      )
    ),
  ]);
}
