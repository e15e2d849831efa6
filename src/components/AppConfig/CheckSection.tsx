import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Button, FieldSet, useStyles2 } from '@grafana/ui';
import type { LogConventions } from '../../datasources/conventions';
import type { MetricsDetection } from '../../datasources/detect';
import type { DataSourceSummary } from '../../datasources/lookup';
import { PILLARS } from '../../settings';
import { errorMessage } from '../../utils/errors';
import { textValues } from '../../utils/i18nValues';
import { testIds } from '../testIds';
import { PillarCheck, PillarCheckState } from './CheckResults';
import {
  applyLogsDetection,
  applyMetricsDetection,
  ConfigDraft,
  describeLogsDetection,
  describeMetricsDetection,
  logsDetectionDiffers,
  metricsDetectionDiffers,
} from './configForm';
import { grafanaProbeClient } from './grafanaProbeClient';
import { checkPillar } from './runCheck';

interface CheckStates {
  prometheus?: PillarCheckState<MetricsDetection>;
  loki?: PillarCheckState<LogConventions>;
  tempo?: PillarCheckState<never>;
}

interface Props {
  draft: ConfigDraft;
  available: DataSourceSummary[];
  setDraft: React.Dispatch<React.SetStateAction<ConfigDraft>>;
}

/**
 * Runs real queries through Grafana against the chosen data sources (unsaved choices
 * included) and shows each pillar's report, offering the conventions it detected.
 */
export function CheckSection({ draft, available, setDraft }: Props) {
  const styles = useStyles2(getStyles);
  const [checks, setChecks] = useState<CheckStates>({});

  const runCheck = () => {
    const client = grafanaProbeClient();
    const now = Date.now();
    setChecks({ prometheus: { status: 'running' }, loki: { status: 'running' }, tempo: { status: 'running' } });
    for (const pillar of PILLARS) {
      checkPillar(pillar, draft, available, client, now).then(
        (report) => setChecks((c) => ({ ...c, [pillar]: { status: 'done', report } })),
        (error: unknown) =>
          setChecks((c) => ({
            ...c,
            [pillar]: {
              status: 'done',
              report: {
                pillar,
                level: 'error',
                findings: [
                  {
                    level: 'error',
                    text: t(
                      'pivot.config.check.failed',
                      'The check failed: {{message}}',
                      textValues({ message: errorMessage(error) })
                    ),
                  },
                ],
              },
            },
          }))
      );
    }
  };

  return (
    <FieldSet label={t('pivot.config.check.title', 'Check')}>
      <p className={styles.help}>
        <Trans i18nKey="pivot.config.check.help">
          Runs real queries through Grafana against the data sources above (unsaved choices included) and says, for
          each, what works and what to fix.
        </Trans>
      </p>
      <Button
        variant="secondary"
        icon="heart-rate"
        onClick={runCheck}
        data-testid={testIds.appConfig.check}
        disabled={PILLARS.some((p) => checks[p]?.status === 'running')}
      >
        <Trans i18nKey="pivot.config.check.run">Check data sources</Trans>
      </Button>
      <CheckReports checks={checks} draft={draft} setDraft={setDraft} />
    </FieldSet>
  );
}

/** Each pillar's report, offering the conventions the check detected where they differ. */
function CheckReports({ checks, draft, setDraft }: Omit<Props, 'available'> & { checks: CheckStates }) {
  const styles = useStyles2(getStyles);
  const metricsDetected = checks.prometheus?.status === 'done' ? checks.prometheus.report.detected : undefined;
  const logsDetected = checks.loki?.status === 'done' ? checks.loki.report.detected : undefined;

  return (
    <div className={styles.results}>
      {checks.prometheus && (
        <PillarCheck
          pillar="prometheus"
          state={checks.prometheus}
          detectedText={
            metricsDetected && metricsDetectionDiffers(draft, metricsDetected)
              ? describeMetricsDetection(metricsDetected)
              : undefined
          }
          onUseDetected={() => metricsDetected && setDraft((d) => applyMetricsDetection(d, metricsDetected))}
        />
      )}
      {checks.loki && (
        <PillarCheck
          pillar="loki"
          state={checks.loki}
          detectedText={
            logsDetected && logsDetectionDiffers(draft, logsDetected) ? describeLogsDetection(logsDetected) : undefined
          }
          onUseDetected={() => logsDetected && setDraft((d) => applyLogsDetection(d, logsDetected))}
        />
      )}
      {checks.tempo && <PillarCheck pillar="tempo" state={checks.tempo} />}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  help: css({ color: theme.colors.text.secondary }),
  results: css({ marginTop: theme.spacing(2) }),
});
