import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { SceneComponentProps, sceneGraph, SceneObjectBase, SceneObjectState } from '@grafana/scenes';
import { Button, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { HygieneReport, hygieneReport, HygienePillar } from '../analysis/hygiene/findings';
import { FindingsTable } from '../components/Hygiene/FindingsTable';
import { findingExploreUrl } from '../components/Hygiene/findingLinks';
import { hygieneTestIds } from '../components/Hygiene/hygieneTestIds';
import { Empty, Problem } from '../components/states/PivotStates';
import {
  collectHygieneEvidence,
  defaultMetricServiceLabel,
  HygieneCost,
  HygieneTargets,
  TsdbStatus,
} from '../datasources/hygieneQueries';
import { PILLAR_TITLES } from '../datasources/lookup';
import type { ProbeClient } from '../datasources/probes';
import type { PivotContext } from '../pivotContext';
import { textValues } from '../utils/i18nValues';

export interface HygieneSceneState extends SceneObjectState {
  ctx: PivotContext;
  /** Sends Grafana requests: Grafana's backend service in the app, a fake in tests. */
  client: ProbeClient;
  /** One service (the Service page's section), or every service (the Hygiene page). */
  service?: string;
  loading?: boolean;
  report?: HygieneReport;
  tsdb?: TsdbStatus;
  cost?: HygieneCost;
  /** The window the report is of, epoch ms. */
  window?: { fromMs: number; toMs: number };
  /**
   * Ask only when the user says so (the Service page's section: its requests are many for a
   * section most visits do not need); `started` is then set by the button.
   */
  onDemand?: boolean;
  started?: boolean;
}

/** What the report is built from: each pillar's data source and service label, or why it cannot be asked. */
export function hygieneTargets(ctx: PivotContext): HygieneTargets {
  const { prometheus, loki, tempo } = ctx.datasources;
  return {
    prometheus: prometheus.ok
      ? { ds: prometheus.ds, serviceLabel: defaultMetricServiceLabel(ctx.settings.metrics.serviceLabel) }
      : { problem: prometheus.message },
    loki: loki.ok ? { ds: loki.ds, serviceLabel: ctx.settings.logs.serviceLabel } : { problem: loki.message },
    tempo: tempo.ok ? { ds: tempo.ds } : { problem: tempo.message },
  };
}

/**
 * The hygiene report of the page's time range: asked on activation and again whenever the range
 * changes; an answer for an older range is dropped.
 */
export class HygieneScene extends SceneObjectBase<HygieneSceneState> {
  static Component = HygieneRenderer;
  private generation = 0;

  constructor(state: HygieneSceneState) {
    super(state);
    this.addActivationHandler(() => {
      const timeRange = sceneGraph.getTimeRange(this);
      if (!this.state.onDemand || this.state.started) {
        this.run();
      }
      const sub = timeRange.subscribeToState((next, prev) => {
        if (next.value !== prev.value && (!this.state.onDemand || this.state.started)) {
          this.run();
        }
      });
      return () => sub.unsubscribe();
    });
  }

  start() {
    this.setState({ started: true });
    this.run();
  }

  run() {
    const generation = ++this.generation;
    const { value } = sceneGraph.getTimeRange(this).state;
    const window = { fromMs: value.from.valueOf(), toMs: value.to.valueOf() };
    this.setState({ loading: true, window });
    collectHygieneEvidence(this.state.client, hygieneTargets(this.state.ctx), {
      ...window,
      service: this.state.service,
    }).then(({ evidence, tsdb, cost }) => {
      if (generation === this.generation) {
        this.setState({ loading: false, report: hygieneReport(evidence), tsdb, cost });
      }
    });
  }
}

const PILLARS: HygienePillar[] = ['prometheus', 'loki', 'tempo'];

function HygieneRenderer({ model }: SceneComponentProps<HygieneScene>) {
  const { ctx, service, loading, report, tsdb, cost, window, onDemand, started } = model.useState();
  const styles = useStyles2(getStyles);
  const scope = service ?? '*';
  if (onDemand && !started) {
    return (
      <div className={styles.report} data-testid={hygieneTestIds.onDemand}>
        <h4>{t('pivot.hygiene.section-title', 'Telemetry hygiene')}</h4>
        <div>
          <Button variant="secondary" icon="search" onClick={() => model.start()}>
            {t(
              'pivot.hygiene.start',
              'Check {{service}} for labels with ids and personal data',
              textValues({ service: service ?? '' })
            )}
          </Button>
        </div>
      </div>
    );
  }
  if (!report || !window) {
    return (
      <div data-testid={hygieneTestIds.loading}>
        <LoadingPlaceholder text={t('pivot.hygiene.loading', 'Checking telemetry hygiene…')} />
      </div>
    );
  }
  const range = { from: window.fromMs, to: window.toMs };
  const failed = PILLARS.filter((p) => report.pillars[p].state !== 'ok');
  return (
    <div className={styles.report} data-testid={hygieneTestIds.report(scope)}>
      {onDemand && <h4>{t('pivot.hygiene.section-title', 'Telemetry hygiene')}</h4>}
      {loading && <LoadingPlaceholder text={t('pivot.hygiene.refreshing', 'Checking the new time range…')} />}
      {failed.map((p) => (
        <div key={p} data-testid={hygieneTestIds.pillarProblem(p)}>
          <Problem
            severity={report.pillars[p].state === 'error' ? 'error' : 'warning'}
            title={t(
              'pivot.hygiene.pillar-not-checked',
              '{{title}} was not checked: this is not a finding',
              textValues({ title: PILLAR_TITLES[p] })
            )}
            message={report.pillars[p].message ?? ''}
            showConfigLink={report.pillars[p].state === 'not-configured'}
          />
        </div>
      ))}
      {report.findings.length === 0 ? (
        <Empty
          message={
            failed.length === PILLARS.length
              ? t('pivot.hygiene.nothing-checked', 'Nothing could be checked: see the problems above.')
              : service === undefined
                ? t(
                    'pivot.hygiene.empty',
                    'No labels with ids, span names with ids or personal data in this window, in what answered.'
                  )
                : t(
                    'pivot.hygiene.empty-service',
                    'No labels with ids, span names with ids or personal data for {{service}} in this window, in what answered.',
                    textValues({ service })
                  )
          }
        />
      ) : (
        <FindingsTable
          findings={report.findings}
          range={range}
          oneService={service !== undefined}
          linkOf={(f) => findingExploreUrl(ctx, f, window)}
        />
      )}
      {service === undefined && <Summary report={report} tsdb={tsdb} />}
      {cost && (
        <div className={styles.cost} data-testid={hygieneTestIds.cost}>
          {t(
            'pivot.hygiene.cost',
            'Built from {{requests}} bounded requests in {{seconds}} s.',
            textValues({ requests: cost.requests, seconds: (cost.ms / 1000).toFixed(1) })
          )}
        </div>
      )}
    </div>
  );
}

function Summary({ report, tsdb }: { report: HygieneReport; tsdb?: TsdbStatus }) {
  const styles = useStyles2(getStyles);
  const lists: Array<{ title: string; rows: Array<[string, number]>; testId?: string }> = [
    {
      title: t('pivot.hygiene.summary.series-by-service', 'Series per service (peak in the window)'),
      rows: report.seriesByService.map((r) => [r.service, r.series]),
      testId: hygieneTestIds.seriesByService,
    },
    {
      title: t('pivot.hygiene.summary.series-by-metric', 'Series per service and metric'),
      rows: report.seriesByMetric.map((r) => [`${r.service} · ${r.metric}`, r.series]),
    },
    {
      title: t('pivot.hygiene.summary.streams-by-service', 'Loki streams per service'),
      rows: report.streamsByService.map((r) => [r.service, r.streams]),
    },
    {
      title: t('pivot.hygiene.summary.tsdb-labels', 'Labels with the most values (Prometheus head)'),
      rows: (tsdb?.labelValueCountByLabelName ?? []).map((r) => [r.name, r.value]),
    },
  ];
  return (
    <div className={styles.summary}>
      {lists
        .filter((l) => l.rows.length > 0)
        .map((l) => (
          <div key={l.title} data-testid={l.testId}>
            <h5>{l.title}</h5>
            <table className={styles.list}>
              <tbody>
                {l.rows.map(([name, value], i) => (
                  <tr key={`${name} ${i}`}>
                    <td>{name}</td>
                    <td>{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  report: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), width: '100%' }),
  summary: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(320px, 1fr))',
    gap: theme.spacing(2),
  }),
  list: css({ width: '100%', 'td:last-child': { textAlign: 'right' } }),
  cost: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
