import fc from 'fast-check';
import { isHighCardinality, rankSuspects, SpanAttributes, zScore } from './suspects';

/** A small seeded generator (mulberry32), so noise is uniform whatever fast-check's bias. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE: Record<string, string[]> = {
  'resource.host.name': ['node-1', 'node-2', 'node-3'],
  'resource.cloud.region': ['eu-west-1', 'us-east-1'],
  'span.http.request.method': ['GET', 'POST', 'PUT', 'DELETE'],
  'resource.k8s.namespace.name': ['shop', 'shop-canary'],
  'span.peer.service': ['postgres', 'redis', 'kafka', 'payment', 'inventory'],
};

function noiseSpan(next: () => number): SpanAttributes {
  const span: SpanAttributes = {};
  for (const [attribute, values] of Object.entries(NOISE)) {
    span[attribute] = values[Math.floor(next() * values.length)];
  }
  return span;
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('rankSuspects', () => {
  it('finds the route the failing spans share, with shares and counts', () => {
    const failing = [
      ...Array.from({ length: 40 }, () => ({ 'span.http.route': '/charge', 'resource.service.version': '1.0' })),
      ...Array.from({ length: 10 }, () => ({ 'span.http.route': '/refund', 'resource.service.version': '1.0' })),
    ];
    const baseline = [
      ...Array.from({ length: 20 }, () => ({ 'span.http.route': '/charge', 'resource.service.version': '1.0' })),
      ...Array.from({ length: 180 }, () => ({ 'span.http.route': '/refund', 'resource.service.version': '1.0' })),
    ];
    const [top, ...rest] = rankSuspects(failing, baseline);
    expect(top).toMatchObject({
      attribute: 'span.http.route',
      value: '/charge',
      failing: 40,
      baseline: 20,
      failingShare: 0.8,
      baselineShare: 0.1,
      missing: false,
    });
    expect(top.score).toBeCloseTo(zScore(40, 50, 20, 200), 10);
    // The version is on every span of both sets: not over-represented; /refund is under-represented.
    expect(rest).toEqual([]);
  });

  it('ranks a share seen on 300 of 400 failing spans above the same share on 3 of 4', () => {
    // Two inputs: the same 75% against a 10% baseline, with a hundred times the evidence.
    const build = (n: number) => {
      const failing = Array.from({ length: n }, (_, i) => ({ 'span.http.route': i < (3 * n) / 4 ? '/a' : '/b' }));
      const baseline = Array.from({ length: 10 * n }, (_, i) => ({ 'span.http.route': i < n ? '/a' : '/b' }));
      return rankSuspects(failing, baseline, { minFailing: 1, minScore: 0 })[0];
    };
    const small = build(4);
    const large = build(400);
    expect(small.failingShare).toBe(large.failingShare);
    expect(large.score).toBeGreaterThan(small.score);
    // One input: 3 failing spans (of 4 carrying the value) against 300 (of 400).
    const failing = [
      ...Array.from({ length: 3 }, () => ({ 'span.k': 'few' })),
      ...Array.from({ length: 300 }, () => ({ 'span.k': 'many' })),
      ...Array.from({ length: 697 }, () => ({ 'span.k': 'other' })),
    ];
    const baseline = [
      { 'span.k': 'few' },
      ...Array.from({ length: 100 }, () => ({ 'span.k': 'many' })),
      ...Array.from({ length: 899 }, () => ({ 'span.k': 'other' })),
    ];
    const ranked = rankSuspects(failing, baseline, { minFailing: 1, minScore: 0 });
    expect(ranked.map((s) => s.value)).toEqual(['many', 'few']);
  });

  it('counts spans without an attribute as its own value', () => {
    const failing = Array.from({ length: 30 }, (_, i): SpanAttributes => (i < 25 ? {} : { 'span.feature.flag': 'on' }));
    const baseline = Array.from({ length: 100 }, (_, i): SpanAttributes =>
      i < 10 ? {} : { 'span.feature.flag': 'on' }
    );
    const [top] = rankSuspects(failing, baseline);
    expect(top).toMatchObject({ attribute: 'span.feature.flag', value: '', missing: true, failing: 25, baseline: 10 });
  });

  it('leaves out values on too few failing spans and weak differences', () => {
    const failing = [
      ...Array.from({ length: 4 }, () => ({ 'span.a': 'x' })),
      ...Array.from({ length: 96 }, () => ({ 'span.a': 'y' })),
    ];
    const baseline = Array.from({ length: 100 }, () => ({ 'span.a': 'y' }));
    expect(rankSuspects(failing, baseline)).toEqual([]);
    expect(rankSuspects(failing, baseline, { minFailing: 4, minScore: 0 })[0]).toMatchObject({
      value: 'x',
      failing: 4,
    });
    // 52% against 48%: a difference, not evidence.
    const weakF = Array.from({ length: 100 }, (_, i) => ({ 'span.a': i < 52 ? 'x' : 'y' }));
    const weakB = Array.from({ length: 100 }, (_, i) => ({ 'span.a': i < 48 ? 'x' : 'y' }));
    expect(rankSuspects(weakF, weakB)).toEqual([]);
  });

  it('returns nothing for empty and tiny inputs', () => {
    expect(rankSuspects([], [])).toEqual([]);
    expect(rankSuspects([{ 'span.a': 'x' }], [])).toEqual([]);
    expect(rankSuspects([], [{ 'span.a': 'x' }])).toEqual([]);
    expect(rankSuspects([{}, {}], [{}, {}])).toEqual([]);
    const four = Array.from({ length: 4 }, () => ({ 'span.a': 'x' }));
    expect(rankSuspects(four, [{ 'span.a': 'y' }])).toEqual([]);
    expect(rankSuspects(four, [{ 'span.a': 'y' }], { minFailing: 1, minScore: 0 })[0]).toMatchObject({ value: 'x' });
  });

  it('honours limit', () => {
    const failing = Array.from({ length: 50 }, () => ({ 'span.a': 'x', 'span.b': 'x', 'span.c': 'x' }));
    const baseline = Array.from({ length: 50 }, () => ({ 'span.a': 'y', 'span.b': 'y', 'span.c': 'y' }));
    expect(rankSuspects(failing, baseline, { limit: 2 }).map((s) => s.attribute)).toEqual(['span.a', 'span.b']);
    expect(rankSuspects(failing, baseline, { limit: -1 })).toEqual([]);
  });

  it('recognises ids and timestamps by cardinality and by shape', () => {
    expect(isHighCardinality(11, 20, ['a'])).toBe(true);
    expect(isHighCardinality(10, 20, ['a'])).toBe(false);
    expect(isHighCardinality(9, 100, ['a'])).toBe(false);
    expect(isHighCardinality(2, 100, ['2026-12-02T03:04:05Z', '2026-12-02T03:04:06.123+01:00'])).toBe(true);
    expect(isHighCardinality(2, 100, ['1764644645123', '1764644646'])).toBe(true);
    expect(isHighCardinality(1, 100, ['4bf92f3577b34da6a3ce929d0e0e4736'])).toBe(true);
    expect(isHighCardinality(1, 100, ['00f067aa0ba902b7'])).toBe(true);
    expect(isHighCardinality(1, 100, ['123e4567-e89b-12d3-a456-426614174000'])).toBe(true);
    // Versions and git commits are not ids.
    expect(isHighCardinality(2, 100, ['1.4.2', '2.0.0-rc1'])).toBe(false);
    expect(isHighCardinality(1, 100, ['9fceb02d0ae598e95dc970b74767f19372d61af8'])).toBe(false);
  });
});

describe('rankSuspects properties', () => {
  const sizes = fc.record({
    seed: fc.integer(),
    failing: fc.integer({ min: 60, max: 300 }),
    baseline: fc.integer({ min: 60, max: 600 }),
    plantedShare: fc.double({ min: 0.5, max: 1, noNaN: true }),
    plantedAttribute: fc.constantFrom('span.http.route', 'resource.service.version', 'resource.host.name'),
    plantedValue: fc.string({ minLength: 0, maxLength: 12 }),
  });

  it('finds a planted suspect first in random data', () => {
    fc.assert(
      fc.property(sizes, ({ seed, failing, baseline, plantedShare, plantedAttribute, plantedValue }) => {
        const next = random(seed);
        const value = `planted:${plantedValue}`;
        const f = Array.from({ length: failing }, () => {
          const span = noiseSpan(next);
          if (next() < plantedShare) {
            span[plantedAttribute] = value;
          }
          return span;
        });
        // At least half the failing spans carry it, whatever the draws.
        for (let i = 0; i < Math.ceil(failing / 2); i++) {
          f[i][plantedAttribute] = value;
        }
        const b = Array.from({ length: baseline }, () => noiseSpan(next));
        const [top] = rankSuspects(f, b);
        expect(top).toMatchObject({ attribute: plantedAttribute, value, missing: false });
      })
    );
  });

  it('gives the same ranking whatever the order of the spans', () => {
    const attribute = fc.constantFrom('span.a', 'span.b', 'resource.c', '__proto__', 'constructor', '');
    const span = fc.dictionary(attribute, fc.constantFrom('x', 'y', 'z', '', '\u0000', 'hasOwnProperty'), {
      maxKeys: 4,
    });
    fc.assert(
      fc.property(
        fc.array(span, { maxLength: 80 }),
        fc.array(span, { maxLength: 80 }),
        fc.integer(),
        (failing, baseline, seed) => {
          const options = { minFailing: 1, minScore: 0 };
          const ranked = rankSuspects(failing, baseline, options);
          const next = random(seed);
          expect(rankSuspects(shuffle(failing, next), shuffle(baseline, next), options)).toEqual(ranked);
          for (const s of ranked) {
            expect(s.failingShare).toBeGreaterThan(s.baselineShare);
            expect(Number.isFinite(s.score)).toBe(true);
          }
        }
      )
    );
  });

  /** Spans of random noise and an id attribute, on failing spans only or on both sets. */
  function withIds(seed: number, failing: number, baseline: number, onlyFailing: boolean, id: (i: number) => string) {
    const next = random(seed);
    let n = 0;
    const f = Array.from({ length: failing }, () => ({ ...noiseSpan(next), 'span.request.id': id(n++) }));
    const b = Array.from({ length: baseline }, () =>
      onlyFailing ? noiseSpan(next) : { ...noiseSpan(next), 'span.request.id': id(n++) }
    );
    return { f, b, next };
  }
  const idRun = fc.record({
    seed: fc.integer(),
    failing: fc.integer({ min: 0, max: 200 }),
    baseline: fc.integer({ min: 0, max: 200 }),
    onlyFailing: fc.boolean(),
    perTrace: fc.integer({ min: 1, max: 8 }),
  });

  it('never names an id or a timestamp shaped as one, even repeated and with no minimum', () => {
    const kind = fc.constantFrom('hex16', 'hex32', 'uuid', 'epoch', 'iso');
    fc.assert(
      fc.property(idRun, kind, ({ seed, failing, baseline, onlyFailing, perTrace }, k) => {
        const hex = (i: number, len: number) => (i + 1).toString(16).padStart(len, '0');
        const id = (n: number) => {
          const i = Math.floor(n / perTrace);
          switch (k) {
            case 'hex16':
              return `a${hex(i, 15)}`;
            case 'hex32':
              return `${hex(i, 16)}${hex(i * 7, 16)}`;
            case 'uuid':
              return `${hex(i, 8)}-0000-4000-8000-${hex(i * 3, 12)}`;
            case 'epoch':
              return String(1_764_644_645_000 + i * 1000);
            default:
              return new Date(1_764_644_645_000 + i * 1000).toISOString();
          }
        };
        const { f, b } = withIds(seed, failing, baseline, onlyFailing, id);
        const ranked = rankSuspects(f, b, { minFailing: 1, minScore: 0 });
        expect(ranked.filter((s) => s.attribute === 'span.request.id')).toEqual([]);
      })
    );
  });

  it('never names an id of any shape: unique ones by cardinality, repeated ones by the minimum', () => {
    fc.assert(
      fc.property(idRun, fc.string({ minLength: 1, maxLength: 6 }), (run, prefix) => {
        // One span each: more than ten distinct values on at least half the spans.
        const unique = withIds(run.seed, 11 + run.failing, run.baseline, run.onlyFailing, (n) => `${prefix}-${n}`);
        const ranked = rankSuspects(unique.f, unique.b, { minFailing: 1, minScore: 0 });
        expect(ranked.filter((s) => s.attribute === 'span.request.id')).toEqual([]);
        // Up to four spans per id (a trace's retries): fewer than the five failing spans a value needs.
        const perTrace = 1 + (run.perTrace % 4);
        const repeated = withIds(
          run.seed,
          run.failing,
          run.baseline,
          run.onlyFailing,
          (n) => `${prefix}-${Math.floor(n / perTrace)}`
        );
        const again = rankSuspects(repeated.f, repeated.b);
        expect(again.filter((s) => s.attribute === 'span.request.id')).toEqual([]);
      })
    );
  });
});
