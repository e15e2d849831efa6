import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Alert, Button, useStyles2 } from '@grafana/ui';
import { mergeConfigChange } from '../../settingsMerge';
import { errorMessage } from '../../utils/errors';
import { textValues } from '../../utils/i18nValues';
import { testIds } from '../testIds';
import { ConfigDraft, DraftProblems } from './configForm';
import { readPluginSettings, reloadPage, savePluginSettings } from './pluginSettingsApi';

interface SaveError {
  message: string;
  /** Another admin saved the same field meanwhile: reloading shows theirs. */
  conflict?: boolean;
}

interface Props {
  enabled: boolean;
  pinned: boolean;
  /** What the page loaded: a save applies only the fields changed since (settingsMerge.ts). */
  loaded: ConfigDraft;
  draft: ConfigDraft;
  problems: DraftProblems;
}

/**
 * Reads the current settings and applies this page's changes to them, so what other admins
 * saved meanwhile (SLOs, or fields this admin did not touch) is kept. Resolves with what to
 * show when nothing was saved, or undefined once saved (the page then reloads).
 */
async function saveSettings(
  { pinned, loaded, draft }: Pick<Props, 'pinned' | 'loaded' | 'draft'>,
  enable: boolean
): Promise<SaveError | undefined> {
  try {
    const current = await readPluginSettings();
    // Disabling changes only the switch: the form's unsaved edits are not written with it.
    const merged = mergeConfigChange(current.jsonData, loaded, enable ? draft : loaded);
    if (!merged.ok) {
      return { message: merged.message, conflict: true };
    }
    // Enabling pins the app to the menu the first time; a save keeps whatever pin it has now.
    const pinnedNow = enable && (current.enabled ? (current.pinned ?? pinned) : true);
    await savePluginSettings({ enabled: enable, pinned: pinnedNow, jsonData: merged.jsonData });
    reloadPage();
    return undefined;
  } catch (error) {
    return {
      message: t(
        'pivot.config.save.failed',
        'Saving failed: {{message}}. Check that you are an organisation admin, then try again.',
        textValues({ message: errorMessage(error) })
      ),
    };
  }
}

/** Save (or enable and save) and Disable, with why a save failed. */
export function SaveActions(props: Props) {
  const styles = useStyles2(getStyles);
  const { enabled, problems } = props;
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<SaveError | undefined>();

  const save = async (enable: boolean) => {
    if (enable && Object.keys(problems).length > 0) {
      setSaveError({
        message: t('pivot.config.save.invalid', 'Nothing was saved: fix the fields marked above first.'),
      });
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    const error = await saveSettings(props, enable);
    // Saved: the page is reloading, so the buttons stay disabled until it has.
    if (error) {
      setSaveError(error);
      setSaving(false);
    }
  };

  return (
    <>
      {saveError && (
        <Alert
          title={t('pivot.config.save.not-saved', 'Settings not saved')}
          severity="error"
          data-testid={testIds.appConfig.saveError}
        >
          <div>{saveError.message}</div>
          {saveError.conflict && (
            <Button size="sm" variant="secondary" icon="sync" onClick={() => reloadPage()}>
              <Trans i18nKey="pivot.config.save.reload">Reload</Trans>
            </Button>
          )}
        </Alert>
      )}
      <div className={styles.actions}>
        <Button onClick={() => save(true)} disabled={saving} data-testid={testIds.appConfig.save}>
          {saving
            ? t('pivot.config.save.saving', 'Saving…')
            : enabled
              ? t('pivot.config.save.save', 'Save settings')
              : t('pivot.config.save.enable', 'Enable and save')}
        </Button>
        {enabled && (
          <Button variant="destructive" fill="outline" onClick={() => save(false)} disabled={saving}>
            <Trans i18nKey="pivot.config.save.disable">Disable Pivot</Trans>
          </Button>
        )}
      </div>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  actions: css({ display: 'flex', gap: theme.spacing(1), marginTop: theme.spacing(2) }),
});
