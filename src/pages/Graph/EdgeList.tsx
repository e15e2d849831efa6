import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, locationUtil } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Button, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { GraphEdge, health, NodeKind, ServiceGraph } from '../../analysis/serviceGraph';
import { edgePivots, formatQuantile, formatRatio, formatRequests } from '../../analysis/serviceGraphFrames';
import { testIds } from '../../components/testIds';
import type { LogConventions } from '../../datasources/conventions';
import type { DataSourceSummary } from '../../datasources/lookup';
import { edgeErrorLogs } from '../../datasources/serviceGraph';
import { textValues } from '../../utils/i18nValues';
import { exploreUrl, serviceUrl, UrlTimeRange } from '../../utils/links';
import { EdgeFailingTraces } from './EdgeFailingTraces';
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
  // Once per graph, not on every render (the time picker re-renders the list).
  const kinds = useMemo(() => new Map<string, NodeKind>(graph.nodes.map((n) => [n.id, n.kind])), [graph.nodes]);
  const rows = useMemo(() => edgeRows(graph.edges), [graph.edges]);
  if (rows.length === 0) {
    return null;
  }
  return (
    <div className={styles.list}>
      <Text element="h5">
        {rows.length < graph.edges.length
          ? t(
              'pivot.graph.edges.heading-first',
              'Edges (the {{shown}} that need attention first, of {{total}})',
              textValues({ shown: rows.length, total: graph.edges.length })
            )
          : t('pivot.graph.edges.heading', 'Edges')}
      </Text>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>
              <Trans i18nKey="pivot.graph.edges.client-server">Client → server</Trans>
            </th>
            <th>
              {graph.source === 'sampled'
                ? t('pivot.graph.edges.calls-sample', 'Calls (sample)')
                : t('pivot.graph.edges.request-rate', 'Request rate')}
            </th>
            <th>
              <Trans i18nKey="pivot.graph.edges.error-ratio">Error ratio</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.graph.edges.p95">p95</Trans>
            </th>
            <th>
              <Trans i18nKey="pivot.graph.edges.pivots">Pivots</Trans>
            </th>
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
  // The edge's failing traces open as a list under the row, each to Pivot's Trace page.
  const [showTraces, setShowTraces] = useState(false);
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
    <>
      <tr data-testid={testIds.graph.edgeRow(edge.id)}>
        <td>
          {serviceLink(edge.client)} → {serviceLink(edge.server)}
        </td>
        <td>{formatRequests(edge.requests, graph.source)}</td>
        <td className={h === 'critical' ? styles.critical : h === 'warning' ? styles.warning : undefined}>
          {edge.errorRatio === undefined ? '' : formatRatio(edge.errorRatio)}
        </td>
        <td>{edge.p95 === undefined ? '' : formatQuantile(edge.p95, edge.p95Edge)}</td>
        <td>
          <Stack direction="row" gap={2}>
            {tempo && (
              <Button
                size="sm"
                variant="secondary"
                fill="text"
                icon={showTraces ? 'angle-down' : 'angle-right'}
                aria-expanded={showTraces}
                onClick={() => setShowTraces(!showTraces)}
              >
                <Trans i18nKey="pivot.graph.edges.failing-traces">Failing traces</Trans>
              </Button>
            )}
            {loki && (
              <TextLink
                href={locationUtil.assureBaseUrl(
                  exploreUrl(loki, { expr: edgeErrorLogs(logs, pivots.logsService), queryType: 'range' }, range)
                )}
                icon="gf-logs"
                inline
              >
                <Trans i18nKey="pivot.graph.edges.error-logs" values={{ service: pivots.logsService }}>
                  Error logs of {'{{service}}'}
                </Trans>
              </TextLink>
            )}
          </Stack>
        </td>
      </tr>
      {tempo && showTraces && (
        <tr>
          <td colSpan={5}>
            <EdgeFailingTraces
              edge={edge.id}
              client={edge.client}
              server={edge.server}
              tempo={tempo}
              traceql={pivots.traceql}
              range={range}
            />
          </td>
        </tr>
      )}
    </>
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
