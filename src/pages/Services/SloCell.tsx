import React from 'react';
import { css } from '@emotion/css';
import { formattedValueToString, getValueFormat, GrafanaTheme2, locationUtil } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { textValues } from '../../utils/i18nValues';
import { sloUrl, UrlTimeRange } from '../../utils/links';
import type { ServiceSloStatus } from './serviceSlos';

export interface SloCellProps {
  service: string;
  status?: ServiceSloStatus;
  /** The SLO status query failed: the page's warning says why, the cell says it does not know. */
  failed: boolean;
  range: UrlTimeRange;
}

function percent(ratio: number): string {
  return formattedValueToString(getValueFormat('percentunit')(ratio, 1));
}

/** One service's worst SLO: its name (to its SLO page), objective, budget left and firing state. */
export function SloCell({ service, status, failed, range }: SloCellProps) {
  const styles = useStyles2(getStyles);
  const id = testIds.services.slo(service);
  if (!status) {
    return (
      <td className={styles.muted} data-testid={id}>
        {t('pivot.services.slo.none', 'no SLO')}
      </td>
    );
  }
  const { worst, count } = status;
  // The row opens the Service page; this link opens the SLO's page instead.
  const link = (
    <a href={locationUtil.assureBaseUrl(sloUrl(worst.slo.name, range))} onClick={(e) => e.stopPropagation()}>
      {worst.slo.name}
    </a>
  );
  if (failed) {
    return (
      <td data-testid={id}>
        {link} <span className={styles.muted}>{t('pivot.services.slo.unknown', 'status unknown')}</span>
      </td>
    );
  }
  const known = worst.budgetRemaining !== undefined || worst.firing !== undefined;
  return (
    <td data-testid={id}>
      <div className={styles.line}>
        {link}
        {worst.firing ? (
          <Badge
            color={worst.firing === 'critical' ? 'red' : 'orange'}
            icon="fire"
            text={
              worst.firing === 'critical'
                ? t('pivot.services.slo.firing-critical', 'firing: critical')
                : t('pivot.services.slo.firing-warning', 'firing: warning')
            }
          />
        ) : (
          known && <Badge color="green" text={t('pivot.services.slo.ok', 'ok')} />
        )}
      </div>
      <div className={styles.muted}>
        {known
          ? t(
              'pivot.services.slo.summary',
              '{{objective}}% objective, {{budget}} of the budget left',
              textValues({
                objective: worst.slo.objective,
                budget: worst.budgetRemaining === undefined ? '–' : percent(worst.budgetRemaining),
              })
            )
          : t(
              'pivot.services.slo.not-recorded',
              '{{objective}}% objective, no status recorded: load the Prometheus rules from its SLO page',
              textValues({ objective: worst.slo.objective })
            )}
        {count > 1 && ` ${t('pivot.services.slo.worst-of', '(worst of {{count}})', textValues({ count }))}`}
      </div>
    </td>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  line: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
