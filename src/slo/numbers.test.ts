import { transformSync } from '@swc/core';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

import { leSpellings } from '../datasources/sloQueries';
import { compare, decimal, div, goFloat, mul, sub, toNumber } from './numbers';

describe('exact decimals', () => {
  it('reads a number as the decimal its shortest text writes', () => {
    expect(decimal(0.1)).toEqual({ num: BigInt(1), den: BigInt(10) });
    expect(decimal(99.9)).toEqual({ num: BigInt(999), den: BigInt(10) });
    expect(decimal(1e-7)).toEqual({ num: BigInt(1), den: BigInt(10_000_000) });
    expect(decimal(1.5e21)).toEqual({ num: BigInt('1500000000000000000000'), den: BigInt(1) });
    expect(decimal(-2.5)).toEqual({ num: BigInt(-5), den: BigInt(2) });
    expect(() => decimal(NaN)).toThrow('NaN is not a finite number');
    expect(() => decimal(Infinity)).toThrow('Infinity is not a finite number');
  });

  it('subtracts and multiplies without binary noise', () => {
    // In doubles: 100 - 99.9999 = 0.00010000000000331966 and 14.4 * 0.001 = 0.014400000000000001.
    expect(toNumber(sub(decimal(100), decimal(99.9999)))).toBe(0.0001);
    expect(toNumber(mul(decimal(14.4), decimal(0.001)))).toBe(0.0144);
    expect(toNumber(div(decimal(1), decimal(3)))).toBe(1 / 3);
    expect(compare(decimal(1.44), decimal(1))).toBe(1);
    expect(compare(mul(decimal(0.5), decimal(2)), decimal(1))).toBe(0);
  });

  it('rounds a fraction to the nearest double as IEEE division does, ties to even, subnormals and overflow included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (num, den) => Object.is(toNumber({ num: BigInt(num), den: BigInt(den) }), num / den || 0)
      ),
      { numRuns: 2000 }
    );
    const pow2 = (n: number) => BigInt(1) << BigInt(n);
    expect(toNumber({ num: BigInt(1), den: pow2(1075) })).toBe(0); // half the smallest subnormal: ties to 0 (even)
    expect(toNumber({ num: BigInt(3), den: pow2(1076) })).toBe(5e-324);
    expect(toNumber({ num: BigInt(`1${'0'.repeat(400)}`), den: BigInt(1) })).toBe(Infinity);
    expect(toNumber({ num: pow2(53) + BigInt(1), den: BigInt(1) })).toBe(2 ** 53); // tie to even
    expect(toNumber({ num: pow2(53) + BigInt(3), den: BigInt(1) })).toBe(2 ** 53 + 4);
  });

  it('gives back every double from its decimal', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(toNumber(decimal(x)), x || 0)),
      { numRuns: 5000 }
    );
  });
});

describe('numbers.ts as the bundle compiles it', () => {
  it('still computes with BigInt at the ES2015 target, where ** would become Math.pow and throw', () => {
    const { code } = transformSync(readFileSync(join(__dirname, 'numbers.ts'), 'utf8'), {
      filename: 'numbers.ts',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2015' },
      module: { type: 'commonjs' },
    });
    const module = { exports: {} as typeof import('./numbers') };
    runInNewContext(code, { module, exports: module.exports });
    const es2015 = module.exports;
    expect(es2015.toNumber(es2015.mul(es2015.decimal(14.4), es2015.decimal(0.001)))).toBe(0.0144);
    expect(es2015.toNumber(es2015.sub(es2015.decimal(100), es2015.decimal(99.9999)))).toBe(0.0001);
    expect(es2015.toNumber({ num: BigInt(3), den: BigInt(1) << BigInt(1076) })).toBe(5e-324);
    expect(es2015.goFloat(1e-6)).toBe('1e-06');
  });
});

describe('goFloat', () => {
  // Printed by Go 1.26: strconv.FormatFloat(v, 'g', -1, 64) and (v, 'f', -1, 64).
  it.each([
    [1e-6, '1e-06', '0.000001'],
    [1e-5, '1e-05', '0.00001'],
    [0.0001, '0.0001', '0.0001'],
    [0.00012345, '0.00012345', '0.00012345'],
    [1.5e-5, '1.5e-05', '0.000015'],
    [0.5, '0.5', '0.5'],
    [1, '1', '1'],
    [2.5, '2.5', '2.5'],
    [100000, '100000', '100000'],
    [123456, '123456', '123456'],
    [999999, '999999', '999999'],
    [1e6, '1e+06', '1000000'],
    [1.234567e6, '1.234567e+06', '1234567'],
    [1e20, '1e+20', '100000000000000000000'],
    [1e21, '1e+21', '1000000000000000000000'],
    [-0.25, '-0.25', '-0.25'],
    [-1e-7, '-1e-07', '-0.0000001'],
    [1.2345678901234568e17, '1.2345678901234568e+17', '123456789012345680'],
    [100000.5, '100000.5', '100000.5'],
  ])('writes %p as Go does: %s (g), %s (f)', (value, g, f) => {
    expect(goFloat(value, 'g')).toBe(g);
    expect(goFloat(value, 'f')).toBe(f);
  });

  it('writes the extremes and special values as Go does', () => {
    expect(goFloat(5e-324)).toBe('5e-324');
    expect(goFloat(Number.MAX_VALUE)).toBe('1.7976931348623157e+308');
    expect(goFloat(1e100)).toBe('1e+100');
    expect(goFloat(0)).toBe('0');
    expect(goFloat(-0)).toBe('-0');
    expect(goFloat(Infinity)).toBe('+Inf');
    expect(goFloat(-Infinity)).toBe('-Inf');
    expect(goFloat(NaN)).toBe('NaN');
  });

  it('reads back as the same number, in both layouts', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const g = goFloat(x, 'g');
        const f = goFloat(x, 'f');
        return (
          Object.is(Number(g), x) &&
          Object.is(Number(f), x) &&
          /^-?\d(\.\d+)?e[+-]\d{2,3}$|^-?\d+(\.\d+)?$/.test(g) &&
          /^-?\d+(\.\d+)?$/.test(f)
        );
      }),
      { numRuns: 5000 }
    );
  });
});

describe('leSpellings', () => {
  it('matches every way clients write a bound: Go g, Prometheus 3 `.0`, the OpenTelemetry translators f', () => {
    expect(leSpellings(1e-6)).toEqual(['1e-06', '0.000001']);
    expect(leSpellings(0.5)).toEqual(['0.5']);
    expect(leSpellings(1)).toEqual(['1', '1.0']);
    expect(leSpellings(100000)).toEqual(['100000', '100000.0']);
    expect(leSpellings(1e6)).toEqual(['1e+06', '1000000']);
    expect(() => leSpellings(NaN)).toThrow('A histogram bound is a finite number, got NaN');
  });
});
