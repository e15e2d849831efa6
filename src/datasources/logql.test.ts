import fc from 'fast-check';

import { expectValidLogQL, nodeCounts, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import { LogConventions, TRACE_ID_LOCATIONS, TraceIdLocation } from './conventions';
import { errorFilter, serviceLogs, streamSelector, traceLogs } from './logql';

const conv = (traceId: TraceIdLocation, serviceLabel = 'service_name'): LogConventions => ({ serviceLabel, traceId });
const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('LogQL builders, as in docs/conventions.md#trace-ids-in-logs', () => {
  it('reads trace logs from structured metadata without parsing', () => {
    expect(traceLogs(conv('structured-metadata'), { traceId: ID, services: ['checkout'] })).toBe(
      `{service_name="checkout"} | trace_id="${ID}"`
    );
  });

  it('filters the line before parsing logfmt or JSON', () => {
    expect(traceLogs(conv('logfmt'), { traceId: ID, services: ['checkout'] })).toBe(
      `{service_name="checkout"} |= "${ID}" | logfmt | trace_id="${ID}"`
    );
    expect(traceLogs(conv('json', 'app'), { traceId: ID })).toBe(
      `{app=~"(?s:.+)"} |= "${ID}" | json | trace_id="${ID}"`
    );
  });

  it('normalises the trace id to the 32 lowercase digits logs carry', () => {
    expect(traceLogs(conv('structured-metadata'), { traceId: '00000000000000000000ABCDEF' })).toBe(
      `{service_name=~"(?s:.+)"} | trace_id="${'abcdef'.padStart(32, '0')}"`
    );
    expect(() => traceLogs(conv('logfmt'), { traceId: '" or 1' })).toThrow(/Invalid trace id/);
  });

  it('selects several services with an escaped regex', () => {
    expect(streamSelector(conv('logfmt'), ['a.b', 'c|d', 'e"f'])).toBe('{service_name=~"a\\\\.b|c\\\\|d|e\\"f"}');
    expect(streamSelector(conv('logfmt'), [])).toBe('{service_name=~"(?s:.+)"}');
  });

  it('puts the user text first, then the documented error filter', () => {
    expect(
      serviceLogs(conv('structured-metadata'), { service: 'checkout', errorsOnly: true, lineFilter: 'timeout' })
    ).toBe('{service_name="checkout"} |= "timeout" | detected_level=~"error|critical|fatal"');
    const byLevel =
      '| regexp "(?i)(?P<pivot_error_word>error|fatal|panic|critical)"' +
      ' | level=~"(?i)(error|err|eror|fatal|panic|critical|crit|alert|emerg|emergency)"' +
      ' or detected_level=~"error|critical|fatal"' +
      ' or (level="" and detected_level!~"(?i)(trace|debug|info|warn|warning)" and pivot_error_word!="")' +
      ' | drop pivot_error_word';
    expect(serviceLogs(conv('json'), { service: 'checkout', errorsOnly: true })).toBe(
      `{service_name="checkout"} | json level="level" ${byLevel}`
    );
    expect(serviceLogs(conv('logfmt'), { service: 'checkout', errorsOnly: true })).toBe(
      `{service_name="checkout"} | logfmt level ${byLevel}`
    );
    expect(serviceLogs(conv('logfmt'), { service: 'checkout', lineFilter: '' })).toBe('{service_name="checkout"}');
  });

  it('rejects invalid label names and trace id locations', () => {
    expect(() => serviceLogs(conv('logfmt', 'service.name'), { service: 'a' })).toThrow(/Invalid service label/);
    const bad = { serviceLabel: 'app', traceId: 'yaml' } as unknown as LogConventions;
    expect(() => traceLogs(bad, { traceId: ID })).toThrow(/Unknown trace id location/);
    expect(() => errorFilter(bad)).toThrow(/Unknown trace id location/);
  });

  const variants = TRACE_ID_LOCATIONS.flatMap((location) =>
    [[], ['checkout'], ['a"b', 'back\\slash', 'new\nline', 'x.*']].flatMap((services) =>
      [false, true].map((errorsOnly) => ({ location, services, errorsOnly, label: JSON.stringify(services) }))
    )
  );
  it.each(variants)(
    'parses for $location, services $label, errorsOnly $errorsOnly',
    ({ location, services, errorsOnly }) => {
      expectValidLogQL(traceLogs(conv(location), { traceId: ID, services }));
      for (const service of services) {
        expectValidLogQL(serviceLogs(conv(location), { service, errorsOnly, lineFilter: 'a "quoted" `text`\n' }));
        expectValidLogQL(serviceLogs(conv(location), { service, errorsOnly }));
      }
    }
  );
});

describe('hostile input never adds a matcher, a stage or a selector (properties)', () => {
  const HOSTILE = ['"', '\\', '\n', '}', '{', '`', "'", '|', '=', '~', '!', ',', ' ', 'a', '😀', '.', '*', '(', ')'];
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 })
  );
  const SHAPE = [
    'Selector',
    'Matchers',
    'Matcher',
    'PipelineStage',
    'LineFilter',
    'LabelFilter',
    'LogfmtParser',
    'JsonExpressionParser',
  ];
  /**
   * The counts of the SHAPE nodes, compared in one expect: each expect captures a 100-frame
   * stack trace, and one per node per case was most of this file's time.
   */
  const shapeOf = (query: string) => {
    const counts = nodeCounts('LogQL', query);
    return Object.fromEntries(SHAPE.map((node) => [node, counts[node]]));
  };

  it.each(TRACE_ID_LOCATIONS)('%s: service logs', (location) => {
    const c = conv(location);
    const base = shapeOf(serviceLogs(c, { service: 'x', errorsOnly: true, lineFilter: 'y' }));
    fc.assert(
      fc.property(
        text,
        text.filter((s) => s !== ''),
        (service, lineFilter) => {
          const query = serviceLogs(c, { service, errorsOnly: true, lineFilter });
          expectValidLogQL(query);
          const strings = nodeTexts('LogQL', query, 'String').map(goUnquote);
          expect({ shape: shapeOf(query), strings: strings.slice(0, 2) }).toEqual({
            shape: base,
            strings: [service, lineFilter],
          });
        }
      ),
      { numRuns: 1000 }
    );
  });

  it.each(TRACE_ID_LOCATIONS)('%s: trace logs of several services', (location) => {
    const c = conv(location);
    const base = shapeOf(traceLogs(c, { traceId: ID, services: ['x', 'y'] }));
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 4 }), (services) => {
        const query = traceLogs(c, { traceId: ID, services });
        expectValidLogQL(query);
        // The regex, decoded as Loki does, matches each service exactly (anchored like Loki's matchers).
        const regex = new RegExp(`^(?:${goUnquote(nodeTexts('LogQL', query, 'String')[0])})$`, 'u');
        expect({ shape: shapeOf(query), everyServiceMatches: services.every((s) => regex.test(s)) }).toEqual({
          shape: base,
          everyServiceMatches: true,
        });
      }),
      { numRuns: 1000 }
    );
  });
});
