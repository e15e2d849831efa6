import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, LoadingState } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import {
  EmbeddedScene,
  PanelBuilders,
  SceneComponentProps,
  SceneFlexItem,
  SceneFlexLayout,
  SceneObjectBase,
  SceneObjectState,
  SceneQueryRunner,
  SceneTimeRange,
  sceneGraph,
} from '@grafana/scenes';
import {
  Badge,
  Button,
  ClipboardButton,
  ConfirmButton,
  LinkButton,
  LoadingPlaceholder,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { errorBudget } from '../../analysis/slo';
import type { PivotContext } from '../../pivotContext';
import { Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import type { MetricConventions } from '../../datasources/conventions';
import { dsRef, type DataSourceSummary } from '../../datasources/lookup';
import { budgetRemainingDirect, checkLatencyThreshold } from '../../datasources/sloQueries';
import { SloDefinition, sloWarnings } from '../../slo/definition';
import { generateRules, rulesYaml } from '../../slo/rules';
import { config } from '@grafana/runtime';
import { textValues } from '../../utils/i18nValues';
import { serviceUrl, slosUrl } from '../../utils/links';
import { metricFamilyGate } from '../../scenes/MetricFamilyGate';
import { DEFAULT_RANGE, pageControls } from '../../scenes/pageControls';
import { ReloadButton, saveFailure, SloEditor } from './SloEditor';
import {
  applyEdit,
  boundariesFromFrames,
  detailQueries,
  formatBurn,
  formatExhaustion,
  formatPercent,
  investigateRange,
  sloRows,
} from './sloRows';
import { describeSli, severityText } from './slosScene';
import { canEditSlos, saveSloChange } from './sloSettingsApi';
import { isSaveConflict } from '../../components/AppConfig/pluginSettingsApi';
import { InvalidSlos } from './InvalidSlos';
import { getSloTableStyles } from './sloTableStyles';
import { errorMessage } from '../../utils/errors';

export interface SloDetailState extends SceneObjectState {
  slo: SloDefinition;
  all: SloDefinition[];
  conv: MetricConventions;
  canEdit: boolean;
  editing: boolean;
  /** Why the last delete failed. */
  deleteError?: string;
  /** The SLO changed on the server since the page loaded: reloading shows how. */
  deleteConflict?: boolean;
}

type RulesText = { ok: true; text: string } | { ok: false; message: string };

/**
 * The rules file of one SLO, as `slo-rules` would print it, with links to this Grafana. Built
 * while the page renders, so a definition the generator cannot write (a stored value it
 * refuses) becomes the rules section's message instead of a blank page.
 */
export function sloRulesText(conv: MetricConventions, slo: SloDefinition): RulesText {
  try {
    return { ok: true, text: rulesYaml(generateRules(conv, [slo], { grafanaUrl: config.appUrl })) };
  } catch (e) {
    return { ok: false, message: errorMessage(e) };
  }
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.rules.yaml`;
  a.click();
  URL.revokeObjectURL(url);
}

/** One SLO: budget, burn rate over each window pair, its rules, and the way into the incident. */
export class SloDetail extends SceneObjectBase<SloDetailState> {
  static Component = SloDetailRenderer;

  /** Replaces this SLO in the current settings; stops if someone changed it since the page loaded. */
  async save(slo: SloDefinition) {
    const next = applyEdit(this.state.all, { kind: 'save', slo, replacing: this.state.slo.name });
    if ('error' in next) {
      throw new Error(next.error);
    }
    await saveSloChange({ kind: 'replace', loaded: { valid: true, slo: this.state.slo }, slo });
  }

  /** Called from a click: a failure is shown on the page, not left as an unhandled rejection. */
  async remove() {
    const next = applyEdit(this.state.all, { kind: 'delete', name: this.state.slo.name });
    if ('error' in next) {
      this.setState({ deleteError: next.error });
      return;
    }
    try {
      this.setState({ deleteError: undefined, deleteConflict: undefined });
      await saveSloChange({ kind: 'delete', loaded: { valid: true, slo: this.state.slo } });
    } catch (e) {
      this.setState({ deleteError: saveFailure(e), deleteConflict: isSaveConflict(e) });
    }
  }
}

function SloDetailRenderer({ model }: SceneComponentProps<SloDetail>) {
  const { slo, conv, canEdit, editing, deleteError, deleteConflict } = model.useState();
  const { data } = sceneGraph.getData(model).useState();
  const styles = useStyles2(getStyles);
  if (editing) {
    return (
      <SloEditor initial={slo} onSave={(s) => model.save(s)} onCancel={() => model.setState({ editing: false })} />
    );
  }
  if (data?.state === LoadingState.Error) {
    return (
      <Problem
        title={t('pivot.slos.detail.query-failed', 'Prometheus could not compute this SLO')}
        message={data.errors?.[0]?.message ?? t('pivot.slos.unknown-error', 'Unknown error')}
      />
    );
  }
  if (!data || data.state === LoadingState.Loading) {
    return <LoadingPlaceholder text={t('pivot.slos.detail.loading', 'Computing the error budget…')} />;
  }
  const [{ status }] = sloRows(data.series, [slo]);
  const threshold =
    slo.sli.type === 'latency'
      ? checkLatencyThreshold(conv, slo.sli.thresholdSeconds, boundariesFromFrames(data.series))
      : undefined;
  const rules = sloRulesText(conv, slo);
  const [unreachable] = sloWarnings(slo);
  return (
    <Stack direction="column" gap={2}>
      {threshold && !threshold.ok && (
        <div data-testid={testIds.slos.threshold}>
          <Problem
            title={t('pivot.slos.detail.threshold-not-boundary', 'Latency threshold is not a bucket boundary')}
            message={threshold.message}
            severity="warning"
          />
        </div>
      )}
      {unreachable && (
        <div data-testid={testIds.slos.unreachable}>
          <Problem
            title={t('pivot.slos.detail.unreachable', 'Some burn-rate alerts can never fire')}
            message={unreachable.charAt(0).toUpperCase() + unreachable.slice(1)}
            severity="warning"
          />
        </div>
      )}
      <Stack direction="row" gap={4} wrap="wrap" alignItems="center">
        <Text>
          {t(
            'pivot.slos.detail.summary',
            '{{sli}} · {{objective}}% over {{period}} · service {{service}}',
            textValues({ sli: describeSli(slo), objective: slo.objective, period: slo.period, service: slo.service })
          )}
        </Text>
        <Text weight="medium">
          {t(
            'pivot.slos.detail.budget-remaining',
            'Budget remaining {{budget}}',
            textValues({
              budget:
                status.budgetRemaining === undefined
                  ? t('pivot.slos.detail.budget-unknown', 'unknown (no traffic)')
                  : formatPercent(status.budgetRemaining),
            })
          )}
        </Text>
        <Text>
          {t(
            'pivot.slos.detail.gone-in',
            'Gone in {{duration}} at the 1h burn rate',
            textValues({ duration: formatExhaustion(status.timeToExhaustionSeconds) })
          )}
        </Text>
        {status.firing && (
          <Badge
            color={status.firing === 'critical' ? 'red' : 'orange'}
            text={t(
              'pivot.slos.detail.firing',
              '{{severity}} burn',
              textValues({ severity: severityText(status.firing) })
            )}
            icon="fire"
          />
        )}
        <LinkButton
          icon="search"
          href={serviceUrl(slo.service, investigateRange(status, data.timeRange.to.valueOf()))}
          data-testid={testIds.slos.investigate}
          tooltip={t(
            'pivot.slos.detail.investigate-tooltip',
            'Open the service over the long window of the fastest-burning pair'
          )}
        >
          <Trans i18nKey="pivot.slos.detail.investigate">Investigate</Trans>
        </LinkButton>
        {canEdit && (
          <>
            <Button variant="secondary" icon="pen" onClick={() => model.setState({ editing: true })}>
              <Trans i18nKey="pivot.slos.detail.edit">Edit</Trans>
            </Button>
            {/* Deleting reloads the page and cannot be undone here: ask first. */}
            <ConfirmButton
              confirmText={t('pivot.slos.delete-confirm', 'Delete SLO')}
              confirmVariant="destructive"
              onConfirm={() => model.remove()}
            >
              {t('pivot.slos.delete', 'Delete')}
            </ConfirmButton>
          </>
        )}
      </Stack>
      {deleteError && (
        <Problem title={t('pivot.slos.delete-failed', 'The SLO was not deleted')} message={deleteError} />
      )}
      {deleteError && deleteConflict && <ReloadButton />}
      {slo.description && <Text color="secondary">{slo.description}</Text>}
      <table className={styles.table} data-testid={testIds.slos.pairs}>
        <thead>
          <tr>
            <th>
              <Trans i18nKey="pivot.slos.detail.column.severity">Severity</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.detail.column.windows">Long / short window</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.detail.column.burn-long">Burn rate (long)</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.detail.column.burn-short">Burn rate (short)</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.detail.column.alerts-above">Alerts above</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.slos.detail.column.state">State</Trans>
            </th>
          </tr>
        </thead>
        <tbody>
          {status.pairs.map((p) => (
            <tr key={p.pair.longWindow}>
              <td>{severityText(p.pair.severity)}</td>
              <td>
                {p.pair.longWindow} / {p.pair.shortWindow}
              </td>
              <td>{formatBurn(p.longBurnRate)}</td>
              <td>{formatBurn(p.shortBurnRate)}</td>
              <td>
                {t(
                  'pivot.slos.detail.alerts-above',
                  '{{factor}}x ({{ratio}} errors)',
                  textValues({ factor: Number(p.pair.factor.toPrecision(4)), ratio: formatPercent(p.threshold, 3) })
                )}
              </td>
              <td>
                {p.firing ? (
                  <Badge color="red" text={t('pivot.slos.detail.pair-firing', 'firing')} icon="fire" />
                ) : (
                  <Badge color="green" text={t('pivot.slos.alert-ok', 'ok')} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div data-testid={testIds.slos.rules}>
        {rules.ok ? (
          <>
            <Stack direction="row" gap={1} alignItems="center">
              <Text weight="medium">
                <Trans i18nKey="pivot.slos.detail.rules">Prometheus rules</Trans>
              </Text>
              <ClipboardButton icon="copy" size="sm" variant="secondary" getText={() => rules.text}>
                <Trans i18nKey="pivot.slos.detail.rules-copy">Copy</Trans>
              </ClipboardButton>
              <Button icon="download-alt" size="sm" variant="secondary" onClick={() => download(slo.name, rules.text)}>
                <Trans i18nKey="pivot.slos.detail.rules-download">Download</Trans>
              </Button>
            </Stack>
            <pre className={styles.rules}>{rules.text}</pre>
          </>
        ) : (
          <Problem
            title={t('pivot.slos.detail.rules-failed', 'Pivot could not write the Prometheus rules of this SLO')}
            message={rules.message}
          />
        )}
      </div>
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...getSloTableStyles(theme),
  rules: css({
    maxHeight: 320,
    overflow: 'auto',
    marginTop: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});

/** Budget remaining over the last period, each point over its own trailing period. */
function burnDown(conv: MetricConventions, ds: DataSourceSummary, slo: SloDefinition) {
  return PanelBuilders.timeseries()
    .setTitle(
      t(
        'pivot.slos.detail.burn-down-title',
        'Error budget remaining over the last {{period}}',
        textValues({ period: slo.period })
      )
    )
    .setUnit('percentunit')
    .setData(
      new SceneQueryRunner({
        datasource: dsRef(ds),
        maxDataPoints: 120,
        queries: [
          {
            refId: 'burnDown',
            expr: budgetRemainingDirect(conv, slo.sli, slo.service, slo.period, errorBudget(slo.objective)),
            legendFormat: t('pivot.slos.detail.burn-down-legend', 'budget remaining'),
            range: true,
            instant: false,
          },
        ],
      })
    )
    .build();
}

function detailBody(conv: MetricConventions, ds: DataSourceSummary, slo: SloDefinition, all: SloDefinition[]) {
  return new SceneFlexLayout({
    direction: 'column',
    children: [
      new SceneFlexItem({
        body: new SloDetail({
          slo,
          all,
          conv,
          canEdit: canEditSlos(),
          editing: false,
          $data: new SceneQueryRunner({ datasource: dsRef(ds), queries: detailQueries(conv, slo) }),
        }),
      }),
      new SceneFlexItem({
        height: 300,
        $timeRange: new SceneTimeRange({ from: `now-${slo.period}`, to: 'now' }),
        body: burnDown(conv, ds, slo),
      }),
    ],
  });
}

export function buildSloScene(ctx: PivotContext, name: string): EmbeddedScene {
  const slo = ctx.settings.slos.find((s) => s.name === name);
  const invalid = ctx.settings.invalidSlos.filter((s) => s.name === name);
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange(DEFAULT_RANGE),
    controls: pageControls(),
    body: slo
      ? new SceneFlexLayout({
          children: [
            new SceneFlexItem({
              body: metricFamilyGate(ctx, (conv, ds) => detailBody(conv, ds, slo, ctx.settings.slos)),
            }),
          ],
        })
      : new SceneFlexLayout({
          children: [
            new SceneFlexItem({
              // A stored definition that fails validation: its errors, and Delete for admins.
              body:
                invalid.length > 0
                  ? new InvalidSlos({ entries: invalid, canEdit: canEditSlos() })
                  : new NotFound({ name }),
            }),
          ],
        }),
  });
}

interface NotFoundState extends SceneObjectState {
  name: string;
}

class NotFound extends SceneObjectBase<NotFoundState> {
  static Component = ({ model }: SceneComponentProps<NotFound>) => {
    const { name } = model.useState();
    return (
      <Stack direction="column" gap={1}>
        <Problem
          title={t('pivot.slos.not-found.title', 'No SLO named {{name}}', textValues({ name }))}
          message={t(
            'pivot.slos.not-found.message',
            'It may have been renamed or deleted. Pick one from the SLOs list.'
          )}
          severity="warning"
        />
        <LinkButton href={slosUrl()} variant="secondary" icon="arrow-left">
          <Trans i18nKey="pivot.slos.not-found.all">All SLOs</Trans>
        </LinkButton>
      </Stack>
    );
  };
}
