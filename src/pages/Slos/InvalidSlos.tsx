import React from 'react';
import { t } from '@grafana/i18n';
import { SceneComponentProps, SceneObjectBase, SceneObjectState } from '@grafana/scenes';
import { ConfirmButton, Stack, Text } from '@grafana/ui';
import { isSaveConflict } from '../../components/AppConfig/pluginSettingsApi';
import { Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import type { InvalidSlo } from '../../settings';
import { ReloadButton, saveFailure } from './SloEditor';
import { saveSloChange } from './sloSettingsApi';

export interface InvalidSlosState extends SceneObjectState {
  entries: InvalidSlo[];
  canEdit: boolean;
  /** Why the last delete failed, and whether reloading would show why. */
  deleteError?: { message: string; conflict: boolean };
}

/**
 * Stored definitions that fail validation (a hand-edited provisioning file, an older Pivot).
 * Pivot cannot compute them, so it lists them with what to fix; a save keeps them as they
 * are stored until an admin deletes them here.
 */
export class InvalidSlos extends SceneObjectBase<InvalidSlosState> {
  static Component = InvalidSlosRenderer;

  /** Called from a click: a failure is shown on the page, not left as an unhandled rejection. */
  async remove(entry: InvalidSlo) {
    try {
      this.setState({ deleteError: undefined });
      await saveSloChange({ kind: 'delete', loaded: { valid: false, entry } });
    } catch (e) {
      this.setState({ deleteError: { message: saveFailure(e), conflict: isSaveConflict(e) } });
    }
  }
}

function InvalidSlosRenderer({ model }: SceneComponentProps<InvalidSlos>) {
  const { entries, canEdit, deleteError } = model.useState();
  if (entries.length === 0) {
    return null;
  }
  return (
    <div data-testid={testIds.slos.invalidList}>
      <Problem
        severity="warning"
        title={t('pivot.slos.invalid.title', '', {
          count: entries.length,
          defaultValue_one: 'A stored SLO fails validation',
          defaultValue_other: '{{count}} stored SLOs fail validation',
        })}
        message={t(
          'pivot.slos.invalid.message',
          'Pivot cannot compute it and keeps it as stored until someone deletes it. Fix it where it was provisioned, or delete it and define it again.'
        )}
      />
      {entries.map((entry, i) => (
        <div key={i} data-testid={testIds.slos.invalid(entry.name ?? `#${i}`)}>
          <Stack direction="row" gap={2} alignItems="center">
            <Text weight="medium">{entry.name ?? t('pivot.slos.invalid.unnamed', 'An SLO without a name')}</Text>
            {canEdit && (
              <ConfirmButton
                confirmText={t('pivot.slos.delete-confirm', 'Delete SLO')}
                confirmVariant="destructive"
                onConfirm={() => model.remove(entry)}
              >
                {t('pivot.slos.delete', 'Delete')}
              </ConfirmButton>
            )}
          </Stack>
          <ul>
            {entry.errors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        </div>
      ))}
      {deleteError && (
        <div>
          <Problem title={t('pivot.slos.delete-failed', 'The SLO was not deleted')} message={deleteError.message} />
          {deleteError.conflict && <ReloadButton />}
        </div>
      )}
    </div>
  );
}
