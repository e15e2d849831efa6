import { t } from '@grafana/i18n';
import { EmbeddedScene, SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { ROUTES } from '../../constants';
import { grafanaProbeClient } from '../../components/AppConfig/grafanaProbeClient';
import type { ProbeClient } from '../../datasources/probes';
import { URL_KEYS } from '../../utils/links';
import { prefixRoute } from '../../utils/routing';
import { pageScene } from '../../scenes/pageControls';
import { HygieneScene } from '../../scenes/HygieneScene';

export function buildHygieneScene(ctx: PivotContext, client: ProbeClient = grafanaProbeClient()): EmbeddedScene {
  return pageScene([new HygieneScene({ ctx, client })]);
}

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
    getScene: () => buildHygieneScene(ctx),
  });
}
