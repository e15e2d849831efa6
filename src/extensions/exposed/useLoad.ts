import { useEffect, useState } from 'react';
import { t } from '@grafana/i18n';
import { textValues } from '../../utils/i18nValues';
import { errorMessage } from '../../utils/errors';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'problem'; title: string; message: string; config?: boolean }
  | { state: 'empty'; message: string }
  | ({ state: 'done' } & T);

/** The problem of a time range Grafana cannot read (either exposed component's `timeRange` prop). */
export function invalidRange(range: { from: string; to: string }): Loaded<never> {
  return {
    state: 'problem',
    title: t('pivot.exposed.invalid-range.title', 'Invalid time range'),
    message: t(
      'pivot.exposed.invalid-range.message',
      'Cannot read the range {{from}} to {{to}}.',
      textValues({ from: range.from, to: range.to })
    ),
  };
}

/**
 * Runs `load` whenever `key` (the component's inputs as text) changes, and gives its result,
 * or `loading` while the result for the current key is not in. A result for an older key is
 * dropped, so a slow answer never replaces a newer one.
 */
export function useLoad<T>(key: string, load: () => Promise<Loaded<T>>, failureTitle: string): Loaded<T> {
  const [result, setResult] = useState<{ key: string; loaded: Loaded<T> }>();
  useEffect(() => {
    let live = true;
    load()
      .catch((e): Loaded<T> => ({ state: 'problem', title: failureTitle, message: errorMessage(e) }))
      .then((loaded) => live && setResult({ key, loaded }));
    return () => {
      live = false;
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- `key` is the identity of `load`'s inputs
  return result?.key === key ? result.loaded : { state: 'loading' };
}
