import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Trans } from '@grafana/i18n';
import { Alert, EmptyState, LinkButton, useStyles2 } from '@grafana/ui';
import { PLUGIN_ID } from '../../constants';
import { testIds } from '../testIds';

interface ProblemProps {
  title: string;
  /** What is wrong and what to do about it. */
  message: string;
  severity?: 'error' | 'warning' | 'info';
  /** Show a link to Pivot's configuration page. */
  showConfigLink?: boolean;
}

/** A problem the user can act on: never a blank panel. */
export function Problem({ title, message, severity = 'error', showConfigLink }: ProblemProps) {
  return (
    <Alert title={title} severity={severity} data-testid={testIds.states.problem}>
      <div>{message}</div>
      {showConfigLink && (
        <LinkButton size="sm" variant="secondary" href={`/plugins/${PLUGIN_ID}`} icon="cog" fill="outline">
          <Trans i18nKey="pivot.states.open-configuration">Open Pivot configuration</Trans>
        </LinkButton>
      )}
    </Alert>
  );
}

interface EmptyProps {
  message: string;
  children?: React.ReactNode;
}

/** No data, with the likely cause. */
export function Empty({ message, children }: EmptyProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.empty} data-testid={testIds.states.empty}>
      <EmptyState variant="not-found" message={message} hideImage>
        {children}
      </EmptyState>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  empty: css({
    padding: theme.spacing(2),
  }),
});
