import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { t } from '@grafana/i18n';
import { getDataSourceSrv } from '@grafana/runtime';
import { Alert, useStyles2 } from '@grafana/ui';
import { DataSourceResolution, resolveDataSource } from '../../datasources/lookup';
import { PILLARS, Pillar, PivotJsonData } from '../../settings';
import { testIds } from '../testIds';
import { CheckSection } from './CheckSection';
import { ConfigDraft, draftFromJsonData, validateDraft } from './configForm';
import { ConventionsSection } from './ConventionsSection';
import { DataSourcesSection } from './DataSourcesSection';
import { SaveActions } from './SaveActions';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<PivotJsonData>> {}

/** The app's configuration page: data sources, conventions, the check, and saving. */
export default function AppConfig({ plugin }: AppConfigProps) {
  const styles = useStyles2(getStyles);
  const { enabled = false, pinned = false, jsonData } = plugin.meta;
  // What the page loaded: a save applies only the fields changed since (settingsMerge.ts).
  const loaded = useMemo(() => draftFromJsonData(jsonData), [jsonData]);
  const [draft, setDraft] = useState<ConfigDraft>(loaded);
  const problems = validateDraft(draft);

  const available = useMemo(() => getDataSourceSrv().getList(), []);
  const resolutions = useMemo(
    () =>
      Object.fromEntries(PILLARS.map((p) => [p, resolveDataSource(p, draft.datasources[p], available)])) as Record<
        Pillar,
        DataSourceResolution
      >,
    [draft.datasources, available]
  );
  const setDataSource = (pillar: Pillar, uid: string | undefined) =>
    setDraft((d) => ({ ...d, datasources: { ...d.datasources, [pillar]: uid } }));

  return (
    <div data-testid={testIds.appConfig.container} className={styles.page}>
      {!enabled && (
        <Alert title={t('pivot.config.not-enabled.title', 'Pivot is not enabled')} severity="info">
          {t(
            'pivot.config.not-enabled.text',
            'Choose the data sources and conventions below, then select "Enable and save".'
          )}
        </Alert>
      )}
      <DataSourcesSection draft={draft} resolutions={resolutions} onChange={setDataSource} />
      <ConventionsSection draft={draft} problems={problems} setDraft={setDraft} />
      <CheckSection draft={draft} available={available} setDraft={setDraft} />
      <SaveActions enabled={enabled} pinned={pinned} loaded={loaded} draft={draft} problems={problems} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: theme.breakpoints.values.lg }),
});
