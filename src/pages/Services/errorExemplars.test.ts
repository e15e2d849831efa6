import { DataFrame, FieldType } from '@grafana/data';
import { errorPanelFrames, ERROR_EXEMPLARS_REF, failedRequestRate, isExemplarFrame } from './errorExemplars';
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
