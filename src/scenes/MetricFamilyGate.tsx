import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
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
import { chooseMetricFamily, describeFamilyChoice, FamilyChoice, recordedSeriesIn } from '../analysis/metricFamily';
import type { DataSourceResolution, DataSourceSummary } from '../datasources/lookup';
import { METRIC_FAMILY_LIST, METRIC_FAMILIES, MetricConventions } from '../datasources/conventions';
import { Empty, Problem } from '../components/states/PivotStates';
import { testIds } from '../components/testIds';
import { metricConventionsFor, PivotSettings, settingsProblems } from '../settings';
import { textValues } from '../utils/i18nValues';
import type { PivotContext } from '../pivotContext';
import { errorMessage } from '../utils/errors';
import { buildQueries } from './dataState';
import { familyProbe, startedFamilyProbe } from './familyProbe';

export interface MetricFamilyGateState extends SceneObjectState {
  settings: PivotSettings;
  prometheus: DataSourceResolution;
  /**
   * Builds the metric parts once the family is known (kept in state: a clone builds the same);
   * `recorded` when Pivot's RED recording rules run there (src/datasources/redSeries.ts).
   */
  build: (conv: MetricConventions, prometheus: DataSourceSummary, recorded: boolean) => SceneObject;
  /** The Prometheus data source cannot be used: its message. */
  problem?: string;
  choice?: FamilyChoice;
  /** Whether the recorded RED series of the chosen family exist. */
  recorded?: boolean;
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
 * at once; for `auto`, the family detected by the probe (the configuration check's series
 * counts, ranked as there), asked once per app load (familyProbe.ts). The same answer says
 * whether Pivot's recorded RED series exist, which the pages then read instead of the raw
 * series. Says which family is used, and when the recorded series are.
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
    const ds = prometheus.ds;
    let cancelled = false;
    if (configured !== 'auto') {
      // Whether the recording rules run is known once the app's probe answers (familyProbe.ts);
      // outside the app, or when it failed, the raw queries do.
      const started = startedFamilyProbe(settings, ds);
      if (!started) {
        this.choose(chooseMetricFamily(configured), false);
        return;
      }
      started.then(
        (frames) => !cancelled && this.choose(chooseMetricFamily(configured), recordedSeriesIn(frames, configured)),
        () => !cancelled && this.choose(chooseMetricFamily(configured), false)
      );
      return () => {
        cancelled = true;
      };
    }
    familyProbe(settings, ds, sceneGraph.getTimeRange(this).state.value).then(
      (frames) => {
        const choice = chooseMetricFamily('auto', frames);
        return !cancelled && this.choose(choice, choice.kind !== 'none' && recordedSeriesIn(frames, choice.family));
      },
      (error: unknown) => !cancelled && this.setState({ error: errorMessage(error) })
    );
    return () => {
      cancelled = true;
    };
  }

  private choose(choice: FamilyChoice, recorded: boolean) {
    const { prometheus, settings, build } = this.state;
    if (!prometheus.ok) {
      return;
    }
    const ds = prometheus.ds;
    const built =
      choice.kind === 'none'
        ? undefined
        : buildQueries(() => build(metricConventionsFor(settings, choice.family), ds, recorded));
    if (built && !built.ok) {
      this.setState({ choice, invalid: built.message });
      return;
    }
    const body = built?.queries;
    this.setState({ choice, recorded, body, error: undefined });
    if (body) {
      // The body is built after the page synced its state from the URL: let it read its keys now.
      this.publishEvent(new NewSceneObjectAddedEvent(body), true);
    }
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
  const { problem, choice, recorded, error, invalid, body } = model.useState();
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
          {recorded &&
            t(
              'pivot.scenes.family.recorded',
              " · read from Pivot's recording rules (per-service series recorded every evaluation)"
            )}
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
