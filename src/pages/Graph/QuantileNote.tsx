import React from 'react';
import { t } from '@grafana/i18n';
import { Alert } from '@grafana/ui';
import { ServiceGraph } from '../../analysis/serviceGraph';
import { formatSeconds } from '../../analysis/serviceGraphFrames';
import { testIds } from '../../components/testIds';
import { textValues } from '../../utils/i18nValues';

/**
 * Says when p95 values are a latency bucket's bound rather than measurements: in the lowest
 * bucket the metrics only tell that the value is at most its bound (shown `≤ 100 ms`), past
 * the highest that it is at least the highest bound (`≥ 10 s`). Nothing when every p95 was
 * measured between two bounds.
 */
export function QuantileNote({ graph }: { graph: ServiceGraph }) {
  const edges = [...graph.edges, ...graph.nodes].map((x) => x.p95Edge).filter((e) => e !== undefined);
  if (edges.length === 0) {
    return null;
  }
  const lowest = edges.find((e) => e.side === 'lowest');
  const highest = edges.find((e) => e.side === 'highest');
  const parts = [
    lowest &&
      t(
        'pivot.graph.quantile.lowest',
        'Some p95 values fall in the lowest latency bucket: they are at most {{bound}} (shown ≤ {{bound}}), and the metrics cannot say how far below.',
        textValues({ bound: formatSeconds(lowest.bound) })
      ),
    highest &&
      t(
        'pivot.graph.quantile.highest',
        'Some p95 values fall past the highest latency bucket: they are at least {{bound}} (shown ≥ {{bound}}), and the metrics cannot say how far above.',
        textValues({ bound: formatSeconds(highest.bound) })
      ),
  ].filter(Boolean);
  return (
    <Alert
      severity="info"
      title={t('pivot.graph.quantile.title', 'p95 bounded by the histogram buckets')}
      data-testid={testIds.graph.quantileNote}
    >
      {parts.join(' ')}{' '}
      {t(
        'pivot.graph.quantile.fix',
        'Buckets that cover your latencies (service_graphs.histogram_buckets in Tempo, latency_histogram_buckets in the Collector servicegraph connector) give measured values.'
      )}
    </Alert>
  );
}
