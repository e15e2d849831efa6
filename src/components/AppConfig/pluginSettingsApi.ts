import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { PLUGIN_ID } from '../../constants';
import type { PivotJsonData } from '../../settings';

export interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  /** Readable by every viewer of the org: nothing secret goes here. */
  jsonData: PivotJsonData;
}

/** The app's settings as Grafana holds them now (the part of its answer Pivot reads). */
export interface StoredPluginSettings {
  enabled?: boolean;
  pinned?: boolean;
  jsonData?: PivotJsonData;
}

/** Reads the current settings: every save starts here, so it changes only its own edit (settingsMerge.ts). */
export async function readPluginSettings(): Promise<StoredPluginSettings> {
  const current: unknown = await getBackendSrv().get(`/api/plugins/${PLUGIN_ID}/settings`);
  return typeof current === 'object' && current !== null ? current : {};
}

/** The edit cannot be applied to the settings as they are now: nothing was saved; reloading shows why. */
export class SaveConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaveConflict';
  }
}

export function isSaveConflict(error: unknown): error is SaveConflict {
  return error instanceof SaveConflict;
}

/** Grafana's plugin settings API; it replaces `jsonData` as a whole. */
export async function savePluginSettings(update: PluginSettingsUpdate): Promise<void> {
  await lastValueFrom(
    getBackendSrv().fetch({
      url: `/api/plugins/${PLUGIN_ID}/settings`,
      method: 'POST',
      data: update,
      showErrorAlert: false,
    })
  );
}

/** Grafana keeps plugin settings in its boot data: a full reload makes the new ones apply. */
export function reloadPage(): void {
  window.location.reload();
}
