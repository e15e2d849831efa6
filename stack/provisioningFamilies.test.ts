// jsdom (the default environment): the family choice reads Grafana frames (@grafana/data).
/**
 * Issue 18, item 4: which metric family the provisioned settings name, both ways. The local
 * stack (provisioning/plugins/app.yaml) names the Collector's family, which its SLO rules need;
 * examples/app-without-collector.yaml leaves it to detection for a stack without the
 * Collector. On a real Prometheus holding only Tempo metrics-generator series, the first finds
 * nothing and the second finds every service; with both families there, detection takes
 * Tempo's, which is why the stack names the Collector's.
 */
import { instantFrame } from '../src/analysis/fixtures/serviceGraphMetrics';
import { chooseMetricFamily } from '../src/analysis/metricFamily';
import { promql } from '../src/datasources';
import { prometheusProbeQueries } from '../src/datasources/probes';
import { metricConventionsFor, normalizeSettings, PivotJsonData } from '../src/settings';
import { describeWithPrometheus } from '../src/testing/describeWithPrometheus';
import { counterFamily, openMetricsText } from '../src/testing/openmetrics';
import { RunningPrometheus, startPrometheus } from '../src/testing/prometheus';
import { at, readYaml, Yaml } from './yamlFiles';

const jsonData = (path: string) => at((at(readYaml(path), 'apps') as Yaml[])[0], 'jsonData') as PivotJsonData;
const stack = normalizeSettings(jsonData('provisioning/plugins/app.yaml'));
const withoutCollector = normalizeSettings(jsonData('examples/app-without-collector.yaml'));

describe('provisioned metric family, both ways', () => {
  it('the stack names the Collector family; the example without the Collector detects it, with the same data sources and logs', () => {
    expect(stack.metrics).toEqual({ family: 'otel-spanmetrics', serviceLabel: 'service_name' });
    expect(withoutCollector.metrics).toEqual({ family: 'auto', serviceLabel: '' });
    expect(withoutCollector.datasources).toEqual(stack.datasources);
    expect(withoutCollector.logs).toEqual(stack.logs);
    expect(withoutCollector.slos).toEqual([]);
  });
});

const START = 1_700_000_000;
/** Within the probe's one-hour window of the evaluation time. */
const AT = START + 1800;

function times(): number[] {
  const out: number[] = [];
  for (let t = START; t <= AT; t += 15) {
    out.push(t);
  }
  return out;
}

const series = (labels: Record<string, string>, perSecond: number) => ({
  labels,
  points: times().map((t) => [t, perSecond * (t - START)] as [number, number]),
});

const SERVER = { span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_UNSET' };
const TEMPO = counterFamily('traces_spanmetrics_calls_total', [
  series({ service: 'checkout', span_name: 'POST /orders', ...SERVER }, 5),
  series({ service: 'payment', span_name: 'POST /charge', ...SERVER }, 5),
]);
const COLLECTOR = counterFamily('traces_span_metrics_calls_total', [
  series({ service_name: 'checkout', span_name: 'POST /orders', ...SERVER }, 5),
  series({ service_name: 'payment', span_name: 'POST /charge', ...SERVER }, 5),
]);

async function instant(prom: RunningPrometheus, refId: string, expr: string) {
  return (await prom.instant(expr.replace(/\$__range/g, '5m'), AT)).map((s) =>
    instantFrame(refId, s.metric, s.value, AT * 1000)
  );
}

async function familyOn(prom: RunningPrometheus) {
  const frames = [];
  for (const q of prometheusProbeQueries()) {
    frames.push(...(await instant(prom, q.refId, q.expr)));
  }
  return chooseMetricFamily(withoutCollector.metrics.family, frames);
}

const servicesOf = async (
  prom: RunningPrometheus,
  settings: typeof stack,
  family: Parameters<typeof metricConventionsFor>[1]
) => {
  const conv = metricConventionsFor(settings, family);
  const frames = await instant(prom, 'r', promql.requestRate(conv, { window: '5m' }));
  return frames.map((f) => f.fields[1].labels?.[conv.serviceLabel]).sort();
};

describeWithPrometheus('provisioned metric family on a real Prometheus (issue 18)', () => {
  describe('only Tempo metrics-generator series (no Collector)', () => {
    let prom: RunningPrometheus;
    beforeAll(async () => {
      prom = await startPrometheus({ openMetrics: openMetricsText([TEMPO]) });
    }, 120000);
    afterAll(async () => {
      await prom?.stop();
    });

    it("the stack's settings find no service; the example's detect Tempo's family and find them all, by `service`", async () => {
      expect(await servicesOf(prom, stack, 'otel-spanmetrics')).toEqual([]);
      const choice = await familyOn(prom);
      expect(choice).toEqual({ kind: 'detected', family: 'tempo-spanmetrics' });
      expect(await servicesOf(prom, withoutCollector, 'tempo-spanmetrics')).toEqual(['checkout', 'payment']);
    });
  });

  describe('both families (the local stack: Collector and Tempo)', () => {
    let prom: RunningPrometheus;
    beforeAll(async () => {
      prom = await startPrometheus({ openMetrics: openMetricsText([TEMPO, COLLECTOR]) });
    }, 120000);
    afterAll(async () => {
      await prom?.stop();
    });

    it("detection takes Tempo's (sampled in the stack), so the stack names the Collector's, and finds every service", async () => {
      expect(await familyOn(prom)).toEqual({ kind: 'detected', family: 'tempo-spanmetrics' });
      expect(await servicesOf(prom, stack, 'otel-spanmetrics')).toEqual(['checkout', 'payment']);
    });
  });
});
