import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { DataSourcePicker, getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, Combobox, Field, FieldSet, Input, useStyles2 } from '@grafana/ui';
import { LogConventions, METRIC_FAMILIES, MetricFamily, TraceIdLocation } from '../../datasources/conventions';
import type { MetricsDetection } from '../../datasources/detect';
import { PILLAR_TITLES, PILLAR_TYPES, resolveDataSource } from '../../datasources/lookup';
import { errorMessage } from '../../utils/errors';
import { grafanaProbeClient } from './grafanaProbeClient';
import { LABEL_NAME_RULE, PILLARS, Pillar, PivotJsonData } from '../../settings';
import { testIds } from '../testIds';
import { PillarCheck, PillarCheckState } from './CheckResults';
import {
  applyLogsDetection,
  applyMetricsDetection,
  ConfigDraft,
  describeLogsDetection,
  describeMetricsDetection,
  draftFromJsonData,
  FAMILY_OPTIONS,
  logsDetectionDiffers,
  metricsDetectionDiffers,
  resolutionText,
  TRACE_ID_OPTIONS,
  validateDraft,
} from './configForm';
import { readPluginSettings, reloadPage, savePluginSettings } from './pluginSettingsApi';
import { mergeConfigChange } from '../../settingsMerge';
import { checkPillar } from './runCheck';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<PivotJsonData>> {}

interface CheckStates {
  prometheus?: PillarCheckState<MetricsDetection>;
  loki?: PillarCheckState<LogConventions>;
  tempo?: PillarCheckState<never>;
}

