import { t } from '@grafana/i18n';
import { SceneAppPage, SceneAppPageLike, SceneRouteMatch } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { fromPathSegment, sloUrl } from '../../utils/links';
import { prefixRoute } from '../../utils/routing';
import { dataSourcePage } from '../../scenes/dataSourcePage';
import { lazyPage } from '../../scenes/lazyPage';

/**
 * The SLOs page and, below it, each SLO's page at `slos/:slo`. Each loads its code when shown:
 * `yaml` and the rules renderer are downloaded only here.
 */
export function slosPage(ctx: PivotContext): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.slos.page.title', 'SLOs'),
    subTitle: t(
      'pivot.slos.page.subtitle',
      'Each SLO with its error budget, burn rate over the standard windows, and the rules that page on fast burn.'
    ),
    url: prefixRoute(ROUTES.Slos),
    routePath: `${ROUTES.Slos}/*`,
    getScene: () => lazyPage(() => import('./slosScene').then((m) => dataSourcePage(ctx, m.buildSlosScene))),
    drilldowns: [
      {
        routePath: ':slo',
        getPage: (routeMatch: SceneRouteMatch<{ slo?: string }>, parent: SceneAppPageLike) =>
          sloPage(ctx, fromPathSegment(routeMatch.params.slo ?? ''), parent),
      },
    ],
  });
}

export function sloPage(ctx: PivotContext, name: string, parent: SceneAppPageLike): SceneAppPage {
  return new SceneAppPage({
    title: name,
    subTitle: t(
      'pivot.slos.detail-page.subtitle',
      'Budget, burn rate per window pair, the alerting rules, and the way into the incident.'
    ),
    url: sloUrl(name, undefined, {}),
    routePath: ':slo',
    getParentPage: () => parent,
    getScene: () =>
      lazyPage(() => import('./sloScene').then((m) => dataSourcePage(ctx, (page) => m.buildSloScene(page, name)))),
  });
}
