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
