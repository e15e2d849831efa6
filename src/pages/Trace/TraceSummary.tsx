import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Alert, Button, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import type { TraceAnalysis } from '../../analysis/traceAnalysis';
import { testIds } from '../../components/testIds';
import { textValues } from '../../utils/i18nValues';
import { graphUrl, serviceUrl, UrlTimeRange } from '../../utils/links';
import { anomalyNotes, criticalPathSteps, formatDuration, graphFocusService, summaryTestIds } from './traceSummary';

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
  const focus = graphFocusService(analysis);
  return (
    <div className={styles.summary} data-testid={testIds.trace.summary}>
      <Text color="secondary">
        {t(
          'pivot.trace.summary.counts',
          '{{spans}} spans, {{services}} services, {{duration}}',
          textValues({
            spans: analysis.spanCount.toLocaleString('en'),
            services: analysis.services.length,
            duration:
              analysis.startMs === undefined
                ? t('pivot.trace.summary.duration-unknown', 'duration unknown (no span has a usable time)')
                : formatDuration(analysis.durationMs),
          })
        )}
      </Text>
      {origin ? (
        <Alert
          severity="error"
          title={t('pivot.trace.summary.origin-title', 'Where it failed')}
          data-testid={testIds.trace.failureOrigin}
        >
          <Stack direction="column" gap={1}>
            <div>
              <TextLink
                href={serviceUrl(origin.serviceName, range)}
                inline={false}
                data-testid={testIds.trace.serviceLink(origin.serviceName)}
              >
                {origin.serviceName || t('pivot.trace.summary.no-service-name', '(no service name)')}
              </TextLink>{' '}
              {origin.statusMessage ? (
                <Trans
                  i18nKey="pivot.trace.summary.origin-failed-with"
                  values={{
                    operation: origin.operationName,
                    duration: formatDuration(origin.durationMs),
                    status: origin.statusMessage,
                  }}
                >
                  <code>{'{{operation}}'}</code> failed after {'{{duration}}'}: <strong>{'{{status}}'}</strong>.
                </Trans>
              ) : (
                <Trans
                  i18nKey="pivot.trace.summary.origin-failed"
                  values={{ operation: origin.operationName, duration: formatDuration(origin.durationMs) }}
                >
                  <code>{'{{operation}}'}</code> failed after {'{{duration}}'} without a status message.
                </Trans>
              )}
            </div>
            <Text color="secondary" variant="bodySmall">
              {analysis.failingSpanCount > 1
                ? t(
                    'pivot.trace.summary.origin-note-many',
                    'The deepest failing span none of whose children failed ({{failed}} spans failed in all).',
                    textValues({ failed: analysis.failingSpanCount })
                  )
                : t('pivot.trace.summary.origin-note', 'The deepest failing span none of whose children failed.')}
            </Text>
            <div>
              <Button
                size="sm"
                variant="secondary"
                icon="crosshair"
                onClick={() => onFocusSpan(origin.spanId)}
                data-testid={testIds.trace.focusSpan(origin.spanId)}
              >
                <Trans i18nKey="pivot.trace.summary.show-span">Show this span</Trans>
              </Button>
            </div>
          </Stack>
        </Alert>
      ) : (
        <Alert
          severity="success"
          title={t('pivot.trace.summary.no-failure-title', 'No span failed in this trace')}
          data-testid={testIds.trace.failureOrigin}
        >
          <Trans i18nKey="pivot.trace.summary.no-failure">
            No span has error status. Slow? The critical path below shows where the time went.
          </Trans>
        </Alert>
      )}
      <div data-testid={summaryTestIds.servicesCrossed}>
        <Text element="h4">
          <Trans i18nKey="pivot.trace.summary.services-crossed">Services crossed</Trans>
        </Text>
        <ul className={styles.services}>
          {analysis.services.map((service) => (
            <li key={service.name}>
              {service.name ? (
                <TextLink
                  href={serviceUrl(service.name, range)}
                  inline={false}
                  data-testid={summaryTestIds.crossedService(service.name)}
                >
                  {service.name}
                </TextLink>
              ) : (
                t('pivot.trace.summary.no-service-name', '(no service name)')
              )}
            </li>
          ))}
        </ul>
        {focus !== undefined && (
          <TextLink
            href={graphUrl({ range, focus })}
            inline={false}
            icon="sitemap"
            data-testid={summaryTestIds.graphLink}
          >
            {t(
              'pivot.trace.summary.graph-link',
              'Open the service graph around {{service}}',
              textValues({ service: focus })
            )}
          </TextLink>
        )}
      </div>
      <div data-testid={testIds.trace.criticalPath}>
        <Text element="h4">
          <Trans i18nKey="pivot.trace.summary.critical-path">Critical path</Trans>
        </Text>
        <Text color="secondary" variant="bodySmall" element="p">
          <Trans i18nKey="pivot.trace.summary.critical-path-help">
            What the request waited on, in time order: each step is the time a span spent itself, not in a child span it
            waited on (a span shows once before and once after such a child).
          </Trans>
        </Text>
        <ol className={styles.path}>
          {criticalPathSteps(analysis).map((step, i) =>
            step.kind === 'skipped' ? (
              <li key={`skipped-${i}`} className={styles.skipped}>
                {t('pivot.trace.summary.skipped', '… {{n}} shorter section …', {
                  count: step.count,
                  n: step.count.toLocaleString('en'),
                  defaultValue_one: '… {{n}} shorter section …',
                  defaultValue_other: '… {{n}} shorter sections …',
                })}
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
                  {t(
                    'pivot.trace.summary.step',
                    '{{service}}: {{operation}} ({{duration}})',
                    textValues({
                      service: step.serviceName,
                      operation: step.operationName,
                      duration: formatDuration(step.durationMs),
                    })
                  )}
                </Button>
                {step.serviceName && (
                  <TextLink
                    href={serviceUrl(step.serviceName, range)}
                    inline={false}
                    icon="external-link-alt"
                    title={t(
                      'pivot.trace.summary.step-service',
                      'Open the service page of {{service}}',
                      textValues({ service: step.serviceName })
                    )}
                    aria-label={t(
                      'pivot.trace.summary.step-service',
                      'Open the service page of {{service}}',
                      textValues({ service: step.serviceName })
                    )}
                    data-testid={summaryTestIds.stepService(i)}
                  >
                    {''}
                  </TextLink>
                )}
              </li>
            )
          )}
        </ol>
      </div>
      {notes.length > 0 && (
        <Alert severity="info" title={t('pivot.trace.summary.irregular', 'This trace is irregular')}>
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
  services: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    listStyle: 'none',
    padding: 0,
    margin: 0,
  }),
  skipped: css({
    color: theme.colors.text.secondary,
  }),
});
