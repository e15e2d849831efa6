/**
 * Which label and attribute values look like ids (docs/hygiene.md, What counts as an id): a
 * label or attribute whose values are ids has one value per user, order or request, so every
 * value is a new series, stream or index entry. Pure: no UI, no network.
 */

export type IdKind = 'uuid' | 'hex' | 'number' | 'numbered' | 'email' | 'url-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// 16 hex digits or more (trace and span ids, hashes, Mongo ids are 24), with at least one digit
// so that a word spelt in a–f only ("deadbeefcafefeed" aside) is not taken for one.
const LONG_HEX = /^(?:0x)?(?=[0-9a-f]*\d)[0-9a-f]{16,}$/i;
// Five digits or more: status codes, ports and years are not ids.
const LONG_NUMBER = /^\d{5,}$/;
// A word, a separator and three digits or more: `user-0042`, `order_1234`, `cust:991`. Fewer
// digits (`node-1`, `http2`, `v1`) are names of a few things, not ids.
const NUMBERED = /^[A-Za-z][A-Za-z]*[-_:.#]?\d{3,}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// A path, alone or after an HTTP method, a scheme and a host: `GET /users/123`, `/orders/…`.
const URL_PATH = /^(?:[A-Z]{3,7} +)?(?:[a-z][a-z0-9+.-]*:\/\/[^/\s]+)?(\/[^\s?#]*)(?:[?#]\S*)?$/;

/** A path segment that is an id: digits, a UUID, long hex, a word with three digits or more. */
export function isIdSegment(segment: string): boolean {
  return /^\d+$/.test(segment) || UUID.test(segment) || LONG_HEX.test(segment) || NUMBERED.test(segment);
}

/** The kind of id `value` looks like, or undefined for an ordinary value (a word, a status, a time). */
export function idKind(value: string): IdKind | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return undefined;
  }
  if (UUID.test(value)) {
    return 'uuid';
  }
  if (LONG_NUMBER.test(value)) {
    return 'number';
  }
  if (LONG_HEX.test(value)) {
    return 'hex';
  }
  if (NUMBERED.test(value)) {
    return 'numbered';
  }
  if (EMAIL.test(value)) {
    return 'email';
  }
  const path = URL_PATH.exec(value);
  if (path && path[1].split('/').some((s) => s !== '' && isIdSegment(s))) {
    return 'url-id';
  }
  return undefined;
}

/** Replaces every id segment of a route or span name by `{id}`: `GET /users/123` → `GET /users/{id}`. */
export function normaliseRoute(value: string): string {
  return value.replace(/\/([^/\s?#]+)/g, (whole, segment: string) => (isIdSegment(segment) ? '/{id}' : whole));
}

/** What the values of one label or attribute say about it. */
export interface ValuesVerdict {
  /** Distinct values seen (of a bounded sample). */
  distinct: number;
  /** The most common id kind among the values, when enough of them are ids. */
  kind?: IdKind;
  /** Values of that kind among the distinct values. */
  idValues: number;
}

/** Share of distinct values that must be ids for the label to be called id-like. */
export const ID_SHARE = 0.5;
/** Distinct values from which a label of plain numbers is taken for a growing counter. */
export const GROWING_NUMBERS = 50;

/**
 * Whether a label's values look like ids: half of its distinct values or more of one id kind,
 * or many distinct plain numbers (a counter or sequence used as a label).
 */
export function judgeValues(values: readonly string[]): ValuesVerdict {
  const distinct = [...new Set(values)];
  const counts = new Map<IdKind, number>();
  let numbers = 0;
  for (const v of distinct) {
    const k = idKind(v);
    if (k) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    if (/^\d+$/.test(v)) {
      numbers++;
    }
  }
  let best: IdKind | undefined;
  let bestCount = 0;
  for (const [k, c] of counts) {
    if (c > bestCount) {
      best = k;
      bestCount = c;
    }
  }
  if (best && bestCount >= Math.max(1, distinct.length * ID_SHARE)) {
    return { distinct: distinct.length, kind: best, idValues: bestCount };
  }
  if (numbers >= GROWING_NUMBERS && numbers >= distinct.length * ID_SHARE) {
    return { distinct: distinct.length, kind: 'number', idValues: numbers };
  }
  return { distinct: distinct.length, idValues: 0 };
}
