/**
 * Go's `strconv.Unquote`, the rule Prometheus, Loki and Tempo decode string literals with
 * (docs/conventions.md#string-literals), written out for tests: it works on the UTF-8 bytes as Go does,
 * accepts `"…"`, `'…'` and `` `…` ``, and throws where Go returns ErrSyntax. A literal whose
 * bytes are not UTF-8 (e.g. `"\xff"`) is a valid Go string but no JavaScript string: it throws too.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
};

class GoSyntaxError extends Error {
  constructor(literal: string, why: string) {
    super(`strconv.Unquote: invalid syntax in ${JSON.stringify(literal)}: ${why}`);
  }
}

function unhex(b: number): number {
  if (b >= 0x30 && b <= 0x39) {
    return b - 0x30;
  }
  if (b >= 0x61 && b <= 0x66) {
    return b - 0x61 + 10;
  }
  if (b >= 0x41 && b <= 0x46) {
    return b - 0x41 + 10;
  }
  return -1;
}

function utf8Length(lead: number): number {
  if (lead >= 0xf0) {
    return 4;
  }
  if (lead >= 0xe0) {
    return 3;
  }
  return 2;
}

function isValidRune(r: number): boolean {
  return r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff);
}

function decode(literal: string, bytes: number[] | Uint8Array): string {
  try {
    return decoder.decode(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  } catch {
    throw new GoSyntaxError(literal, 'the value is not UTF-8 (valid in Go, but no JavaScript string)');
  }
}

export function goUnquote(literal: string): string {
  const s = encoder.encode(literal);
  const n = s.length;
  if (n < 2) {
    throw new GoSyntaxError(literal, 'too short');
  }
  const quote = s[0];
  if (quote !== s[n - 1]) {
    throw new GoSyntaxError(literal, 'does not end with its opening quote');
  }
  const body = s.subarray(1, n - 1);

  if (quote === 0x60) {
    // Raw string: no escapes, no backquote inside; carriage returns are discarded.
    if (body.includes(0x60)) {
      throw new GoSyntaxError(literal, 'backquote inside a raw string');
    }
    return decode(
      literal,
      body.filter((b) => b !== 0x0d)
    );
  }
  if (quote !== 0x22 && quote !== 0x27) {
    throw new GoSyntaxError(literal, 'not a quoted string');
  }

  const out: number[] = [];
  let runes = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === quote) {
      throw new GoSyntaxError(literal, 'unescaped quote inside');
    }
    if (c === 0x0a) {
      throw new GoSyntaxError(literal, 'raw newline inside');
    }
    runes++;
    if (c !== 0x5c) {
      const len = c >= 0x80 ? utf8Length(c) : 1;
      out.push(...body.subarray(i, i + len));
      i += len;
      continue;
    }
    if (i + 1 >= body.length) {
      throw new GoSyntaxError(literal, 'backslash at the end');
    }
    const e = String.fromCharCode(body[i + 1]);
    i += 2;
    if (e in SIMPLE_ESCAPES) {
      out.push(SIMPLE_ESCAPES[e]);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const digits = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (i + digits > body.length) {
        throw new GoSyntaxError(literal, `\\${e} needs ${digits} hex digits`);
      }
      let v = 0;
      for (let j = 0; j < digits; j++) {
        const x = unhex(body[i + j]);
        if (x < 0) {
          throw new GoSyntaxError(literal, `bad hex digit after \\${e}`);
        }
        v = v * 16 + x;
      }
      i += digits;
      if (e === 'x') {
        // A single byte, possibly not UTF-8 on its own.
        out.push(v);
      } else {
        if (!isValidRune(v)) {
          throw new GoSyntaxError(literal, `\\${e} escape is not a valid rune`);
        }
        out.push(...encoder.encode(String.fromCodePoint(v)));
      }
    } else if (e >= '0' && e <= '7') {
      if (i + 2 > body.length) {
        throw new GoSyntaxError(literal, 'octal escape needs 3 digits');
      }
      let v = Number(e);
      for (let j = 0; j < 2; j++) {
        const x = body[i + j] - 0x30;
        if (x < 0 || x > 7) {
          throw new GoSyntaxError(literal, 'bad octal digit');
        }
        v = v * 8 + x;
      }
      i += 2;
      if (v > 255) {
        throw new GoSyntaxError(literal, 'octal escape above 255');
      }
      out.push(v);
    } else if (e === "'" || e === '"') {
      if (e.charCodeAt(0) !== quote) {
        throw new GoSyntaxError(literal, `\\${e} inside the other kind of quotes`);
      }
      out.push(quote);
    } else {
      throw new GoSyntaxError(literal, `unknown escape \\${e}`);
    }
  }
  if (quote === 0x27 && runes !== 1) {
    throw new GoSyntaxError(literal, 'a single-quoted literal holds exactly one character');
  }
  return decode(literal, out);
}
