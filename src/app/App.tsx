import React, { useMemo } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { SceneApp } from '@grafana/scenes';
import { ROUTES } from '../constants';
import { graphPage } from '../pages/Graph/graphPage';
import { investigatePage } from '../pages/Investigate/investigatePage';
import { servicesPage } from '../pages/Services/servicesPage';
import { slosPage } from '../pages/Slos/slosPage';
import { tracePage } from '../pages/Trace/tracePage';
import type { PivotJsonData } from '../settings';
import { buildPivotContext, PivotContext } from '../pivotContext';

export function buildSceneApp(ctx: PivotContext): SceneApp {
  return new SceneApp({
    name: 'pivot',
    pages: [servicesPage(ctx), tracePage(ctx), graphPage(ctx), slosPage(ctx), investigatePage(ctx)],
    urlSyncOptions: { updateUrlOnInit: true, createBrowserHistorySteps: true },
  });
}

function App({ meta }: AppRootProps<PivotJsonData>) {
  const scene = useMemo(
    () => buildSceneApp(buildPivotContext(meta.jsonData, getDataSourceSrv().getList())),
    [meta.jsonData]
  );
  return (
    <Routes>
      <Route index element={<Navigate replace to={ROUTES.Services} />} />
      <Route path="*" element={<scene.Component model={scene} />} />
    </Routes>
  );
}

export default App;
