/**
 * What the Service page's comparison sections (what the failing requests share, error-log
 * patterns) render alike: their state while the second sample loads or when it failed, and the
 * table they list their rows in.
 */
import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, PanelData } from '@grafana/data';
import { LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { Problem } from '../../components/states/PivotStates';
import type { SectionDataState } from '../../scenes/dataState';

/**
 * What a comparison shows instead of its result while the second sample (`state`) or the
 * section's own data (`sectionData`) is not in yet, or when the second sample failed; null when
 * both are in.
 */
export function sampleStatus(
  state: SectionDataState,
  sectionData: PanelData | undefined,
  text: { loading: string; failed: string }
): React.ReactElement | null {
  if (state.kind === 'loading' || !sectionData) {
    return <LoadingPlaceholder text={text.loading} />;
  }
  if (state.kind === 'error') {
    return <Problem title={text.failed} message={state.message} />;
  }
  return null;
}

interface ComparisonTableProps {
  /** The column headings, already translated. */
  headings: string[];
  'data-testid'?: string;
  children: React.ReactNode;
}

/** A comparison's rows under a header row of `headings`. */
export function ComparisonTable({ headings, 'data-testid': testId, children }: ComparisonTableProps) {
  const styles = useStyles2(getStyles);
  return (
    <table className={styles.table} data-testid={testId}>
      <thead>
        <tr>
          {headings.map((heading) => (
            <th key={heading}>{heading}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
});
