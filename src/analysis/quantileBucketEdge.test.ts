import fc from 'fast-check';
import { quantileBucketEdge } from './serviceGraph';
import { formatQuantile } from './serviceGraphFrames';

const TEMPO_DEFAULT = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8];

describe('quantileBucketEdge', () => {
  it('says when a quantile is the lowest or the highest bound, not a measurement', () => {
    expect(quantileBucketEdge(0.095, TEMPO_DEFAULT)).toEqual({ side: 'lowest', bound: 0.1 });
    expect(quantileBucketEdge(0.1, TEMPO_DEFAULT)).toEqual({ side: 'lowest', bound: 0.1 });
    expect(quantileBucketEdge(0.15, TEMPO_DEFAULT)).toBeUndefined();
    expect(quantileBucketEdge(12.8, TEMPO_DEFAULT)).toEqual({ side: 'highest', bound: 12.8 });
    // Bounds as Prometheus lists them: unordered, with +Inf and duplicates.
    expect(quantileBucketEdge(0.05, [0.4, Infinity, 0.1, 0.1, NaN])).toEqual({ side: 'lowest', bound: 0.1 });
  });

  it('says nothing without bounds or without a value', () => {
    expect(quantileBucketEdge(0.095, [])).toBeUndefined();
    expect(quantileBucketEdge(0.095, [Infinity])).toBeUndefined();
    expect(quantileBucketEdge(undefined, TEMPO_DEFAULT)).toBeUndefined();
    expect(quantileBucketEdge(NaN, TEMPO_DEFAULT)).toBeUndefined();
  });

  it('flags exactly the values outside the open range between the lowest and highest bound (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.0001, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (bounds, value) => {
          const lo = Math.min(...bounds);
          const hi = Math.max(...bounds);
          const edge = quantileBucketEdge(value, bounds);
          if (value <= lo) {
            expect(edge).toEqual({ side: 'lowest', bound: lo });
          } else if (value >= hi) {
            expect(edge).toEqual({ side: 'highest', bound: hi });
          } else {
            expect(edge).toBeUndefined();
          }
        }
      )
    );
  });
});

describe('formatQuantile', () => {
  it('prints the bound with ≤ or ≥, else the value', () => {
    expect(formatQuantile(0.095, { side: 'lowest', bound: 0.1 })).toBe('≤ 100 ms');
    expect(formatQuantile(12.8, { side: 'highest', bound: 12.8 })).toBe('≥ 12.8 s');
    expect(formatQuantile(0.0875)).toBe('88 ms');
  });
});
