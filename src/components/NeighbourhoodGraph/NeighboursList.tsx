import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, locationUtil } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { formatRatio, formatRequests } from '../../analysis/serviceGraphFrames';
import { textValues } from '../../utils/i18nValues';
import { serviceUrl, UrlTimeRange } from '../../utils/links';
import { testIds } from '../testIds';
import { Neighbour, Neighbours } from './neighbourRows';

interface Props {
  service: string;
  neighbours: Neighbours;
  range: UrlTimeRange;
}

/**
 * The neighbourhood graph as text, beside the canvas a screen reader cannot read: callers
 * and callees with their request rate and errors, each service a link to its Service page in
 * the same window.
 */
export function NeighboursList({ service, neighbours, range }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <section
      className={styles.columns}
      aria-label={t('pivot.neighbours.label', 'Callers and callees of {{service}}', textValues({ service }))}
    >
      <NeighbourColumn
        title={t('pivot.neighbours.upstream', 'Upstream (calls this service)')}
        neighbours={neighbours.upstream}
        range={range}
      />
      <NeighbourColumn
        title={t('pivot.neighbours.downstream', 'Downstream (called by this service)')}
        neighbours={neighbours.downstream}
        range={range}
      />
    </section>
  );
}

/** What a neighbour that is not an instrumented service is, in words. */
function kindText(kind: Exclude<Neighbour['kind'], 'service'>): string {
  return kind === 'database'
    ? t('pivot.neighbours.kind.database', 'database')
    : t('pivot.neighbours.kind.uninstrumented', 'uninstrumented');
}

function NeighbourColumn({
  title,
  neighbours,
  range,
}: {
  title: string;
  neighbours: Neighbour[];
  range: UrlTimeRange;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.column}>
      <Text element="h6">{title}</Text>
      {neighbours.length === 0 ? (
        <Text color="secondary">
          <Trans i18nKey="pivot.neighbours.none">None in this window</Trans>
        </Text>
      ) : (
        <ul className={styles.list}>
          {neighbours.map((n) => (
            <li key={n.service} data-testid={testIds.service.neighbour(n.service)}>
              <Stack direction="row" gap={1} alignItems="baseline" wrap="wrap">
                {n.kind === 'service' ? (
                  <TextLink href={locationUtil.assureBaseUrl(serviceUrl(n.service, range))} inline={false}>
                    {n.service}
                  </TextLink>
                ) : (
                  <Text>
                    {n.service} <Text color="secondary">({kindText(n.kind)})</Text>
                  </Text>
                )}
                <Text color="secondary" variant="bodySmall">
                  {formatRequests(n.requestRate, 'metrics')}
                </Text>
                {n.errorRatio > 0 && (
                  <Text color="error" variant="bodySmall">
                    {t('pivot.neighbours.errors', '{{ratio}} errors', textValues({ ratio: formatRatio(n.errorRatio) }))}
                  </Text>
                )}
              </Stack>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  }),
  column: css({
    flex: '1 1 200px',
    minWidth: 0,
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    li: { padding: theme.spacing(0.5, 0) },
  }),
});
