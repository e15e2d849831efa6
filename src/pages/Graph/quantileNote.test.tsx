import React from 'react';
import { render, screen } from '@testing-library/react';
import { ServiceGraph } from '../../analysis/serviceGraph';
import { testIds } from '../../components/testIds';
import { QuantileNote } from './QuantileNote';

const graph = (p95Edge?: { side: 'lowest' | 'highest'; bound: number }): ServiceGraph => ({
  source: 'metrics',
  nodes: [{ id: 'payment', kind: 'service', served: 5, failed: 0, errorRatio: 0, p95: 0.095, p95Edge, sent: 0 }],
  edges: [
    {
      id: 'checkout → payment',
      client: 'checkout',
      server: 'payment',
      connectionType: '',
      requests: 5,
      failed: 0,
      errorRatio: 0,
      p95: 0.095,
      p95Edge,
    },
  ],
});

describe('QuantileNote', () => {
  it('says the p95 is the lowest bucket`s bound and how to get measured values', () => {
    render(<QuantileNote graph={graph({ side: 'lowest', bound: 0.1 })} />);
    const note = screen.getByTestId(testIds.graph.quantileNote);
    expect(note.textContent).toContain('at most 100 ms (shown ≤ 100 ms)');
    expect(note.textContent).toContain('service_graphs.histogram_buckets');
  });

  it('says the p95 is past the highest bucket', () => {
    render(<QuantileNote graph={graph({ side: 'highest', bound: 12.8 })} />);
    expect(screen.getByTestId(testIds.graph.quantileNote).textContent).toContain('at least 12.8 s (shown ≥ 12.8 s)');
  });

  it('shows nothing when every p95 was measured', () => {
    render(<QuantileNote graph={graph()} />);
    expect(screen.queryByTestId(testIds.graph.quantileNote)).toBeNull();
  });
});
