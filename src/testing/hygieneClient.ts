/**
 * A `ProbeClient` that answers the Hygiene page's Grafana requests from real servers, as
 * Grafana would: data source resource paths go to the server's API (Prometheus and Tempo as
 * they are, Loki under `/loki/api/v1/`), and a Loki `/api/ds/query` becomes a `query_range`
 * whose streams come back as Grafana's classic log frames (`labels`, `Time`, `Line`), looked up
 * by field name. A failed request rejects like Grafana's backend service: `{ status, data }`.
 */
import { request } from 'node:http';

import type { ProbeClient, ProbeRequest } from '../datasources/probes';

export interface HygieneServers {
  /** Data source uid → base URL of the server. */
  prometheus?: { uid: string; url: string };
  loki?: { uid: string; url: string };
  tempo?: { uid: string; url: string };
}

const RESOURCE = /^\/api\/datasources\/uid\/([^/]+)\/resources\/(.*)$/;

// node:http, not fetch: jest's jsdom environment has no fetch.
function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = { message: text.trim() };
        }
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject({ status, statusText: res.statusMessage, data: body });
        } else {
          resolve(body);
        }
      });
      res.on('error', reject);
    });
    req.on('error', (e) => reject(e));
    req.end();
  });
}

interface LokiQuery {
  refId: string;
  expr: string;
  maxLines: number;
  direction: string;
}

async function lokiFrames(base: string, query: LokiQuery, from: string, to: string): Promise<unknown> {
  const params = new URLSearchParams({
    query: query.expr,
    start: `${from}000000`,
    end: `${to}000000`,
    limit: String(query.maxLines),
    direction: query.direction,
  });
  let answer: unknown;
  try {
    answer = await getJson(`${base}/loki/api/v1/query_range?${params.toString()}`);
  } catch (error) {
    const data = (error as { data?: { message?: string } }).data;
    return { results: { [query.refId]: { error: data?.message ?? String(error), frames: [] } } };
  }
  const streams = (answer as { data: { result: Array<{ stream: Record<string, string>; values: string[][] }> } }).data
    .result;
  const frames = streams.map((s) => ({
    schema: {
      fields: [
        { name: 'labels', type: 'other' },
        { name: 'Time', type: 'time' },
        { name: 'Line', type: 'string' },
      ],
    },
    data: {
      values: [
        s.values.map(() => s.stream),
        s.values.map((v) => Math.floor(Number(v[0]) / 1e6)),
        s.values.map((v) => v[1]),
      ],
    },
  }));
  return { results: { [query.refId]: { frames } } };
}

export function hygieneClient(servers: HygieneServers): ProbeClient & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    request: async (req: ProbeRequest) => {
      urls.push(req.url);
      if (req.url === '/api/ds/query' && servers.loki) {
        const body = req.data as { queries: LokiQuery[]; from: string; to: string };
        return lokiFrames(servers.loki.url, body.queries[0], body.from, body.to);
      }
      const match = RESOURCE.exec(req.url);
      if (!match) {
        throw { status: 404, data: { message: `not a resource path: ${req.url}` } };
      }
      const [, uid, rest] = match;
      const uidOf = decodeURIComponent(uid);
      if (servers.prometheus?.uid === uidOf) {
        return getJson(`${servers.prometheus.url}/${rest}`);
      }
      if (servers.loki?.uid === uidOf) {
        return getJson(`${servers.loki.url}/loki/api/v1/${rest}`);
      }
      if (servers.tempo?.uid === uidOf) {
        return getJson(`${servers.tempo.url}/${rest}`);
      }
      throw { status: 404, data: { message: `Data source not found: ${uidOf}` } };
    },
  };
}
