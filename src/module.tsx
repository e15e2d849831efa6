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
/** A lazily loaded component behind a loading placeholder. */
function suspended<P extends object>(Lazy: React.ComponentType<P>, loading: string) {
  return function Suspended(props: P) {
    return (
      <Suspense fallback={<LoadingPlaceholder text={loading} />}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

const App = suspended<AppRootProps<PivotJsonData>>(
  lazy(async () => {
    const [app, i18n] = await Promise.all([import('./app/App'), import('./i18n')]);
    await i18n.ensureTranslations();
    return app;
  }),
  'Loading Pivot…'
);
const AppConfig = suspended<AppConfigProps>(
  lazy(() => import('./components/AppConfig/AppConfig')),
  'Loading configuration…'
);
const ServiceHealth = suspended<ServiceHealthProps>(
  lazy(() => import('./extensions/exposed/ServiceHealth')),
  'Loading service health…'
);
const TraceSummary = suspended<TraceSummaryProps>(
  lazy(() => import('./extensions/exposed/TraceSummary')),
  'Loading trace summary…'
);

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
