/**
 * Failing traces on the error-ratio panel (issue 18, item 3). The ratio's own exemplars, when a
 * family's request counter carries any, belong to every request (the denominator's selector),
 * successes included. The panel's exemplars come instead from a query of the failed requests
 * alone (`errorExemplars`, exemplars on): only its exemplar frames are kept, not its series, so
 * every dot on the panel is a failing request's trace. Families whose counter carries no
 * exemplars (Tempo's metrics-generator) show none; the Failing traces section lists them from Tempo.
 */
import type { DataFrame } from '@grafana/data';
import type { MetricConventions } from '../../datasources/conventions';
import { familySelector, rate, ServiceRef, sumBy } from '../../datasources/promql';

export const ERROR_EXEMPLARS_REF = 'errorExemplars';

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

/** The error-ratio panel's frames: the ratio's series (not its exemplars), and the failed requests' exemplars. */
export function errorPanelFrames(frames: DataFrame[], ratioRefId: string): DataFrame[] {
  return frames.filter((f) =>
    f.refId === ratioRefId ? !isExemplarFrame(f) : f.refId === ERROR_EXEMPLARS_REF && isExemplarFrame(f)
  );
}
