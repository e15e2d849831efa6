/**
 * @jest-environment node
 */
import { counterFamily, openMetricsText } from '../testing/openmetrics';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { expectValidLogQL } from '../testing/grammar';
import { ANY_VALUE, streamSelector } from './logql';

/**
 * The "every stream with the service label" selector, on a real server. Loki is not installed
 * here; Loki parses stream selectors into Prometheus' label matchers (the same code, anchored
 * `^(?:…)$`, with the same rule that a selector needs a matcher that cannot match the empty
 * string), so a Prometheus vector selector with the same text answers the same question.
 * Prometheus 2.x is that matcher without the newline-matching change of Prometheus 3.
 */
const AT = 1_700_000_000;
const SERVICES = ['checkout', 'new\nline', '\n', 'trailing\n', 'tab\there', '"quoted" \\ 😀'];

describeWithPrometheus('LogQL stream selector for every service against a real Prometheus matcher', () => {
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const series = [
      ...SERVICES.map((service) => ({
        labels: { service_name: service },
        points: [[AT, 1]] as Array<[number, number]>,
      })),
      // A stream without the label: not selected.
      { labels: { app: 'no-service-label' }, points: [[AT, 1]] as Array<[number, number]> },
    ];
    prom = await startPrometheus({ openMetrics: openMetricsText([counterFamily('pivot_stream', series)]) });
  });

  afterAll(async () => {
    await prom?.stop();
  });

  const servicesSelectedBy = async (selector: string) =>
    (await prom.instant(selector, AT)).map((s) => s.metric.service_name).sort();

  it('selects every non-empty service name, newlines included', async () => {
    const selector = streamSelector({ traceId: 'structured-metadata', serviceLabel: 'service_name' });
    expect(selector).toBe(`{service_name=~"${ANY_VALUE}"}`);
    expectValidLogQL(selector);
    expect(await servicesSelectedBy(selector)).toEqual([...SERVICES].sort());
  });

  it('is needed: `.+` misses the names holding a newline on this matcher', async () => {
    expect(await servicesSelectedBy('{service_name=~".+"}')).toEqual(['"quoted" \\ 😀', 'checkout', 'tab\there']);
  });

  it('is accepted alone, where a selector whose matchers all match the empty string is refused', async () => {
    await expect(prom.instant('{service_name=~".*"}', AT)).rejects.toThrow(/at least one non-empty matcher/);
    await expect(prom.instant(`{service_name=~"${ANY_VALUE}"}`, AT)).resolves.toHaveLength(SERVICES.length);
  });
});
