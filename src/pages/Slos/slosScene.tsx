import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, LoadingState } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import {
  EmbeddedScene,
  SceneComponentProps,
  SceneObjectBase,
  SceneObjectState,
  SceneQueryRunner,
  sceneGraph,
} from '@grafana/scenes';
import { Badge, Button, LoadingPlaceholder, Stack, TextLink, useStyles2 } from '@grafana/ui';
import type { PivotContext } from '../../pivotContext';
import { Empty, Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import type { MetricConventions } from '../../datasources/conventions';
import { dsRef, type DataSourceSummary } from '../../datasources/lookup';
import type { InvalidSlo } from '../../settings';
import type { SloDefinition } from '../../slo/definition';
import type { Severity } from '../../analysis/slo';
import { textValues } from '../../utils/i18nValues';
import { sloUrl } from '../../utils/links';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { pageScene } from '../../scenes/pageControls';
import { InvalidSlos } from './InvalidSlos';
import { SloEditor } from './SloEditor';
import { applyEdit, formatBurn, formatExhaustion, formatPercent, sloRows, statusQueries } from './sloRows';
import { canEditSlos, saveSloChange } from './sloSettingsApi';
import { getSloTableStyles } from './sloTableStyles';

export interface SlosTableState extends SceneObjectState {
  slos: SloDefinition[];
  canEdit: boolean;
  adding: boolean;
  /** Stored definitions that fail validation: listed above the table (InvalidSlos.tsx). */
  invalid: InvalidSlos;
}

/** A cell without a value: a mark, not words, so the same in every language. */
const NO_VALUE = '–';

export function describeSli(slo: SloDefinition): string {
  return slo.sli.type === 'availability'
    ? t('pivot.slos.sli.availability', 'availability')
    : t('pivot.slos.sli.latency', 'latency ≤ {{threshold}}s', textValues({ threshold: slo.sli.thresholdSeconds }));
}

/** A burn-rate alert's severity, as the rules' `severity` label names it, in words. */
export function severityText(severity: Severity): string {
  return severity === 'critical'
    ? t('pivot.slos.severity.critical', 'critical')
    : t('pivot.slos.severity.warning', 'warning');
}

/** Every SLO: objective, budget remaining, fastest burn, firing state; admins add SLOs here. */
export class SlosTable extends SceneObjectBase<SlosTableState> {
  static Component = SlosTableRenderer;

  async add(slo: SloDefinition) {
    // A name this page already shows is refused at once; one added elsewhere since, by the merge.
    const next = applyEdit(this.state.slos, { kind: 'save', slo });
    if ('error' in next) {
      throw new Error(next.error);
    }
    await saveSloChange({ kind: 'add', slo });
  }
}

/** SLOs come only from the editor on this page or from provisioned app settings (docs/slos.md). */
export const SLO_PROVISIONING_EXAMPLE = `apiVersion: 1
apps:
  - type: pivot-correlation-app
    org_id: 1
    jsonData:
      slos:
        - name: checkout-availability
          service: checkout
          sli: { type: availability }
          objective: 99.9
          period: 30d`;

const getEmptyStyles = (theme: GrafanaTheme2) => ({
  example: css({ textAlign: 'left', marginTop: theme.spacing(1) }),
});

function SlosTableRenderer({ model }: SceneComponentProps<SlosTable>) {
  const { slos, invalid, canEdit, adding } = model.useState();
  const { data } = sceneGraph.getData(model).useState();
  const styles = useStyles2(getSloTableStyles);
  const emptyStyles = useStyles2(getEmptyStyles);
  const editor = adding ? (
    <SloEditor onSave={(slo) => model.add(slo)} onCancel={() => model.setState({ adding: false })} />
  ) : canEdit ? (
    <Button icon="plus" onClick={() => model.setState({ adding: true })} data-testid={testIds.slos.add}>
      <Trans i18nKey="pivot.slos.table.add">Add SLO</Trans>
    </Button>
  ) : null;
  const invalidList = <invalid.Component model={invalid} />;

  if (slos.length === 0) {
    return (
      <Stack direction="column" gap={2}>
        {invalidList}
        <Empty
          message={
            canEdit
              ? t(
                  'pivot.slos.table.empty-admin',
                  'No SLOs yet. Add one with Add SLO below, or provision them as jsonData.slos in the app settings file (docs/slos.md):'
                )
              : t(
                  'pivot.slos.table.empty-viewer',
                  'No SLOs yet. An organisation admin adds them on this page, or provisions them as jsonData.slos in the app settings file (docs/slos.md):'
                )
          }
        >
          <pre className={emptyStyles.example}>{SLO_PROVISIONING_EXAMPLE}</pre>
        </Empty>
        {editor}
      </Stack>
    );
  }
  if (data?.state === LoadingState.Error) {
    return (
      <Stack direction="column" gap={2}>
        <Problem
          title={t('pivot.slos.table.query-failed', 'Prometheus could not compute the SLOs')}
          message={data.errors?.[0]?.message ?? t('pivot.slos.unknown-error', 'Unknown error')}
        />
        {invalidList}
      </Stack>
    );
  }
  if (!data || data.state === LoadingState.Loading) {
    return <LoadingPlaceholder text={t('pivot.slos.table.loading', 'Computing error budgets…')} />;
  }
  const rows = sloRows(data.series, slos);
  return (
    <Stack direction="column" gap={2}>
      {invalidList}
      <table className={styles.table} data-testid={testIds.slos.table}>
        <thead>
          <tr>
            <th>
              <Trans i18nKey="pivot.slos.table.column.slo">SLO</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.service">Service</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.sli">SLI</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.objective">Objective</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.budget-remaining">Budget remaining</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.fastest-burn">Fastest burn</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.budget-gone-in">Budget gone in</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.table.column.alert">Burn-rate alert</Trans>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ slo, status }) => (
            <tr key={slo.name} data-testid={testIds.slos.row(slo.name)}>
              <td>
                <TextLink href={sloUrl(slo.name)} inline={false}>
                  {slo.name}
                </TextLink>
              </td>
              <td>{slo.service}</td>
              <td>{describeSli(slo)}</td>
              <td>
                {t(
                  'pivot.slos.table.objective',
                  '{{objective}}% / {{period}}',
                  textValues({ objective: slo.objective, period: slo.period })
                )}
              </td>
              <td>
                {status.budgetRemaining === undefined
                  ? t('pivot.slos.table.no-traffic', 'no traffic')
                  : formatPercent(status.budgetRemaining)}
              </td>
              <td>
                {status.fastest
                  ? t(
                      'pivot.slos.table.fastest-burn',
                      '{{rate}} over {{window}}',
                      textValues({
                        rate: formatBurn(status.fastest.longBurnRate),
                        window: status.fastest.pair.longWindow,
                      })
                    )
                  : NO_VALUE}
              </td>
              <td>{formatExhaustion(status.timeToExhaustionSeconds)}</td>
              <td>
                {status.firing ? (
                  <Badge
                    color={status.firing === 'critical' ? 'red' : 'orange'}
                    text={severityText(status.firing)}
                    icon="fire"
                  />
                ) : (
                  <Badge color="green" text={t('pivot.slos.alert-ok', 'ok')} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editor}
    </Stack>
  );
}

export function slosTable(
  conv: MetricConventions,
  ds: DataSourceSummary,
  slos: SloDefinition[],
  invalid: InvalidSlo[] = []
): SlosTable {
  return new SlosTable({
    slos,
    invalid: new InvalidSlos({ entries: invalid, canEdit: canEditSlos() }),
    canEdit: canEditSlos(),
    adding: false,
    $data: new SceneQueryRunner({ datasource: dsRef(ds), queries: statusQueries(conv, slos) }),
  });
}

export function buildSlosScene(ctx: PivotContext): EmbeddedScene {
  // Instant queries are evaluated at the range's end: "now" unless the user moves it.
  return pageScene([
    metricFamilyGate(ctx, (conv, ds) => slosTable(conv, ds, ctx.settings.slos, ctx.settings.invalidSlos)),
  ]);
}
