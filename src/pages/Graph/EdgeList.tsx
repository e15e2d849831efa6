import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, locationUtil } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Alert, Button, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { GraphEdge, health, NodeKind, ServiceGraph } from '../../analysis/serviceGraph';
import { edgePivots, formatQuantile, formatRatio, formatRequests } from '../../analysis/serviceGraphFrames';
import { testIds } from '../../components/testIds';
import type { LogConventions } from '../../datasources/conventions';
import type { DataSourceSummary } from '../../datasources/lookup';
import { edgeErrorLogs } from '../../datasources/serviceGraph';
import { textValues } from '../../utils/i18nValues';
import { exploreUrl, GraphEdgeRef, serviceUrl, UrlTimeRange } from '../../utils/links';
import { EdgeFailingTraces } from './EdgeFailingTraces';
import { edgeRows } from './graphModel';
import { findEdge, sameEdge } from './openEdge';

export const EDGE_LIST_TEST_IDS = {
  /** The edge of the URL is not in the view, or its traces cannot be searched. */
  openEdgeProblem: 'data-testid pivot-graph-open-edge-problem',
};

interface Props {
  graph: ServiceGraph;
  range: UrlTimeRange;
  tempo?: DataSourceSummary;
  loki?: DataSourceSummary;
  logs: LogConventions;
  /** The edge whose failing traces are open (the URL's `client` and `server`). */
  openEdge?: GraphEdgeRef;
  /** Opens an edge's failing traces, or closes them (undefined). */
  onOpenEdge: (edge: GraphEdgeRef | undefined) => void;
}

/**
 * The edges of the view beside the graph, failing first, each with its pivots: the Service
 * pages of both ends, the failing traces between them, the error logs of the answering
 * service. The same pivots as the node graph's links, reachable without hunting on the canvas.
 */
export function EdgeList(props: Props) {
  const { graph, tempo, openEdge, onOpenEdge } = props;
  const styles = useStyles2(getStyles);
  // Once per graph, not on every render (the time picker re-renders the list).
  const kinds = useMemo(() => new Map<string, NodeKind>(graph.nodes.map((n) => [n.id, n.kind])), [graph.nodes]);
  const shown = useMemo(() => edgeRows(graph.edges), [graph.edges]);
  const open = useMemo(() => (openEdge ? findEdge(graph.edges, openEdge) : undefined), [graph.edges, openEdge]);
  // The open edge is listed even when it is not among the first rows: first, so its list is in sight.
  const rows = open && !shown.includes(open) ? [open, ...shown] : shown;
  const problem = openEdge && (
    <OpenEdgeProblem edge={openEdge} found={open !== undefined} tempo={tempo} onClose={() => onOpenEdge(undefined)} />
  );
  if (rows.length === 0) {
    return problem || null;
  }
  return (
    <div className={styles.list}>
      {problem}
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
            <EdgeRow key={e.id} {...props} edge={e} kinds={kinds} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Why the URL's edge shows no failing traces, instead of a blank: it is not in this view (no
 * calls between the two in the window, or hidden by the focus or the unhealthy filter), or
 * there is no Tempo to search.
 */
function OpenEdgeProblem({
  edge,
  found,
  tempo,
  onClose,
}: {
  edge: GraphEdgeRef;
  found: boolean;
  tempo?: DataSourceSummary;
  onClose: () => void;
}) {
  if (found && tempo) {
    return null;
  }
  const names = textValues({ client: edge.client, server: edge.server });
  return (
    <Alert
      severity="warning"
      data-testid={EDGE_LIST_TEST_IDS.openEdgeProblem}
      title={
        found
          ? t('pivot.graph.open-edge.no-tempo-title', 'No Tempo data source: failing traces cannot be searched')
          : t('pivot.graph.open-edge.missing-title', 'Edge not in this view')
      }
      onRemove={onClose}
    >
      {found
        ? t(
            'pivot.graph.open-edge.no-tempo',
            'The failing traces of {{client}} → {{server}} come from Tempo: choose a Tempo data source in Configuration.',
            names
          )
        : t(
            'pivot.graph.open-edge.missing',
            'The link opens the failing traces of {{client}} → {{server}}, but no such edge is in this view: no calls between them in this window, or the focus or the unhealthy filter hides it. Widen the time range or clear the focus and filter.',
            names
          )}
    </Alert>
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
  openEdge,
  onOpenEdge,
}: { edge: GraphEdge; kinds: Map<string, NodeKind> } & Props) {
  const styles = useStyles2(getStyles);
  const pivots = edgePivots(edge, kinds);
  const h = health(edge.errorRatio, edge.requests);
  // The edge's failing traces open as a list under the row, each to Pivot's Trace page; the
  // open edge is the URL's (one at a time), so a reload or a shared link opens the same list.
  const showTraces = sameEdge(openEdge, edge);
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
                onClick={() => onOpenEdge(showTraces ? undefined : { client: edge.client, server: edge.server })}
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
