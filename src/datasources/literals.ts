/**
 * The value of a string literal read out of a parsed PromQL, LogQL or TraceQL query. The three
 * servers decode literals with Go's `strconv.Unquote` (docs/conventions.md#string-literals); this follows it
 * for the escapes queries use. Returns undefined for a literal Go would reject, so a malformed
 * value is never taken for a service name.
 */

const SIMPLE: Record<string, string> = {
  a: '\u0007',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

function codePoint(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]+$/.test(hex)) {
    return undefined;
  }
  const cp = parseInt(hex, 16);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return undefined;
  }
  return String.fromCodePoint(cp);
}

/** Octal and `\x` escapes are bytes: they are gathered and decoded as UTF-8, as Go does. */
function decodeBytes(bytes: number[]): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

export function unquoteLiteral(literal: string): string | undefined {
  if (literal.length < 2) {
    return undefined;
  }
  const quote = literal[0];
  if (literal[literal.length - 1] !== quote || !['"', "'", '`'].includes(quote)) {
    return undefined;
  }
  const body = literal.slice(1, -1);
  if (quote === '`') {
    return body.includes('`') ? undefined : body.replace(/\r/g, '');
  }
  let out = '';
  let bytes: number[] = [];
  const flush = (): boolean => {
    if (bytes.length === 0) {
      return true;
    }
    const text = decodeBytes(bytes);
    bytes = [];
    if (text === undefined) {
      return false;
    }
    out += text;
    return true;
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '\n' || (c === quote && quote === '"')) {
      return undefined;
    }
    if (c !== '\\') {
      if (!flush()) {
        return undefined;
      }
      out += c;
      i += 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) {
      return undefined;
    }
    if (e === 'x' || /[0-7]/.test(e)) {
      const digits = e === 'x' ? body.slice(i + 2, i + 4) : body.slice(i + 1, i + 4);
      const valid = e === 'x' ? /^[0-9a-fA-F]{2}$/.test(digits) : /^[0-7]{3}$/.test(digits);
      const value = parseInt(digits, e === 'x' ? 16 : 8);
      if (!valid || value > 255) {
        return undefined;
      }
      bytes.push(value);
      i += 4;
      continue;
    }
    if (!flush()) {
      return undefined;
    }
    if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const ch = body.length >= i + 2 + len ? codePoint(body.slice(i + 2, i + 2 + len)) : undefined;
      if (ch === undefined) {
        return undefined;
      }
      out += ch;
      i += 2 + len;
      continue;
    }
    const simple = SIMPLE[e];
    // Go accepts \' only in rune literals and \" only in double-quoted strings.
    if (simple === undefined || (e === "'" && quote === '"') || (e === '"' && quote === "'")) {
      return undefined;
    }
    out += simple;
    i += 2;
  }
  return flush() ? out : undefined;
}
