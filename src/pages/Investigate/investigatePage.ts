import { t } from '@grafana/i18n';
import { EmbeddedScene, SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/routing';
import { lazyPage } from '../../scenes/lazyPage';

/** `investigate`: the landing route of "Investigate in Pivot" links; it redirects to the page the queries call for. */
export function investigatePage(ctx: PivotContext): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.investigate.page.title', 'Investigate'),
    url: prefixRoute(ROUTES.Investigate),
    routePath: ROUTES.Investigate,
    getScene: () =>
      lazyPage(() =>
        import('./InvestigateScene').then(
          (m) => new EmbeddedScene({ body: new m.InvestigateScene({ settings: ctx.settings }) })
        )
      ),
  });
}
