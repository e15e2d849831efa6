import { LoadingState, PanelData } from '@grafana/data';
import { t } from '@grafana/i18n';
import { textValues } from '../utils/i18nValues';
import { errorMessage, panelErrorMessage } from '../utils/errors';

/**
 * What a section of a page shows for its data: the states are decided here, in one place,
 * and the sections only render them (never a blank panel: docs/investigation.md#when-something-is-missing).
 */
export type SectionDataState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'empty' }
  /** `warning`: some queries of the request failed while others answered. */
  | { kind: 'data'; warning?: string };

function hasRows(data: PanelData): boolean {
  return data.series.some((frame) => frame.length > 0);
}

/**
 * Loading until the first answer (later refreshes keep showing the previous data), the data
 * source's message on error, empty when no frame has a row. When some queries of a request
 * failed and others answered, the answers are shown with the failures as a warning.
 */
export function sectionDataState(data: PanelData | undefined): SectionDataState {
  if (!data || data.state === LoadingState.NotStarted) {
    return { kind: 'loading' };
  }
  if (data.state === LoadingState.Error) {
    const message = panelErrorMessage(data) ?? t('pivot.scenes.data.no-message', 'The query failed without a message.');
    return hasRows(data) ? { kind: 'data', warning: message } : { kind: 'error', message };
  }
  if (data.state === LoadingState.Loading) {
    return hasRows(data) ? { kind: 'data' } : { kind: 'loading' };
  }
  return hasRows(data) ? { kind: 'data' } : { kind: 'empty' };
}

/** A section's queries, or why they cannot be built. */
export type BuiltQueries<T> = { ok: true; queries: T } | { ok: false; message: string };

/**
 * Builds a section's queries. The builders throw on a value their language cannot hold (a
 * stored label name that is not one, text that is not Unicode): that becomes the section's
 * message, so the section fails on its own instead of an uncaught throw blanking the page.
 */
export function buildQueries<T>(build: () => T): BuiltQueries<T> {
  try {
    return { ok: true, queries: build() };
  } catch (error) {
    const reason = errorMessage(error);
    return {
      ok: false,
      message: t(
        'pivot.scenes.data.cannot-build',
        'Pivot could not build the query: {{reason}}',
        textValues({ reason })
      ),
    };
  }
}

/** The refIds whose queries failed: the other queries of the same request still answered. */
export function failedRefIds(data: PanelData | undefined): string[] {
  return (data?.errors ?? []).map((e) => e.refId).filter((r): r is string => typeof r === 'string');
}
