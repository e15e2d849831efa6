import fc from 'fast-check';
import { GROWING_NUMBERS, idKind, isIdSegment, judgeValues, normaliseRoute } from './classify';

const hex = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`)).filter((s) => /\d/.test(s));
const word = fc.stringMatching(/^[A-Za-z][a-z]{0,15}$/);
const isoTime = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString());

describe('idKind', () => {
  it('flags generated ids of every kind', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(idKind(u)).toBe('uuid');
        expect(idKind(u.toUpperCase())).toBe('uuid');
      })
    );
    fc.assert(fc.property(hex(16, 40), (h) => expect(idKind(h)).toBe('hex')));
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: Number.MAX_SAFE_INTEGER }), (n) =>
        expect(idKind(String(n))).toBe('number')
      )
    );
    fc.assert(fc.property(fc.emailAddress(), (e) => expect(idKind(e)).toBe('email')));
    fc.assert(
      fc.property(word, fc.constantFrom('-', '_', ':', ''), fc.integer({ min: 0, max: 99_999 }), (w, sep, n) =>
        expect(idKind(`${w}${sep}${String(n).padStart(4, '0')}`)).toBe('numbered')
      )
    );
    expect(idKind('user-0042')).toBe('numbered');
    for (const name of ['node-1', 'http2', 'v1', 'us-east-1']) {
      expect(idKind(name)).toBeUndefined();
    }
    fc.assert(
      fc.property(
        fc.constantFrom('GET ', 'POST ', '', 'https://shop.example/'),
        word,
        fc.oneof(fc.nat().map(String), fc.uuid(), hex(16, 24)),
        (prefix, resource, id) => {
          const path = prefix.endsWith('/') ? `${prefix}${resource}/${id}` : `${prefix}/${resource}/${id}`;
          expect(idKind(path)).toBe('url-id');
        }
      )
    );
  });

  it('does not flag ordinary words, statuses, routes without ids or timestamps', () => {
    fc.assert(fc.property(word, (w) => expect(idKind(w)).toBeUndefined()));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (ws) => expect(idKind(ws.join(' '))).toBeUndefined())
    );
    fc.assert(fc.property(isoTime, (t) => expect(idKind(t)).toBeUndefined()));
    fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), (n) => expect(idKind(String(n))).toBeUndefined()));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (ws) =>
        expect(idKind(`GET /${ws.join('/')}`)).toBeUndefined()
      )
    );
    for (const v of ['2026-12-02', '2026/12/02', '12:30:00', 'v1', '/api/v2/orders', 'GET /users/{id}', '']) {
      expect(idKind(v)).toBeUndefined();
    }
  });

  it('never throws on hostile input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void idKind(s)));
    expect(idKind(undefined as unknown as string)).toBeUndefined();
  });
});

describe('normaliseRoute', () => {
  it('replaces id segments and keeps the rest', () => {
    expect(normaliseRoute('GET /users/123/orders/9f1c2a3b4d5e6f708192a3b4c5d6e7f8')).toBe(
      'GET /users/{id}/orders/{id}'
    );
    expect(normaliseRoute('GET /api/v2/orders')).toBe('GET /api/v2/orders');
  });

  it('leaves no id segment and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(word, fc.nat().map(String), fc.uuid()), { maxLength: 6 }), (segments) => {
        const once = normaliseRoute(`GET /${segments.join('/')}`);
        expect(once.split(/[ /]/).some((s) => s !== '' && isIdSegment(s))).toBe(false);
        expect(normaliseRoute(once)).toBe(once);
      })
    );
  });
});

describe('judgeValues', () => {
  it('calls a label of mostly ids id-like, with its kind', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 40 }),
        fc.array(word, { maxLength: 1 }),
        (ids, words) => {
          const verdict = judgeValues([...ids, ...words]);
          expect(verdict.kind).toBe('uuid');
          expect(verdict.idValues).toBe(ids.length);
        }
      )
    );
  });

  it('calls many distinct plain numbers a growing counter, and a few status codes nothing', () => {
    const counter = Array.from({ length: GROWING_NUMBERS }, (_, i) => String(1000 + i));
    expect(judgeValues(counter).kind).toBe('number');
    expect(judgeValues(['200', '404', '500', '503']).kind).toBeUndefined();
  });

  it('never calls words or timestamps id-like', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(word, isoTime), { maxLength: 60 }), (vs) =>
        expect(judgeValues(vs).kind).toBeUndefined()
      )
    );
  });
});
