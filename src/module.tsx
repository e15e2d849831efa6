import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import { getDataSourceSrv, getTemplateSrv } from '@grafana/runtime';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import type { ServiceHealthProps } from './extensions/exposed/ServiceHealth';
import type { TraceSummaryProps } from './extensions/exposed/TraceSummary';
import { EXPOSED, INVESTIGATE_LINK, INVESTIGATE_LINK_TARGETS } from './extensions/ids';
import { configureInvestigateLink, InvestigateContext, InvestigateDeps } from './extensions/investigateLink';
import type { PivotJsonData } from './settings';
import { ROUTES } from './constants';
import { prefixRoute } from './utils/routing';

// Everything imported here ships in the preloaded bundle: pages, the config page and the
// exposed components load lazily; the link's query parsing runs on the investigate page.
const LazyApp = lazy(async () => {
  const [app, i18n] = await Promise.all([import('./components/App/App'), import('./i18n')]);
  await i18n.ensureTranslations();
  return app;
});
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));
const LazyServiceHealth = lazy(() => import('./extensions/exposed/ServiceHealth'));
const LazyTraceSummary = lazy(() => import('./extensions/exposed/TraceSummary'));

function App(props: AppRootProps<PivotJsonData>) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading Pivot…" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

function AppConfig(props: AppConfigProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading configuration…" />}>
      <LazyAppConfig {...props} />
    </Suspense>
  );
}

function ServiceHealth(props: ServiceHealthProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading service health…" />}>
      <LazyServiceHealth {...props} />
    </Suspense>
  );
}

function TraceSummary(props: TraceSummaryProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading trace summary…" />}>
      <LazyTraceSummary {...props} />
    </Suspense>
  );
}

const grafanaDeps: InvestigateDeps = {
  interpolate: (text, scopedVars, formatMulti) => getTemplateSrv().replace(text, scopedVars, formatMulti),
  dataSourceType: (ref) => getDataSourceSrv().getInstanceSettings(ref)?.type,
};

export const plugin = new AppPlugin<PivotJsonData>()
  .setRootPage(App)
  .addConfigPage({
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
