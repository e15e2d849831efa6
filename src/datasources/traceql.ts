/**
 * TraceQL builders and trace id handling. Values are quoted with `traceqlString`; attribute
 * and intrinsic names are fixed here, never taken from input.
 */
import { traceqlString } from './strings';

const HEX = /^[0-9a-fA-F]+$/;

/** The most of a rejected id a page shows back: a pasted 10,000-character "id" is not echoed whole. */
const ECHO_CHARACTERS = 40;

/**
 * `id` as a message quotes it: JSON-quoted, and when longer than 40 characters only its first
 * 40, then `…` and its length.
 */
export function quoteTraceIdInput(id: unknown): string {
  const chars = Array.from(typeof id === 'string' ? id : String(id));
  if (chars.length <= ECHO_CHARACTERS) {
    return JSON.stringify(chars.join(''));
  }
  return `${JSON.stringify(chars.slice(0, ECHO_CHARACTERS).join(''))}… (${chars.length} characters)`;
}

/** `id` as a heading shows it: whole up to 40 characters (every valid id), else its first 40 and `…`. */
export function shortTraceId(id: string): string {
  const chars = Array.from(id);
  return chars.length <= ECHO_CHARACTERS ? id : `${chars.slice(0, ECHO_CHARACTERS).join('')}…`;
}

/**
 * Tempo's form of a trace id: lowercase hex without leading zeros (Tempo pads ids to 128 bits
 * when reading and trims the zeros when writing them out). Surrounding whitespace, as pasted,
 * is ignored. Throws on anything that is not 1 to 32 hex digits, or on the all-zero id, which
 * W3C Trace Context and OpenTelemetry define as invalid.
 */
export function normalizeTraceId(id: string): string {
  const text = typeof id === 'string' ? id.trim() : '';
  if (!HEX.test(text)) {
    throw new Error(`Invalid trace id ${quoteTraceIdInput(id)}: a trace id is 1 to 32 hexadecimal digits`);
  }
  // Like Tempo, which decodes every digit given: leading zeros count towards the 128 bits.
  if (text.length > 32) {
    throw new Error(`Invalid trace id ${quoteTraceIdInput(id)}: longer than 128 bits (32 hex digits)`);
  }
  const trimmed = text.replace(/^0+/, '').toLowerCase();
  if (trimmed === '') {
    throw new Error(`Invalid trace id ${quoteTraceIdInput(id)}: the all-zero trace id is not valid`);
  }
  return trimmed;
}

export function isTraceId(id: string): boolean {
  try {
    normalizeTraceId(id);
    return true;
  } catch {
    return false;
  }
}

/**
 * The 32-digit lowercase form OpenTelemetry writes into logs and Loki's structured metadata
 * (16 bytes, leading zeros kept).
 */
export function traceIdHex32(id: string): string {
  return normalizeTraceId(id).padStart(32, '0');
}

/** The query of a trace-by-id request to Tempo (docs/conventions.md#traceql-and-trace-by-id: `queryType: 'traceql'`). */
export function traceById(id: string): string {
  return normalizeTraceId(id);
}

const SERVICE = 'resource.service.name';

/**
 * The spans that are a service's own work, in TraceQL: the requests it serves (server spans)
 * and the messages it processes (consumer spans; a queue worker such as the demo's fulfilment
 * writes no server span). A service with both kinds has both counted: each failed request and
 * each failed message is failed work. Client, producer and internal spans are left out: they
 * are calls and steps inside that work (docs/conventions.md#queue-consumers).
 */
export const SERVED_SPAN_KINDS = '(kind = server || kind = consumer)';

export interface FailingSpansOptions {
  /** One service; every service when absent. */
  service?: string;
}

/** Server and consumer spans with error status (SERVED_SPAN_KINDS), of one service or all. */
export function failingSpans({ service }: FailingSpansOptions = {}): string {
  const conditions = ['status = error', SERVED_SPAN_KINDS];
  if (service !== undefined) {
    conditions.unshift(`${SERVICE} = ${traceqlString(service)}`);
  }
  return `{ ${conditions.join(' && ')} }`;
}
