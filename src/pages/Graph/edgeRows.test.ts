import fc from 'fast-check';
import { GraphEdge, health } from '../../analysis/serviceGraph';
import { edgeRows } from './graphModel';

const HEALTH_ORDER = { critical: 0, warning: 1, ok: 2, idle: 3 } as const;

/** The list's order as a full sort gives it (what edgeRows did before it kept only the shown rows). */
function sortedThenCut(edges: GraphEdge[], limit: number): GraphEdge[] {
  return [...edges]
    .sort(
      (a, b) =>
        HEALTH_ORDER[health(a.errorRatio, a.requests)] - HEALTH_ORDER[health(b.errorRatio, b.requests)] ||
        (b.errorRatio ?? 0) - (a.errorRatio ?? 0) ||
        b.requests - a.requests ||
        a.id.localeCompare(b.id)
    )
    .slice(0, limit);
}

// Few distinct values, so ties (same health, ratio, volume, even the same id) are common.
const edge = fc
  .record({
    client: fc.constantFrom('a', 'b', 'é', 'A', '"x"', '$1', ''),
    server: fc.constantFrom('a', 'b', 'c'),
    requests: fc.constantFrom(0, 0.5, 1, 10, 1e9),
    failed: fc.constantFrom(0, 0.001, 0.5, 1, 10),
    noRatio: fc.boolean(),
    n: fc.nat(3),
  })
  .map(({ client, server, requests, failed, noRatio, n }): GraphEdge => ({
    id: `${client} → ${server}`,
    client,
    server,
    connectionType: '',
    requests,
    failed,
    errorRatio: noRatio || requests === 0 ? undefined : failed / requests,
    // Tells apart equal edges: a stable sort keeps them in their order.
    p95: n,
  }));

describe('edgeRows', () => {
  it('is the first rows of the full sort, equal edges in their order, for any edges and limit', () => {
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 120 }), fc.integer({ min: 0, max: 60 }), (edges, limit) => {
        const rows = edgeRows(edges, limit);
        const expected = sortedThenCut(edges, limit);
        expect(rows).toHaveLength(expected.length);
        rows.forEach((row, i) => expect(row).toBe(expected[i]));
      }),
      { numRuns: 300 }
    );
  });

  it('shows 50 by default and does not reorder its input', () => {
    const edges = Array.from({ length: 200 }, (_, i): GraphEdge => ({
      id: `c${i} → s${i}`,
      client: `c${i}`,
      server: `s${i}`,
      connectionType: '',
      requests: i,
      failed: i % 7,
      errorRatio: i === 0 ? undefined : (i % 7) / i,
    }));
    const before = [...edges];
    expect(edgeRows(edges)).toEqual(sortedThenCut(edges, 50));
    expect(edges).toEqual(before);
  });
});
