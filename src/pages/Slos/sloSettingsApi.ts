import { config } from '@grafana/runtime';
import { mergeSloChange, SloChange } from '../../settingsMerge';
import {
  readPluginSettings,
  reloadPage,
  SaveConflict,
  savePluginSettings,
} from '../../components/AppConfig/pluginSettingsApi';

/** Org admins may edit SLO definitions; Grafana's settings API refuses others anyway. */
export function canEditSlos(): boolean {
  const user = config.bootData?.user;
  return user?.orgRole === 'Admin' || user?.isGrafanaAdmin === true;
}

/**
 * Saves one SLO change. Grafana's API replaces `jsonData` whole, so the current settings are
 * read first and only this change is applied to them: SLOs other admins added or changed
 * meanwhile, and invalid stored ones, are kept. When the SLO being changed is no longer what
 * this page loaded, nothing is saved and a `SaveConflict` says so. The page reloads to apply.
 */
export async function saveSloChange(change: SloChange): Promise<void> {
  const current = await readPluginSettings();
  const merged = mergeSloChange(current.jsonData, change);
  if (!merged.ok) {
    throw new SaveConflict(merged.message);
  }
  if (!merged.unchanged) {
    await savePluginSettings({
      enabled: current.enabled ?? true,
      pinned: current.pinned ?? true,
      jsonData: merged.jsonData,
    });
  }
  reloadPage();
}
