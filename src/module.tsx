import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import i18next from 'i18next';
import { getDataSourceSrv, getTemplateSrv } from '@grafana/runtime';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import type { ServiceHealthProps } from './extensions/exposed/ServiceHealth';
import type { TraceSummaryProps } from './extensions/exposed/TraceSummary';
import { EXPOSED, INVESTIGATE_LINK, INVESTIGATE_LINK_TARGETS } from './extensions/ids';
import { configureInvestigateLink, InvestigateContext, InvestigateDeps } from './extensions/investigateLink';
import type { PivotJsonData } from './settings';
import { PLUGIN_ID, ROUTES } from './constants';
import { prefixRoute } from './utils/routing';

// Everything imported here ships in the preloaded bundle: pages, the config page and the
// exposed components load lazily; the link's query parsing runs on the investigate page.
/**
 * A lazily loaded component behind a loading placeholder. The placeholder's text comes from
 * Grafana's own i18next (external, so nothing is added to this preloaded module; @grafana/i18n
 * here would add over 5 kB gzip), called as it renders: @grafana/i18n's t() is not set up yet then.
 */
function suspended<P extends object>(Lazy: React.ComponentType<P>, loading: () => string | undefined) {
  return function Suspended(props: P) {
    return (
      <Suspense fallback={<LoadingPlaceholder text={loading()} />}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

/**
 * Pivot's own translations, for what renders no scene (the configuration page, the exposed
 * components): those need not load Scenes to set up its strings, as the app does (src/i18n.ts).
 */
let own: Promise<unknown> | undefined;
function ownTranslations(): Promise<unknown> {
  own ??= import('@grafana/i18n').then(({ initPluginTranslations }) => initPluginTranslations(PLUGIN_ID));
  return own;
}

/** A module, once translations are set up: its components' t() calls need them. */
async function afterTranslations<M>(
  load: Promise<M>,
  translations: () => Promise<unknown> = ownTranslations
): Promise<M> {
  const [module] = await Promise.all([load, translations()]);
  return module;
}

const App = suspended<AppRootProps<PivotJsonData>>(
  lazy(() => afterTranslations(import('./app/App'), () => import('./i18n').then((i18n) => i18n.ensureTranslations()))),
  () => i18next.t('pivot.app.loading', { ns: PLUGIN_ID, defaultValue: 'Loading Pivot…' })
);
const AppConfig = suspended<AppConfigProps>(
  lazy(() => afterTranslations(import('./components/AppConfig/AppConfig'))),
  () => i18next.t('pivot.config.loading', { ns: PLUGIN_ID, defaultValue: 'Loading configuration…' })
);
const ServiceHealth = suspended<ServiceHealthProps>(
  lazy(() => afterTranslations(import('./extensions/exposed/ServiceHealth'))),
  () =>
    i18next.t('pivot.exposed.service-health.loading-component', {
      ns: PLUGIN_ID,
      defaultValue: 'Loading service health…',
    })
);
const TraceSummary = suspended<TraceSummaryProps>(
  lazy(() => afterTranslations(import('./extensions/exposed/TraceSummary'))),
  () =>
    i18next.t('pivot.exposed.trace-summary.loading-component', {
      ns: PLUGIN_ID,
      defaultValue: 'Loading trace summary…',
    })
);

const grafanaDeps: InvestigateDeps = {
  interpolate: (text, scopedVars, formatMulti) => getTemplateSrv().replace(text, scopedVars, formatMulti),
  dataSourceType: (ref) => getDataSourceSrv().getInstanceSettings(ref)?.type,
  dataSourceUid: (ref) => getDataSourceSrv().getInstanceSettings(ref)?.uid,
};

export const plugin = new AppPlugin<PivotJsonData>()
  .setRootPage(App)
  .addConfigPage({
    // Registered as the module loads, before the language is known; Grafana keeps this title.
    title: 'Configuration',
    icon: 'cog',
    body: AppConfig,
    id: 'configuration',
  })
  .addLink<InvestigateContext>({
    ...INVESTIGATE_LINK,
    targets: INVESTIGATE_LINK_TARGETS,
    // Grafana requires a path at registration; configure replaces it with the queries' own.
    path: prefixRoute(ROUTES.Investigate),
    icon: 'search',
    configure: (context) => configureInvestigateLink(context, grafanaDeps),
  })
  .exposeComponent({ ...EXPOSED.serviceHealth, component: ServiceHealth })
  .exposeComponent({ ...EXPOSED.traceSummary, component: TraceSummary });
