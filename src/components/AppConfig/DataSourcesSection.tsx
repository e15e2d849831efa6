import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { DataSourcePicker } from '@grafana/runtime';
import { Field, FieldSet, useStyles2 } from '@grafana/ui';
import { DataSourceResolution, PILLAR_TITLES, PILLAR_TYPES } from '../../datasources/lookup';
import { PILLARS, Pillar } from '../../settings';
import { textValues } from '../../utils/i18nValues';
import { testIds } from '../testIds';
import { ConfigDraft, resolutionText } from './configForm';

interface Props {
  draft: ConfigDraft;
  /** Which data source each pillar's choice resolves to (or why none). */
  resolutions: Record<Pillar, DataSourceResolution>;
  onChange: (pillar: Pillar, uid: string | undefined) => void;
}

/** One picker per pillar, with the data source the choice resolves to beneath it. */
export function DataSourcesSection({ draft, resolutions, onChange }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <FieldSet label={t('pivot.config.datasources.title', 'Data sources')}>
      {PILLARS.map((pillar) => {
        const resolution = resolutions[pillar];
        const inputId = `pivot-ds-${pillar}`;
        return (
          <Field
            key={pillar}
            label={PILLAR_TITLES[pillar]}
            htmlFor={inputId}
            description={t(
              'pivot.config.datasources.description',
              'The {{pillar}} data source Pivot queries. Leave empty to use the default.',
              textValues({ pillar: PILLAR_TITLES[pillar] })
            )}
          >
            <div>
              <DataSourcePicker
                inputId={inputId}
                type={PILLAR_TYPES[pillar]}
                current={draft.datasources[pillar] ?? null}
                noDefault
                placeholder={t(
                  'pivot.config.datasources.placeholder',
                  'Default {{pillar}} data source',
                  textValues({ pillar: PILLAR_TITLES[pillar] })
                )}
                onChange={(ds) => onChange(pillar, ds.uid)}
                onClear={() => onChange(pillar, undefined)}
                width={40}
              />
              <div
                className={resolution.ok ? styles.resolved : styles.unresolved}
                data-testid={testIds.appConfig.resolution(pillar)}
                role={resolution.ok ? undefined : 'alert'}
              >
                {resolutionText(resolution)}
              </div>
            </div>
          </Field>
        );
      })}
    </FieldSet>
  );
}

const getStyles = (theme: GrafanaTheme2) => {
  const note = { marginTop: theme.spacing(0.5), fontSize: theme.typography.bodySmall.fontSize };
  return {
    resolved: css({ ...note, color: theme.colors.text.secondary }),
    unresolved: css({ ...note, color: theme.colors.error.text }),
  };
};
