import { DataFrame, FieldType } from '@grafana/data';
import {
  errorPanelFrames,
  ERROR_EXEMPLARS_REF,
  failedRequestRate,
  isExemplarFrame,
  LATENCY_EXEMPLARS_REF,
  panelFrames,
} from './errorExemplars';
import { expectValidPromQL } from '../../testing/grammar';

/** A Prometheus exemplar frame as Grafana's data source answers it. */
const exemplarFrame = (refId: string, traceId: string): DataFrame => ({
  refId,
  name: 'exemplar',
  length: 1,
  meta: { custom: { resultType: 'exemplar' } },
  fields: [
    { name: 'Time', type: FieldType.time, config: {}, values: [1_700_000_000_000] },
    { name: 'Value', type: FieldType.number, config: {}, values: [1] },
    { name: 'trace_id', type: FieldType.string, config: {}, values: [traceId] },
  ],
});

const seriesFrame = (refId: string): DataFrame => ({
  refId,
  length: 1,
  meta: { type: 'timeseries-multi' as never },
  fields: [
    { name: 'Time', type: FieldType.time, config: {}, values: [1_700_000_000_000] },
    { name: 'Value', type: FieldType.number, config: {}, labels: { service_name: 'payment' }, values: [0.3] },
  ],
});

describe('error-ratio panel frames', () => {
  it('keeps the ratio series and only the failed requests` exemplars', () => {
    const frames = [
      seriesFrame('errorRatio'),
      exemplarFrame('errorRatio', 'every-request'),
      seriesFrame(ERROR_EXEMPLARS_REF),
      exemplarFrame(ERROR_EXEMPLARS_REF, 'failing'),
      seriesFrame('p95'),
      exemplarFrame('p95', 'slow'),
    ];
    const kept = errorPanelFrames(frames, 'errorRatio');
    expect(kept.map((f) => [f.refId, isExemplarFrame(f)])).toEqual([
      ['errorRatio', false],
      [ERROR_EXEMPLARS_REF, true],
    ]);
    expect(kept[1].fields.find((f) => f.name === 'trace_id')?.values).toEqual(['failing']);
  });

  it("keeps the latency series and the buckets' exemplars only, their values in seconds", () => {
    const frames = [
      seriesFrame('p95'),
      exemplarFrame('p95', 'every-request'),
      seriesFrame(LATENCY_EXEMPLARS_REF),
      {
        ...exemplarFrame(LATENCY_EXEMPLARS_REF, 'slow'),
        fields: exemplarFrame(LATENCY_EXEMPLARS_REF, 'slow').fields.map((f) =>
          f.name === 'Value' ? { ...f, values: [240] } : f
        ),
      },
      exemplarFrame(ERROR_EXEMPLARS_REF, 'failing'),
    ];
    const kept = panelFrames(frames, 'p95', LATENCY_EXEMPLARS_REF, 0.001);
    expect(kept.map((f) => [f.refId, isExemplarFrame(f)])).toEqual([
      ['p95', false],
      [LATENCY_EXEMPLARS_REF, true],
    ]);
    expect(kept[1].fields.find((f) => f.name === 'Value')?.values).toEqual([0.24]);
    expect(kept[1].fields.find((f) => f.name === 'trace_id')?.values).toEqual(['slow']);
    // The series keep their own values.
    expect(kept[0].fields.find((f) => f.name === 'Value')?.values).toEqual([0.3]);
  });

  it('selects the failed requests of one service, escaped', () => {
    const expr = failedRequestRate(
      { family: 'otel-spanmetrics', serviceLabel: 'service_name' },
      'pay"ment',
      '$__rate_interval'
    );
    expect(expr).toBe(
      'sum by (service_name) (rate(traces_span_metrics_calls_total{span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR", service_name="pay\\"ment"}[$__rate_interval]))'
    );
    expectValidPromQL(expr);
  });
});
