import type { PanelData } from '@grafana/data';

/**
 * Error messages, read one way everywhere: from what a promise rejects with (an Error, a
 * fetch or backend-service error) and from a panel's query errors.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message of an error thrown by Grafana's backend service or by fetch itself. */
export function errorMessage(error: unknown): string {
  if (isRecord(error)) {
    const data = error.data;
    if (isRecord(data)) {
      if (typeof data.message === 'string' && data.message) {
        return data.message;
      }
      if (typeof data.error === 'string' && data.error) {
        return data.error;
      }
    }
    if (typeof error.message === 'string' && error.message) {
      return error.message;
    }
    if (typeof error.status === 'number') {
      return `HTTP ${error.status}${typeof error.statusText === 'string' ? ` ${error.statusText}` : ''}`;
    }
  }
  return String(error);
}

/** The messages of a panel's query errors, each once, or undefined when they carry none. */
export function panelErrorMessage(data: PanelData): string | undefined {
  const messages = (data.errors ?? []).map((e) => e.message ?? e.data?.message ?? '').filter((m) => m !== '');
  return messages.length > 0 ? [...new Set(messages)].join('; ') : undefined;
}
