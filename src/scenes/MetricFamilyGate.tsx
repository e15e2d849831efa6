import React from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import { CoreApp, DataQueryRequest, GrafanaTheme2, LoadingState } from '@grafana/data';
import { getDataSourceSrv, getRunRequest } from '@grafana/runtime';
import {
  NewSceneObjectAddedEvent,
  SceneComponentProps,
  SceneObject,
  SceneObjectBase,
  SceneObjectState,
  sceneGraph,
} from '@grafana/scenes';
import { t } from '@grafana/i18n';
import { LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';
import { chooseMetricFamily, describeFamilyChoice, FamilyChoice } from '../analysis/metricFamily';
import type { DataSourceResolution, DataSourceSummary } from '../datasources/lookup';
import { METRIC_FAMILY_LIST, METRIC_FAMILIES, MetricConventions } from '../datasources/conventions';
import { prometheusProbeQueries } from '../datasources/probes';
import { Empty, Problem } from '../components/states/PivotStates';
import { testIds } from '../components/testIds';
import { metricConventionsFor, PivotSettings, settingsProblems } from '../settings';
import { textValues } from '../utils/i18nValues';
import type { PivotContext } from '../pivotContext';
import { errorMessage } from '../utils/errors';
import { buildQueries } from './dataState';

export interface MetricFamilyGateState extends SceneObjectState {
  settings: PivotSettings;
  prometheus: DataSourceResolution;
  /** Builds the metric parts once the family is known (kept in state: a clone builds the same). */
  build: (conv: MetricConventions, prometheus: DataSourceSummary) => SceneObject;
  /** The Prometheus data source cannot be used: its message. */
  problem?: string;
  choice?: FamilyChoice;
  /** The probe failed: its message. */
  error?: string;
  /** The settings cannot build the metric queries (e.g. the service label is not a label name). */
  invalid?: string;
  /** Built once the family is known. */
  body?: SceneObject;
}

/** The gate of a page built from `ctx`: its settings and Prometheus source, and what to build. */
export function metricFamilyGate(ctx: PivotContext, build: MetricFamilyGateState['build']): MetricFamilyGate {
  return new MetricFamilyGate({ settings: ctx.settings, prometheus: ctx.datasources.prometheus, build });
}

/**
 * Holds back the metric parts of a page until the metric family is known: the configured one
 * at once; for `auto`, the family detected by one probe request when the page loads (the
 * configuration check's series counts, ranked as there). Says which family is used.
 */
export class MetricFamilyGate extends SceneObjectBase<MetricFamilyGateState> {
  static Component = MetricFamilyGateRenderer;

  constructor(state: MetricFamilyGateState) {
    super({
      problem: state.prometheus.ok ? undefined : state.prometheus.message,
      invalid: settingsProblems(state.settings).prometheus,
      ...state,
    });
    this.addActivationHandler(() => this.onActivate());
  }

  private onActivate() {
    const { choice, prometheus, settings, invalid } = this.state;
    if (choice || !prometheus.ok || invalid !== undefined) {
      return;
    }
    const configured = settings.metrics.family;
    if (configured !== 'auto') {
      this.choose(chooseMetricFamily(configured));
      return;
    }
    const ds = prometheus.ds;
    let cancelled = false;
    this.detect(ds.uid, ds.type).then(
      (choice) => !cancelled && this.choose(choice),
      (error: unknown) => !cancelled && this.setState({ error: errorMessage(error) })
    );
    return () => {
      cancelled = true;
    };
  }

  private choose(choice: FamilyChoice) {
    const { prometheus, settings, build } = this.state;
    if (!prometheus.ok) {
      return;
    }
    const ds = prometheus.ds;
    const built =
      choice.kind === 'none' ? undefined : buildQueries(() => build(metricConventionsFor(settings, choice.family), ds));
    if (built && !built.ok) {
      this.setState({ choice, invalid: built.message });
      return;
    }
    const body = built?.queries;
    this.setState({ choice, body, error: undefined });
    if (body) {
      // The body is built after the page synced its state from the URL: let it read its keys now.
      this.publishEvent(new NewSceneObjectAddedEvent(body), true);
    }
  }

  private async detect(uid: string, type: string): Promise<FamilyChoice> {
    // getDataSourceSrv is deprecated in Grafana 13, but its replacements (@grafana/runtime/unstable)
    // do not exist in the Grafana 11.6 Pivot supports; Scenes itself still uses it.
    const ds = await getDataSourceSrv().get({ uid, type });
    const timeRange = sceneGraph.getTimeRange(this).state;
    const request: DataQueryRequest = {
      app: CoreApp.Unknown,
      requestId: `pivot-family-${this.state.key}`,
      timezone: timeRange.timeZone ?? 'browser',
      range: timeRange.value,
      interval: '1m',
      intervalMs: 60_000,
      targets: prometheusProbeQueries().map((q) => ({
        refId: q.refId,
        datasource: { uid, type },
        expr: q.expr,
        instant: true,
        range: false,
      })),
      scopedVars: {},
      startTime: Date.now(),
    };
    const data = await lastValueFrom(getRunRequest()(ds, request));
    if (data.state === LoadingState.Error) {
      const message = (data.errors ?? [])
        .map((e) => e.message)
        .filter(Boolean)
        .join('; ');
      throw new Error(
        message || t('pivot.scenes.family.probe-no-message', 'The metric family probe failed without a message.')
      );
    }
    return chooseMetricFamily('auto', data.series);
  }
}

/** No family has requests: what was looked for and where to fix it. A function: t() runs at render. */
function noFamilyMessage(): string {
  return t(
    'pivot.scenes.family.none',
    'No requests under any metric family in the last hour (looked for {{metrics}}): check that RED metrics reach this Prometheus, and the metric family in Configuration.',
    textValues({ metrics: METRIC_FAMILY_LIST.map((f) => METRIC_FAMILIES[f].requests).join(', ') })
  );
}

function MetricFamilyGateRenderer({ model }: SceneComponentProps<MetricFamilyGate>) {
  const { problem, choice, error, invalid, body } = model.useState();
  const styles = useStyles2(getStyles);
  if (problem !== undefined) {
    return (
      <Problem
        title={t('pivot.scenes.family.unavailable', 'Prometheus data source unavailable: no metrics')}
        message={problem}
        showConfigLink
      />
    );
  }
  if (invalid !== undefined) {
    return (
      <Problem
        title={t('pivot.scenes.family.invalid', 'Prometheus cannot be queried: no metrics')}
        message={invalid}
        showConfigLink
      />
    );
  }
  if (error !== undefined) {
    return (
      <Problem
        title={t('pivot.scenes.family.detect-failed', 'Could not detect the metric family')}
        message={t(
          'pivot.scenes.family.detect-failed-message',
          'Prometheus did not answer the metric family probe: {{error}}. Set the metric family in Configuration to skip detection.',
          textValues({ error })
        )}
        showConfigLink
      />
    );
  }
  if (!choice) {
    return <LoadingPlaceholder text={t('pivot.scenes.family.detecting', 'Detecting the metric family…')} />;
  }
  return (
    <div className={styles.gate}>
      <div data-testid={testIds.services.metricFamily}>
        <Text variant="bodySmall" color="secondary">
          {describeFamilyChoice(choice)}
        </Text>
      </div>
      {choice.kind === 'none' ? <Empty message={noFamilyMessage()} /> : body && <body.Component model={body} />}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  gate: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
});
