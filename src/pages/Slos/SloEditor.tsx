import React, { useState } from 'react';
import { t, Trans } from '@grafana/i18n';
import { Alert, Button, Field, Input, RadioButtonGroup, Stack, TextArea } from '@grafana/ui';
import { isSaveConflict, reloadPage } from '../../components/AppConfig/pluginSettingsApi';
import { testIds } from '../../components/testIds';
import { errorMessage } from '../../utils/errors';
import { SLO_PERIODS, SloDefinition, SloPeriod, validateSlo } from '../../slo/definition';
import { textValues } from '../../utils/i18nValues';

interface Props {
  initial?: SloDefinition;
  onSave: (slo: SloDefinition) => Promise<void>;
  onCancel: () => void;
}

/**
 * Why a save failed. Grafana's backend service rejects with a plain object (status, data.message),
 * not an Error, so its message is read from there; the admin hint only when Grafana refused access.
 */
export function saveFailure(error: unknown): string {
  if (isSaveConflict(error)) {
    return error.message;
  }
  const message = errorMessage(error).replace(/\.$/, '');
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  const refused = status === 401 || status === 403;
  return refused
    ? t(
        'pivot.slos.editor.save-refused',
        'Saving failed: {{message}}. Only organisation admins can change SLOs.',
        textValues({ message })
      )
    : t('pivot.slos.editor.save-failed', 'Saving failed: {{message}}.', textValues({ message }));
}

/** The form admins define an SLO with; the same validation as the YAML file. */
export function SloEditor({ initial, onSave, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? '');
  const [service, setService] = useState(initial?.service ?? '');
  const [type, setType] = useState<'availability' | 'latency'>(initial?.sli.type ?? 'availability');
  const [threshold, setThreshold] = useState(
    initial?.sli.type === 'latency' ? String(initial.sli.thresholdSeconds) : '0.5'
  );
  const [objective, setObjective] = useState(String(initial?.objective ?? '99.9'));
  const [period, setPeriod] = useState<SloPeriod>(initial?.period ?? '30d');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [errors, setErrors] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  /** The settings changed on the server since the page loaded: offer to reload. */
  const [conflict, setConflict] = useState(false);

  const submit = async () => {
    const result = validateSlo({
      name: name.trim(),
      service: service.trim(),
      sli: type === 'latency' ? { type, thresholdSeconds: Number(threshold) } : { type },
      objective: Number(objective),
      period,
      description: description.trim() || undefined,
      labels: initial?.labels,
    });
    if (!result.ok) {
      setErrors(result.errors.map((e) => e.replace(/^slo( \([^)]*\))?\./, '')));
      return;
    }
    setErrors([]);
    setConflict(false);
    setSaving(true);
    try {
      await onSave(result.value);
    } catch (e) {
      setErrors([saveFailure(e)]);
      setConflict(isSaveConflict(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div data-testid={testIds.slos.editor}>
      <Stack direction="column" gap={1}>
        <Field
          label={t('pivot.slos.editor.name', 'Name')}
          description={t(
            'pivot.slos.editor.name-description',
            'Unique; used in URLs and as the slo label of the rules'
          )}
        >
          <Input
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            // An example value, not words: the same in every language.
            // eslint-disable-next-line @grafana/i18n/no-untranslated-strings
            placeholder="checkout-availability"
          />
        </Field>
        <Field
          label={t('pivot.slos.editor.service', 'Service')}
          description={t('pivot.slos.editor.service-description', 'As your metrics label it')}
        >
          {/* An example value, not words: the same in every language. */}
          {/* eslint-disable-next-line @grafana/i18n/no-untranslated-strings */}
          <Input value={service} onChange={(e) => setService(e.currentTarget.value)} placeholder="checkout" />
        </Field>
        <Field label={t('pivot.slos.editor.sli', 'SLI')}>
          <RadioButtonGroup
            value={type}
            onChange={(v) => setType(v === 'latency' ? 'latency' : 'availability')}
            options={[
              {
                label: t('pivot.slos.editor.sli-availability', 'Availability (no server errors)'),
                value: 'availability',
              },
              { label: t('pivot.slos.editor.sli-latency', 'Latency (faster than a threshold)'), value: 'latency' },
            ]}
          />
        </Field>
        {type === 'latency' && (
          <Field
            label={t('pivot.slos.editor.threshold', 'Threshold (seconds)')}
            description={t(
              'pivot.slos.editor.threshold-description',
              'Must be a bucket boundary of the latency histogram, e.g. 0.25, 0.5, 1'
            )}
          >
            <Input value={threshold} onChange={(e) => setThreshold(e.currentTarget.value)} type="number" />
          </Field>
        )}
        <Field label={t('pivot.slos.editor.objective', 'Objective (%)')}>
          <Input value={objective} onChange={(e) => setObjective(e.currentTarget.value)} type="number" />
        </Field>
        <Field label={t('pivot.slos.editor.period', 'Period')}>
          <RadioButtonGroup
            value={period}
            onChange={(v) => setPeriod(v)}
            options={SLO_PERIODS.map((p) => ({ label: p, value: p }))}
          />
        </Field>
        <Field label={t('pivot.slos.editor.description', 'Description')}>
          <TextArea value={description} onChange={(e) => setDescription(e.currentTarget.value)} rows={2} />
        </Field>
        {errors.length > 0 && (
          <Alert title={t('pivot.slos.editor.cannot-save', 'The SLO cannot be saved')} severity="error">
            <ul>
              {errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
            {conflict && <ReloadButton />}
          </Alert>
        )}
        <Stack direction="row" gap={1}>
          <Button onClick={submit} disabled={saving} data-testid={testIds.slos.save}>
            {saving ? t('pivot.slos.editor.saving', 'Saving…') : t('pivot.slos.editor.save', 'Save SLO')}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            <Trans i18nKey="pivot.slos.editor.cancel">Cancel</Trans>
          </Button>
        </Stack>
      </Stack>
    </div>
  );
}

/** Offered when a save met changes made since the page loaded: reloading shows them. */
export function ReloadButton() {
  return (
    <Button size="sm" variant="secondary" icon="sync" onClick={() => reloadPage()}>
      <Trans i18nKey="pivot.slos.reload">Reload</Trans>
    </Button>
  );
}
