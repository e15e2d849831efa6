import fc from 'fast-check';
import { countPersonalData, findPersonalData, isCardNumber, luhnValid, maskValue, redactText } from './personalData';

/** A card number of `length` digits from `prefix` and `body` digits, with a valid Luhn check digit. */
function withCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) {
    if (luhnValid(partial + d)) {
      return partial + d;
    }
  }
  throw new Error('unreachable');
}
const card = fc
  .tuple(
    fc.constantFrom('4', '51', '55', '34', '37', '6011', '2221'),
    fc.integer({ min: 15, max: 16 }),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 16, maxLength: 16 })
  )
  .map(([prefix, length, body]) => withCheckDigit((prefix + body).slice(0, length - 1)));
const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const token = fc.stringMatching(/^[A-Za-z0-9]{20,40}$/);
const word = fc.stringMatching(/^[a-z]{1,12}$/);
const email = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}\.[a-z]{2,6}$/);

const secrets = fc.oneof(
  email.map((v) => ({ kind: 'email', value: v })),
  card.map((v) => ({ kind: 'card', value: v })),
  ip.map((v) => ({ kind: 'ip-address', value: v })),
  token.map((v) => ({ kind: 'bearer-token', value: `Bearer ${v}` })),
  token.map((v) => ({ kind: 'api-key', value: `sk_live_${v}` }))
);

describe('luhnValid', () => {
  it('accepts known card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('41x1')).toBe(false);
  });

  it('catches every single-digit change', () => {
    fc.assert(
      fc.property(card, fc.nat(), fc.integer({ min: 1, max: 9 }), (c, at, delta) => {
        const i = at % c.length;
        const changed = c.slice(0, i) + ((Number(c[i]) + delta) % 10) + c.slice(i + 1);
        expect(luhnValid(changed)).toBe(false);
      })
    );
  });
});

describe('findPersonalData', () => {
  it('finds each kind inside a log line, with its position', () => {
    fc.assert(
      fc.property(word, secrets, word, (before, secret, after) => {
        const line = `${before} user=${secret.value} ${after}`;
        const found = findPersonalData(line);
        expect(found.map((f) => f.kind)).toEqual([secret.kind]);
        expect(line.slice(found[0].start, found[0].end)).toContain(secret.value.replace(/^Bearer /, ''));
      })
    );
  });

  it('finds cards written with spaces or dashes', () => {
    expect(countPersonalData('paid with 4111 1111 1111 1111 ok')).toEqual({ card: 1 });
    expect(countPersonalData('paid with 4111-1111-1111-1111 ok')).toEqual({ card: 1 });
    expect(isCardNumber('4111111111111112')).toBe(false);
  });

  it('finds nothing in ordinary text, timestamps, ids and durations', () => {
    const ordinary = fc.oneof(
      word,
      fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
      fc.integer({ min: 0, max: 4_102_444_800 }).map(String),
      // Epoch milliseconds start with 1 from 2001 to 2033 (no card network starts with 1).
      fc.integer({ min: 1_000_000_000_000, max: 1_999_999_999_999 }).map(String),
      fc.bigInt({ min: BigInt('1000000000000000000'), max: BigInt('1999999999999999999') }).map(String),
      fc.uuid(),
      fc.stringMatching(/^[0-9a-f]{32}$/),
      fc.float({ min: 0, max: 1000, noNaN: true }).map((f) => `${f}ms`)
    );
    fc.assert(
      fc.property(fc.array(ordinary, { maxLength: 8 }), (parts) =>
        expect(findPersonalData(parts.join(' '))).toEqual([])
      )
    );
  });

  it('never throws on hostile input, and matches never overlap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const found = findPersonalData(s);
        for (let i = 1; i < found.length; i++) {
          expect(found[i].start).toBeGreaterThanOrEqual(found[i - 1].end);
        }
      })
    );
  });
});

describe('masking', () => {
  it('no mask and no redacted line contains the raw value', () => {
    fc.assert(
      fc.property(word, secrets, (before, secret) => {
        const mask = maskValue(secret.kind, secret.value);
        expect(mask).not.toContain(secret.value);
        expect(mask).not.toMatch(/[0-9@]/);
        const redacted = redactText(`${before} ${secret.value} end`);
        expect(redacted).not.toContain(secret.value.replace(/^Bearer /, ''));
        expect(redacted).toContain(`‹${secret.kind}:`);
      })
    );
  });
});
