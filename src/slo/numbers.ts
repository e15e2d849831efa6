/**
 * Numbers as SLO authors write them and as Prometheus reads them.
 *
 * An objective is a decimal as its author wrote it (99.9), but binary floating point cannot
 * subtract it from 100 exactly (0.09999999999999432), and products carry the noise on
 * (14.4 × 0.001 = 0.014400000000000001). So budgets and thresholds are computed exactly, on
 * fractions of big integers made from the decimals as written, and rounded once to the nearest
 * double at the end: String() of that double, the shortest text that reads back as it, is the
 * number that was meant (0.0144).
 *
 * `goFloat` writes a number as Go's `strconv.FormatFloat(v, fmt, -1, 64)` does, which is how
 * Prometheus clients spell histogram bounds in the `le` label.
 */

/** num / den, den > 0. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

const ZERO = BigInt(0);
const ONE = BigInt(1);
const TWO = BigInt(2);

// Powers without `**`: the bundle targets ES2015, where `**` becomes Math.pow, which throws on BigInt.
function pow10(n: number): bigint {
  return BigInt(`1${'0'.repeat(n)}`);
}

function pow2(n: number): bigint {
  return ONE << BigInt(n);
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < ZERO ? -a : a;
  let y = b;
  while (y !== ZERO) {
    [x, y] = [y, x % y];
  }
  return x;
}

function reduced(num: bigint, den: bigint): Fraction {
  if (den === ZERO) {
    throw new RangeError('division by zero');
  }
  const sign = den < ZERO ? -ONE : ONE;
  const g = gcd(num, den) || ONE;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/**
 * The decimal `value` stands for: the one its shortest text (String) writes, so 0.1 is 1/10,
 * not the binary double nearest to it. Throws on NaN and infinities, which have no fraction.
 */
export function decimal(value: number): Fraction {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!Number.isFinite(value) || !match) {
    throw new RangeError(`${String(value)} is not a finite number`);
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${sign}${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length;
  return shift >= 0 ? reduced(digits * pow10(shift), ONE) : reduced(digits, pow10(-shift));
}

export function sub(a: Fraction, b: Fraction): Fraction {
  return reduced(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function mul(...factors: Fraction[]): Fraction {
  return factors.reduce((a, b) => reduced(a.num * b.num, a.den * b.den), { num: ONE, den: ONE });
}

export function div(a: Fraction, b: Fraction): Fraction {
  return reduced(a.num * b.den, a.den * b.num);
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compare(a: Fraction, b: Fraction): number {
  const d = a.num * b.den - b.num * a.den;
  return d < ZERO ? -1 : d > ZERO ? 1 : 0;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * The double nearest to `f` (ties to even), as IEEE 754 division would round it: 53
 * significant bits of num / den, then one rounding decision on the exact remainder.
 */
export function toNumber(f: Fraction): number {
  if (f.num === ZERO) {
    return 0;
  }
  const negative = f.num < ZERO;
  const num = negative ? -f.num : f.num;
  // Scale by 2^-e so the quotient has 53 bits; below 2^-1074 (subnormals) the scale stops.
  let e = Math.max(bitLength(num) - bitLength(f.den) - 53, -1074);
  const quotient = (exp: number) => (exp >= 0 ? [num, f.den * pow2(exp)] : [num * pow2(-exp), f.den]);
  let [n, d] = quotient(e);
  if (n / d >= pow2(53)) {
    e += 1;
    [n, d] = quotient(e);
  }
  let q = n / d;
  const twiceRemainder = TWO * (n % d);
  if (twiceRemainder > d || (twiceRemainder === d && q % TWO === ONE)) {
    q += ONE;
  }
  // q <= 2^53, so Number(q) is exact, and scaling by a power of two is exact (or overflows to Infinity).
  const magnitude = Number(q) * 2 ** e;
  return negative ? -magnitude : magnitude;
}

/**
 * `value` as Go's `strconv.FormatFloat(value, fmt, -1, 64)` writes it: the shortest digits
 * that read back as `value` (the same digits as JavaScript's), in Go's layout. 'g' uses an
 * exponent when the decimal exponent is below -4 or at least 6 (shortest precision decides
 * as precision 6 would), written with a sign and at least two digits: 1e-06, 1.5e+06, 1e+21.
 * 'f' never uses one: 0.000001, 1000000.
 */
export function goFloat(value: number, fmt: 'g' | 'f' = 'g'): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0' : '0';
  }
  // toExponential() without an argument gives the shortest round-trip digits: d.ddde±x.
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  if (fmt === 'g' && (exponent < -4 || exponent >= 6)) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Fixed notation: the digits with the point placed `exponent + 1` digits in.
  const point = exponent + 1;
  if (point <= 0) {
    return `${sign}0.${'0'.repeat(-point)}${digits}`;
  }
  if (point >= digits.length) {
    return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  }
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
