import React from 'react';
import { t } from '@grafana/i18n';
import { Combobox, Field } from '@grafana/ui';
import { logsAndTracesName, ServiceNameMapping } from '../../datasources/serviceNames';
import { textValues } from '../../utils/i18nValues';
import { testIds } from '../testIds';
import type { ConfigDraft } from './configForm';

interface Props {
  draft: ConfigDraft;
  setDraft: React.Dispatch<React.SetStateAction<ConfigDraft>>;
}

/** The choices (a function: t() runs once the language is known). */
function mappingOptions(): Array<{ value: ServiceNameMapping; label: string; description: string }> {
  return [
    {
      value: 'auto',
      label: t('pivot.config.service-names.auto', 'Auto'),
      description: t(
        'pivot.config.service-names.auto-description',
        'Strip the namespace when the metrics name services by job (OpenTelemetry writes job as namespace/name)'
      ),
    },
    {
      value: 'strip-namespace',
      label: t('pivot.config.service-names.strip', 'Strip the namespace'),
      description: t(
        'pivot.config.service-names.strip-description',
        'namespace/name in metrics is name in logs and traces'
      ),
    },
    {
      value: 'as-is',
      label: t('pivot.config.service-names.as-is', 'As in the metrics'),
      description: t(
        'pivot.config.service-names.as-is-description',
        'Logs and traces use the same name as the metrics'
      ),
    },
  ];
}

const EXAMPLE = 'shop/checkout';

/** How a service named by the metrics label is named in Loki and Tempo, with an example. */
export function ServiceNamesField({ draft, setDraft }: Props) {
  const mapped = logsAndTracesName(draft.metrics, EXAMPLE);
  return (
    <Field
      label={t('pivot.config.service-names.label', 'Service names in logs and traces')}
      htmlFor="pivot-service-names"
      description={t(
        'pivot.config.service-names.description',
        'How a service named in the metrics is found in Loki and Tempo. With these settings, {{example}} in the metrics is {{mapped}} in logs and traces.',
        textValues({ example: EXAMPLE, mapped })
      )}
      data-testid={testIds.appConfig.serviceNames}
    >
      <Combobox
        id="pivot-service-names"
        width={60}
        options={mappingOptions()}
        value={draft.metrics.serviceNames ?? 'auto'}
        onChange={({ value: serviceNames }) =>
          serviceNames && setDraft((d) => ({ ...d, metrics: { ...d.metrics, serviceNames } }))
        }
      />
    </Field>
  );
}
