/**
 * Grafana's answers to the Hygiene page's requests, for scene tests: the raw Prometheus, Loki
 * volume and Tempo JSON that the data source resource paths pass through, and Grafana's classic
 * Loki log frames for `/api/ds/query`, all shaped like the demo's storefront (user_id on a
 * counter, user.id on spans, an email in its `receipt sent` line, span names with order ids).
 */
import type { ProbeClient, ProbeRequest } from '../datasources/probes';
import { customerId, DEMO_CUSTOMERS, receiptLine } from '../analysis/fixtures/hygieneEvidence';

export type HygieneAnswer = (req: ProbeRequest) => unknown;

const ok = (data: unknown) => ({ status: 'success', data });
const vector = (rows: Array<[Record<string, string>, number]>) =>
  ok({ resultType: 'vector', result: rows.map(([metric, v]) => ({ metric, value: [1_700_000_900, String(v)] })) });

const customers = Array.from({ length: DEMO_CUSTOMERS }, (_, i) => customerId(i + 1));

/** The demo storefront's telemetry, as each API answers it; `empty` for a quiet system. */
export function demoAnswers(empty = false): HygieneAnswer {
  return (req) => {
    const url = new URL(req.url, 'http://grafana');
    const path = url.pathname;
    const param = (k: string) => url.searchParams.get(k) ?? '';
    if (path === '/api/ds/query') {
      const lines = empty ? [] : [1, 2, 3].map(receiptLine);
      return {
        results: {
          'hygiene-lines': {
            frames: [
              {
                schema: { fields: [{ name: 'labels' }, { name: 'Time' }, { name: 'Line' }] },
                data: {
                  values: [
                    lines.map(() => ({ service_name: 'storefront' })),
                    lines.map(() => 1_700_000_000_000),
                    lines,
                  ],
                },
              },
            ],
          },
        },
      };
    }
    if (path.endsWith('/api/v1/query')) {
      const q = param('query');
      if (empty) {
        return vector([]);
      }
      if (q.includes('pivot_metric_name')) {
        return vector([[{ job: 'storefront', pivot_metric_name: 'storefront_checkouts_total' }, DEMO_CUSTOMERS]]);
      }
      if (q.includes('count by (user_id)')) {
        return vector(customers.map((c) => [{ user_id: c }, 1]));
      }
      if (q.includes('user_id')) {
        return vector([[{ job: 'storefront' }, DEMO_CUSTOMERS]]);
      }
      return vector([
        [{ job: 'storefront', service_name: 'storefront' }, DEMO_CUSTOMERS + 2],
        [{ job: 'checkout', service_name: 'checkout' }, 2],
      ]);
    }
    if (path.endsWith('/api/v1/labels')) {
      return ok(empty ? [] : ['__name__', 'job', 'service_name', 'user_id']);
    }
    if (path.endsWith('/api/v1/status/tsdb')) {
      return ok({
        labelValueCountByLabelName: [{ name: 'user_id', value: DEMO_CUSTOMERS }],
        seriesCountByMetricName: [],
      });
    }
    if (path.endsWith('/index/volume')) {
      return ok({
        resultType: 'vector',
        result: empty ? [] : [{ metric: { service_name: 'storefront' }, value: [0, '100'] }],
      });
    }
    if (path.endsWith('/api/v2/search/tags')) {
      const scope = param('scope');
      return { scopes: [{ name: scope, tags: empty ? [] : scope === 'span' ? ['user.id'] : ['service.name'] }] };
    }
    const tag = /\/api\/v2\/search\/tag\/([^/]+)\/values$/.exec(path);
    if (tag) {
      const name = decodeURIComponent(tag[1]);
      const values = empty
        ? []
        : name === 'span.user.id'
          ? customers
          : name === 'name'
            ? ['POST /checkout', 'GET /orders/12345', 'GET /orders/67890']
            : name === 'resource.service.name'
              ? ['storefront']
              : [];
      return { tagValues: values.map((value) => ({ type: 'string', value })) };
    }
    throw { status: 404, data: { message: `unexpected request ${req.url}` } };
  };
}

/** A client answering with `answer`, recording every URL; `fail(url)` rejects a request as Grafana does. */
export function fakeHygieneClient(
  answer: HygieneAnswer,
  fail: (req: ProbeRequest) => unknown = () => undefined
): ProbeClient & { requests: ProbeRequest[] } {
  const requests: ProbeRequest[] = [];
  return {
    requests,
    request: async (req) => {
      requests.push(req);
      const error = fail(req);
      if (error !== undefined) {
        throw error;
      }
      return answer(req);
    },
  };
}
