import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Button, Icon, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { Finding, FindingLevel, PillarReport } from '../../datasources/detect';
import { PILLAR_TITLES } from '../../datasources/lookup';
import type { Pillar } from '../../settings';
import { textValues } from '../../utils/i18nValues';
import { testIds } from '../testIds';

export type PillarCheckState<D> = { status: 'running' } | { status: 'done'; report: PillarReport<D> };

interface PillarCheckProps<D> {
  pillar: Pillar;
  state: PillarCheckState<D>;
  /** What "Use detected" would set, in words; no button when undefined. */
  detectedText?: string;
  onUseDetected?: () => void;
}

const LEVEL_ICONS = { ok: 'check-circle', warning: 'exclamation-triangle', error: 'times-circle' } as const;
/** A data source's check result in words, after its name. */
function levelHeading(title: string, level: FindingLevel): string {
  switch (level) {
    case 'ok':
      return t('pivot.config.check.ok', '{{title}}: works', textValues({ title }));
    case 'warning':
      return t('pivot.config.check.warning', '{{title}}: works, with warnings', textValues({ title }));
    case 'error':
      return t('pivot.config.check.error', '{{title}}: needs a fix', textValues({ title }));
  }
}

/** A finding's level, for screen readers (the icon shows it). */
function levelLabel(level: FindingLevel): string {
  switch (level) {
    case 'ok':
      return t('pivot.config.check.level-ok', 'ok');
    case 'warning':
      return t('pivot.config.check.level-warning', 'warning');
    case 'error':
      return t('pivot.config.check.level-error', 'error');
  }
}

/** What the check found for one data source: each finding, its fix, and the detected conventions. */
export function PillarCheck<D>({ pillar, state, detectedText, onUseDetected }: PillarCheckProps<D>) {
  const styles = useStyles2(getStyles);
  const title = PILLAR_TITLES[pillar];
  return (
    <section
      className={styles.card}
      aria-label={t('pivot.config.check.section', '{{title}} check', textValues({ title }))}
      data-testid={testIds.appConfig.checkResult(pillar)}
    >
      {state.status === 'running' ? (
        <LoadingPlaceholder text={t('pivot.config.check.running', 'Checking {{title}}…', textValues({ title }))} />
      ) : (
        <>
          <h4 className={styles.heading}>
            <FindingIcon level={state.report.level} />
            {levelHeading(title, state.report.level)}
          </h4>
          <ul className={styles.list}>
            {state.report.findings.map((finding, i) => (
              <FindingItem key={i} finding={finding} />
            ))}
          </ul>
          {detectedText && onUseDetected && (
            <div className={styles.detected}>
              <span>
                {t('pivot.config.check.detected', 'Detected: {{detected}}', textValues({ detected: detectedText }))}
              </span>
              <Button
                size="sm"
                variant="secondary"
                icon="check"
                onClick={onUseDetected}
                aria-label={t(
                  'pivot.config.check.use-detected-label',
                  'Use detected {{title}} conventions',
                  textValues({ title })
                )}
                data-testid={testIds.appConfig.useDetected(pillar)}
              >
                <Trans i18nKey="pivot.config.check.use-detected">Use detected</Trans>
              </Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function FindingIcon({ level }: { level: FindingLevel }) {
  const styles = useStyles2(getStyles);
  return <Icon name={LEVEL_ICONS[level]} className={styles[level]} aria-label={levelLabel(level)} />;
}

function FindingItem({ finding }: { finding: Finding }) {
  const styles = useStyles2(getStyles);
  // A fix may end in a provisioning snippet: the lines after the first are shown as written.
  const [fix, ...snippet] = (finding.fix ?? '').split('\n');
  return (
    <li className={styles.item}>
      <FindingIcon level={finding.level} />
      <div>
        <div>{finding.text}</div>
        {finding.fix && (
          <div className={styles.fix}>{t('pivot.config.check.fix', 'To fix: {{fix}}', textValues({ fix }))}</div>
        )}
        {snippet.length > 0 && <pre className={styles.snippet}>{snippet.join('\n')}</pre>}
      </div>
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    padding: theme.spacing(1.5, 2),
    marginBottom: theme.spacing(1.5),
  }),
  heading: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
  }),
  item: css({
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'flex-start',
    marginBottom: theme.spacing(0.75),
  }),
  fix: css({
    color: theme.colors.text.secondary,
  }),
  snippet: css({
    marginTop: theme.spacing(0.5),
    marginBottom: 0,
  }),
  detected: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
    color: theme.colors.text.secondary,
  }),
  ok: css({ color: theme.colors.success.text, flexShrink: 0 }),
  warning: css({ color: theme.colors.warning.text, flexShrink: 0 }),
  error: css({ color: theme.colors.error.text, flexShrink: 0 }),
});
