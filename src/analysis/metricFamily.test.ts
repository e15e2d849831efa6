import { chooseMetricFamily, describeFamilyChoice, familyProbesFromFrames } from './metricFamily';
import { promSeries } from '../testing/frames';

const T = 1_700_000_000_000;
const count = (refId: string, n: number) => promSeries(refId, {}, [[T, n]]);

describe('chooseMetricFamily', () => {
  it('keeps a configured family without probing', () => {
    expect(chooseMetricFamily('http-semconv')).toEqual({ kind: 'configured', family: 'http-semconv' });
  });

  it('reads the probe frames by refId into series counts', () => {
    const probes = familyProbesFromFrames([
      count('otel-spanmetrics:all', 12),
      count('otel-spanmetrics:server', 4),
      count('http-semconv:all', 3),
    ]);
    expect(probes.find((p) => p.family === 'otel-spanmetrics')).toMatchObject({ series: 12, serverSeries: 4 });
    // HTTP server metrics are all server-side: every series counts as a server series.
    expect(probes.find((p) => p.family === 'http-semconv')).toMatchObject({ series: 3, serverSeries: 3 });
    expect(probes.find((p) => p.family === 'tempo-spanmetrics')).toMatchObject({ series: 0, serverSeries: 0 });
  });

  it('prefers a family with server spans, then the most series', () => {
    const frames = [
      count('tempo-spanmetrics:all', 50),
      count('tempo-spanmetrics:server', 0),
      count('otel-spanmetrics:all', 10),
      count('otel-spanmetrics:server', 5),
    ];
    expect(chooseMetricFamily('auto', frames)).toEqual({ kind: 'detected', family: 'otel-spanmetrics' });
  });

  it("picks the Collector's seconds variant only when its seconds histogram has series", () => {
    // Both Collector families count traces_span_metrics_calls_total: the same request counts.
    const calls = ['otel-spanmetrics', 'otel-spanmetrics-seconds'].flatMap((f) => [
      count(`${f}:all`, 8),
      count(`${f}:server`, 4),
    ]);
    expect(chooseMetricFamily('auto', [...calls, count('otel-spanmetrics-seconds:latency', 6)])).toEqual({
      kind: 'detected',
      family: 'otel-spanmetrics-seconds',
    });
    expect(chooseMetricFamily('auto', [...calls, count('otel-spanmetrics-seconds:latency', 0)])).toEqual({
      kind: 'detected',
      family: 'otel-spanmetrics',
    });
    expect(chooseMetricFamily('auto', calls)).toEqual({ kind: 'detected', family: 'otel-spanmetrics' });
  });

  it('says so when no family has series (count queries answer with no frame)', () => {
    const choice = chooseMetricFamily('auto', []);
    expect(choice).toEqual({ kind: 'none' });
    expect(describeFamilyChoice(choice)).toMatch(/no metric family/);
  });

  it('names the family and whether it was detected', () => {
    expect(describeFamilyChoice({ kind: 'detected', family: 'tempo-spanmetrics' })).toMatch(
      /Tempo metrics-generator span metrics \(detected/
    );
    expect(describeFamilyChoice({ kind: 'configured', family: 'http-semconv-old' })).toMatch(
      /old semantic conventions\) \(set in Configuration\)/
    );
  });
});
