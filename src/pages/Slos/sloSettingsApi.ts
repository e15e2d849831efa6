import { getBackendSrv, config } from '@grafana/runtime';
import { PLUGIN_ID } from '../../constants';
import type { SloDefinition } from '../../slo/definition';
import type { PivotJsonData } from '../../settings';
import { reloadPage, savePluginSettings } from '../../components/AppConfig/pluginSettingsApi';

/** Org admins may edit SLO definitions; Grafana's settings API refuses others anyway. */
export function canEditSlos(): boolean {
  const user = config.bootData?.user;
  return user?.orgRole === 'Admin' || user?.isGrafanaAdmin === true;
}

interface CurrentSettings {
  enabled?: boolean;
  pinned?: boolean;
  jsonData?: PivotJsonData;
}

/**
 * Saves the definitions into `jsonData.slos`. The API replaces `jsonData` whole, so the
 * current settings are read first and only `slos` changes; the page reloads to apply them.
 */
export async function saveSlos(slos: SloDefinition[]): Promise<void> {
  const current: CurrentSettings = await getBackendSrv().get(`/api/plugins/${PLUGIN_ID}/settings`);
  await savePluginSettings({
    enabled: current.enabled ?? true,
    pinned: current.pinned ?? true,
    jsonData: { ...(current.jsonData ?? {}), slos },
  });
  reloadPage();
}
