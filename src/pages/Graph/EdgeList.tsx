import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, locationUtil } from '@grafana/data';
import { Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { GraphEdge, health, NodeKind, ServiceGraph } from '../../analysis/serviceGraph';
import { edgePivots, formatRatio, formatRequests, formatSeconds } from '../../analysis/serviceGraphFrames';
import { exploreUrl } from '../../components/NeighbourhoodGraph/graphLinks';
import { testIds } from '../../components/testIds';
import type { LogConventions } from '../../datasources/conventions';
import type { DataSourceSummary } from '../../datasources/lookup';
import { edgeErrorLogs } from '../../datasources/serviceGraph';
import { serviceUrl, UrlTimeRange } from '../../utils/links';
import { edgeRows } from './graphModel';

interface Props {
  graph: ServiceGraph;
  range: UrlTimeRange;
  tempo?: DataSourceSummary;
  loki?: DataSourceSummary;
  logs: LogConventions;
}

/**
 * The edges of the view beside the graph, failing first, each with its pivots: the Service
 * pages of both ends, the failing traces between them, the error logs of the answering
 * service. The same pivots as the node graph's links, reachable without hunting on the canvas.
 */
export function EdgeList({ graph, range, tempo, loki, logs }: Props) {
  const styles = useStyles2(getStyles);
  const kinds = new Map<string, NodeKind>(graph.nodes.map((n) => [n.id, n.kind]));
  const rows = edgeRows(graph.edges);
  if (rows.length === 0) {
    return null;
  }
  return (
    <div className={styles.list}>
      <Text element="h5">
        Edges
        {rows.length < graph.edges.length
          ? ` (the ${rows.length} that need attention first, of ${graph.edges.length})`
          : ''}
      </Text>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Client → server</th>
            <th>{graph.source === 'sampled' ? 'Calls (sample)' : 'Request rate'}</th>
            <th>Error ratio</th>
            <th>p95</th>
            <th>Pivots</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <EdgeRow
              key={e.id}
              edge={e}
              kinds={kinds}
              graph={graph}
              range={range}
              tempo={tempo}
              loki={loki}
              logs={logs}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EdgeRow({
  edge,
  kinds,
  graph,
  range,
  tempo,
  loki,
  logs,
}: { edge: GraphEdge; kinds: Map<string, NodeKind> } & Props) {
  const styles = useStyles2(getStyles);
  const pivots = edgePivots(edge, kinds);
  const h = health(edge.errorRatio, edge.requests);
  const serviceLink = (service: string) =>
    kinds.get(service) === 'service' ? (
      <TextLink
        href={locationUtil.assureBaseUrl(serviceUrl(service, range))}
        inline
        data-testid={testIds.graph.nodeLink(service)}
      >
        {service}
      </TextLink>
    ) : (
      <Text color="secondary">{service}</Text>
    );
  return (
    <tr data-testid={testIds.graph.edgeRow(edge.id)}>
      <td>
        {serviceLink(edge.client)} → {serviceLink(edge.server)}
      </td>
      <td>{formatRequests(edge.requests, graph.source)}</td>
      <td className={h === 'critical' ? styles.critical : h === 'warning' ? styles.warning : undefined}>
        {edge.errorRatio === undefined ? '' : formatRatio(edge.errorRatio)}
      </td>
      <td>{edge.p95 === undefined ? '' : formatSeconds(edge.p95)}</td>
      <td>
        <Stack direction="row" gap={2}>
          {tempo && (
            <TextLink
              href={locationUtil.assureBaseUrl(
                exploreUrl(
                  tempo,
                  { queryType: 'traceql', query: pivots.traceql, limit: 20, tableType: 'traces' },
                  range
                )
              )}
              icon="gf-traces"
              inline
            >
              Failing traces
            </TextLink>
          )}
          {loki && (
            <TextLink
              href={locationUtil.assureBaseUrl(
                exploreUrl(loki, { expr: edgeErrorLogs(logs, pivots.logsService), queryType: 'range' }, range)
              )}
              icon="gf-logs"
              inline
            >
              Error logs of {pivots.logsService}
            </TextLink>
          )}
        </Stack>
      </td>
    </tr>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  table: css({
    width: '100%',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  critical: css({ color: theme.colors.error.text }),
  warning: css({ color: theme.colors.warning.text }),
});
