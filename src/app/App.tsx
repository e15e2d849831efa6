import React, { useMemo } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { SceneApp } from '@grafana/scenes';
import { ROUTES } from '../constants';
import { graphPage } from '../pages/Graph/graphRoute';
import { hygienePage } from '../pages/Hygiene/hygieneRoute';
import { investigatePage } from '../pages/Investigate/investigatePage';
import { servicesPage } from '../pages/Services/servicesPage';
import { slosPage } from '../pages/Slos/slosPage';
import { tracePage } from '../pages/Trace/tracePage';
import type { PivotJsonData } from '../settings';
import { buildPivotContext, PivotContext } from '../pivotContext';
import { familyProbe } from '../scenes/familyProbe';

/**
 * The metric-family probe, once per app load, as the app loads: the first page waits for its
 * answer at most, every later page reads it at once (scenes/familyProbe.ts). A failure is the
 * page's to show.
 */
function startFamilyProbe(ctx: PivotContext): void {
  const prometheus = ctx.datasources.prometheus;
  if (prometheus.ok) {
    familyProbe(ctx.settings, prometheus.ds).catch(() => undefined);
  }
}

/**
 * The app's pages. Each page's code loads when the page is shown (scenes/lazyPage.tsx), so the
 * first page downloads Scenes and its own code only (docs/benchmarks.md, first page).
 */
export function buildSceneApp(ctx: PivotContext): SceneApp {
  return new SceneApp({
    name: 'pivot',
    pages: [servicesPage(ctx), tracePage(ctx), graphPage(ctx), slosPage(ctx), hygienePage(ctx), investigatePage(ctx)],
    urlSyncOptions: { updateUrlOnInit: true, createBrowserHistorySteps: true },
  });
}

function App({ meta }: AppRootProps<PivotJsonData>) {
  const scene = useMemo(() => {
    const ctx = buildPivotContext(meta.jsonData, getDataSourceSrv().getList());
    startFamilyProbe(ctx);
    return buildSceneApp(ctx);
  }, [meta.jsonData]);
  return (
    <Routes>
      <Route index element={<Navigate replace to={ROUTES.Services} />} />
      <Route path="*" element={<scene.Component model={scene} />} />
    </Routes>
  );
}

export default App;
