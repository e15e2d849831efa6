import { t } from '@grafana/i18n';
import { SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { URL_KEYS } from '../../utils/links';
import { prefixRoute } from '../../utils/routing';
import { lazyPage } from '../../scenes/lazyPage';

/** The Hygiene page: labels that blow up cardinality and fields that leak personal data, per service, with their fixes. */
export function hygienePage(ctx: PivotContext): SceneAppPage {
  return new SceneAppPage({
    title: t('pivot.hygiene.page.title', 'Telemetry hygiene'),
    subTitle: t(
      'pivot.hygiene.page.subtitle',
      'Labels and attributes whose values are ids (one series, stream or span-metrics row per value) and personal data in logs and spans, per service, each with the Collector configuration that fixes it. Values are never shown.'
    ),
    url: prefixRoute(ROUTES.Hygiene),
    routePath: `${ROUTES.Hygiene}/*`,
    preserveUrlKeys: [URL_KEYS.from, URL_KEYS.to],
    getScene: () => lazyPage(() => import('./hygienePage').then((m) => m.buildHygieneScene(ctx))),
  });
}
