/**
 * The exemplars of the Service page's metric panels. Prometheus answers a query's exemplars for
 * every selector in it, whatever the operators around them: the error ratio's would be every
 * request's (the denominator), and a statistic that falls back to consumer spans `unless` the
 * service had server spans (consumerQueries.ts) would bring the request counter's exemplars
 * onto any panel. So the panels' own queries ask no exemplars; each panel's exemplars come from
 * a query made only of the selectors whose exemplars belong there, of which only the exemplar
 * frames are kept, not the series:
 * - error ratio (`errorExemplars`): the failed requests (and, for span-metrics families, the
 *   failed messages): every dot is a failing request's or message's trace;
 * - latency (`latencyExemplars`): the latency buckets, server and consumer, their values
 *   converted to seconds as the panel's quantile is.
 * Families whose series carry no exemplars (Tempo's metrics-generator) show none; the Failing
 * traces section lists them from Tempo.
 */
import type { DataFrame } from '@grafana/data';
import type { MetricConventions } from '../../datasources/conventions';
import { familySelector, rate, ServiceRef, sumBy } from '../../datasources/promql';

export const ERROR_EXEMPLARS_REF = 'errorExemplars';
export const LATENCY_EXEMPLARS_REF = 'latencyExemplars';

/** Grafana's Prometheus data source answers exemplars as frames named `exemplar` with `meta.custom.resultType: 'exemplar'`. */
export function isExemplarFrame(frame: DataFrame): boolean {
  const custom = frame.meta?.custom as { resultType?: unknown } | undefined;
  return custom?.resultType === 'exemplar' || frame.name === 'exemplar';
}

/**
 * Failed requests per second of one service: the selector whose exemplars are failing requests
 * (with `consumer`, failed messages: consumer spans with error status).
 */
export function failedRequestRate(
  conv: MetricConventions,
  service: ServiceRef,
  window: string,
  consumer = false
): string {
  return sumBy([conv.serviceLabel], rate(familySelector(conv, 'errors', { service, consumer }), window));
}

/**
 * A panel's frames: its statistic's series (not its exemplars), and the exemplars of
 * `exemplarsRefId` alone, their `Value` multiplied by `scale` (the histogram's unit to seconds).
 */
export function panelFrames(frames: DataFrame[], seriesRefId: string, exemplarsRefId: string, scale = 1): DataFrame[] {
  return frames
    .filter((f) => (f.refId === seriesRefId ? !isExemplarFrame(f) : f.refId === exemplarsRefId && isExemplarFrame(f)))
    .map((f) =>
      f.refId !== exemplarsRefId || scale === 1
        ? f
        : {
            ...f,
            fields: f.fields.map((field) =>
              field.name === 'Value'
                ? { ...field, values: field.values.map((v: unknown) => (typeof v === 'number' ? v * scale : v)) }
                : field
            ),
          }
    );
}

/** The error-ratio panel's frames: the ratio's series and the failed requests' exemplars. */
export function errorPanelFrames(frames: DataFrame[], ratioRefId: string): DataFrame[] {
  return panelFrames(frames, ratioRefId, ERROR_EXEMPLARS_REF);
}
