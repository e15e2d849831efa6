import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, PanelData } from '@grafana/data';
import { SceneComponentProps, SceneObjectBase, SceneObjectState } from '@grafana/scenes';
import { t, Trans } from '@grafana/i18n';
import { Text, useStyles2 } from '@grafana/ui';
import { samplesByRefId } from '../../analysis/serviceGraph';
import { formatRatio } from '../../analysis/serviceGraphFrames';
import { testIds } from '../../components/testIds';
import { CONSUMER_REFS, familyCountsConsumers } from '../../datasources/consumerQueries';
import type { MetricConventions } from '../../datasources/conventions';
import type { ServicesTable } from './ServicesTable';
import { textValues } from '../../utils/i18nValues';

export interface ConsumerRow {
  service: string;
  /** Messages processed per second (consumer spans). */
  rate: number;
  errorRatio: number;
}

/** The rows of the two consumer queries, busiest first; a service without a failed series never failed. */
export function consumerRows(frames: Parameters<typeof samplesByRefId>[0], serviceLabel: string): ConsumerRow[] {
  const byRef = samplesByRefId(frames);
  const failed = new Map((byRef.get(CONSUMER_REFS.errors) ?? []).map((s) => [s.labels[serviceLabel] ?? '', s.value]));
  return (byRef.get(CONSUMER_REFS.rate) ?? [])
    .filter((s) => s.labels[serviceLabel] !== undefined && Number.isFinite(s.value))
    .map((s) => {
      const service = s.labels[serviceLabel];
      const errors = failed.get(service) ?? 0;
      return { service, rate: s.value, errorRatio: s.value > 0 ? errors / s.value : 0 };
    })
    .sort((a, b) => b.rate - a.rate || a.service.localeCompare(b.service));
}

/**
 * Below the Services table: the services that write consumer spans and no server spans (queue
 * workers), which the table cannot list since it counts what services serve. Nothing when there
 * are none; a sentence when the family cannot tell (no span kinds).
 */
export function ConsumerSection({
  data,
  serviceLabel,
  familyTitle,
  countsConsumers,
}: {
  data: PanelData | undefined;
  serviceLabel: string;
  familyTitle: string;
  countsConsumers: boolean;
}) {
  const styles = useStyles2(getStyles);
  if (!countsConsumers) {
    return (
      <div data-testid={testIds.services.consumers('unknown')} className={styles.section}>
        <Text color="secondary">
          {t(
            'pivot.services.consumers.not-counted',
            '{{family}} counts HTTP server requests only: services that only consume messages (queue workers) are not listed. Their consumer spans are in Tempo.',
            textValues({ family: familyTitle })
          )}
        </Text>
      </div>
    );
  }
  const failed = (data?.errors ?? []).find((e) => e.refId === CONSUMER_REFS.rate || e.refId === CONSUMER_REFS.errors);
  if (failed) {
    // The table shows Prometheus' own error; this says which part is missing.
    return (
      <div data-testid={testIds.services.consumers('error')} className={styles.section}>
        <Text color="secondary">
          {t(
            'pivot.services.consumers.error',
            'Queue consumers could not be listed: {{message}}',
            textValues({ message: failed.message ?? failed.data?.message ?? '' })
          )}
        </Text>
      </div>
    );
  }
  const rows = consumerRows(data?.series ?? [], serviceLabel);
  if (rows.length === 0) {
    return null;
  }
  return (
    <div data-testid={testIds.services.consumers('data')} className={styles.section}>
      <Text element="h5">{t('pivot.services.consumers.heading', 'Queue consumers')}</Text>
      <Text color="secondary">
        {t(
          'pivot.services.consumers.explanation',
          'Services that write consumer spans and no server spans, such as queue workers. The table above counts requests served (server spans); these count messages processed (consumer spans) in {{family}}.',
          textValues({ family: familyTitle })
        )}
      </Text>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>
              <Trans i18nKey="pivot.services.consumers.service">Service</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.services.consumers.rate">Messages processed</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.services.consumers.error-ratio">Error ratio</Trans>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.service} data-testid={testIds.services.consumerRow(row.service)}>
              <td>{row.service}</td>
              <td>
                {t('pivot.services.consumers.per-second', '{{rate}}/s', textValues({ rate: formatRate(row.rate) }))}
              </td>
              <td>{formatRatio(row.errorRatio)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatRate(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : String(Math.round(rate * 100) / 100);
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ marginTop: theme.spacing(3), display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
});

interface WithConsumersState extends SceneObjectState {
  table: ServicesTable;
  serviceLabel: string;
  familyTitle: string;
  countsConsumers: boolean;
}

/** The Services table, then its queue consumers, read from the table's own request (servicesQueries). */
export class ServicesWithConsumers extends SceneObjectBase<WithConsumersState> {
  static Component = ({ model }: SceneComponentProps<ServicesWithConsumers>) => {
    const { table, serviceLabel, familyTitle, countsConsumers } = model.useState();
    const { data } = table.state.$data.useState();
    return (
      <>
        <table.Component model={table} />
        <ConsumerSection
          data={data}
          serviceLabel={serviceLabel}
          familyTitle={familyTitle}
          countsConsumers={countsConsumers}
        />
      </>
    );
  };
}

/** `table` followed by the consumers section of the same family. */
export function withConsumers(
  table: ServicesTable,
  conv: MetricConventions,
  familyTitle: string
): ServicesWithConsumers {
  return new ServicesWithConsumers({
    table,
    serviceLabel: conv.serviceLabel,
    familyTitle,
    countsConsumers: familyCountsConsumers(conv),
  });
}
