import fc from 'fast-check';

import { expectValidLogQL, expectValidPromQL, expectValidTraceQL, nodeCounts, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import { checkLabelName, logqlString, promqlString, regexAnyOf, traceqlString } from './strings';

const RUNS = { numRuns: 1000 };
// Characters that end literals, selectors or stages in one of the languages, and a few others.
const HOSTILE = [
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u007f',
  '\u0085',
  '}',
  '{',
  '`',
  "'",
  '|',
  '=',
  '~',
  ',',
  '&',
  '$',
  '[',
  ':',
  ']',
  ')',
  ' ',
  'a',
  'é',
  '😀',
  '\u2028',
];
const hostile = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 40 });
const anyText = fc.oneof(
  hostile,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 })
);

describe('goUnquote (the test oracle) follows Go strconv.Unquote', () => {
  it.each([
    ['"abc"', 'abc'],
    ['""', ''],
    ['"a\\"b\\\\c"', 'a"b\\c'],
    ['"\\n\\t\\r\\a\\b\\f\\v"', '\n\t\r\u0007\b\f\v'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\xc3\\xa9"', 'é'],
    ['`a\\nb"`', 'a\\nb"'],
    ['`a\r\nb`', 'a\nb'],
    ["'x'", 'x'],
    ['"a\u0001b"', 'a\u0001b'],
  ])('decodes %j', (literal, value) => {
    expect(goUnquote(literal)).toBe(value);
  });

  it.each([
    '"a',
    '"a\nb"',
    '"a"b"',
    '"\\q"',
    '"\\\'"',
    '"\\x4"',
    '"\\uD800"',
    '"\\400"',
    "'ab'",
    '`a`b`',
    'abc',
    '"\\xff"',
  ])('rejects %j', (literal) => {
    expect(() => goUnquote(literal)).toThrow(/strconv.Unquote/);
  });
});

describe.each([
  ['promqlString', promqlString],
  ['logqlString', logqlString],
  ['traceqlString', traceqlString],
])('%s', (_name, quote) => {
  it.each([
    '',
    'checkout',
    'a"b',
    'back\\slash',
    'new\nline',
    '"}',
    '`',
    '😀 emoji',
    'tab\there',
    '\u0000\u007f\u009f',
  ])('round-trips %j through Go unquoting', (value) => {
    expect(goUnquote(quote(value))).toBe(value);
  });

  it('writes readable literals', () => {
    expect(quote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(quote('\u0001é😀')).toBe('"\\u0001é😀"');
  });

  it('writes $ and the first [ of [[ as escapes, so Grafana finds no variable to replace', () => {
    expect(quote('$__interval')).toBe('"\\u0024__interval"');
    expect(quote('${__user.login}')).toBe('"\\u0024{__user.login}"');
    expect(quote('[[var]] [x] [[[')).toBe('"\\u005b[var]] [x] \\u005b\\u005b["');
    expect(quote('$')).not.toMatch(/\$/);
  });

  it('rejects a lone surrogate, which no server can receive', () => {
    expect(() => quote('a\uD800b')).toThrow(/lone UTF-16 surrogate/);
  });

  it('round-trips any string through Go unquoting (property)', () => {
    fc.assert(
      fc.property(anyText, (value) => goUnquote(quote(value)) === value),
      RUNS
    );
  });
});

describe('literals inside queries parse as one literal (properties)', () => {
  it('PromQL: a matcher value stays one matcher', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const query = `foo{a=${promqlString(value)}}`;
        expectValidPromQL(query);
        expect(nodeCounts('PromQL', query).UnquotedLabelMatcher).toBe(1);
        expect(nodeTexts('PromQL', query, 'StringLiteral').map(goUnquote)).toEqual([value]);
      }),
      RUNS
    );
  });

  it('LogQL: a matcher value and a line filter stay one matcher and one stage', () => {
    fc.assert(
      fc.property(anyText, anyText, (value, text) => {
        const query = `{a=${logqlString(value)}} |= ${logqlString(text)}`;
        expectValidLogQL(query);
        const counts = nodeCounts('LogQL', query);
        expect([counts.Selector, counts.Matcher, counts.PipelineStage]).toEqual([1, 1, 1]);
        expect(nodeTexts('LogQL', query, 'String').map(goUnquote)).toEqual([value, text]);
      }),
      RUNS
    );
  });

  // The TraceQL grammar knows only the \" and \\ escapes; the check reads the others as Tempo does (testing/grammar.ts).
  it('TraceQL: a value stays one comparison', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const query = `{ .a = ${traceqlString(value)} }`;
        expectValidTraceQL(query);
        const counts = nodeCounts('TraceQL', query);
        expect([counts.SpansetFilter, counts.FieldOp, counts.String]).toEqual([1, 1, 1]);
        expect(nodeTexts('TraceQL', query, 'String').map(goUnquote)).toEqual([value]);
      }),
      RUNS
    );
  });
});

describe('regexAnyOf', () => {
  it('escapes RE2 metacharacters so each value matches itself only', () => {
    expect(regexAnyOf(['a.b', 'c|d', '(x)*'])).toBe('a\\.b|c\\|d|\\(x\\)\\*');
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 4 }), (values) => {
        // JavaScript regexes agree with RE2 on these escapes; anchored like Prometheus matchers.
        const re = new RegExp(`^(?:${regexAnyOf(values)})$`, 'u');
        return values.every((v) => re.test(v)) && !re.test(`${values[0]}\u0001x`);
      }),
      RUNS
    );
  });

  it('needs at least one value', () => {
    expect(() => regexAnyOf([])).toThrow(/at least one value/);
  });
});

describe('checkLabelName', () => {
  it.each(['service', '_x', 'service_name', 'a1'])('accepts %j', (name) => {
    expect(checkLabelName(name)).toBe(name);
  });
  it.each(['', '1a', 'service.name', 'a b', 'a"', 'a}', 'é'])('rejects %j', (name) => {
    expect(() => checkLabelName(name)).toThrow(/Invalid label name/);
  });
});
