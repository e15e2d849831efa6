import type { Finding } from '../../analysis/hygiene/findings';
import {
  defaultMetricServiceLabel,
  lokiFindingQuery,
  prometheusFindingQuery,
  tempoFindingQuery,
} from '../../datasources/hygieneQueries';
import type { DataSourceSummary } from '../../datasources/lookup';
import type { PivotContext } from '../../pivotContext';
import { exploreUrl } from '../../utils/links';

/**
 * The Explore link of a finding: its series, lines or spans on the pillar's data source, over
 * the window. Undefined when the data source is not usable or the query cannot be built (a label
 * name Prometheus would not parse).
 */
export function findingExploreUrl(
  ctx: PivotContext,
  finding: Finding,
  range: { fromMs: number; toMs: number }
): string | undefined {
  const resolution = ctx.datasources[finding.link.pillar];
  if (!resolution.ok) {
    return undefined;
  }
  const ds: DataSourceSummary = resolution.ds;
  const urlRange = { from: range.fromMs, to: range.toMs };
  try {
    const link = finding.link;
    switch (link.pillar) {
      case 'prometheus':
        return exploreUrl(
          ds,
          {
            expr: prometheusFindingQuery(
              defaultMetricServiceLabel(ctx.settings.metrics.serviceLabel),
              { ...range, service: link.service },
              link.label
            ),
            instant: true,
            range: false,
          },
          urlRange
        );
      case 'loki':
        return exploreUrl(
          ds,
          {
            expr: lokiFindingQuery(ctx.settings.logs.serviceLabel, link.service, {
              pattern: link.pattern,
              label: link.label,
            }),
            queryType: 'range',
          },
          urlRange
        );
      case 'tempo':
        return exploreUrl(
          ds,
          { queryType: 'traceql', query: tempoFindingQuery(link.service, link), limit: 20 },
          urlRange
        );
    }
  } catch {
    return undefined;
  }
}
