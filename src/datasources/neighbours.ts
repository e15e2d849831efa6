/**
 * PromQL for a service's neighbours on the service graph (Tempo metrics-generator or the OTel
 * Collector `servicegraph` connector; CONTRACTS.md section 2): the edges where the service is
 * the server (its callers, upstream) or the client (its callees, downstream). One query for
 * both directions, so the Service page pays one request however many neighbours there are.
 */
import { rate, selector, sumBy } from './promql';

export const SERVICE_GRAPH_REQUESTS = 'traces_service_graph_request_total';
export const SERVICE_GRAPH_FAILED = 'traces_service_graph_request_failed_total';

export interface NeighbourOptions {
  service: string;
  /** A PromQL duration or a Grafana variable such as `$__range`. */
  window: string;
  /** Failed requests instead of all requests. */
  failed?: boolean;
}

/**
 * Requests per second on every edge touching `service`, by `client` and `server`. A service
 * calling itself matches both sides; `or` keeps that edge once.
 */
export function neighbourRates({ service, window, failed }: NeighbourOptions): string {
  const metric = failed ? SERVICE_GRAPH_FAILED : SERVICE_GRAPH_REQUESTS;
  const side = (label: 'client' | 'server') =>
    sumBy(['client', 'server'], rate(selector(metric, [{ label, op: '=', value: service }]), window));
  return `${side('server')} or ${side('client')}`;
}
