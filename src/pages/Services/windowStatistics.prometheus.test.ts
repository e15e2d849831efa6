/**
 * What the Services table's whole-window statistics read from Pivot's recorded 5-minute rates
 * (redSeries.ts: a subquery at 5-minute steps, aligned to the clock's 5-minute marks), checked
 * on a real Prometheus with traffic that changes every 5 minutes, so an average of the wrong
 * 5-minute rates shows: for a window ending between two marks (every relative time range), the
 * recorded statistic is exactly the raw one over the same length ending at the last mark
 * (docs/scaling.md#over-a-longer-window). Over exactly 1 hour, the page reads the recorded
 * 1-hour series instead: the raw statistic over the hour ending at the last evaluation of the
 * 1-hour rules (once a minute), not at the last mark.
 */
import { METRIC_FAMILIES } from '../../datasources/conventions';
import * as promql from '../../datasources/promql';
import {
  RED_LONG_WINDOW,
  recordedErrorRatio,
  recordedRequestRate,
  redLongSeriesNames,
  redSeriesNames,
} from '../../datasources/redSeries';
import { redRulesYaml } from '../../slo/redRules';
import { describeWithPrometheus } from '../../testing/describeWithPrometheus';
import { counterFamily, openMetricsText } from '../../testing/openmetrics';
import { RunningPrometheus, startPrometheusWithRecorded } from '../../testing/prometheus';

const CONV = { family: 'tempo-spanmetrics' as const, serviceLabel: 'service' };
const INFO = METRIC_FAMILIES[CONV.family];
const MARK = 300;
/**
 * 70 minutes at 15 s from a 5-minute mark, the rules evaluated on the same grid (the 1-hour
 * rules once a minute, at the group's own offset within the minute, as a ruler does).
 */
const START = 1_700_000_100;
const END = START + 4200;
const LONG_INTERVAL = 60;
const STEP = 15;
// 14 rates of 5 minutes: over 70 minutes no hour repeats another (a 12-rate cycle would give
// every hour the same average).
/** When `late` starts failing: an hour into the data, on a mark. */
const LATE_FAILURES = 12 * MARK;
const OK_RATES = [5, 1, 20, 3, 8, 2, 13, 1, 7, 4, 9, 6, 40, 30];
const FAILED_RATES = [1, 0, 4, 2, 0.5, 1, 3, 0, 2, 1, 0.25, 1, 10, 20];

function counter(rates: number[], extra: Record<string, string>, service = 'checkout', from = START) {
  const labels: Record<string, string> = { service, ...extra };
  for (const m of INFO.serverMatchers) {
    labels[m.label] = m.value;
  }
  const points: Array<[number, number]> = [];
  let count = 0;
  for (let t = from; t <= END; t += STEP) {
    points.push([t, count]);
    count += rates[Math.floor((t - START) / MARK) % rates.length] * STEP;
  }
  return { labels, points };
}

