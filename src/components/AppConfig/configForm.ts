/**
 * The configuration page's form logic, out of React: the draft it edits, its validation
 * (saving itself merges into the current settings: settingsMerge.ts), and the texts that say
 * which data source applies and why.
 */
import { t } from '@grafana/i18n';
import {
  isMetricFamily,
  isTraceIdLocation,
  LogConventions,
  METRIC_FAMILIES,
  MetricFamily,
  TraceIdLocation,
} from '../../datasources/conventions';
import type { MetricsDetection } from '../../datasources/detect';
import { DataSourceResolution, PILLAR_TITLES } from '../../datasources/lookup';
import { labelNameProblem, normalizeSettings, PivotJsonData, PivotSettings, PROVISIONED_UIDS } from '../../settings';
import { ConfigField, configFieldValues } from '../../settingsMerge';
import { textValues } from '../../utils/i18nValues';

export type ConfigDraft = PivotSettings;

export function draftFromJsonData(jsonData: PivotJsonData | undefined | null): ConfigDraft {
  return normalizeSettings(jsonData);
}

export type DraftProblems = Partial<Record<ConfigField, string>>;

/**
 * Every field checked before saving, with the rule it breaks: a value saved here is read by
 * every page, so one that cannot be written into a query is refused here, not found there.
 * (Data sources are picked from a list; the line under each picker says whether it resolves.)
 */
export function validateDraft(draft: ConfigDraft): DraftProblems {
  const problems: DraftProblems = {};
  const values = configFieldValues(draft);
  if (!isMetricFamily(values['metrics.family']) && values['metrics.family'] !== 'auto') {
    problems['metrics.family'] = t('pivot.config.problem.family', 'Choose a metric family from the list, or Auto.');
  }
  const metricsLabel = values['metrics.serviceLabel'];
  const metricsProblem = metricsLabel === '' ? undefined : labelNameProblem(metricsLabel, 'The label');
  if (metricsProblem) {
    problems['metrics.serviceLabel'] = metricsProblem;
  }
  const logsProblem = labelNameProblem(values['logs.serviceLabel'], 'The label');
  if (logsProblem) {
    problems['logs.serviceLabel'] = logsProblem;
  }
  if (!isTraceIdLocation(values['logs.traceId'])) {
    problems['logs.traceId'] = t('pivot.config.problem.trace-id', 'Choose where trace_id lives from the list.');
  }
  return problems;
}

/** One line under a data source picker: which data source Pivot uses, and why that one. */
export function resolutionText(resolution: DataSourceResolution): string {
  if (!resolution.ok) {
    return resolution.message;
  }
  const { ds, how, pillar } = resolution;
  switch (how) {
    case 'configured':
      return t('pivot.config.resolution.configured', 'Using {{name}}, chosen here.', textValues({ name: ds.name }));
    case 'provisioned':
      return t(
        'pivot.config.resolution.provisioned',
        'Using {{name}}: none is chosen, so Pivot uses the provisioned data source (uid {{uid}}).',
        textValues({ name: ds.name, uid: PROVISIONED_UIDS[pillar] })
      );
    case 'only-candidate':
      return t(
        'pivot.config.resolution.only-candidate',
        'Using {{name}}: none is chosen and it is the only {{pillar}} data source.',
        textValues({ name: ds.name, pillar: PILLAR_TITLES[pillar] })
      );
  }
}

export function applyMetricsDetection(draft: ConfigDraft, detected: MetricsDetection): ConfigDraft {
  return { ...draft, metrics: { ...draft.metrics, family: detected.family, serviceLabel: detected.serviceLabel } };
}

export function applyLogsDetection(draft: ConfigDraft, detected: LogConventions): ConfigDraft {
  return { ...draft, logs: { ...detected } };
}

/** Whether "Use detected" would change the draft. */
export function metricsDetectionDiffers(draft: ConfigDraft, detected: MetricsDetection): boolean {
  return draft.metrics.family !== detected.family || draft.metrics.serviceLabel !== detected.serviceLabel;
}

export function logsDetectionDiffers(draft: ConfigDraft, detected: LogConventions): boolean {
  return draft.logs.serviceLabel !== detected.serviceLabel || draft.logs.traceId !== detected.traceId;
}

export function describeMetricsDetection(d: MetricsDetection): string {
  const label =
    d.serviceLabel ||
    t(
      'pivot.config.detected.family-default-label',
      '{{label}} (family default)',
      textValues({ label: METRIC_FAMILIES[d.family].defaultServiceLabel })
    );
  return t(
    'pivot.config.detected.metrics',
    '{{family}}, service label {{label}}',
    textValues({ family: METRIC_FAMILIES[d.family].title, label })
  );
}

export function describeLogsDetection(d: LogConventions): string {
  const where = traceIdOptions().find((o) => o.value === d.traceId)?.label ?? d.traceId;
  return t(
    'pivot.config.detected.logs',
    'service label {{label}}, trace_id: {{where}}',
    textValues({ label: d.serviceLabel, where })
  );
}

/** The metric family choices (functions, not constants: t() runs once the language is known). */
export function familyOptions(): Array<{ value: MetricFamily | 'auto'; label: string; description: string }> {
  return [
    {
      value: 'auto',
      label: t('pivot.config.family.auto', 'Auto'),
      description: t('pivot.config.family.auto-description', 'Detect the family from the data when a page loads'),
    },
    ...(Object.keys(METRIC_FAMILIES) as MetricFamily[]).map((family) => ({
      value: family,
      label: METRIC_FAMILIES[family].title,
      description: t(
        'pivot.config.family.description',
        '{{requests}}, service label {{label}}',
        textValues({ requests: METRIC_FAMILIES[family].requests, label: METRIC_FAMILIES[family].defaultServiceLabel })
      ),
    })),
  ];
}

export function traceIdOptions(): Array<{ value: TraceIdLocation; label: string; description: string }> {
  return [
    {
      value: 'structured-metadata',
      label: t('pivot.config.trace-id.structured-metadata', 'Structured metadata'),
      description: t(
        'pivot.config.trace-id.structured-metadata-description',
        'OTLP ingestion (Loki 3+): trace_id is structured metadata'
      ),
    },
    {
      value: 'logfmt',
      label: t('pivot.config.trace-id.logfmt', 'In the line, logfmt'),
      description: t('pivot.config.trace-id.logfmt-description', 'The line holds trace_id=<id>'),
    },
    {
      value: 'json',
      label: t('pivot.config.trace-id.json', 'In the line, JSON'),
      description: t('pivot.config.trace-id.json-description', 'The line is JSON with a "trace_id" key'),
    },
  ];
}
