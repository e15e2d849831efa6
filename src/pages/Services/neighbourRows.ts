import { DataFrame, FieldType } from '@grafana/data';

/** The refIds of the neighbour queries: all requests and failed requests per edge. */
export const NEIGHBOUR_REFS = { requests: 'neighbourRequests', failed: 'neighbourFailed' } as const;

export interface Neighbour {
  service: string;
  /** Requests per second on the edge between the two services. */
  requestRate: number;
  /** Failed / all requests on the edge; 0 when the edge had no failed series. */
  errorRatio: number;
}

export interface Neighbours {
  /** Services that call this one (it is the edge's server). */
  upstream: Neighbour[];
  /** Services this one calls (it is the edge's client). */
  downstream: Neighbour[];
}

function lastFinite(frame: DataFrame): number | undefined {
  const values = frame.fields.find((f) => f.type === FieldType.number)?.values ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return undefined;
}

function edgeLabels(frame: DataFrame): { client?: string; server?: string } {
  const labels = frame.fields.find((f) => f.type === FieldType.number)?.labels ?? {};
  return { client: labels.client, server: labels.server };
}

/**
 * The service's callers and callees from the service-graph series (one frame per client,
 * server and connection type, labels on the value field), busiest first. A call to itself is not a
 * neighbour; an edge with no traffic in the window is left out.
 */
export function neighbourRows(frames: DataFrame[], service: string): Neighbours {
  const requests = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const frame of frames) {
    const { client, server } = edgeLabels(frame);
    const value = lastFinite(frame);
    if (client === undefined || server === undefined || value === undefined || client === server) {
      continue;
    }
    const target =
      frame.refId === NEIGHBOUR_REFS.failed ? failed : frame.refId === NEIGHBOUR_REFS.requests ? requests : undefined;
    // One series per connection type may join the same two services: add them up.
    const key = `${client}\u0000${server}`;
    target?.set(key, (target.get(key) ?? 0) + value);
  }

  const upstream: Neighbour[] = [];
  const downstream: Neighbour[] = [];
  for (const [key, rate] of requests) {
    if (rate <= 0) {
      continue;
    }
    const [client, server] = key.split('\u0000');
    const errorRatio = Math.min(1, (failed.get(key) ?? 0) / rate);
    if (server === service) {
      upstream.push({ service: client, requestRate: rate, errorRatio });
    } else if (client === service) {
      downstream.push({ service: server, requestRate: rate, errorRatio });
    }
  }
  const busiestFirst = (a: Neighbour, b: Neighbour) =>
    b.requestRate - a.requestRate || (a.service < b.service ? -1 : 1);
  return { upstream: upstream.sort(busiestFirst), downstream: downstream.sort(busiestFirst) };
}
