import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Button, ClipboardButton, TextLink, useStyles2 } from '@grafana/ui';
import type { Finding, FindingKind } from '../../analysis/hygiene/findings';
import type { FixAction } from '../../analysis/hygiene/collectorFix';
import { PILLAR_TITLES } from '../../datasources/lookup';
import { textValues } from '../../utils/i18nValues';
import { serviceUrl, UrlTimeRange } from '../../utils/links';
import { hygieneTestIds } from './hygieneTestIds';

function kindText(kind: FindingKind): string {
  switch (kind) {
    case 'personal-data':
      return t('pivot.hygiene.kind.personal-data', 'Personal data');
    case 'id-metric-label':
      return t('pivot.hygiene.kind.id-metric-label', 'Metric label with ids (one series per value)');
    case 'id-stream-label':
      return t('pivot.hygiene.kind.id-stream-label', 'Loki stream label with ids (one stream per value)');
    case 'id-span-attribute':
      return t('pivot.hygiene.kind.id-span-attribute', 'Span attribute with ids (a span-metrics dimension risk)');
    case 'id-span-name':
      return t('pivot.hygiene.kind.id-span-name', 'Span names with ids (one span-metrics series per id)');
  }
}

function actionText(action: FixAction): string {
  switch (action) {
    case 'drop':
      return t('pivot.hygiene.action.drop', 'Drop it');
    case 'hash':
      return t('pivot.hygiene.action.hash', 'Hash it');
    case 'normalise-route':
      return t('pivot.hygiene.action.normalise-route', 'Normalise the route');
    case 'redact':
      return t('pivot.hygiene.action.redact', 'Redact it');
    case 'limit-dimensions':
      return t('pivot.hygiene.action.limit-dimensions', 'Limit span-metrics dimensions');
    case 'move-to-metadata':
      return t('pivot.hygiene.action.move-to-metadata', 'Move it to structured metadata');
  }
}

function openText(finding: Finding): string {
  switch (finding.pillar) {
    case 'prometheus':
      return t('pivot.hygiene.open.series', 'Open the series');
    case 'loki':
      return t('pivot.hygiene.open.lines', 'Open the lines');
    case 'tempo':
      return t('pivot.hygiene.open.spans', 'Open the spans');
  }
}

interface Props {
  findings: Finding[];
  range: UrlTimeRange;
  /** The Explore link of each finding, when one can be built. */
  linkOf: (finding: Finding) => string | undefined;
  /** Hide the service column (the Service page's section). */
  oneService?: boolean;
}

/** Each finding: service, signal, field, what is wrong, how many, a masked example, its data, its fix. */
export function FindingsTable({ findings, range, linkOf, oneService }: Props) {
  const styles = useStyles2(getStyles);
  const [open, setOpen] = useState<number | undefined>(undefined);
  return (
    <table className={styles.table}>
      <thead>
        <tr>
          {!oneService && <th>{t('pivot.hygiene.column.service', 'Service')}</th>}
          <th>{t('pivot.hygiene.column.signal', 'Signal')}</th>
          <th>{t('pivot.hygiene.column.field', 'Field')}</th>
          <th>{t('pivot.hygiene.column.problem', 'Problem')}</th>
          <th>{t('pivot.hygiene.column.count', 'Count')}</th>
          <th>{t('pivot.hygiene.column.example', 'Example (masked)')}</th>
          <th>{t('pivot.hygiene.column.fix', 'Collector fix')}</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f, i) => {
          const link = linkOf(f);
          const what = f.personalData?.join(', ') ?? f.idKind ?? t('pivot.hygiene.many-values', 'many values');
          return (
            <React.Fragment key={`${f.kind} ${f.service} ${f.field} ${i}`}>
              <tr data-testid={hygieneTestIds.finding(i)}>
                {!oneService && (
                  <td>
                    <TextLink href={serviceUrl(f.service, range)} inline>
                      {f.service}
                    </TextLink>
                  </td>
                )}
                <td>{PILLAR_TITLES[f.pillar]}</td>
                <td className={styles.mono}>{f.field}</td>
                <td>
                  {kindText(f.kind)}: {what}
                </td>
                <td>
                  {f.capped ? t('pivot.hygiene.count-capped', '{{count}}+', textValues({ count: f.count })) : f.count}
                </td>
                <td className={styles.mono}>
                  {f.example}
                  {link && (
                    <>
                      {' '}
                      <TextLink href={link} inline>
                        {openText(f)}
                      </TextLink>
                    </>
                  )}
                </td>
                <td>
                  <Button
                    size="sm"
                    variant="secondary"
                    fill="outline"
                    onClick={() => setOpen(open === i ? undefined : i)}
                  >
                    {actionText(f.fix.action)}
                  </Button>
                </td>
              </tr>
              {open === i && (
                <tr>
                  <td colSpan={oneService ? 6 : 7}>
                    <div className={styles.fix} data-testid={hygieneTestIds.fix(i)}>
                      <div className={styles.fixHeader}>
                        <span>
                          {t(
                            'pivot.hygiene.fix-where',
                            '{{component}} in the {{pipeline}} pipeline of your OpenTelemetry Collector',
                            textValues({ component: f.fix.component, pipeline: f.fix.pipeline })
                          )}
                        </span>
                        <ClipboardButton size="sm" icon="copy" getText={() => f.fix.snippet}>
                          {t('pivot.hygiene.copy', 'Copy')}
                        </ClipboardButton>
                      </div>
                      <pre className={styles.snippet}>{f.fix.snippet}</pre>
                    </div>
                  </td>
                </tr>
              )}
            </React.Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, wordBreak: 'break-all' }),
  fix: css({ padding: theme.spacing(1) }),
  fixHeader: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: theme.spacing(1) }),
  snippet: css({ marginTop: theme.spacing(1), whiteSpace: 'pre', overflowX: 'auto' }),
});
