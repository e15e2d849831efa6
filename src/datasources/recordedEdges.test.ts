import fc from 'fast-check';

import { expectValidPromQL, nodeTexts } from '../testing/grammar';
import { goUnquote } from '../testing/goUnquote';
import {
  graphQueriesFor,
  RECORDED_EDGES_PROBE_REF,
  recordedEdgeFailedRate,
  recordedEdgeLatencyQuantile,
  recordedEdgeRequestRate,
  recordedEdgesProbeQuery,
  recordedGraphQueries,
  recordedLatencyBucketBounds,
  recordedNodeLatencyQuantile,
} from './recordedEdges';
import { EDGE_LONG_SERIES, EDGE_SERIES } from './redSeries';
import { graphQueries } from './serviceGraph';

const HOSTILE = ['"', '\\', '}', '{', '`', "'", '|', '=', '~', ',', '(', ')', '$', '[', ':', '\n', ' ', '#', 'a', '😀'];
const name = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 20 });
const WINDOWS = ['5m', '1h', '$__range', '1h30m'];

describe('recorded service-graph edge queries', () => {
  it('reads the recorded 5-minute series as they are over 5 minutes', () => {
    expect(recordedEdgeRequestRate({ window: '5m' })).toBe(
      `sum by (client, server, connection_type) (${EDGE_SERIES.requests})`
    );
    expect(recordedEdgeFailedRate({ window: '5m', service: 'cart' })).toBe(
      `sum by (client, server, connection_type) (${EDGE_SERIES.failed}{server="cart"})` +
        ` or sum by (client, server, connection_type) (${EDGE_SERIES.failed}{client="cart"})`
    );
    expect(recordedNodeLatencyQuantile({ window: '5m', quantile: 0.95 })).toBe(
      `histogram_quantile(0.95, sum by (le, server) (${EDGE_SERIES.serverBucket}))`
    );
    expect(recordedLatencyBucketBounds({ window: '5m' })).toBe(`group by (le) (${EDGE_SERIES.serverBucket})`);
  });

  it('averages the 5-minute rates tiling a longer window (a subquery at 5-minute steps), quantiles from the averaged buckets', () => {
    expect(recordedEdgeRequestRate({ window: '$__range' })).toBe(
      `sum by (client, server, connection_type) ((sum_over_time(${EDGE_SERIES.requests}[$__range:5m]) / scalar(count_over_time(vector(1)[$__range:5m]))))`
    );
    expect(recordedEdgeLatencyQuantile({ window: '2h', quantile: 0.5 })).toBe(
      `histogram_quantile(0.5, sum by (le, client, server, connection_type) ((sum_over_time(${EDGE_SERIES.serverBucket}[2h:5m]) / scalar(count_over_time(vector(1)[2h:5m])))))`
    );
    expect(recordedNodeLatencyQuantile({ window: '30m', service: 'cart', quantile: 0.95 })).toBe(
      `histogram_quantile(0.95, sum by (le, server) ((sum_over_time(${EDGE_SERIES.serverBucket}{server="cart"}[30m:5m]) / scalar(count_over_time(vector(1)[30m:5m])))))`
    );
    expect(recordedLatencyBucketBounds({ window: '$__range', service: 'cart' })).toBe(
      `group by (le) (last_over_time(${EDGE_SERIES.serverBucket}{server="cart"}[$__range:5m])` +
        ` or last_over_time(${EDGE_SERIES.serverBucket}{client="cart"}[$__range:5m]))`
    );
  });

  it('reads the recorded 1-hour series as they are over 1 hour, quantiles from the 1-hour bucket rates', () => {
    expect(recordedEdgeRequestRate({ window: '1h' })).toBe(
      `sum by (client, server, connection_type) (${EDGE_LONG_SERIES.requests})`
    );
    expect(recordedEdgeFailedRate({ window: '1h', service: 'cart' })).toBe(
      `sum by (client, server, connection_type) (${EDGE_LONG_SERIES.failed}{server="cart"})` +
        ` or sum by (client, server, connection_type) (${EDGE_LONG_SERIES.failed}{client="cart"})`
    );
    expect(recordedEdgeLatencyQuantile({ window: '1h', quantile: 0.95 })).toBe(
      `histogram_quantile(0.95, sum by (le, client, server, connection_type) (${EDGE_LONG_SERIES.serverBucket}))`
    );
    expect(recordedNodeLatencyQuantile({ window: '1h', service: 'cart', quantile: 0.95 })).toBe(
      `histogram_quantile(0.95, sum by (le, server) (${EDGE_LONG_SERIES.serverBucket}{server="cart"}))`
    );
    expect(recordedLatencyBucketBounds({ window: '1h' })).toBe(`group by (le) (${EDGE_LONG_SERIES.serverBucket})`);
    // Nothing but the 1-hour series: no subquery, no 5-minute series.
    for (const q of recordedGraphQueries({ window: '1h', service: 'cart' })) {
      expect(q.expr).not.toMatch(/\[|rate5m/);
    }
  });

  it('answers under the raw queries’ refIds, instant, so the page reads either unchanged', () => {
    for (const service of [undefined, 'cart']) {
      const raw = graphQueries({ window: '$__range', service });
      const recorded = recordedGraphQueries({ window: '$__range', service });
      expect(recorded.map(({ expr: _, ...q }) => q)).toEqual(raw.map(({ expr: _, ...q }) => q));
      recorded.forEach((q, i) => expect(q.expr).not.toBe(raw[i].expr));
      expect(graphQueriesFor({ window: '$__range', service }, false)).toEqual(raw);
      expect(graphQueriesFor({ window: '$__range', service }, true)).toEqual(recorded);
      // No raw service-graph series is read.
      recorded.forEach((q) => expect(q.expr).not.toMatch(/(^|[^:])traces_service_graph/));
    }
  });

  it('parses for every window and any service name, which stays one literal (property)', () => {
    fc.assert(
      fc.property(name, fc.constantFrom(...WINDOWS), (service, window) => {
        for (const q of recordedGraphQueries({ window, service })) {
          expectValidPromQL(q.expr);
          const literals = nodeTexts('PromQL', q.expr, 'StringLiteral');
          expect(literals.length).toBeGreaterThan(0);
          expect(literals.every((l) => goUnquote(l) === service)).toBe(true);
          // Grafana interpolation: no `$` or `[[` of the name reaches the query text as written.
          expect(literals.every((l) => !l.includes('$') && !l.includes('[['))).toBe(true);
        }
      }),
      { numRuns: 200 }
    );
    for (const window of WINDOWS) {
      recordedGraphQueries({ window }).forEach((q) => expectValidPromQL(q.expr));
    }
  });

  it('rejects a window that is not a duration and a quantile outside 0..1', () => {
    expect(() => recordedEdgeRequestRate({ window: '5m] or vector(1) #' })).toThrow(/Invalid PromQL window/);
    expect(() => recordedLatencyBucketBounds({ window: '1h:1m])' })).toThrow(/Invalid PromQL window/);
    expect(() => recordedEdgeLatencyQuantile({ window: '5m', quantile: 95 })).toThrow(/quantile/);
    expect(() => recordedNodeLatencyQuantile({ window: '5m', quantile: NaN })).toThrow(/quantile/);
  });

  it('probes for the recorded edge request rate at 5m and 1h both, apart from the per-service series', () => {
    expect(recordedEdgesProbeQuery()).toEqual({
      refId: RECORDED_EDGES_PROBE_REF,
      expr: `count(${EDGE_SERIES.requests}) and on () count(${EDGE_LONG_SERIES.requests})`,
    });
    expectValidPromQL(recordedEdgesProbeQuery().expr);
  });
});
