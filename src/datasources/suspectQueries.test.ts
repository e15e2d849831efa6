import fc from 'fast-check';
import { errorFilter } from './logql';
import { expectValidLogQL, expectValidTraceQL, nodeCounts, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import { attributeName, failingSpansWith, patternLogs, SUSPECT_ATTRIBUTES, suspectSpans } from './suspectQueries';
import { failingSpans, SERVED_SPAN_KINDS } from './traceql';

const OTLP = { serviceLabel: 'service_name', traceId: 'structured-metadata' as const };
const LOGFMT = { serviceLabel: 'service_name', traceId: 'logfmt' as const };

const SELECT = `select(${SUSPECT_ATTRIBUTES.join(', ')})`;

describe('suspect queries', () => {
  it('asks for failing and other server and consumer spans of the service with the attributes selected', () => {
    expect(suspectSpans('payment', 'failing')).toBe(
      `{ resource.service.name = "payment" && (kind = server || kind = consumer) && status = error } | ${SELECT}`
    );
    expect(suspectSpans('payment', 'baseline')).toBe(
      `{ resource.service.name = "payment" && (kind = server || kind = consumer) && status != error } | ${SELECT}`
    );
  });

  it('compares spans of the same kinds on both sides, the kinds the failing traces section searches', () => {
    const kindsOf = (query: string) => query.match(/\(kind = [^)]*\)/g);
    expect(kindsOf(suspectSpans('x', 'failing'))).toEqual([SERVED_SPAN_KINDS]);
    expect(kindsOf(suspectSpans('x', 'baseline'))).toEqual([SERVED_SPAN_KINDS]);
    expect(kindsOf(failingSpansWith('x', 'span.http.route', 'v'))).toEqual([SERVED_SPAN_KINDS]);
    expect(kindsOf(failingSpans({ service: 'x' }))).toEqual([SERVED_SPAN_KINDS]);
  });

  it('names every selected attribute differently once Tempo drops the scope', () => {
    const names = SUSPECT_ATTRIBUTES.map(attributeName);
    expect(new Set(names).size).toBe(names.length);
    expect(attributeName('resource.service.version')).toBe('service.version');
    expect(attributeName('span.http.route')).toBe('http.route');
  });

  it('opens the failing spans with one value', () => {
    expect(failingSpansWith('payment', 'span.http.route', '/charge')).toBe(
      '{ resource.service.name = "payment" && (kind = server || kind = consumer) && status = error && span.http.route = "/charge" }'
    );
    expect(failingSpansWith('a', 'name', 'POST /charge')).toContain('&& name = "POST /charge" }');
    expect(() => failingSpansWith('a', 'span.x" || true', 'v')).toThrow(/not one of the attributes/);
  });

  it('keeps hostile services and values inside their literals (property)', () => {
    const HOSTILE = ['"', '\\', '}', '{', '`', '|', '&', '=', ' ', 'a', '😀', '\n', '$', '[', '[['];
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 })
    );
    fc.assert(
      fc.property(text, text, fc.constantFrom(...SUSPECT_ATTRIBUTES), (service, value, attribute) => {
        const failing = suspectSpans(service, 'failing');
        const one = failingSpansWith(service, attribute, value);
        expectValidTraceQL(failing);
        expectValidTraceQL(one);
        expect({
          failing: nodeTexts('TraceQL', failing, 'String').map(goUnquote),
          one: nodeTexts('TraceQL', one, 'String').map(goUnquote),
          grafanaVariables: /\$|\[\[/.test(one),
          // One alternative, the kinds': a value never adds an || of its own.
          or: [nodeCounts('TraceQL', failing).Or, nodeCounts('TraceQL', one).Or],
        }).toEqual({ failing: [service], one: [service, value], grafanaVariables: false, or: [1, 1] });
      }),
      { numRuns: 300 }
    );
  });

  it('reads the error lines of one log pattern, the pattern as an anchored regex', () => {
    expect(patternLogs(OTLP, 'inventory', 'stock service <_>: reservation lock timed out')).toBe(
      `{service_name="inventory"} |~ "(?s)^stock service .*: reservation lock timed out\\u0024" ${errorFilter(OTLP)}`
    );
    expect(patternLogs(LOGFMT, 'p', 'a.b (c) <_>')).toBe(
      `{service_name="p"} |~ "(?s)^a\\\\.b \\\\(c\\\\) .*\\u0024" ${errorFilter(LOGFMT)}`
    );
  });

  it('keeps hostile services and patterns inside their literals (property)', () => {
    const HOSTILE = ['"', '\\', '}', '{', '`', '|', '<_>', ' ', 'a', '😀', '\n', '$', '[[', '.', '*', '('];
    const text = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 20 });
    fc.assert(
      fc.property(text, text, (service, pattern) => {
        const query = patternLogs(LOGFMT, service, pattern);
        expectValidLogQL(query);
        expect(/\$|\[\[/.test(query)).toBe(false);
        const strings = nodeTexts('LogQL', query, 'String').map(goUnquote);
        expect(strings.slice(0, 2)).toEqual([service, strings[1]]);
        // The regex, read back, matches exactly what the pattern says: its literal parts in order.
        const regex = new RegExp(strings[1].replace(/^\(\?s\)/, ''), 's');
        expect(regex.test(pattern.split('<_>').join('anything'))).toBe(true);
      }),
      { numRuns: 300 }
    );
  });
});
