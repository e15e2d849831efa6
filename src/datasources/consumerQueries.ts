/**
 * Services that write consumer spans and no server spans: queue workers such as the demo's
 * fulfilment. Every metric family's RED queries count what a service serves (server spans, or
 * HTTP server requests), so a worker that only consumes messages has no row on the Services
 * page; the span-metrics families count its consumer spans (one per message processed), which
 * these queries read (docs/conventions.md#queue-consumers). The HTTP families have no span
 * kind: nothing to ask.
 */
import { MetricConventions, METRIC_FAMILIES } from './conventions';
import { familySelector, LabelMatcher, rate, requestRate, selector, sumBy } from './promql';
import { checkLabelName } from './strings';

export const CONSUMER_REFS = { rate: 'consumerRate', errors: 'consumerErrors' } as const;

const SPAN_KIND = 'span_kind';
export const CONSUMER_KIND = 'SPAN_KIND_CONSUMER';

/** Whether the family tells span kinds apart (the span-metrics families). */
export function familyCountsConsumers(conv: MetricConventions): boolean {
  return METRIC_FAMILIES[conv.family]?.serverMatchers.some((m) => m.label === SPAN_KIND) ?? false;
}

export interface ConsumerQuery {
  refId: string;
  expr: string;
  instant: true;
  range: false;
}

/**
 * Two instant queries over `window`: messages processed per second by each service that has
 * consumer spans and no server spans, and the failed ones; undefined for a family without span kinds.
 */
export function consumerOnlyQueries(conv: MetricConventions, window: string): ConsumerQuery[] | undefined {
  if (!familyCountsConsumers(conv)) {
    return undefined;
  }
  const info = METRIC_FAMILIES[conv.family];
  const label = checkLabelName(conv.serviceLabel, 'service label');
  const server: LabelMatcher[] = info.serverMatchers.map((m) => ({ ...m }));
  const consumer: LabelMatcher[] = [{ label: SPAN_KIND, op: '=', value: CONSUMER_KIND }];
  const failed: LabelMatcher[] = [...consumer, ...info.errorMatchers.map((m) => ({ ...m }))];
  const by = [label];
  const servers = sumBy(by, rate(selector(info.requests, server), window));
  const instant = { instant: true, range: false } as const;
  return [
    {
      refId: CONSUMER_REFS.rate,
      expr: `${sumBy(by, rate(selector(info.requests, consumer), window))} unless on (${label}) ${servers}`,
      ...instant,
    },
    {
      refId: CONSUMER_REFS.errors,
      expr: `${sumBy(by, rate(selector(info.requests, failed), window))} unless on (${label}) ${servers}`,
      ...instant,
    },
  ];
}

/**
 * Whether a series' labels are those of a consumer statistic (promql.ts with `consumer`: summed
 * by span kind too), which is how the Service page tells its consumer view from its server view.
 */
export function isConsumerSeries(labels: Record<string, string> | undefined): boolean {
  return labels?.[SPAN_KIND] === CONSUMER_KIND;
}

/**
 * Whether `service` had server spans anywhere in the page's window: its request rate over the
 * whole window (`$__range`) at the window's end (`@ end()`), the same at every step of a range
 * query, and the same test as the Services page's queue consumers list (consumerOnlyQueries).
 */
function serverSpansInWindow(conv: MetricConventions, service: string): string {
  const label = checkLabelName(conv.serviceLabel, 'service label');
  return `sum by (${label}) (rate(${familySelector(conv, 'requests', { service })}[$__range] @ end()))`;
}

/**
 * One Service page statistic of `service` that falls back to its consumer spans: `statistic(false)`
 * (server spans) or, for a service with no server spans in the window, `statistic(true)`
 * (consumer spans, by span kind: isConsumerSeries). A service with both keeps the server
 * statistic at every step. The statistic alone for a family without span kinds.
 */
export function serverOrConsumerOnly(
  conv: MetricConventions,
  service: string,
  statistic: (consumer: boolean) => string
): string {
  if (!familyCountsConsumers(conv)) {
    return statistic(false);
  }
  const label = checkLabelName(conv.serviceLabel, 'service label');
  return `(${statistic(false)}) or ((${statistic(true)}) unless on (${label}) ${serverSpansInWindow(conv, service)})`;
}

/**
 * Messages processed per second by `service` when it has consumer spans and no server spans
 * in the window (nothing otherwise); undefined for a family without span kinds.
 */
export function consumerOnlyRate(conv: MetricConventions, service: string, window: string): string | undefined {
  if (!familyCountsConsumers(conv)) {
    return undefined;
  }
  const label = checkLabelName(conv.serviceLabel, 'service label');
  const messages = requestRate(conv, { service, window, consumer: true });
  return `${messages} unless on (${label}) ${serverSpansInWindow(conv, service)}`;
}