export default function AppConfig({ plugin }: AppConfigProps) {
  const styles = useStyles2(getStyles);
  const { enabled = false, pinned = false, jsonData } = plugin.meta;
  // What the page loaded: a save applies only the fields changed since (settingsMerge.ts).
  const loaded = useMemo(() => draftFromJsonData(jsonData), [jsonData]);
  const [draft, setDraft] = useState<ConfigDraft>(loaded);
  const [checks, setChecks] = useState<CheckStates>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<{ message: string; conflict?: boolean } | undefined>();
  const problems = validateDraft(draft);

  const available = useMemo(() => getDataSourceSrv().getList(), []);
  const resolutions = useMemo(
    () => Object.fromEntries(PILLARS.map((p) => [p, resolveDataSource(p, draft.datasources[p], available)])),
    [draft.datasources, available]
  );

  const setDataSource = (pillar: Pillar, uid: string | undefined) =>
    setDraft((d) => ({ ...d, datasources: { ...d.datasources, [pillar]: uid } }));

  const setFamily = (family: MetricFamily | 'auto' | undefined) =>
    family && setDraft((d) => ({ ...d, metrics: { ...d.metrics, family } }));
  const setTraceId = (traceId: TraceIdLocation | undefined) =>
    traceId && setDraft((d) => ({ ...d, logs: { ...d.logs, traceId } }));

  const runCheck = () => {
    const client = grafanaProbeClient();
    const now = Date.now();
    setChecks({ prometheus: { status: 'running' }, loki: { status: 'running' }, tempo: { status: 'running' } });
    for (const pillar of PILLARS) {
      checkPillar(pillar, draft, available, client, now).then(
        (report) => setChecks((c) => ({ ...c, [pillar]: { status: 'done', report } })),
        (error: unknown) =>
          setChecks((c) => ({
            ...c,
            [pillar]: {
              status: 'done',
              report: {
                pillar,
                level: 'error',
                findings: [{ level: 'error', text: `The check failed: ${errorMessage(error)}` }],
              },
            },
          }))
      );
    }
  };

  /**
   * Reads the current settings and applies this page's changes to them, so what other admins
   * saved meanwhile (SLOs, or fields this admin did not touch) is kept.
   */
  const save = async (enable: boolean) => {
    if (enable && Object.keys(problems).length > 0) {
      setSaveError({ message: 'Nothing was saved: fix the fields marked above first.' });
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      const current = await readPluginSettings();
      // Disabling changes only the switch: the form's unsaved edits are not written with it.
      const merged = mergeConfigChange(current.jsonData, loaded, enable ? draft : loaded);
      if (!merged.ok) {
        setSaveError({ message: merged.message, conflict: true });
        setSaving(false);
        return;
      }
      // Enabling pins the app to the menu the first time; a save keeps whatever pin it has now.
      const pinnedNow = enable && (current.enabled ? (current.pinned ?? pinned) : true);
      await savePluginSettings({ enabled: enable, pinned: pinnedNow, jsonData: merged.jsonData });
      reloadPage();
    } catch (error) {
      setSaveError({
        message: `Saving failed: ${errorMessage(error)}. Check that you are an organisation admin, then try again.`,
      });
      setSaving(false);
    }
  };

  const metricsDetected = checks.prometheus?.status === 'done' ? checks.prometheus.report.detected : undefined;
  const logsDetected = checks.loki?.status === 'done' ? checks.loki.report.detected : undefined;
  const familyDefault = draft.metrics.family === 'auto' ? undefined : METRIC_FAMILIES[draft.metrics.family];

  return (
    <div data-testid={testIds.appConfig.container} className={styles.page}>
      {!enabled && (
        <Alert title="Pivot is not enabled" severity="info">
          Choose the data sources and conventions below, then select &quot;Enable and save&quot;.
        </Alert>
      )}

      <FieldSet label="Data sources">
        {PILLARS.map((pillar) => {
          const resolution = resolutions[pillar];
          const inputId = `pivot-ds-${pillar}`;
          return (
            <Field
              key={pillar}
              label={PILLAR_TITLES[pillar]}
              htmlFor={inputId}
              description={`The ${PILLAR_TITLES[pillar]} data source Pivot queries. Leave empty to use the default.`}
            >
              <div>
                <DataSourcePicker
                  inputId={inputId}
                  type={PILLAR_TYPES[pillar]}
                  current={draft.datasources[pillar] ?? null}
                  noDefault
                  placeholder={`Default ${PILLAR_TITLES[pillar]} data source`}
                  onChange={(ds) => setDataSource(pillar, ds.uid)}
                  onClear={() => setDataSource(pillar, undefined)}
                  width={40}
                />
                <div
                  className={resolution.ok ? styles.resolved : styles.unresolved}
                  data-testid={testIds.appConfig.resolution(pillar)}
                  role={resolution.ok ? undefined : 'alert'}
                >
                  {resolutionText(resolution)}
                </div>
              </div>
            </Field>
          );
        })}
      </FieldSet>

      <FieldSet label="Conventions">
        <Field
          label="Metric family"
          htmlFor="pivot-metric-family"
          description="Which metrics carry request rate, errors and latency. Auto detects them from the data."
          invalid={problems['metrics.family'] !== undefined}
          error={problems['metrics.family']}
        >
          <Combobox
            id="pivot-metric-family"
            width={60}
            options={FAMILY_OPTIONS}
            value={draft.metrics.family}
            onChange={(option) => setFamily(option.value)}
          />
        </Field>
        <Field
          label="Service label in metrics"
          htmlFor="pivot-metrics-service-label"
          description={`The Prometheus label that names a service, a label name (${LABEL_NAME_RULE}). Empty uses the family's default.`}
          invalid={problems['metrics.serviceLabel'] !== undefined}
          error={problems['metrics.serviceLabel']}
        >
          <Input
            id="pivot-metrics-service-label"
            width={40}
            value={draft.metrics.serviceLabel}
            placeholder={familyDefault ? familyDefault.defaultServiceLabel : "family's default"}
            onChange={(e) => {
              const serviceLabel = e.currentTarget.value;
              setDraft((d) => ({ ...d, metrics: { ...d.metrics, serviceLabel } }));
            }}
          />
        </Field>
        <Field
          label="Service label in logs"
          htmlFor="pivot-logs-service-label"
          description={`The Loki index label that names a service, a label name (${LABEL_NAME_RULE}): service_name with OTLP ingestion.`}
          invalid={problems['logs.serviceLabel'] !== undefined}
          error={problems['logs.serviceLabel']}
        >
          <Input
            id="pivot-logs-service-label"
            width={40}
            value={draft.logs.serviceLabel}
            onChange={(e) => {
              const serviceLabel = e.currentTarget.value;
              setDraft((d) => ({ ...d, logs: { ...d.logs, serviceLabel } }));
            }}
          />
        </Field>
        <Field
          label="trace_id in logs"
          htmlFor="pivot-logs-trace-id"
          description="Where each log line's trace_id lives, so logs of a trace can be found cheaply."
          invalid={problems['logs.traceId'] !== undefined}
          error={problems['logs.traceId']}
        >
          <Combobox
            id="pivot-logs-trace-id"
            width={60}
            options={TRACE_ID_OPTIONS}
            value={draft.logs.traceId}
            onChange={(option) => setTraceId(option.value)}
          />
        </Field>
      </FieldSet>

      <FieldSet label="Check">
        <p className={styles.help}>
          Runs real queries through Grafana against the data sources above (unsaved choices included) and says, for
          each, what works and what to fix.
        </p>
        <Button
          variant="secondary"
          icon="heart-rate"
          onClick={runCheck}
          data-testid={testIds.appConfig.check}
          disabled={PILLARS.some((p) => checks[p]?.status === 'running')}
        >
          Check data sources
        </Button>
        <div className={styles.results}>
          {checks.prometheus && (
            <PillarCheck
              pillar="prometheus"
              state={checks.prometheus}
              detectedText={
                metricsDetected && metricsDetectionDiffers(draft, metricsDetected)
                  ? describeMetricsDetection(metricsDetected)
                  : undefined
              }
              onUseDetected={() => metricsDetected && setDraft((d) => applyMetricsDetection(d, metricsDetected))}
            />
          )}
          {checks.loki && (
            <PillarCheck
              pillar="loki"
              state={checks.loki}
              detectedText={
                logsDetected && logsDetectionDiffers(draft, logsDetected)
                  ? describeLogsDetection(logsDetected)
                  : undefined
              }
              onUseDetected={() => logsDetected && setDraft((d) => applyLogsDetection(d, logsDetected))}
            />
          )}
          {checks.tempo && <PillarCheck pillar="tempo" state={checks.tempo} />}
        </div>
      </FieldSet>

      {saveError && (
        <Alert title="Settings not saved" severity="error" data-testid={testIds.appConfig.saveError}>
          <div>{saveError.message}</div>
          {saveError.conflict && (
            <Button size="sm" variant="secondary" icon="sync" onClick={() => reloadPage()}>
              Reload
            </Button>
          )}
        </Alert>
      )}
      <div className={styles.actions}>
        <Button onClick={() => save(true)} disabled={saving} data-testid={testIds.appConfig.save}>
          {saving ? 'Saving…' : enabled ? 'Save settings' : 'Enable and save'}
        </Button>
        {enabled && (
          <Button variant="destructive" fill="outline" onClick={() => save(false)} disabled={saving}>
            Disable Pivot
          </Button>
        )}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    maxWidth: theme.breakpoints.values.lg,
  }),
  resolved: css({
    marginTop: theme.spacing(0.5),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  unresolved: css({
    marginTop: theme.spacing(0.5),
    color: theme.colors.error.text,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  help: css({
    color: theme.colors.text.secondary,
  }),
  results: css({
    marginTop: theme.spacing(2),
  }),
  actions: css({
    display: 'flex',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  }),
});
