import { NEIGHBOUR_REFS as N, neighbourRows } from './neighbourRows';
import { promSeries } from './testing/frames';

const T = 1_700_000_000_000;
const edge = (refId: string, client: string, server: string, value: number) =>
  promSeries(refId, { client, server }, [[T, value]]);

describe('neighbourRows', () => {
  it('splits the edges into callers and callees, busiest first, with their error ratio', () => {
    const result = neighbourRows(
      [
        edge(N.requests, 'frontend', 'checkout', 10),
        edge(N.requests, 'mobile', 'checkout', 30),
        edge(N.requests, 'checkout', 'payments', 5),
        edge(N.requests, 'checkout', 'postgres', 20),
        edge(N.failed, 'checkout', 'payments', 1),
        edge(N.failed, 'checkout', 'postgres', 0),
      ],
      'checkout'
    );
    expect(result.upstream).toEqual([
      { service: 'mobile', requestRate: 30, errorRatio: 0 },
      { service: 'frontend', requestRate: 10, errorRatio: 0 },
    ]);
    expect(result.downstream).toEqual([
      { service: 'postgres', requestRate: 20, errorRatio: 0 },
      { service: 'payments', requestRate: 5, errorRatio: 0.2 },
    ]);
  });

  it('leaves out calls to itself, idle edges and series without client or server', () => {
    const result = neighbourRows(
      [
        edge(N.requests, 'checkout', 'checkout', 3),
        edge(N.requests, 'frontend', 'checkout', 0),
        promSeries(N.requests, { client: 'x' }, [[T, 1]]),
        edge(N.requests, 'other', 'elsewhere', 4),
      ],
      'checkout'
    );
    expect(result).toEqual({ upstream: [], downstream: [] });
  });

  it('adds up the series of one pair of services across connection types', () => {
    const result = neighbourRows(
      [
        promSeries(N.requests, { client: 'checkout', server: 'db', connection_type: 'database' }, [[T, 3]]),
        promSeries(N.requests, { client: 'checkout', server: 'db' }, [[T, 1]]),
        promSeries(N.failed, { client: 'checkout', server: 'db', connection_type: 'database' }, [[T, 2]]),
      ],
      'checkout'
    );
    expect(result.downstream).toEqual([{ service: 'db', requestRate: 4, errorRatio: 0.5 }]);
  });

  it('handles names with separators and quotes', () => {
    const result = neighbourRows([edge(N.requests, 'a"b c', 'svc/1', 2)], 'svc/1');
    expect(result.upstream.map((n) => n.service)).toEqual(['a"b c']);
  });
});
