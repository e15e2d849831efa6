import fc from 'fast-check';
import { patternRegex } from '../datasources/suspectQueries';
import { lokiDataplaneFrame, lokiLogsFrame } from '../testing/frames';
import { comparePatterns, patternOf, PATTERN_CHARACTERS, SampleLine, sampleLines } from './logPatterns';

const T = 1_764_644_000_000;
const line = (text: string, i = 0, traceId = ''): SampleLine => ({ timeMs: T + i, line: text, traceId });

/** What Loki does with the `|~` filter of a pattern: RE2 here read by JS, `(?s)` as the `s` flag. */
function matches(pattern: string, text: string): boolean {
  return new RegExp(patternRegex(pattern).replace(/^\(\?s\)/, ''), 's').test(text);
}

describe('patternOf', () => {
  it.each([
    ['stock service 1.5.0: reservation lock timed out', 'stock service <_>: reservation lock timed out'],
    ['charge failed order_id=ord-123 reason="card declined"', 'charge failed order_id=<_> reason=<_>'],
    ['GET /api/v1/users/42 took 35ms', 'GET <_> took <_>'],
    ['error: <nil> pointer', 'error: <_> pointer'],
    ['level=error msg="x y" trace_id=4bf92f35', 'level=error msg=<_> trace_id=<_>'],
    ['12345', '<_>'],
    ['charge failed', 'charge failed'],
    ['', ''],
  ])('%j → %j', (text, pattern) => {
    expect(patternOf(text)).toBe(pattern);
    expect(matches(pattern, text)).toBe(true);
  });

  it('groups lines that differ only in ids, numbers and quoted values', () => {
    expect(patternOf('timeout after 30s calling 10.0.0.7:5432 for "order 9"')).toBe(
      patternOf('timeout after 5s calling 10.0.0.12:5432 for "order 10"')
    );
  });

  it('reads only the first 300 characters, and the pattern still matches the whole line', () => {
    const long = `${'word '.repeat(100)}tail`;
    expect(patternOf(long)).toBe(`${long.slice(0, PATTERN_CHARACTERS)}<_>`);
    expect(matches(patternOf(long), long)).toBe(true);
  });

  it('matches its own line, as a Loki filter, for any line (property)', () => {
    const unit = fc.constantFrom(
      'a',
      'b',
      ' ',
      '1',
      '"',
      '`',
      '<',
      '>',
      '_',
      '=',
      ':',
      '.',
      '\\',
      '\n',
      '\t',
      '$',
      '😀',
      '(',
      '['
    );
    const text = fc.oneof(fc.string({ unit, maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(text, (t) => {
        const p = patternOf(t);
        expect({ matches: matches(p, t), again: patternOf(p), doubled: p.includes('<_><_>') }).toEqual({
          matches: true,
          again: p,
          doubled: false,
        });
      }),
      { numRuns: 500 }
    );
  });
});

describe('comparePatterns', () => {
  it('puts new patterns first, then grown ones, then the rest, and leaves out the ones that stopped', () => {
    const current = [
      ...Array.from({ length: 4 }, (_, i) => line(`charge failed order_id=${i}`, i)),
      ...Array.from({ length: 12 }, (_, i) => line(`db timeout after ${i}s`, i)),
      ...Array.from({ length: 2 }, (_, i) => line(`stock service 1.5.0: reservation lock timed out`, i, `abc${i}`)),
      line('cache miss', 0),
    ];
    const previous = [
      ...Array.from({ length: 5 }, (_, i) => line(`charge failed order_id=${i}`, i)),
      ...Array.from({ length: 3 }, (_, i) => line(`db timeout after ${i}s`, i)),
      line('cache miss', 0),
      line('queue full', 0),
    ];
    const patterns = comparePatterns(current, previous);
    expect(patterns.map((p) => [p.status, p.pattern, p.current, p.previous])).toEqual([
      ['new', 'stock service <_>: reservation lock timed out', 2, 0],
      ['grown', 'db timeout after <_>', 12, 3],
      ['steady', 'cache miss', 1, 1],
      ['shrunk', 'charge failed order_id=<_>', 4, 5],
    ]);
    // Examples: the newest first, with their trace ids.
    expect(patterns[0].examples.map((e) => e.traceId)).toEqual(['abc1', 'abc0']);
    expect(patterns[1].examples).toHaveLength(5);
  });

  it('needs a doubling and three more lines to call a pattern grown', () => {
    const n = (count: number, text: string) => Array.from({ length: count }, (_, i) => line(text, i));
    expect(comparePatterns(n(4, 'x'), n(2, 'x'))[0].status).toBe('steady');
    expect(comparePatterns(n(5, 'x'), n(2, 'x'))[0].status).toBe('grown');
    expect(comparePatterns(n(7, 'x'), n(4, 'x'))[0].status).toBe('steady');
    expect(comparePatterns([], n(3, 'x'))).toEqual([]);
  });

  it('does not depend on the order of the lines, and counts every line once (property)', () => {
    const text = fc.constantFrom('a 1', 'a 2', 'b', 'c "q"', 'c "r"', 'd=4', '');
    const sample = fc.array(
      fc.record({ timeMs: fc.integer({ min: 0, max: 5 }), line: text, traceId: fc.constant('') }),
      {
        maxLength: 40,
      }
    );
    fc.assert(
      fc.property(sample, sample, (current, previous) => {
        const a = comparePatterns(current, previous);
        const b = comparePatterns([...current].reverse(), [...previous].reverse());
        expect(b).toEqual(a);
        expect(a.reduce((sum, p) => sum + p.current, 0)).toBe(current.length);
      })
    );
  });
});

describe('sampleLines', () => {
  it('reads both Loki frame shapes, with trace ids where the convention says', () => {
    const labels = { service_name: 'payment', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' };
    const frame = lokiLogsFrame('A', [{ timeMs: T, line: 'charge failed', labels }]);
    expect(sampleLines([frame], 'structured-metadata')).toEqual([
      { timeMs: T, line: 'charge failed', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
    ]);
    const dataplane = lokiDataplaneFrame('A', [
      { timeMs: T, line: 'level=error msg=x trace_id=00f067aa0ba902b7', labels: { service_name: 'p' } },
    ]);
    expect(sampleLines([dataplane], 'logfmt')[0].traceId).toBe('00f067aa0ba902b7');
    expect(sampleLines([], 'logfmt')).toEqual([]);
  });
});
