import { t } from '@grafana/i18n';
import { SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { URL_KEYS } from '../../utils/links';
import { prefixRoute } from '../../utils/routing';
import { dataSourcePage } from '../../scenes/dataSourcePage';
import { lazyPage } from '../../scenes/lazyPage';
import { DS_URL_KEYS } from '../../utils/dataSourceChoice';

/**
 * The Graph page: the service dependency graph of the time range, focus and filters in the URL.
 * Its code (graphPage.ts and what it imports) loads when the page is shown.
 */
export function graphPage(ctx: PivotContext): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.graph.page.title', 'Service graph'),
    subTitle: t(
      'pivot.graph.page.subtitle',
      'Who calls whom, with request rate, error ratio and p95 latency on every edge. Focus on a service, or show only unhealthy edges.'
    ),
    url: prefixRoute(ROUTES.Graph),
    routePath: `${ROUTES.Graph}/*`,
    preserveUrlKeys: [
      URL_KEYS.from,
      URL_KEYS.to,
      URL_KEYS.focus,
      URL_KEYS.depth,
      URL_KEYS.unhealthy,
      URL_KEYS.client,
      URL_KEYS.server,
      ...DS_URL_KEYS,
    ],
    getScene: () => lazyPage(() => import('./graphPage').then((m) => dataSourcePage(ctx, m.buildGraphScene))),
  });
}
