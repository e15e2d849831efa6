// jsdom (the default environment): the page's frame readers use @grafana/data.
/**
 * The Service page of a queue consumer on a real Prometheus (issue 18): span metrics shaped like
 * the demo's. fulfilment writes consumer and internal spans only: its panels' queries answer its
 * consumer statistics (5 messages/s, 10% failed, p95 195 ms: every message in the 100–200 ms
 * bucket, so 100 + 100 × 0.95; its internal spans, all under 100 ms, would make it 190 ms),
 * labelled by span kind, which is how the page retitles itself. notifier "v2" serves requests
 * and consumes a queue: server statistics, no messages. batch served requests in the window's
 * second and third minutes only: server view at every step, the first included (the gate reads
 * the whole window at its end, `@ end()`, not each step's last 10 minutes).
 */
import type { DataFrame } from '@grafana/data';
import { promSeries } from '../../testing/frames';
import { describeWithPrometheus } from '../../testing/describeWithPrometheus';
import { counterFamily, histogramFamily, openMetricsText } from '../../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../../testing/prometheus';
import { MetricConventions } from '../../datasources/conventions';
import { hasConsumerSeries, hasMessages, MESSAGES_REF } from './consumerView';
import { serviceMetricQueries, SERVICE_REFS } from './serviceScene';
import { ERROR_EXEMPLARS_REF } from './errorExemplars';

const START = 1_700_000_000;
const AT = START + 1800;
/** The page's window: its last 10 minutes, one point a minute. */
const WINDOW = 600;
const STEP = 60;
const CONV: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };

interface Spans {
  service: string;
  kind: string;
  status: string;
  perSecond: number;
  /** Every span's duration falls in (lower, upper] ms of the buckets 100, 200, 500. */
  bucket: 100 | 200;
  /** Written from, until (Unix seconds); the whole run when absent. */
  from?: number;
  until?: number;
}

