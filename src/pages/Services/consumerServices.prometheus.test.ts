// jsdom (the default environment): the frame reader uses @grafana/data.
/**
 * Issue 18, item 1, on a real Prometheus: span metrics shaped like the demo's (fulfilment writes
 * only consumer and internal spans) — the Services page's server-span queries do not list
 * fulfilment; the consumer queries list it, and only it, with its message rate and error ratio.
 */
import { instantFrame } from '../../analysis/fixtures/serviceGraphMetrics';
import { consumerRows } from './ConsumerServices';
import { servicesQueries } from './servicesScene';
import { describeWithPrometheus } from '../../testing/describeWithPrometheus';
import { counterFamily, openMetricsText } from '../../testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../../testing/prometheus';
import { consumerOnlyQueries } from '../../datasources/consumerQueries';
import { MetricConventions } from '../../datasources/conventions';

const START = 1_700_000_000;
const AT = START + 900;
const CONV: MetricConventions = { family: 'otel-spanmetrics', serviceLabel: 'service_name' };

const SERIES: Array<{ service: string; kind: string; status: string; perSecond: number }> = [
  { service: 'checkout', kind: 'SPAN_KIND_SERVER', status: 'STATUS_CODE_UNSET', perSecond: 5 },
  { service: 'checkout', kind: 'SPAN_KIND_PRODUCER', status: 'STATUS_CODE_UNSET', perSecond: 5 },
  { service: 'fulfilment', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_UNSET', perSecond: 4.5 },
  { service: 'fulfilment', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_ERROR', perSecond: 0.5 },
  { service: 'fulfilment', kind: 'SPAN_KIND_INTERNAL', status: 'STATUS_CODE_UNSET', perSecond: 5 },
  // Serves HTTP and consumes a queue: already a row of the table, not listed again.
  { service: 'notifier "v2"', kind: 'SPAN_KIND_SERVER', status: 'STATUS_CODE_UNSET', perSecond: 1 },
  { service: 'notifier "v2"', kind: 'SPAN_KIND_CONSUMER', status: 'STATUS_CODE_UNSET', perSecond: 2 },
];

function openMetrics(): string {
  const times: number[] = [];
  for (let t = START; t <= AT; t += 15) {
    times.push(t);
  }
  return openMetricsText([
    counterFamily(
      'traces_span_metrics_calls_total',
      SERIES.map((s) => ({
        labels: { service_name: s.service, span_name: 'x', span_kind: s.kind, status_code: s.status },
        points: times.map((t) => [t, s.perSecond * (t - START)] as [number, number]),
      }))
    ),
  ]);
}

describeWithPrometheus('queue consumers on a real Prometheus (issue 18)', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: openMetrics() });
  }, 120000);

  afterAll(async () => {
    await prom?.stop();
  });

  const run = async (queries: Array<{ refId: string; expr: string }>) => {
    const frames = [];
    for (const q of queries) {
      for (const s of await prom.instant(q.expr.replace(/\$__range/g, '5m'), AT)) {
        frames.push(instantFrame(q.refId, s.metric, s.value, AT * 1000));
      }
    }
    return frames;
  };

  it('the server-span table has no fulfilment; the consumer rows have it alone, 5 messages/s, 10% failed', async () => {
    const table = await run(servicesQueries(CONV).filter((q) => q.refId === 'requestRate'));
    const tableServices = table.map((f) => f.fields[1].labels?.service_name).sort();
    expect(tableServices).toEqual(['checkout', 'notifier "v2"']);

    const rows = consumerRows(await run(consumerOnlyQueries(CONV, '$__range')!), 'service_name');
    expect(rows).toHaveLength(1);
    expect(rows[0].service).toBe('fulfilment');
    expect(rows[0].rate).toBeCloseTo(5, 9);
    expect(rows[0].errorRatio).toBeCloseTo(0.1, 9);
  });
});
