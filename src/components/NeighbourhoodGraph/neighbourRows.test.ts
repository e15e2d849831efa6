import { DataFrame } from '@grafana/data';
import { graphFromMetrics } from '../../analysis/serviceGraph';
import { GRAPH_REFS as G } from '../../datasources/serviceGraph';
import { promSeries } from '../../testing/frames';
import { neighbourRows } from './neighbourRows';

const T = 1_700_000_000_000;
const edge = (refId: string, client: string, server: string, value: number) =>
  promSeries(refId, { client, server }, [[T, value]]);

/** The rows from the frames of the graph queries, through the model the node graph is drawn from. */
const rows = (frames: DataFrame[], service: string) =>
  neighbourRows(graphFromMetrics(frames, { statsFor: new Set([service]) }), service);

describe('neighbourRows', () => {
  it('splits the edges into callers and callees, busiest first, with their error ratio', () => {
    const result = rows(
      [
        edge(G.requests, 'frontend', 'checkout', 10),
        edge(G.requests, 'mobile', 'checkout', 30),
        edge(G.requests, 'checkout', 'payments', 5),
        edge(G.requests, 'checkout', 'postgres', 20),
        edge(G.failed, 'checkout', 'payments', 1),
        edge(G.failed, 'checkout', 'postgres', 0),
      ],
      'checkout'
    );
    expect(result.upstream).toEqual([
      { service: 'mobile', kind: 'service', requestRate: 30, errorRatio: 0 },
      { service: 'frontend', kind: 'service', requestRate: 10, errorRatio: 0 },
    ]);
    expect(result.downstream).toEqual([
      { service: 'postgres', kind: 'service', requestRate: 20, errorRatio: 0 },
      { service: 'payments', kind: 'service', requestRate: 5, errorRatio: 0.2 },
    ]);
  });

  it('leaves out calls to itself, idle edges and series without client or server', () => {
    const result = rows(
      [
        edge(G.requests, 'checkout', 'checkout', 3),
        edge(G.requests, 'frontend', 'checkout', 0),
        promSeries(G.requests, { client: 'x' }, [[T, 1]]),
        edge(G.requests, 'other', 'elsewhere', 4),
      ],
      'checkout'
    );
    expect(result).toEqual({ upstream: [], downstream: [] });
  });

  it('adds up the series of one pair of services across connection types', () => {
    const result = rows(
      [
        promSeries(G.requests, { client: 'checkout', server: 'db', connection_type: 'database' }, [[T, 3]]),
        promSeries(G.requests, { client: 'checkout', server: 'db' }, [[T, 1]]),
        promSeries(G.failed, { client: 'checkout', server: 'db', connection_type: 'database' }, [[T, 2]]),
      ],
      'checkout'
    );
    expect(result.downstream).toEqual([expect.objectContaining({ service: 'db', requestRate: 4, errorRatio: 0.5 })]);
  });

  it('says which neighbours are databases or uninstrumented peers (no Service page to link)', () => {
    const result = rows(
      [
        promSeries(G.requests, { client: 'user', server: 'checkout', connection_type: 'virtual_node' }, [[T, 8]]),
        promSeries(G.requests, { client: 'checkout', server: 'postgres', connection_type: 'database' }, [[T, 6]]),
        edge(G.requests, 'checkout', 'payments', 2),
      ],
      'checkout'
    );
    expect(result.upstream.map((n) => [n.service, n.kind])).toEqual([['user', 'uninstrumented']]);
    expect(result.downstream.map((n) => [n.service, n.kind])).toEqual([
      ['postgres', 'database'],
      ['payments', 'service'],
    ]);
  });

  it('handles names with separators and quotes', () => {
    const result = rows([edge(G.requests, 'a"b c', 'svc/1', 2)], 'svc/1');
    expect(result.upstream.map((n) => n.service)).toEqual(['a"b c']);
  });
});
