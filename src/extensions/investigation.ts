/**
 * "Investigate in Pivot": the deciding half, loaded with the investigate page only. Reads what
 * each query says (`src/datasources/queryFindings.ts`) and decides which of Pivot's pages
 * answers it: the Trace page for one trace id, the Service page for one concrete service, the
 * Services page otherwise.
 */
import {
  logqlFindings,
  promqlFindings,
  QueryFindings,
  ServiceLabels,
  serviceLabels,
  traceqlFindings,
  unique,
} from '../datasources/queryFindings';
import { t } from '@grafana/i18n';
import type { PivotSettings } from '../settings';
import { textValues } from '../utils/i18nValues';
import { DataSourceChoice, FROM_PANEL_KEY } from '../utils/dataSourceChoice';
import { serviceUrl, servicesUrl, traceUrl, UrlTimeRange } from '../utils/links';
import type { InvestigateTarget } from './investigateLink';

export type Investigation =
  | { page: 'trace'; traceId: string; url: string }
  | { page: 'service'; service: string; url: string }
  | { page: 'services'; reason: string; url: string }
  | { page: 'none'; reason: string };

export function findingsOf(target: InvestigateTarget, labels: ServiceLabels): QueryFindings {
  switch (target.source) {
    case 'prometheus':
      return promqlFindings(target.query, labels.promql);
    case 'loki':
      return logqlFindings(target.query, labels.logql);
    case 'tempo':
      return traceqlFindings(target.query);
  }
}

function list(values: string[]): string {
  const shown = values.slice(0, 5).map((v) => JSON.stringify(v));
  return values.length > 5
    ? t(
        'pivot.investigate.reason.list-more',
        '{{shown}} and {{more}} more',
        textValues({ shown: shown.join(', '), more: values.length - 5 })
      )
    : shown.join(', ');
}

/**
 * The data sources the page opens on, per pillar: the one a query of that language ran on,
 * preferring a query that names what the page is about (`about`), as in a mixed panel with two
 * Prometheus data sources; pillars with no such query are left to the page's defaults.
 */
function panelChoice(targets: InvestigateTarget[], findings: QueryFindings[], about: (f: QueryFindings) => boolean) {
  const choice: DataSourceChoice = {};
  const order = targets.map((target, i) => ({ target, relevant: about(findings[i]) }));
  order.sort((a, b) => Number(b.relevant) - Number(a.relevant));
  for (const { target } of order) {
    if (target.uid && !choice[target.source]) {
      choice[target.source] = target.uid;
    }
  }
  return choice;
}

/**
 * The page's URL with the panel's data sources, and `from-panel` listing the pillars they cover:
 * the page says which of its pillars come from the defaults instead (a Loki panel opening the
 * Service page: its metrics come from the default Prometheus, not from the panel).
 */
function fromPanel(url: string, choice: DataSourceChoice): string {
  const pillars = (['prometheus', 'loki', 'tempo'] as const).filter((p) => choice[p]);
  const param = `${FROM_PANEL_KEY}=${encodeURIComponent(pillars.join(','))}`;
  return `${url}${url.includes('?') ? '&' : '?'}${param}`;
}

/**
 * One trace id across the queries → its Trace page. Else one concrete service, with no query
 * selecting services it does not name → its Service page. Else the Services page.
 */
export function decideInvestigation(
  targets: InvestigateTarget[],
  settings: PivotSettings,
  range?: UrlTimeRange
): Investigation {
  if (targets.length === 0) {
    return {
      page: 'none',
      reason: t(
        'pivot.investigate.reason.no-query',
        'The link carried no Prometheus, Loki or Tempo query. Open Pivot from a panel or Explore query of one of these data sources.'
      ),
    };
  }
  const labels = serviceLabels(settings);
  const all = targets.map((target) => findingsOf(target, labels));
  const traceIds = unique(all.flatMap((f) => f.traceIds));
  if (traceIds.length === 1) {
    const ds = panelChoice(targets, all, (f) => f.traceIds.includes(traceIds[0]));
    return { page: 'trace', traceId: traceIds[0], url: fromPanel(traceUrl(traceIds[0], { range, ds }), ds) };
  }
  const services = unique(all.flatMap((f) => f.services));
  const broad = all.some((f) => f.broad);
  if (services.length === 1 && !broad) {
    const ds = panelChoice(targets, all, (f) => f.services.includes(services[0]));
    return { page: 'service', service: services[0], url: fromPanel(serviceUrl(services[0], range, ds), ds) };
  }
  let reason: string;
  if (traceIds.length > 1) {
    // Always more than one here, so no plural forms.
    reason = t(
      'pivot.investigate.reason.several-traces',
      'The queries are about {{traces}} traces.',
      textValues({ traces: traceIds.length })
    );
  } else if (services.length > 1) {
    reason = t(
      'pivot.investigate.reason.several-services',
      'The queries select several services ({{services}}).',
      textValues({ services: list(services) })
    );
  } else if (broad) {
    reason = t(
      'pivot.investigate.reason.broad',
      'The queries select services by a pattern or a variable, not by name.'
    );
  } else {
    reason = t(
      'pivot.investigate.reason.no-service',
      'No query selects a service by {{labels}}.',
      textValues({ labels: list(unique([...labels.promql, ...labels.logql, 'resource.service.name'])) })
    );
  }
  const ds = panelChoice(targets, all, () => true);
  return { page: 'services', reason, url: fromPanel(servicesUrl(range, ds), ds) };
}
