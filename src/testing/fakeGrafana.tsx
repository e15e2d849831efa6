import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { render } from '@testing-library/react';
import { Observable, of } from 'rxjs';
import {
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  DataSourcePluginMeta,
  getDefaultTimeRange,
  LoadingState,
  PanelData,
  PanelPlugin,
  PanelProps,
  PluginType,
  ScopedVars,
} from '@grafana/data';
import { sceneGraph, SceneObject } from '@grafana/scenes';
import {
  DataSourceSrv,
  locationService,
  LocationServiceProvider,
  setDataSourceSrv,
  setPluginImportUtils,
  setRunRequest,
} from '@grafana/runtime';
import { buildPivotContext, PivotContext } from '../pivotContext';
import { PLUGIN_BASE_URL } from '../constants';
import type { DataSourceSummary } from '../datasources/lookup';
import { PivotJsonData, PROVISIONED_UIDS } from '../settings';

/**
 * A stand-in for the parts of Grafana the Services and Service pages talk to: the data source
 * service, the request runner (where every query a page sends is recorded) and the panel
 * plugins (core panels are not npm packages, docs/conventions.md#panels-and-node-graph-frames: a fake panel renders the
 * frames it received, so tests can see what reached a panel).
 */

export const PROMETHEUS: DataSourceSummary = {
  uid: PROVISIONED_UIDS.prometheus,
  name: 'Prometheus',
  type: 'prometheus',
};
export const LOKI: DataSourceSummary = { uid: PROVISIONED_UIDS.loki, name: 'Loki', type: 'loki' };
export const TEMPO: DataSourceSummary = { uid: PROVISIONED_UIDS.tempo, name: 'Tempo', type: 'tempo' };
export const ALL_DATASOURCES = [PROMETHEUS, LOKI, TEMPO];

export interface RecordedRequest {
  uid: string;
  type: string;
  request: DataQueryRequest;
}

/** What a data source answers to one request: frames, or an error message. */
export type Answer = { frames: DataFrame[] } | { error: string; frames?: DataFrame[]; refId?: string } | 'pending';

export type Responder = (ds: DataSourceSummary, request: DataQueryRequest) => Answer;

function meta(type: string): DataSourcePluginMeta {
  return {
    id: type,
    name: type,
    type: PluginType.datasource,
    module: `core:plugin/${type}`,
    baseUrl: `public/app/plugins/datasource/${type}`,
    info: {
      author: { name: 'Grafana Labs' },
      description: type,
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '',
    },
  };
}

function instanceSettings(ds: DataSourceSummary): DataSourceInstanceSettings {
  return {
    uid: ds.uid,
    type: ds.type,
    name: ds.name,
    meta: meta(ds.type),
    readOnly: true,
    jsonData: {},
    access: 'proxy',
  };
}

class FakeDataSource extends DataSourceApi {
  query(): Observable<DataQueryResponse> {
    return of({ data: [] });
  }
  async testDatasource() {
    return { status: 'success', message: 'ok' };
  }
}

function toPanelData(answer: Answer, request: DataQueryRequest): PanelData {
  const base = { timeRange: request.range ?? getDefaultTimeRange(), request };
  if (answer === 'pending') {
    return { ...base, state: LoadingState.Loading, series: [] };
  }
  if ('error' in answer) {
    return {
      ...base,
      state: LoadingState.Error,
      series: answer.frames ?? [],
      errors: [{ message: answer.error, refId: answer.refId ?? request.targets[0]?.refId }],
    };
  }
  return { ...base, state: LoadingState.Done, series: answer.frames };
}

let pluginsInstalled = false;

/** Panels measure their container; jsdom has no ResizeObserver, so report nothing (sizes stay 0). */
class SilentResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

/** Renders a scene as Grafana mounts an app page: inside a router. */
export function renderInGrafana(ui: React.ReactElement) {
  return render(<MemoryRouter>{ui}</MemoryRouter>);
}

/**
 * Mounts `ui` at `url` as Grafana mounts Pivot (docs/conventions.md#mounting-the-app): the location service
 * pointed at the URL, a router, and the app's route.
 */
export function renderAppAt(url: string, ui: React.ReactElement) {
  locationService.push(url);
  return render(
    <LocationServiceProvider service={locationService}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path={`${PLUGIN_BASE_URL}/*`} element={ui} />
        </Routes>
      </MemoryRouter>
    </LocationServiceProvider>
  );
}

/** Installs the fake Grafana; returns the list every request is recorded into. */
export function installFakeGrafana(
  respond: Responder,
  available: DataSourceSummary[] = ALL_DATASOURCES
): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  // As Grafana's: a reference to a variable (`${metrics}`) is filled in by the scene asking
  // (its template service interpolates through Scenes when the scoped vars carry the scene object).
  const find = (ref: unknown, scopedVars?: ScopedVars): DataSourceSummary | undefined => {
    const written =
      typeof ref === 'string' ? ref : ref && typeof ref === 'object' && 'uid' in ref ? ref.uid : undefined;
    const scene = scopedVars?.__sceneObject?.value?.valueOf() as SceneObject | undefined;
    const uid =
      typeof written === 'string' && written.includes('$') && scene ? sceneGraph.interpolate(scene, written) : written;
    return available.find((d) => d.uid === uid);
  };
  const srv: DataSourceSrv = {
    get: async (ref, scopedVars) => {
      const ds = find(ref, scopedVars);
      if (!ds) {
        throw new Error(`Data source ${JSON.stringify(ref)} was not found`);
      }
      return new FakeDataSource(instanceSettings(ds));
    },
    getList: () => available.map(instanceSettings),
    getInstanceSettings: (ref, scopedVars) => {
      const ds = find(ref, scopedVars);
      return ds ? instanceSettings(ds) : undefined;
    },
    reload: async () => undefined,
    registerRuntimeDataSource: () => undefined,
  };
  setDataSourceSrv(srv);
  setRunRequest((ds, request) => {
    const summary = { uid: ds.uid, type: ds.type, name: ds.name };
    requests.push({ uid: ds.uid, type: ds.type, request });
    return of(toPanelData(respond(summary, request), request));
  });
  if (typeof globalThis.ResizeObserver === 'undefined') {
    globalThis.ResizeObserver = SilentResizeObserver;
  }
  if (!pluginsInstalled) {
    // Grafana allows setting these once per process.
    setPluginImportUtils({
      importPanelPlugin: async (id) => fakePanelPlugin(id),
      getPanelPluginFromCache: () => undefined,
    });
    pluginsInstalled = true;
  }
  return requests;
}

function fakePanelPlugin(id: string): PanelPlugin {
  const FakePanel = ({ data }: PanelProps) => (
    <div data-testid={`fake-panel ${id}`}>{data.series.map((f) => `${f.refId ?? ''}:${f.length}`).join(' ')}</div>
  );
  // Standard field options (links, unit…) as every core panel has: Grafana drops overrides a panel does not know.
  const plugin = new PanelPlugin(FakePanel).useFieldConfig();
  plugin.meta = { ...meta(id), type: PluginType.panel, id, name: id, sort: 0 };
  return plugin;
}

/** Built as the app builds it, so missing and wrong-type data sources resolve as in Grafana. */
export function pivotContext(
  jsonData: PivotJsonData = {},
  available: DataSourceSummary[] = ALL_DATASOURCES
): PivotContext {
  return buildPivotContext(jsonData, available);
}