const SPANS: Spans[] = [
  { service: 'fulfilment', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_UNSET', perSecond: 4.5, bucket: 200 },
  { service: 'fulfilment', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_ERROR', perSecond: 0.5, bucket: 200 },
  { service: 'fulfilment', kind: 'SPAN_KIND_INTERNAL', status: 'STATUS_CODE_UNSET', perSecond: 5, bucket: 100 },
  { service: 'notifier "v2"', kind: 'SPAN_KIND_SERVER', status: 'STATUS_CODE_UNSET', perSecond: 1, bucket: 100 },
  { service: 'notifier "v2"', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_ERROR', perSecond: 2, bucket: 200 },
  { service: 'batch', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_UNSET', perSecond: 3, bucket: 200 },
  // Requests from the window's second minute to its third only: a gate read step by step (each
  // step's last 10 minutes) would let the first step, which sees none, show its consumer spans.
  {
    service: 'batch',
    kind: 'SPAN_KIND_SERVER',
    status: 'STATUS_CODE_UNSET',
    perSecond: 2,
    bucket: 100,
    from: AT - WINDOW + 60,
    until: AT - 420,
  },
];

function openMetrics(): string {
  const pointsOf = (s: Spans) => {
    const times: number[] = [];
    for (let t = s.from ?? START; t <= (s.until ?? AT); t += 15) {
      times.push(t);
    }
    return times.map((t) => ({ t, n: s.perSecond * (t - (s.from ?? START)) }));
  };
  const labels = (s: Spans) => ({ service_name: s.service, span_name: 'x', span_kind: s.kind, status_code: s.status });
  return openMetricsText([
    counterFamily(
      'traces_span_metrics_calls_total',
      SPANS.map((s) => ({ labels: labels(s), points: pointsOf(s).map(({ t, n }) => [t, n] as [number, number]) }))
    ),
    histogramFamily(
      'traces_span_metrics_duration_milliseconds',
      SPANS.map((s) => ({
        labels: labels(s),
        points: pointsOf(s).map(({ t, n }) => ({
          time: t,
          buckets: [
            [100, s.bucket === 100 ? n : 0],
            [200, n],
            [500, n],
          ] as Array<[number, number]>,
          count: n,
          sum: n * (s.bucket - 50),
        })),
      }))
    ),
  ]);
}

describeWithPrometheus('Service page of a queue consumer on a real Prometheus (issue 18)', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: openMetrics() });
  }, 120000);

  afterAll(async () => {
    await prom?.stop();
  });

  /** The page's panel queries over its window, as Grafana asks them, answered as Grafana's frames. */
  const page = async (service: string) => {
    const queries = serviceMetricQueries(CONV, service);
    const asked = [queries.errorRatio, queries.latency, queries.errorExemplars, queries.messages];
    const frames: DataFrame[] = [];
    for (const q of asked) {
      if (!q) {
        throw new Error('a span-metrics family asks the messages processed');
      }
      const expr = q.expr.replace(/\$__rate_interval/g, '1m').replace(/\$__range/g, `${WINDOW}s`);
      for (const s of await prom.range(expr, AT - WINDOW, AT, STEP)) {
        frames.push(
          promSeries(
            q.refId,
            s.metric,
            s.values.map(([t, v]) => [t * 1000, v]),
            'range'
          )
        );
      }
    }
    const values = (refId: string) => frames.filter((f) => f.refId === refId).map((f) => f.fields[1].values);
    const labels = (refId: string) => frames.filter((f) => f.refId === refId).map((f) => f.fields[1].labels);
    return { frames, values, labels };
  };

  const everyPoint = (series: number[][], expected: number) => {
    expect(series).toHaveLength(1);
    expect(series[0]).toHaveLength(WINDOW / STEP + 1);
    for (const v of series[0]) {
      expect(v).toBeCloseTo(expected, 9);
    }
  };

  it('a consumer-only service: 5 messages/s, 10% failed, p95 0.195 s at every step, by span kind', async () => {
    const { frames, values, labels } = await page('fulfilment');
    const consumer = { service_name: 'fulfilment', span_kind: 'SPAN_KIND_CONSUMER' };
    everyPoint(values(MESSAGES_REF), 5);
    everyPoint(values(SERVICE_REFS.errorRatio), 0.1);
    everyPoint(values(SERVICE_REFS.latency), 0.195);
    everyPoint(values(ERROR_EXEMPLARS_REF), 0.5);
    expect(labels(MESSAGES_REF)).toEqual([consumer]);
    expect(labels(SERVICE_REFS.errorRatio)).toEqual([consumer]);
    expect(labels(SERVICE_REFS.latency)).toEqual([consumer]);
    // What the page decides from: the consumer view.
    expect(hasMessages(frames)).toBe(true);
    expect(hasConsumerSeries(frames.filter((f) => f.refId === SERVICE_REFS.errorRatio))).toBe(true);
  });

  it('a service with server and consumer spans: its server statistics, no messages', async () => {
    const { frames, values, labels } = await page('notifier "v2"');
    everyPoint(values(SERVICE_REFS.errorRatio), 0);
    everyPoint(values(SERVICE_REFS.latency), 0.095);
    expect(labels(SERVICE_REFS.errorRatio)).toEqual([{ service_name: 'notifier "v2"' }]);
    expect(values(MESSAGES_REF)).toEqual([]);
    // The error panel's dots come from its failing work, server and consumer spans alike (as
    // its Failing traces section): here its failed messages, 2/s; it failed no request.
    everyPoint(values(ERROR_EXEMPLARS_REF), 2);
    expect(hasMessages(frames)).toBe(false);
    expect(hasConsumerSeries(frames)).toBe(false);
  });

  it('a service that served requests early in the window only: server view at every step, none of its consumer statistics', async () => {
    const { frames, values, labels } = await page('batch');
    // Its requests' points (the first minutes of the window), nothing after: never its messages.
    expect(labels(SERVICE_REFS.errorRatio)).toEqual([{ service_name: 'batch' }]);
    const [ratio] = values(SERVICE_REFS.errorRatio);
    expect(ratio.length).toBeGreaterThan(0);
    expect(ratio.length).toBeLessThan(WINDOW / STEP + 1);
    expect(values(MESSAGES_REF)).toEqual([]);
    expect(hasMessages(frames)).toBe(false);
    expect(hasConsumerSeries(frames)).toBe(false);
  });
});
