/**
 * Personal data and secrets in text (log lines, attribute values): emails (also percent-encoded,
 * as in a query string), card numbers (Luhn checked, card-network prefixes), bearer tokens, API
 * keys, public IP addresses (isPublicAddress). A finding carries the
 * kind and a mask, never the value (docs/hygiene.md, Personal data). Pure.
 */

export type PersonalDataKind = 'email' | 'card' | 'bearer-token' | 'api-key' | 'ip-address';

export const PERSONAL_DATA_KINDS: readonly PersonalDataKind[] = [
  'email',
  'card',
  'bearer-token',
  'api-key',
  'ip-address',
];

/** The Luhn checksum of a string of digits (card numbers pass it, most other numbers do not). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) {
    return false;
  }
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Card networks' leading digits (Amex 34/37, Visa 4, Mastercard 2221–2720 and 51–55, Discover
// 6…, JCB 35, Diners 36/38): an epoch timestamp in seconds, milliseconds or nanoseconds starts
// with 1, and is not taken for a card.
const CARD_PREFIX = /^(?:3[4-8]|4|5[1-5]|2[2-7]|6)/;

/** Whether `candidate` (digits with optional spaces or dashes) is a card-like number. */
export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits);
}

interface Detector {
  kind: PersonalDataKind;
  pattern: RegExp;
  accept?: (match: string) => boolean;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** `text` with each `%XX` written as its character (other `%` left as they are); never throws. */
export function percentDecode(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Whether a run of URL characters holds an address once percent-decoded (once or twice:
 * `jane.doe%40example.com`, `jane.doe%2540example.com` in a URL inside a URL). A Collector's
 * regex redaction looks for `@` and misses these (docs/hygiene.md, Personal data).
 */
export function isEncodedEmail(run: string): boolean {
  if (!/%(?:25)?40/.test(run)) {
    return false;
  }
  const once = percentDecode(run);
  return new RegExp(EMAIL.source).test(once) || new RegExp(EMAIL.source).test(percentDecode(once));
}

const DETECTORS: Detector[] = [
  { kind: 'email', pattern: EMAIL },
  // Decoded before matching: a run of URL characters (a path, a query value) whose decoded form
  // holds an address is an email, masked whole. Runs, not a regex around `%40`: linear time.
  { kind: 'email', pattern: /[A-Za-z0-9._~%+-]+/g, accept: isEncodedEmail },
  { kind: 'bearer-token', pattern: /\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*/gi },
  {
    kind: 'api-key',
    pattern:
      /\b(?:(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[baprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})\b|(?<=\bapi[_-]?key["']?\s*[:=]\s*["']?)[A-Za-z0-9_-]{16,}/gi,
  },
  // 13–19 digits in one run, or in groups as printed: 4-4-4-1…7 or Amex's 4-6-5.
  {
    kind: 'card',
    pattern: /(?<![\d.])(?:\d{13,19}|\d{4}(?:([ -])\d{4}\1\d{4}\1\d{1,7}|([ -])\d{6}\2\d{5}))(?![\d.])/g,
    accept: isCardNumber,
  },
  {
    kind: 'ip-address',
    pattern: new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d.])`, 'g'),
    accept: isPublicAddress,
  },
];

/**
 * Whether an IPv4 address can name a person's connection: not one of the ranges that name the
 * operator's own machines or no machine at all. Loopback (127/8), private (10/8, 172.16/12,
 * 192.168/16), shared carrier and cluster space (100.64/10), link-local (169.254/16), "this
 * network" (0/8), multicast and reserved (224 and up) are a service's own infrastructure in
 * `server.address` or `url.full`, not personal data.
 */
export function isPublicAddress(address: string): boolean {
  const o = address.split('.').map(Number);
  if (o.length !== 4 || o.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
    return false;
  }
  const [a, b] = o;
  return !(
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  start: number;
  end: number;
}

/**
 * Every personal-data match in `text`, earliest first, no two overlapping (the first detector
 * in DETECTORS wins: an email's digits are not also a card).
 */
export function findPersonalData(text: string): PersonalDataMatch[] {
  if (typeof text !== 'string' || text.length === 0) {
    return [];
  }
  const found: PersonalDataMatch[] = [];
  const overlaps = (s: number, e: number) => found.some((m) => s < m.end && m.start < e);
  for (const d of DETECTORS) {
    d.pattern.lastIndex = 0;
    for (const m of text.matchAll(d.pattern)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if ((!d.accept || d.accept(m[0])) && !overlaps(start, end)) {
        found.push({ kind: d.kind, start, end });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Counts of each kind found in `text`. */
export function countPersonalData(text: string): Partial<Record<PersonalDataKind, number>> {
  const out: Partial<Record<PersonalDataKind, number>> = {};
  for (const m of findPersonalData(text)) {
    out[m.kind] = (out[m.kind] ?? 0) + 1;
  }
  return out;
}

/**
 * What is shown instead of a value: its kind and one bullet per character up to eight, never a
 * character of the value (so not the last digits of a card either).
 */
export function maskValue(kind: string, value: string): string {
  const length = typeof value === 'string' ? [...value].length : 0;
  return `‹${kind}:${'•'.repeat(Math.min(8, Math.max(1, length)))}›`;
}

/** `text` with every personal-data match replaced by its mask. */
export function redactText(text: string): string {
  let out = '';
  let at = 0;
  for (const m of findPersonalData(text)) {
    out += text.slice(at, m.start) + maskValue(m.kind, text.slice(m.start, m.end));
    at = m.end;
  }
  return out + (typeof text === 'string' ? text.slice(at) : '');
}
