import { DataFrame, DataFrameType, FieldType } from '@grafana/data';

/**
 * Frames shaped like Grafana's own data sources return them (CONTRACTS.md sections 3 and 4),
 * for the Services and Service page tests.
 */

/**
 * One Prometheus series as Grafana's Prometheus data source returns it: one frame per
 * series, a `Time` field and a `Value` field carrying the series labels. An instant query
 * gives one row (`numeric-multi`), a range query one row per step (`timeseries-multi`).
 */
export function promSeries(
  refId: string,
  labels: Record<string, string>,
  points: Array<[number, number]>,
  kind: 'instant' | 'range' = 'instant'
): DataFrame {
  return {
    refId,
    length: points.length,
    meta: {
      type: kind === 'instant' ? DataFrameType.NumericMulti : DataFrameType.TimeSeriesMulti,
      typeVersion: [0, 1],
      custom: { resultType: kind === 'instant' ? 'vector' : 'matrix' },
    },
    fields: [
      { name: 'Time', type: FieldType.time, config: { interval: 15000 }, values: points.map(([t]) => t) },
      {
        name: 'Value',
        type: FieldType.number,
        labels,
        config: { displayNameFromDS: Object.values(labels).join(', ') },
        values: points.map(([, v]) => v),
      },
    ],
  };
}
