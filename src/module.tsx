import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import type { PivotJsonData } from './settings';

// Everything imported here ships in the preloaded bundle: pages and the config page load lazily.
const LazyApp = lazy(async () => {
  const [app, i18n] = await Promise.all([import('./components/App/App'), import('./i18n')]);
  await i18n.ensureTranslations();
  return app;
});
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));

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

export const plugin = new AppPlugin<PivotJsonData>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
