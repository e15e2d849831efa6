/**
 * Tempo's search answer read straight (`tempoSpanTable`) and through Grafana (the `Spans` table
 * Grafana's Tempo data source makes of the same answer) give the suspects the same spans.
 */
import fc from 'fast-check';

import { spanSample } from '../analysis/suspectFrames';
import { grafanaSpansFrame } from '../testing/tempoSpans';
import { tempoSpanTable } from './answers';
import { SpanSampleRow, tempoSpanSearch } from './fixtures/backendAnswers';

// Grafana divides nanoseconds as floats (…030.0002 ms); the CLI divides exactly: compared to the ms.
const byId = <T extends { traceId: string; spanId: string; timeMs: number }>(list: T[]) =>
  [...list]
    .map((s) => ({ ...s, timeMs: Math.round(s.timeMs) }))
    .sort((a, b) => `${a.traceId}/${a.spanId}`.localeCompare(`${b.traceId}/${b.spanId}`));

describe('tempoSpanTable', () => {
  it('reads the same spans and scoped attributes as the Spans table Grafana makes of the answer', () => {
    const row = fc.record({
      traceId: fc.stringMatching(/^[0-9a-f]{32}$/),
      spanId: fc.stringMatching(/^[0-9a-f]{16}$/),
      timeMs: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
      name: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
      attributes: fc.dictionary(
        fc.constantFrom('service.version', 'http.route', 'k8s.pod.name', 'user.id', 'peer.service'),
        fc.string({ minLength: 1 })
      ),
    });
    fc.assert(
      fc.property(fc.uniqueArray(row, { selector: (r) => `${r.traceId}/${r.spanId}`, maxLength: 30 }), (rows) => {
        const answer = tempoSpanSearch(rows as SpanSampleRow[]);
        const direct = spanSample(tempoSpanTable(answer));
        const grafana = spanSample([grafanaSpansFrame(answer.traces as Parameters<typeof grafanaSpansFrame>[0])]);
        expect(direct.selected).toBe(grafana.selected);
        expect(byId(direct.spans)).toEqual(byId(grafana.spans));
      }),
      { numRuns: 100 }
    );
  });

  it('says when the answer is not a search answer', () => {
    expect(() => tempoSpanTable({ status: 'error' })).not.toThrow();
    expect(() => tempoSpanTable('<html>')).toThrow(/not a search answer/);
    expect(tempoSpanTable({})[0].length).toBe(0);
  });
});
