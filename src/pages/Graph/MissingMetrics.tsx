import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Alert, Button, Stack, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { SERVICE_GRAPH_REQUESTS } from '../../datasources/serviceGraph';
import { SAMPLED_TRACES } from './graphModel';

/** Tempo's metrics-generator with the service-graphs processor, writing to Prometheus. */
export const TEMPO_SNIPPET = `# tempo.yaml
metrics_generator:
  storage:
    path: /var/tempo/generator/wal
    remote_write:
      - url: http://prometheus:9090/api/v1/write
        send_exemplars: true
overrides:
  defaults:
    metrics_generator:
      processors: [service-graphs, span-metrics]
# Prometheus must accept remote write: --web.enable-remote-write-receiver`;

/** The OTel Collector's servicegraph connector, fed by the traces pipeline. */
export const COLLECTOR_SNIPPET = `# otel-collector.yaml
connectors:
  servicegraph:
    latency_histogram_buckets: [5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2.5s, 5s, 10s]
    virtual_node_peer_attributes: [peer.service, db.name, db.system]
exporters:
  prometheusremotewrite:
    endpoint: http://prometheus:9090/api/v1/write
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlp/tempo, servicegraph]
    metrics/servicegraph:
      receivers: [servicegraph]
      exporters: [prometheusremotewrite]`;

interface Props {
  /** Why the sampled graph cannot be built (no Tempo data source), if it cannot. */
  tempoProblem?: string;
  onBuildSampled: () => void;
}

/** No service-graph metrics: what is missing, how to turn them on, and a sampled graph meanwhile. */
export function MissingMetrics({ tempoProblem, onBuildSampled }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div data-testid={testIds.graph.page('missing')}>
      <Alert severity="info" title={t('pivot.graph.missing.title', 'No service-graph metrics in this window')}>
        <Stack direction="column" gap={1}>
          <Text>
            <Trans i18nKey="pivot.graph.missing.explanation" values={{ metric: SERVICE_GRAPH_REQUESTS }}>
              Prometheus has no <code>{'{{metric}}'}</code> series for this time range. The service graph is drawn from
              the metrics that Tempo&apos;s metrics-generator (service-graphs processor) or the OpenTelemetry
              Collector&apos;s servicegraph connector write. Turn on one of them, then widen the time range or wait a
              few minutes.
            </Trans>
          </Text>
          <div className={styles.snippets}>
            <div>
              <Text element="h6">
                <Trans i18nKey="pivot.graph.missing.tempo-heading">Tempo metrics-generator</Trans>
              </Text>
              <pre className={styles.pre}>{TEMPO_SNIPPET}</pre>
            </div>
            <div>
              <Text element="h6">
                <Trans i18nKey="pivot.graph.missing.collector-heading">
                  OpenTelemetry Collector servicegraph connector
                </Trans>
              </Text>
              <pre className={styles.pre}>{COLLECTOR_SNIPPET}</pre>
            </div>
          </div>
          <Stack direction="row" gap={1} alignItems="center">
            <Button
              icon="sitemap"
              variant="secondary"
              onClick={onBuildSampled}
              disabled={tempoProblem !== undefined}
              data-testid={testIds.graph.buildSampled}
            >
              <Trans i18nKey="pivot.graph.missing.build-sampled" values={{ traces: SAMPLED_TRACES }}>
                Build a graph from {'{{traces}}'} recent failing traces
              </Trans>
            </Button>
            <Text color="secondary">
              {tempoProblem ??
                t(
                  'pivot.graph.missing.sample-note',
                  'A sample, not the whole traffic: counts of calls in those traces, no rates or latencies.'
                )}
            </Text>
          </Stack>
        </Stack>
      </Alert>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  snippets: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))',
    gap: theme.spacing(2),
  }),
  pre: css({
    fontSize: theme.typography.bodySmall.fontSize,
    margin: 0,
    whiteSpace: 'pre',
    overflowX: 'auto',
  }),
});
