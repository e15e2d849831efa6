import { DataFrame } from '@grafana/data';
import { checkoutFailureFrame } from './fixtures/traceFrames';
import { analyzeTrace } from './traceAnalysis';
import { EDGE_FIELDS, FAILED_COLOR, FAILURE_ICON, NODE_FIELDS, OK_COLOR, traceGraphFrames } from './traceGraphFrames';
import { serviceRowValue } from '../utils/links';

const values = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)?.values;

describe('traceGraphFrames', () => {
  const [nodes, edges] = traceGraphFrames(analyzeTrace(checkoutFailureFrame()));

  it('names the frames as the node graph panel expects', () => {
    expect(nodes.name).toBe('nodes');
    expect(edges.name).toBe('edges');
    expect(nodes.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(edges.meta?.preferredVisualisationType).toBe('nodeGraph');
  });

  it('has one node per service with spans and failed spans, and the origin marked', () => {
    expect(nodes.length).toBe(5);
    expect(values(nodes, NODE_FIELDS.id)).toEqual(['checkout', 'fraud', 'frontend', 'payment', 'postgres']);
    expect(values(nodes, NODE_FIELDS.mainStat)).toEqual([3, 2, 2, 2, 1]);
    expect(values(nodes, NODE_FIELDS.secondaryStat)).toEqual([2, 0, 2, 2, 1]);
    expect(values(nodes, NODE_FIELDS.icon)).toEqual(['', '', '', '', FAILURE_ICON]);
    expect(values(nodes, NODE_FIELDS.subtitle)).toEqual(['', '', '', '', 'failure origin']);
  });

  it('gives each node arcs that sum to 1, failed in red', () => {
    const failed = values(nodes, NODE_FIELDS.failedArc) as number[];
    const ok = values(nodes, NODE_FIELDS.okArc) as number[];
    failed.forEach((f, i) => expect(f + ok[i]).toBeCloseTo(1));
    expect(failed[0]).toBeCloseTo(2 / 3);
    expect(failed[1]).toBe(0);
    const failedField = nodes.fields.find((f) => f.name === NODE_FIELDS.failedArc);
    expect(failedField?.config.color?.fixedColor).toBe(FAILED_COLOR);
  });

  it('has one edge per service pair with calls, failed calls and a colour', () => {
    expect(edges.length).toBe(4);
    expect(values(edges, EDGE_FIELDS.source)).toEqual(['checkout', 'checkout', 'frontend', 'payment']);
    expect(values(edges, EDGE_FIELDS.target)).toEqual(['fraud', 'payment', 'checkout', 'postgres']);
    expect(values(edges, EDGE_FIELDS.mainStat)).toEqual([1, 1, 1, 1]);
    expect(values(edges, EDGE_FIELDS.secondaryStat)).toEqual([0, 1, 1, 1]);
    expect(values(edges, EDGE_FIELDS.color)).toEqual([OK_COLOR, FAILED_COLOR, FAILED_COLOR, FAILED_COLOR]);
    const ids = values(edges, EDGE_FIELDS.id) as string[];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('links no node unless given the Service page template, then each node by its own field', () => {
    expect(nodes.fields.some((f) => f.config.links?.length)).toBe(false);
    expect(nodes.fields.map((f) => f.name)).not.toContain(NODE_FIELDS.pivotService);
    const url = '/a/pivot-correlation-app/services/${__value.raw:raw}?from=1&to=2';
    const [linkedNodes, linkedEdges] = traceGraphFrames(analyzeTrace(checkoutFailureFrame()), { serviceUrl: url });
    const pivot = linkedNodes.fields.find((f) => f.name === NODE_FIELDS.pivotService);
    expect(pivot?.config.links).toEqual([{ title: 'Pivot/Open the service page', url }]);
    // Each node's service as the path segment the builders write: the template takes it as it is.
    expect(pivot?.values).toEqual((values(linkedNodes, NODE_FIELDS.id) as string[]).map(serviceRowValue));
    // Only that field is new and only it links: the edges and the other node fields are unchanged.
    expect(linkedEdges).toEqual(edges);
    expect(linkedNodes.fields.filter((f) => f.name !== NODE_FIELDS.pivotService)).toEqual(nodes.fields);
  });

  it('gives empty frames for a trace without spans', () => {
    const [n, e] = traceGraphFrames(analyzeTrace(undefined));
    expect(n.length).toBe(0);
    expect(e.length).toBe(0);
    expect(n.fields.every((f) => f.values.length === 0)).toBe(true);
  });
});
