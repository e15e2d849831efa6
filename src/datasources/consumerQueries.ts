/**
 * Services that write consumer spans and no server spans: queue workers such as the demo's
 * fulfilment. Every metric family's RED queries count what a service serves (server spans, or
 * HTTP server requests), so a worker that only consumes messages has no row on the Services
 * page; the span-metrics families count its consumer spans (one per message processed), which
 * these queries read (docs/conventions.md#queue-consumers). The HTTP families have no span
 * kind: nothing to ask.
 */
import { MetricConventions, METRIC_FAMILIES } from './conventions';
import { LabelMatcher, rate, selector, sumBy } from './promql';
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
