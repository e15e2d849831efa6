import { t } from '@grafana/i18n';
import { DataFrame, Field, FieldColorModeId, FieldType } from '@grafana/data';
import { serviceRowValue } from '../utils/links';
import type { TraceAnalysis } from './traceAnalysis';

/**
 * The services one trace crossed, as the two frames Grafana's node graph panel reads
 * (docs/conventions.md#panels-and-node-graph-frames): `nodes` (one per service) and `edges` (one per service pair a
 * parent → child span crossed). A service with failing spans gets a red arc for the share
 * of its spans that failed; the service where the failure started gets a warning icon.
 */

export const NODE_FIELDS = {
  id: 'id',
  title: 'title',
  subtitle: 'subtitle',
  mainStat: 'mainstat',
  secondaryStat: 'secondarystat',
  failedArc: 'arc__failed',
  okArc: 'arc__ok',
  icon: 'icon',
  selfTime: 'detail__self_time',
  /** Each service as a path segment (`serviceRowValue`), carrying the Service page link. */
  pivotService: 'pivot_service',
} as const;

export const EDGE_FIELDS = {
  id: 'id',
  source: 'source',
  target: 'target',
  mainStat: 'mainstat',
  secondaryStat: 'secondarystat',
  color: 'color',
} as const;

/** Theme colour names: Grafana resolves them for dark and light themes. */
export const FAILED_COLOR = 'red';
export const OK_COLOR = 'green';
export const FAILURE_ICON = 'exclamation-triangle';

const fixedColor = (color: string) => ({ color: { mode: FieldColorModeId.Fixed, fixedColor: color } });

export interface TraceGraphLinks {
  /**
   * The Service page with `ROW_URL_PART` in place of the service (`serviceRowUrlTemplate` in
   * src/utils/links.ts): Grafana fills it with the node's `pivot_service` value, the service's
   * path segment as `serviceUrl` writes it (a node id filled in would lose the escape of `.`/`..`).
   * The node graph shows neither this field nor its value: only its known fields and `detail__`
   * ones (as for the Graph page's nodes, src/analysis/serviceGraphFrames.ts).
   */
  serviceUrl?: string;
}

export function traceGraphFrames(
  analysis: Pick<TraceAnalysis, 'services' | 'edges' | 'failureOrigin'>,
  links: TraceGraphLinks = {}
): DataFrame[] {
  const services = analysis.services;
  // The node graph's context menu groups its items by the text before the first `/`.
  const serviceLink: Field[] = links.serviceUrl
    ? [
        {
          name: NODE_FIELDS.pivotService,
          type: FieldType.string,
          config: {
            displayName: 'Service (Pivot link)',
            links: [
              {
                title: `Pivot/${t('pivot.trace.graph.node-link.service-page', 'Open the service page')}`,
                url: links.serviceUrl,
              },
            ],
          },
          values: services.map((s) => serviceRowValue(s.name)),
        },
      ]
    : [];
  const originService = analysis.failureOrigin?.serviceName;
  const nodes: DataFrame = {
    name: 'nodes',
    refId: 'nodes',
    length: services.length,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      { name: NODE_FIELDS.id, type: FieldType.string, config: {}, values: services.map((s) => s.name) },
      {
        name: NODE_FIELDS.title,
        type: FieldType.string,
        config: { displayName: 'Service' },
        values: services.map((s) => s.name),
      },
      {
        name: NODE_FIELDS.subtitle,
        type: FieldType.string,
        config: {},
        values: services.map((s) => (s.name === originService ? 'failure origin' : '')),
      },
      {
        name: NODE_FIELDS.mainStat,
        type: FieldType.number,
        config: { displayName: 'Spans' },
        values: services.map((s) => s.spans),
      },
      {
        name: NODE_FIELDS.secondaryStat,
        type: FieldType.number,
        config: { displayName: 'Failed spans' },
        values: services.map((s) => s.errors),
      },
      {
        name: NODE_FIELDS.failedArc,
        type: FieldType.number,
        config: { displayName: 'Failed', ...fixedColor(FAILED_COLOR) },
        values: services.map((s) => (s.spans > 0 ? s.errors / s.spans : 0)),
      },
      {
        name: NODE_FIELDS.okArc,
        type: FieldType.number,
        config: { displayName: 'Not failed', ...fixedColor(OK_COLOR) },
        values: services.map((s) => (s.spans > 0 ? 1 - s.errors / s.spans : 1)),
      },
      {
        name: NODE_FIELDS.icon,
        type: FieldType.string,
        config: {},
        values: services.map((s) => (s.name === originService ? FAILURE_ICON : '')),
      },
      {
        name: NODE_FIELDS.selfTime,
        type: FieldType.number,
        config: { displayName: 'Self time', unit: 'ms' },
        values: services.map((s) => s.selfTimeMs),
      },
      ...serviceLink,
    ],
  };

  const edgeList = analysis.edges;
  const edges: DataFrame = {
    name: 'edges',
    refId: 'edges',
    length: edgeList.length,
    meta: { preferredVisualisationType: 'nodeGraph' },
    fields: [
      {
        name: EDGE_FIELDS.id,
        type: FieldType.string,
        config: {},
        values: edgeList.map((e) => `${e.client}→${e.server}`),
      },
      { name: EDGE_FIELDS.source, type: FieldType.string, config: {}, values: edgeList.map((e) => e.client) },
      { name: EDGE_FIELDS.target, type: FieldType.string, config: {}, values: edgeList.map((e) => e.server) },
      {
        name: EDGE_FIELDS.mainStat,
        type: FieldType.number,
        config: { displayName: 'Calls' },
        values: edgeList.map((e) => e.calls),
      },
      {
        name: EDGE_FIELDS.secondaryStat,
        type: FieldType.number,
        config: { displayName: 'Failed calls' },
        values: edgeList.map((e) => e.errors),
      },
      {
        name: EDGE_FIELDS.color,
        type: FieldType.string,
        config: {},
        values: edgeList.map((e) => (e.errors > 0 ? FAILED_COLOR : OK_COLOR)),
      },
    ],
  };
  return [nodes, edges];
}
