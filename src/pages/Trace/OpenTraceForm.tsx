import React, { useState } from 'react';
import { locationService } from '@grafana/runtime';
import { t, Trans } from '@grafana/i18n';
import { Button, Field, Input, Stack } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { isTraceId, normalizeTraceId } from '../../datasources';
import { traceUrl, URL_KEYS } from '../../utils/links';

/** Where "Open" goes for what was typed: the Trace page, keeping the page's time range; or why not. */
export function openTraceTarget(input: string, search: URLSearchParams): { url: string } | { error: string } {
  if (!isTraceId(input)) {
    return { error: t('pivot.trace.open.invalid-id', 'A trace id is 1 to 32 hexadecimal digits.') };
  }
  const from = search.get(URL_KEYS.from);
  const to = search.get(URL_KEYS.to);
  return { url: traceUrl(normalizeTraceId(input), { range: from && to ? { from, to } : undefined }) };
}

/** An id shown as the input's placeholder: the same in every language. */
const EXAMPLE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A box to paste a trace id into. */
export function OpenTraceForm() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const open = () => {
    const target = openTraceTarget(value, new URLSearchParams(locationService.getLocation().search));
    if ('error' in target) {
      setError(target.error);
    } else {
      locationService.push(target.url);
    }
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        open();
      }}
    >
      <Stack direction="row" alignItems="flex-end">
        <Field label={t('pivot.trace.open.label', 'Trace id')} invalid={error !== undefined} error={error}>
          <Input
            width={44}
            value={value}
            placeholder={EXAMPLE_TRACE_ID}
            onChange={(e) => setValue(e.currentTarget.value)}
            data-testid={testIds.trace.openInput}
          />
        </Field>
        <Field>
          <Button type="submit" data-testid={testIds.trace.openSubmit}>
            <Trans i18nKey="pivot.trace.open.submit">Open trace</Trans>
          </Button>
        </Field>
      </Stack>
    </form>
  );
}
