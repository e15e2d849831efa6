import { spansFrame, SpanRow } from '../testing/tempoSpans';
import { spanSample, suspectsView, versionFirstSeen } from './suspectFrames';

const T = 1_764_644_000_000;

function rows(n: number, attributes: (i: number) => Record<string, string>, name = 'POST /reserve'): SpanRow[] {
  return Array.from({ length: n }, (_, i) => ({
    traceId: `${(i + 1).toString(16)}abc`,
    spanId: `${(i + 1).toString(16)}def`,
    timeMs: T + i * 1000,
    name,
    attributes: attributes(i),
  }));
}

describe('spanSample', () => {
  it("reads spans and their scoped attributes from Grafana's Spans table", () => {
    const frame = spansFrame([
      {
        traceId: 'a1',
        spanId: 'b1',
        timeMs: T,
        name: 'POST /charge',
        attributes: { 'service.version': '1.2.0', 'http.route': '/charge', 'service.name': 'payment', status: 'error' },
      },
      { traceId: 'a2', spanId: 'b2', timeMs: T + 5, attributes: { 'http.route': '/refund' } },
    ]);
    const sample = spanSample([frame]);
    expect(sample.selected).toBe(true);
    // Newest first, as Grafana sorts traces.
    expect(sample.spans).toEqual([
      { traceId: 'a2', spanId: 'b2', timeMs: T + 5, attributes: { 'span.http.route': '/refund' } },
      {
        traceId: 'a1',
        spanId: 'b1',
        timeMs: T,
        attributes: { name: 'POST /charge', 'resource.service.version': '1.2.0', 'span.http.route': '/charge' },
      },
    ]);
  });

  it('says when no selected attribute came back', () => {
    const sample = spanSample([spansFrame(rows(3, () => ({ 'service.name': 'x' })))]);
    expect(sample.selected).toBe(false);
    expect(sample.spans).toHaveLength(3);
    expect(spanSample([])).toEqual({ spans: [], selected: false });
  });
});

describe('suspectsView', () => {
  it('ranks the version the failing spans share and tells when it first shows', () => {
    // Inventory: version 1.4.0 until the 60th span, then 1.5.0; half of 1.5.0's spans fail.
    const version = (i: number) => ({ 'service.version': i < 60 ? '1.4.0' : '1.5.0', 'http.route': '/reserve' });
    const all = rows(120, version);
    const failing = all.filter((_, i) => i >= 60 && i % 2 === 0);
    const baseline = all.filter((_, i) => i < 60 || i % 2 === 1);
    const view = suspectsView([spansFrame(failing)], [spansFrame(baseline)]);
    expect(view.kind).toBe('ranked');
    if (view.kind !== 'ranked') {
      return;
    }
    expect(view.suspects[0]).toMatchObject({
      attribute: 'resource.service.version',
      value: '1.5.0',
      failing: 30,
      baseline: 30,
      failingShare: 1,
      baselineShare: 1 / 3,
    });
    expect(view.deploy).toEqual({ version: '1.5.0', firstSeenMs: T + 60_000, afterOthers: true });
  });

  it('has a state for too few failing spans, no selection, no baseline and nothing shared', () => {
    const route = (i: number) => ({ 'http.route': i % 2 ? '/a' : '/b' });
    expect(suspectsView([spansFrame(rows(9, route))], [spansFrame(rows(50, route))])).toEqual({
      kind: 'not-enough',
      failing: 9,
    });
    expect(suspectsView([], [])).toEqual({ kind: 'not-enough', failing: 0 });
    const bare = (n: number) => spansFrame(rows(n, () => ({})));
    expect(suspectsView([bare(20)], [bare(20)])).toEqual({ kind: 'no-selection', failing: 20 });
    expect(suspectsView([spansFrame(rows(20, route))], [])).toEqual({ kind: 'no-baseline', failing: 20 });
    expect(suspectsView([spansFrame(rows(20, route))], [spansFrame(rows(40, route))])).toEqual({
      kind: 'none',
      failing: 20,
      baseline: 40,
    });
  });

  it('tells a version present from the first sampled span apart from one rolled out in the window', () => {
    const spans = spanSample([spansFrame(rows(5, () => ({ 'service.version': '2.0' })))]).spans;
    expect(versionFirstSeen(spans, '2.0')).toEqual({ version: '2.0', firstSeenMs: T, afterOthers: false });
    expect(versionFirstSeen(spans, '3.0')).toBeUndefined();
  });
});
