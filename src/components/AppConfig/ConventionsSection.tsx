import React from 'react';
import { t } from '@grafana/i18n';
import { Combobox, Field, FieldSet, Input } from '@grafana/ui';
import { METRIC_FAMILIES } from '../../datasources/conventions';
import { LABEL_NAME_RULE } from '../../settings';
import { textValues } from '../../utils/i18nValues';
import { ConfigDraft, DraftProblems, familyOptions, traceIdOptions } from './configForm';
import { ServiceNamesField } from './ServiceNamesField';

interface Props {
  draft: ConfigDraft;
  problems: DraftProblems;
  setDraft: React.Dispatch<React.SetStateAction<ConfigDraft>>;
}

/** A field's problem, as Grafana's Field shows one. */
function fieldProblem(problems: DraftProblems, key: keyof DraftProblems) {
  return { invalid: problems[key] !== undefined, error: problems[key] };
}

/** The metric family and the service label in metrics. */
function MetricsConventionFields({ draft, problems, setDraft }: Props) {
  const familyDefault = draft.metrics.family === 'auto' ? undefined : METRIC_FAMILIES[draft.metrics.family];
  const check = (key: keyof DraftProblems) => fieldProblem(problems, key);
  return (
    <>
      <Field
        label={t('pivot.config.conventions.family', 'Metric family')}
        htmlFor="pivot-metric-family"
        description={t(
          'pivot.config.conventions.family-description',
          'Which metrics carry request rate, errors and latency. Auto detects them from the data.'
        )}
        {...check('metrics.family')}
      >
        <Combobox
          id="pivot-metric-family"
          width={60}
          options={familyOptions()}
          value={draft.metrics.family}
          onChange={({ value: family }) => family && setDraft((d) => ({ ...d, metrics: { ...d.metrics, family } }))}
        />
      </Field>
      <Field
        label={t('pivot.config.conventions.metrics-label', 'Service label in metrics')}
        htmlFor="pivot-metrics-service-label"
        description={t(
          'pivot.config.conventions.metrics-label-description',
          "The Prometheus label that names a service, a label name ({{rule}}). Empty uses the family's default.",
          textValues({ rule: LABEL_NAME_RULE })
        )}
        {...check('metrics.serviceLabel')}
      >
        <Input
          id="pivot-metrics-service-label"
          width={40}
          value={draft.metrics.serviceLabel}
          placeholder={
            familyDefault
              ? familyDefault.defaultServiceLabel
              : t('pivot.config.conventions.metrics-label-placeholder', "family's default")
          }
          onChange={(e) => {
            const serviceLabel = e.currentTarget.value;
            setDraft((d) => ({ ...d, metrics: { ...d.metrics, serviceLabel } }));
          }}
        />
      </Field>
    </>
  );
}

/** The service label in logs and where each line's trace id is. */
function LogsConventionFields({ draft, problems, setDraft }: Props) {
  const check = (key: keyof DraftProblems) => fieldProblem(problems, key);
  return (
    <>
      <Field
        label={t('pivot.config.conventions.logs-label', 'Service label in logs')}
        htmlFor="pivot-logs-service-label"
        description={t(
          'pivot.config.conventions.logs-label-description',
          'The Loki index label that names a service, a label name ({{rule}}): service_name with OTLP ingestion.',
          textValues({ rule: LABEL_NAME_RULE })
        )}
        {...check('logs.serviceLabel')}
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
        label={t('pivot.config.conventions.trace-id', 'trace_id in logs')}
        htmlFor="pivot-logs-trace-id"
        description={t(
          'pivot.config.conventions.trace-id-description',
          "Where each log line's trace_id lives, so logs of a trace can be found cheaply."
        )}
        {...check('logs.traceId')}
      >
        <Combobox
          id="pivot-logs-trace-id"
          width={60}
          options={traceIdOptions()}
          value={draft.logs.traceId}
          onChange={({ value: traceId }) => traceId && setDraft((d) => ({ ...d, logs: { ...d.logs, traceId } }))}
        />
      </Field>
    </>
  );
}

/** The metric family, the service labels and where trace ids are in logs. */
export function ConventionsSection(props: Props) {
  return (
    <FieldSet label={t('pivot.config.conventions.title', 'Conventions')}>
      <MetricsConventionFields {...props} />
      <ServiceNamesField draft={props.draft} setDraft={props.setDraft} />
      <LogsConventionFields {...props} />
    </FieldSet>
  );
}
