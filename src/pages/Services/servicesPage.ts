import { t } from '@grafana/i18n';
import { SceneAppPage, SceneAppPageLike, SceneRouteMatch } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { fromPathSegment, serviceUrl, URL_KEYS } from '../../utils/links';
import { prefixRoute } from '../../utils/routing';
import { dataSourcePage } from '../../scenes/dataSourcePage';
import { DS_URL_KEYS } from '../../utils/dataSourceChoice';
import { lazyPage } from '../../scenes/lazyPage';

/**
 * The Services page (the app's default) and, below it, each service's page at `services/:service`.
 * Each loads its code when shown (scenes/lazyPage.tsx).
 */
export function servicesPage(ctx: PivotContext): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.services.page.title', 'Services'),
    subTitle: t(
      'pivot.services.page.subtitle',
      'Every service with its request rate, error ratio and p95 latency. Open one to follow its errors to logs and traces.'
    ),
    url: prefixRoute(ROUTES.Services),
    routePath: `${ROUTES.Services}/*`,
    // Going back to the list keeps the window, the search and the sort.
    preserveUrlKeys: [URL_KEYS.from, URL_KEYS.to, URL_KEYS.search, URL_KEYS.sort, ...DS_URL_KEYS],
    getScene: () => lazyPage(() => import('./servicesScene').then((m) => dataSourcePage(ctx, m.buildServicesScene))),
    drilldowns: [
      {
        routePath: ':service',
        getPage: (routeMatch: SceneRouteMatch<{ service?: string }>, parent: SceneAppPageLike) =>
          servicePage(ctx, fromPathSegment(routeMatch.params.service ?? ''), parent),
      },
    ],
  });
}

export function servicePage(ctx: PivotContext, service: string, parent: SceneAppPageLike): SceneAppPage {
  return new SceneAppPage({
    title: service,
    subTitle: t(
      'pivot.services.service-page.subtitle',
      'Error ratio and latency; drag across a panel to narrow the logs, traces and neighbours below to that window.'
    ),
    url: serviceUrl(service, undefined, {}),
    routePath: ':service',
    getParentPage: () => parent,
    preserveUrlKeys: [URL_KEYS.from, URL_KEYS.to, ...DS_URL_KEYS],
    getScene: () =>
      lazyPage(() =>
        import('./serviceScene').then((m) => dataSourcePage(ctx, (page) => m.buildServiceScene(page, service)))
      ),
  });
}
