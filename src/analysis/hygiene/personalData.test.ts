import fc from 'fast-check';
import { PERSONAL_DATA_RE2 } from './collectorFix';
import { hygieneReport } from './findings';
import {
  countPersonalData,
  findPersonalData,
  isCardNumber,
  isPublicAddress,
  luhnValid,
  maskValue,
  percentDecode,
  redactText,
} from './personalData';

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
const anyIp = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
/** Public addresses: the ones that can name a person's connection. */
const ip = anyIp.filter(isPublicAddress);
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

describe('IP addresses', () => {
  it('flags public addresses, not the ranges of the operator’s own machines', () => {
    for (const address of ['8.8.8.8', '203.0.113.7', '172.32.0.1', '100.128.0.1', '192.169.1.1']) {
      expect(countPersonalData(`client ${address} connected`)).toEqual({ 'ip-address': 1 });
    }
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.20',
      '169.254.169.254',
      '100.64.0.10',
      '0.0.0.0',
      '224.0.0.251',
      '255.255.255.255',
    ]) {
      expect(countPersonalData(`server.address=${address}`)).toEqual({});
    }
  });

  it('never flags an address isPublicAddress rejects, and flags every one it accepts', () => {
    fc.assert(
      fc.property(anyIp, (address) => {
        expect(countPersonalData(`from ${address} to`)).toEqual(isPublicAddress(address) ? { 'ip-address': 1 } : {});
      })
    );
  });
});

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

describe('percent-encoded emails (a query string, a URL inside a URL)', () => {
  /** An address as a query value: encoded once (`%40`) or twice (`%2540`). */
  const encoded = fc
    .tuple(email, fc.boolean())
    .map(([address, twice]) => {
      const once = encodeURIComponent(address);
      return { address, value: twice ? encodeURIComponent(once) : once };
    })
    .filter(({ value }) => !value.includes('@'));
  const path = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => `/${w.join('/')}`);

  it('finds the address once decoded, masks the whole encoded value, and never shows it', () => {
    fc.assert(
      fc.property(path, encoded, word, fc.nat(99_999), (p, { address, value }, key, order) => {
        const line = `GET ${p}?${key}=${value}&order=${order} 200`;
        const found = findPersonalData(line);
        expect(found.map((f) => f.kind)).toEqual(['email']);
        expect(line.slice(found[0].start, found[0].end)).toBe(value);
        const redacted = redactText(line);
        expect(redacted).not.toContain(value);
        expect(redacted).not.toContain(address);
        expect(percentDecode(percentDecode(redacted))).not.toContain(address);
        expect(redacted).toContain(`&order=${order} 200`);
      })
    );
    expect(findPersonalData('redirect /account?email=jane.doe%40example.com&x=1')).toEqual([
      { kind: 'email', start: 24, end: 46 },
    ]);
  });

  it('finds nothing in ordinary URLs, encoded words and timestamps, or an encoded @ without an address', () => {
    const ordinary = fc.oneof(
      fc
        .tuple(path, word, fc.array(word, { minLength: 1, maxLength: 4 }))
        .map(([p, k, words]) => `${p}?${k}=${encodeURIComponent(words.join(' / '))}`),
      fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => encodeURIComponent(new Date(ms).toISOString())),
      fc.tuple(word, word).map(([a, b]) => `${a}%40${b}`),
      fc.tuple(word, word).map(([a, b]) => `https://${a}.example.com/${b}?next=%2F${b}%3Fa%3D1`),
      fc.uuid().map((u) => `/orders/${u}%20x`)
    );
    fc.assert(
      fc.property(fc.array(ordinary, { maxLength: 6 }), (parts) =>
        expect(findPersonalData(parts.join(' '))).toEqual([])
      )
    );
  });

  it("the Collector fix's pattern (PERSONAL_DATA_RE2.email) closes the encoded form as well as the plain one", () => {
    const re2 = new RegExp(PERSONAL_DATA_RE2.email, 'g');
    fc.assert(
      fc.property(
        path,
        fc.oneof(
          encoded,
          email.map((a) => ({ address: a, value: a }))
        ),
        (p, { address, value }) => {
          const masked = `GET ${p}?email=${value}&order=7`.replace(re2, '****');
          expect(findPersonalData(masked)).toEqual([]);
          expect(percentDecode(percentDecode(masked))).not.toContain(address);
        }
      )
    );
  });

  it('no finding built from encoded emails in lines and attributes holds the value, raw or decoded', () => {
    fc.assert(
      fc.property(encoded, ({ address, value }) => {
        const report = hygieneReport({
          metrics: { state: 'not-configured', message: 'none' },
          logs: {
            state: 'ok',
            evidence: {
              streamsByService: [],
              streamLabels: [],
              lines: [{ service: 'storefront', line: `redirect /account?email=${value}` }],
            },
          },
          traces: {
            state: 'ok',
            evidence: {
              attributes: [
                {
                  service: 'storefront',
                  scope: 'span',
                  field: 'http.request.header.referer',
                  distinct: 1,
                  capped: false,
                  values: [`https://shop.example/account?email=${value}`],
                },
              ],
              spanNames: [],
            },
          },
        });
        expect(report.findings.map((f) => [f.pillar, f.kind, f.personalData])).toEqual(
          expect.arrayContaining([
            ['loki', 'personal-data', ['email']],
            ['tempo', 'personal-data', ['email']],
          ])
        );
        expect(report.findings).toHaveLength(2);
        const text = JSON.stringify(report);
        expect(text).not.toContain(value);
        expect(text).not.toContain(address);
      })
    );
  });
});
