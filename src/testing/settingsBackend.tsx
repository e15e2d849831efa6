import React from 'react';
import { of } from 'rxjs';
import { AppPlugin, AppPluginMeta, DataSourceInstanceSettings, PluginType } from '@grafana/data';
import type { BackendSrvRequest } from '@grafana/runtime';
import { PLUGIN_ID } from '../constants';
import type { PivotJsonData } from '../settings';

/**
 * The plugin-settings API as the configuration and SLO page tests see it: `mockGet` is the
 * server's settings when a save reads them, `mockFetch` records what a save wrote. Install it
 * from a test file, where jest.mock is hoisted:
 *
 *   jest.mock('@grafana/runtime', () =>
 *     jest.requireActual<typeof import('../../testing/settingsBackend')>('../../testing/settingsBackend').runtimeWithSettingsBackend()
 *   );
 *
 * Keep this module free of imports that load @grafana/runtime: the mock's factory loads it.
 */

export const mockGet = jest.fn();
export const mockFetch = jest.fn();

/** @grafana/runtime with the settings fakes as its backend service. */
export function runtimeWithSettingsBackend() {
  return {
    ...jest.requireActual('@grafana/runtime'),
    getBackendSrv: () => ({ get: mockGet, fetch: mockFetch }),
  };
}

interface PickerProps {
  inputId: string;
  type: string;
  current: string | null;
  onChange: (ds: DataSourceInstanceSettings) => void;
}

/**
 * runtimeWithSettingsBackend, plus the data sources the configuration page lists. Grafana's
 * picker needs the running app; a native select keeps the same contract: type filter, current
 * uid, onChange with the instance settings, labelled by inputId.
 */
export function runtimeWithDataSources(datasources: () => DataSourceInstanceSettings[]) {
  return {
    ...runtimeWithSettingsBackend(),
    getDataSourceSrv: () => ({ getList: datasources }),
    DataSourcePicker: (props: PickerProps) => (
      <select
        id={props.inputId}
        value={props.current ?? ''}
        onChange={(e) => props.onChange(datasources().find((d) => d.uid === e.currentTarget.value)!)}
      >
        <option value="">(default)</option>
        {datasources()
          .filter((d) => d.type === props.type)
          .map((d) => (
            <option key={d.uid} value={d.uid}>
              {d.name}
            </option>
          ))}
      </select>
    ),
  };
}

/** The pluginSettingsApi module with reloadPage a jest.fn (jsdom cannot reload). */
export function pluginSettingsApiWithoutReload() {
  return {
    ...jest.requireActual('../components/AppConfig/pluginSettingsApi'),
    reloadPage: jest.fn(),
  };
}

/** Pivot's plugin meta as Grafana hands it to the app and its configuration page. */
export function pivotPluginMeta(jsonData: PivotJsonData, enabled = true): AppPluginMeta<PivotJsonData> {
  return {
    id: PLUGIN_ID,
    name: 'Pivot',
    type: PluginType.app,
    module: `public/plugins/${PLUGIN_ID}/module.js`,
    baseUrl: `public/plugins/${PLUGIN_ID}`,
    info: {
      author: { name: 'Pivot' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '0.1.0',
    },
    enabled,
    pinned: enabled,
    jsonData,
  };
}

/** The app plugin as Grafana hands it to the configuration page. */
export function appPluginWith(jsonData: PivotJsonData, enabled = true): AppPlugin<PivotJsonData> {
  const plugin = new AppPlugin<PivotJsonData>();
  plugin.meta = pivotPluginMeta(jsonData, enabled);
  return plugin;
}

/** Clears both fakes. */
export function resetSettingsBackend() {
  mockGet.mockReset();
  mockFetch.mockReset();
}

/** Every POST succeeds. */
export function answerSavesOk() {
  mockFetch.mockImplementation((req: BackendSrvRequest) => of({ status: 200, data: {}, config: req }));
}

/** The body of the one POST a save sent to the plugin's settings. */
export function postedSettings(): { enabled: boolean; pinned: boolean; jsonData: PivotJsonData } {
  expect(mockFetch).toHaveBeenCalledTimes(1);
  const request: BackendSrvRequest = mockFetch.mock.calls[0][0];
  expect(request).toMatchObject({ url: `/api/plugins/${PLUGIN_ID}/settings`, method: 'POST' });
  return request.data;
}

/** Combobox measures option text on a canvas; jsdom has none (the shared setup stubs getContext). */
export function stubCanvasText() {
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () =>
      ({
        font: '',
        measureText: (text: string) => ({ width: text.length * 7 }),
      }) as unknown as CanvasRenderingContext2D
  );
}
