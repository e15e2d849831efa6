import { PanelBuilders } from '@grafana/scenes';

type LogsBuilder = ReturnType<typeof PanelBuilders.logs>;

/**
 * Pivot's logs panels show each line's structured metadata beside it (OTLP attributes kept by
 * Loki, such as the demo's `reason`, `order_id`, `trace_id`): the fields that differ between
 * lines next to each line, those with one value on every line once above the lines, and in
 * Grafana 12's logs panel the attributes beside the line (docs/queries.md#logs-panel).
 */
export function withLineFields(builder: LogsBuilder): LogsBuilder {
  return builder.setOption('showLabels', true).setOption('showCommonLabels', true).setOption('showLogAttributes', true);
}
