import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import type { TraceAnalysis } from '../../analysis/traceAnalysis';
import { testIds } from '../../components/testIds';
import { serviceUrl, UrlTimeRange } from '../../utils/links';
import { anomalyNotes, criticalPathSteps, formatDuration } from './traceSummary';

interface Props {
  analysis: TraceAnalysis;
  /**
   * The window the service links open: the trace's own, so the Service page shows its
   * moment; absent when no span has a usable time (the links keep the Service page's default).
   */
  range?: UrlTimeRange;
  onFocusSpan: (spanId: string) => void;
}

/** Where the trace failed, its critical path, and what was irregular about it. */
export function TraceSummary({ analysis, range, onFocusSpan }: Props) {
  const styles = useStyles2(getStyles);
  const origin = analysis.failureOrigin;
  const notes = anomalyNotes(analysis.anomalies);
  return (
    <div className={styles.summary} data-testid={testIds.trace.summary}>
      <Text color="secondary">
        {analysis.spanCount.toLocaleString('en')} spans, {analysis.services.length} services,{' '}
        {analysis.startMs === undefined
          ? 'duration unknown (no span has a usable time)'
          : formatDuration(analysis.durationMs)}
      </Text>
      {origin ? (
        <Alert severity="error" title="Where it failed" data-testid={testIds.trace.failureOrigin}>
          <Stack direction="column" gap={1}>
            <div>
              <TextLink
                href={serviceUrl(origin.serviceName, range)}
                inline={false}
                data-testid={testIds.trace.serviceLink(origin.serviceName)}
              >
                {origin.serviceName || '(no service name)'}
              </TextLink>{' '}
              <code>{origin.operationName}</code> failed after {formatDuration(origin.durationMs)}
              {origin.statusMessage ? (
                <>
                  : <strong>{origin.statusMessage}</strong>
                </>
              ) : (
                ' without a status message'
              )}
              .
            </div>
            <Text color="secondary" variant="bodySmall">
              The deepest failing span none of whose children failed
              {analysis.failingSpanCount > 1 ? ` (${analysis.failingSpanCount} spans failed in all)` : ''}.
            </Text>
            <div>
              <Button
                size="sm"
                variant="secondary"
                icon="crosshair"
                onClick={() => onFocusSpan(origin.spanId)}
                data-testid={testIds.trace.focusSpan(origin.spanId)}
              >
                Show this span
              </Button>
            </div>
          </Stack>
        </Alert>
      ) : (
        <Alert severity="success" title="No span failed in this trace" data-testid={testIds.trace.failureOrigin}>
          No span has error status. Slow? The critical path below shows where the time went.
        </Alert>
      )}
      <div data-testid={testIds.trace.criticalPath}>
        <Text element="h4">Critical path</Text>
        <Text color="secondary" variant="bodySmall" element="p">
          What the request waited on, in time order: each step is the time a span spent itself, not in a child span it
          waited on (a span shows once before and once after such a child).
        </Text>
        <ol className={styles.path}>
          {criticalPathSteps(analysis).map((step, i) =>
            step.kind === 'skipped' ? (
              <li key={`skipped-${i}`} className={styles.skipped}>
                … {step.count.toLocaleString('en')} shorter {step.count === 1 ? 'section' : 'sections'} …
              </li>
            ) : (
              <li key={`${step.spanId}-${i}`}>
                <Button
                  size="sm"
                  fill="text"
                  variant={step.failed ? 'destructive' : 'secondary'}
                  onClick={() => onFocusSpan(step.spanId)}
                  data-testid={testIds.trace.focusSpan(step.spanId)}
                >
                  {step.serviceName}: {step.operationName} ({formatDuration(step.durationMs)})
                </Button>
              </li>
            )
          )}
        </ol>
      </div>
      {notes.length > 0 && (
        <Alert severity="info" title="This trace is irregular">
          <ul>
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </Alert>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  path: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    listStyle: 'none',
    padding: 0,
    margin: 0,
    '& > li + li::before': {
      content: '"→"',
      color: theme.colors.text.secondary,
      marginRight: theme.spacing(0.5),
    },
  }),
  skipped: css({
    color: theme.colors.text.secondary,
  }),
});
