import fc from 'fast-check';

import { expectValidTraceQL, nodeCounts, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import {
  failingSpans,
  isTraceId,
  SERVED_SPAN_KINDS,
  normalizeTraceId,
  quoteTraceIdInput,
  shortTraceId,
  traceById,
  traceIdHex32,
} from './traceql';

describe('trace ids', () => {
  it.each([
    ['4bf92f3577b34da6a3ce929d0e0e4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['4BF92F3577B34DA6A3CE929D0E0E4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['0000000000000000a3ce929d0e0e4736', 'a3ce929d0e0e4736'],
    ['  00aBc\n', 'abc'],
    ['1', '1'],
  ])('normalises %j to %j as Tempo does', (input, expected) => {
    expect(normalizeTraceId(input)).toBe(expected);
    expect(isTraceId(input)).toBe(true);
  });

  it('rejects 33 digits even when the first is a zero, as Tempo does', () => {
    expect(() => normalizeTraceId(`0${'a'.repeat(32)}`)).toThrow(/longer than 128 bits/);
  });

  it.each(['', '   ', 'xyz', '4bf9-2f35', '0x4bf9', '0', '0000', 'a'.repeat(33), `0${'a'.repeat(32)}`, 'ab cd'])(
    'rejects %j',
    (input) => {
      expect(isTraceId(input)).toBe(false);
      expect(() => normalizeTraceId(input)).toThrow(/Invalid trace id/);
    }
  );

  it.each([
    ['x'.repeat(10_000), 'a trace id is 1 to 32 hexadecimal digits'],
    ['a'.repeat(10_000), 'longer than 128 bits (32 hex digits)'],
  ])('quotes at most 40 characters of a 10,000-character input in its message', (input, why) => {
    const message = (() => {
      try {
        normalizeTraceId(input);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toBe(`Invalid trace id "${input.slice(0, 40)}"… (10000 characters): ${why}`);
  });

  it('cuts echoes by characters, never inside one', () => {
    expect(quoteTraceIdInput('abc')).toBe('"abc"');
    expect(quoteTraceIdInput('😀'.repeat(41))).toBe(`"${'😀'.repeat(40)}"… (41 characters)`);
    expect(shortTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(shortTraceId('z'.repeat(41))).toBe(`${'z'.repeat(40)}…`);
  });

  it('pads to the 32 digits OpenTelemetry writes in logs', () => {
    expect(traceIdHex32('00ABC')).toBe(`${'0'.repeat(29)}abc`);
    expect(traceById('00ABC')).toBe('abc');
  });

  it('normalises any valid id to 1-32 lowercase hex digits without a leading zero (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-F]{1,32}$/), (id) => {
        if (/^0+$/.test(id)) {
          return !isTraceId(id);
        }
        const n = normalizeTraceId(id);
        return (
          /^[1-9a-f][0-9a-f]{0,31}$/.test(n) && BigInt(`0x${n}`) === BigInt(`0x${id}`) && traceIdHex32(id).length === 32
        );
      }),
      { numRuns: 1000 }
    );
  });
});

describe('TraceQL builders', () => {
  it('writes failing server and consumer spans of a service, as in docs/conventions.md#traceql-and-trace-by-id', () => {
    expect(failingSpans({ service: 'checkout' })).toBe(
      '{ resource.service.name = "checkout" && status = error && (kind = server || kind = consumer) }'
    );
    expect(failingSpans()).toBe('{ status = error && (kind = server || kind = consumer) }');
  });

  it('asks for the span kinds in one parenthesised alternative, under the && of the other conditions', () => {
    // `a && b && c || d` would be `(a && b && c) || d`: every consumer span of every service.
    const query = failingSpans({ service: 'fulfilment' });
    expect(query.endsWith(` && ${SERVED_SPAN_KINDS} }`)).toBe(true);
    expect(nodeCounts('TraceQL', query).Or).toBe(1);
    expect(nodeCounts('TraceQL', query).And).toBe(2);
  });

  it.each(['checkout', '', 'a"b', 'back\\slash', '"} || { true', '😀'])('parses for service %j', (service) => {
    expectValidTraceQL(failingSpans({ service }));
  });

  it('hostile service names never add a condition or a spanset (property)', () => {
    const shapeOf = (query: string) => {
      const counts = nodeCounts('TraceQL', query);
      return Object.fromEntries(
        ['SpansetFilter', 'FieldExpression', 'FieldOp', 'And', 'Or', 'String'].map((node) => [node, counts[node]])
      );
    };
    const base = shapeOf(failingSpans({ service: 'x' }));
    const HOSTILE = ['"', '\\', '}', '{', '`', "'", '|', '&', '=', '~', ' ', 'a', '😀', '\n', '\t', '$', '[', ':'];
    const service = fc.oneof(
      fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 })
    );
    fc.assert(
      fc.property(service, (name) => {
        const query = failingSpans({ service: name });
        // Escapes the grammar lacks but Tempo reads (\n, \u0024) are checked as Tempo reads them (testing/grammar.ts).
        expectValidTraceQL(query);
        // Tempo decodes with strconv.Unquote: the literal after "= " is exactly the name.
        const literal = query.slice(
          query.indexOf('= ') + 2,
          query.length - ` && status = error && ${SERVED_SPAN_KINDS} }`.length
        );
        // One expect per query: each captures a 100-frame stack trace, and eight per query
        // were most of this test's time.
        expect({
          shape: shapeOf(query),
          strings: nodeTexts('TraceQL', query, 'String').map(goUnquote),
          literal: goUnquote(literal),
        }).toEqual({ shape: base, strings: [name], literal: name });
      }),
      { numRuns: 1000 }
    );
  });
});
