import { t } from '@grafana/i18n';
import { EmbeddedScene, SceneAppPage, SceneAppPageLike, SceneReactObject, SceneRouteMatch } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { shortTraceId } from '../../datasources/traceql';
import { fromPathSegment, traceUrl, URL_KEYS } from '../../utils/links';
import { textValues } from '../../utils/i18nValues';
import { prefixRoute } from '../../utils/routing';
import { dataSourcePage } from '../../scenes/dataSourcePage';
import { DS_URL_KEYS } from '../../utils/dataSourceChoice';
import { lazyPage } from '../../scenes/lazyPage';

/** The Trace page: `trace` asks for an id; `trace/:traceId` shows that trace. Each loads its code when shown. */
export function tracePage(ctx: PivotContext): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.trace.page.title', 'Trace'),
    subTitle: t(
      'pivot.trace.page.subtitle',
      'Paste a trace id, or follow a trace_id link from a log line, an exemplar or a failing trace.'
    ),
    url: prefixRoute(ROUTES.Trace),
    routePath: `${ROUTES.Trace}/*`,
    preserveUrlKeys: [URL_KEYS.from, URL_KEYS.to, ...DS_URL_KEYS],
    getScene: () =>
      lazyPage(() =>
        import('./OpenTraceForm').then(
          (m) => new EmbeddedScene({ body: new SceneReactObject({ component: m.OpenTraceForm }) })
        )
      ),
    drilldowns: [
      {
        routePath: ':traceId',
        getPage: (routeMatch: SceneRouteMatch<{ traceId?: string }>, parent: SceneAppPageLike) =>
          traceDetailPage(ctx, fromPathSegment(routeMatch.params.traceId ?? ''), parent),
      },
    ],
  });
}

export function traceDetailPage(ctx: PivotContext, traceId: string, parent: SceneAppPageLike): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.trace.detail-page.title', 'Trace {{traceId}}', textValues({ traceId: shortTraceId(traceId) })),
    subTitle: t(
      'pivot.trace.detail-page.subtitle',
      'Where the trace failed, its critical path, its logs and the services it crossed.'
    ),
    url: traceUrl(traceId, { ds: {} }),
    routePath: ':traceId',
    getParentPage: () => parent,
    preserveUrlKeys: [URL_KEYS.from, URL_KEYS.to, URL_KEYS.span, ...DS_URL_KEYS],
    getScene: () =>
      lazyPage(() =>
        import('./traceScene').then((m) => dataSourcePage(ctx, (page) => m.buildTraceScene(page, traceId)))
      ),
  });
}