describeWithPrometheus('Services table: whole-window statistics from the recorded 5-minute rates', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const [error] = INFO.errorMatchers;
    const text = openMetricsText([
      counterFamily(INFO.requests, [
        counter(OK_RATES, { [error.label]: 'STATUS_CODE_UNSET' }),
        counter(FAILED_RATES, { [error.label]: error.value }),
        // `late` serves 2/s all along and starts failing at 10/s an hour in: its failed series
        // exists for the last minutes of any window only.
        counter([2], { [error.label]: 'STATUS_CODE_UNSET' }, 'late'),
        counter([10], { [error.label]: error.value }, 'late', START + LATE_FAILURES),
      ]),
    ]);
    prom = await startPrometheusWithRecorded({
      openMetrics: text,
      rules: [redRulesYaml(CONV, { serviceGraph: false })],
      start: START,
      end: END,
      stepSeconds: STEP,
    });
  }, 600000);

  afterAll(async () => {
    await prom?.stop();
  });

  /** The value of `expr` for `service` (checkout unless said) at `at`. */
  const value = async (expr: string, at: number, service = 'checkout') => {
    const got = (await prom.instant(expr, at)).filter((s) => s.metric.service === service);
    expect(got).toHaveLength(1);
    return got[0].value;
  };

  it.each([
    ['10m', 6 * MARK + 120],
    ['10m', 7 * MARK + 15],
    ['30m', 11 * MARK + 285],
  ])(
    'over %s, %i s into the data: the raw statistic over the same length ending at the last 5-minute mark',
    async (window, offset) => {
      const at = START + offset;
      const mark = at - (at % MARK);
      for (const [recorded, raw] of [
        [recordedRequestRate(CONV, { window }), promql.requestRate(CONV, { window })],
        [recordedErrorRatio(CONV, { window }), promql.errorRatio(CONV, { window })],
      ]) {
        const got = await value(recorded, at);
        expect(got).toBeCloseTo(await value(raw, mark), 9);
        // Not vacuous: the traffic changed, so the raw window ending at the query time differs.
        expect(Math.abs(got - (await value(raw, at)))).toBeGreaterThan(1e-3);
      }
    }
  );

  // At least 90 s past the mark, so the last evaluation (at most 60 s back) is past it too.
  it.each([13 * MARK + 150, 13 * MARK + 270])(
    'over 1h, %i s into the data: the raw statistic over the hour ending at the last minute, not at the last mark',
    async (offset) => {
      const at = START + offset;
      const mark = at - (at % MARK);
      const window = RED_LONG_WINDOW;
      for (const [recorded, raw, subquery] of [
        [
          recordedRequestRate(CONV, { window }),
          promql.requestRate(CONV, { window }),
          recordedRequestRate(CONV, { window: '$__range' }).replaceAll('$__range', window),
        ],
        [
          recordedErrorRatio(CONV, { window }),
          promql.errorRatio(CONV, { window }),
          recordedErrorRatio(CONV, { window: '$__range' }).replaceAll('$__range', window),
        ],
      ]) {
        const got = await value(recorded, at);
        // The sample read is the last evaluation's, at most one interval before.
        const evaluated = await value(`timestamp(${redLongSeriesNames(CONV).requests})`, at);
        expect(at - evaluated).toBeGreaterThanOrEqual(0);
        expect(at - evaluated).toBeLessThan(LONG_INTERVAL);
        expect(got).toBeCloseTo(await value(raw, evaluated), 9);
        // Not vacuous: the subquery form reads the hour ending at the mark, another value here.
        expect(await value(subquery, at)).toBeCloseTo(await value(raw, mark), 9);
        expect(Math.abs(got - (await value(raw, mark)))).toBeGreaterThan(1e-3);
      }
    }
  );

  it('a series that exists for part of the window counts 0 where it is absent, as the raw rate does', async () => {
    // 150 s past the first mark after the failures began: over 30 minutes, the failed series
    // has one recorded 5-minute rate (10/s) among six marks.
    const at = START + LATE_FAILURES + MARK + 150;
    const mark = at - (at % MARK);
    const window = '30m';
    const raw = await value(promql.errorRatio(CONV, { window }), mark, 'late');
    const got = await value(recordedErrorRatio(CONV, { window }), at, 'late');
    // About 10/6 failed a second against 2 served: 0.45 (the raw rate's extrapolation at the
    // new series' first sample and the recorded rate's differ by a few percent).
    expect(raw).toBeGreaterThan(0.4);
    expect(raw).toBeLessThan(0.5);
    expect(Math.abs(got - raw) / raw).toBeLessThan(0.03);
    // Averaging only the marks where the series exists gives the last 5 minutes' ratio, 10/12.
    const { failed, requests } = redSeriesNames(CONV);
    const presentOnly = `sum by (service) (avg_over_time(${failed}[30m:5m])) / sum by (service) (avg_over_time(${requests}[30m:5m]))`;
    expect(await value(presentOnly, at, 'late')).toBeGreaterThan(0.8);
  });
});
