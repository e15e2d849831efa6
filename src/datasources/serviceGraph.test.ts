import fc from 'fast-check';

import { expectValidLogQL, expectValidPromQL, expectValidTraceQL, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import {
  edgeErrorLogs,
  edgeFailedRate,
  edgeLatencyQuantile,
  edgeRequestRate,
  failingBetween,
  failingFromUninstrumented,
  failingToPeer,
  GRAPH_REFS,
  graphQueries,
  latencyBucketBounds,
  nodeLatencyQuantile,
} from './serviceGraph';

const HOSTILE = [
  '"',
  '\\',
  '}',
  '{',
  '`',
  "'",
  '|',
  '=',
  '~',
  ',',
  '(',
  ')',
  '$',
  '[',
  ':',
  '\n',
  ' ',
  '>',
  '&',
  'a',
  '😀',
];
const name = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 20 });
const WINDOWS = ['5m', '$__range', '1h30m'];

describe('service graph PromQL', () => {
  it('asks the whole graph with one query per statistic, grouped by client, server and connection type', () => {
    expect(edgeRequestRate({ window: '$__range' })).toBe(
      'sum by (client, server, connection_type) (rate(traces_service_graph_request_total[$__range]))'
    );
    expect(edgeFailedRate({ window: '5m' })).toBe(
      'sum by (client, server, connection_type) (rate(traces_service_graph_request_failed_total[5m]))'
    );
    expect(edgeLatencyQuantile({ window: '5m', quantile: 0.95 })).toBe(
      'histogram_quantile(0.95, sum by (le, client, server, connection_type) (rate(traces_service_graph_request_server_seconds_bucket[5m])))'
    );
    expect(nodeLatencyQuantile({ window: '5m', quantile: 0.95 })).toBe(
      'histogram_quantile(0.95, sum by (le, server) (rate(traces_service_graph_request_server_seconds_bucket[5m])))'
    );
    const queries = graphQueries({ window: '$__range' });
    expect(queries.map((q) => q.refId)).toEqual([
      GRAPH_REFS.requests,
      GRAPH_REFS.failed,
      GRAPH_REFS.edgeP95,
      GRAPH_REFS.nodeP95,
      GRAPH_REFS.latencyBuckets,
    ]);
    expect(latencyBucketBounds({ window: '5m' })).toBe(
      'group by (le) (last_over_time(traces_service_graph_request_server_seconds_bucket[5m]))'
    );
    expect(latencyBucketBounds({ window: '5m', service: 'cart' })).toBe(
      'group by (le) (last_over_time(traces_service_graph_request_server_seconds_bucket{server="cart"}[5m])' +
        ' or last_over_time(traces_service_graph_request_server_seconds_bucket{client="cart"}[5m]))'
    );
    expect(() => latencyBucketBounds({ window: '5m])) or vector(1' })).toThrow(/Invalid PromQL window/);
  });

  it('narrows to the edges touching one service: upstream (server) or downstream (client)', () => {
    expect(edgeRequestRate({ window: '5m', service: 'cart' })).toBe(
      'sum by (client, server, connection_type) (rate(traces_service_graph_request_total{server="cart"}[5m]))' +
        ' or sum by (client, server, connection_type) (rate(traces_service_graph_request_total{client="cart"}[5m]))'
    );
    expect(edgeLatencyQuantile({ window: '5m', service: 'cart', quantile: 0.5 })).toBe(
      'histogram_quantile(0.5, sum by (le, client, server, connection_type) (rate(traces_service_graph_request_server_seconds_bucket{server="cart"}[5m]))' +
        ' or sum by (le, client, server, connection_type) (rate(traces_service_graph_request_server_seconds_bucket{client="cart"}[5m])))'
    );
    expect(nodeLatencyQuantile({ window: '5m', service: 'cart', quantile: 0.95 })).toMatch(/\{server="cart"\}/);
  });

  it('parses for every window and any service name, which stays one literal (property)', () => {
    fc.assert(
      fc.property(name, fc.constantFrom(...WINDOWS), (service, window) => {
        for (const q of graphQueries({ window, service })) {
          expectValidPromQL(q.expr);
          const literals = nodeTexts('PromQL', q.expr, 'StringLiteral');
          expect(literals.every((l) => goUnquote(l) === service)).toBe(true);
        }
      }),
      { numRuns: 200 }
    );
    for (const window of WINDOWS) {
      graphQueries({ window }).forEach((q) => expectValidPromQL(q.expr));
    }
  });

  it('rejects a quantile outside 0..1 and a window that is not a duration', () => {
    expect(() => edgeLatencyQuantile({ window: '5m', quantile: 95 })).toThrow(/quantile/);
    expect(() => edgeRequestRate({ window: '5m] or vector(1) #' })).toThrow(/window/);
  });
});

describe('service graph TraceQL', () => {
  it('writes the failing calls between a client and a server as a parent/child structural query', () => {
    expect(failingBetween({ client: 'frontend', server: 'cart' })).toBe(
      '{ resource.service.name = "frontend" && kind = client } > { resource.service.name = "cart" && kind = server && status = error }'
    );
    expect(failingToPeer({ client: 'cart', server: 'redis' })).toBe(
      '{ resource.service.name = "cart" && kind = client && status = error && (span.peer.service = "redis" || span.db.name = "redis" || span.db.system = "redis") }'
    );
    expect(failingFromUninstrumented({ server: 'frontend' })).toBe(
      '{ resource.service.name = "frontend" && kind = server && status = error }'
    );
  });

  it('parses for any pair of names, each kept as one literal (property)', () => {
    fc.assert(
      fc.property(name, name, (client, server) => {
        for (const q of [failingBetween({ client, server }), failingToPeer({ client, server })]) {
          expectValidTraceQL(q);
          const literals = nodeTexts('TraceQL', q, 'String').map(goUnquote);
          expect(literals[0]).toBe(client);
          expect(literals.slice(1).every((l) => l === server)).toBe(true);
        }
      }),
      { numRuns: 200 }
    );
  });
});

describe('service graph LogQL', () => {
  it('asks the error logs of one service', () => {
    const q = edgeErrorLogs({ serviceLabel: 'service_name', traceId: 'structured-metadata' }, 'cart"x');
    expect(q).toBe('{service_name="cart\\"x"} | detected_level=~"error|critical|fatal"');
    expectValidLogQL(q);
  });
});
