import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { analyzeTrace, criticalPathMs, timeOnCriticalPath, TraceAnalysis } from '../../analysis/traceAnalysis';
import { Empty, Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { isTraceId, normalizeTraceId, quoteTraceIdInput } from '../../datasources';
import { textValues } from '../../utils/i18nValues';
import { loadPivotContext, queryFrames, toEpochRange } from './runtime';
import { pickTraceFrame } from '../../datasources/tempoAnswers';
import { TraceLinks, traceLinks, traceQuery } from './traceSummary';
import { invalidRange, Loaded as LoadResult, useLoad } from './useLoad';

export interface TraceSummaryProps {
  /** A trace id in any form Tempo accepts (hex, leading zeros or not). */
  traceId: string;
  /** Where to look for the trace, as Grafana time range text; the last 7 days when absent. */
  timeRange?: { from: string; to: string };
}

const DEFAULT_RANGE = { from: 'now-7d', to: 'now' };

type Loaded = LoadResult<{ traceId: string; analysis: TraceAnalysis; links: TraceLinks }>;

async function loadSummary(rawId: string, range: { from: string; to: string }): Promise<Loaded> {
  if (!isTraceId(rawId)) {
    return {
      state: 'problem',
      title: t('pivot.exposed.trace-summary.invalid-id', 'Invalid trace id'),
      message: t(
        'pivot.exposed.trace-summary.invalid-id-message',
        '{{input}} is not a trace id: a trace id is 1 to 32 hexadecimal digits.',
        textValues({ input: quoteTraceIdInput(rawId) })
      ),
    };
  }
  const traceId = normalizeTraceId(rawId);
  const epoch = toEpochRange(range);
  if (!epoch) {
    return invalidRange(range);
  }
  const { ctx } = await loadPivotContext();
  const tempo = ctx.datasources.tempo;
  if (!tempo.ok) {
    return {
      state: 'problem',
      title: t('pivot.exposed.trace-summary.no-tempo', 'No Tempo data source'),
      message: tempo.message,
      config: true,
    };
  }
  const frame = pickTraceFrame(await queryFrames([traceQuery(tempo.ds, traceId)], epoch));
  const analysis = analyzeTrace(frame);
  if (!frame || analysis.spanCount === 0) {
    return {
      state: 'empty',
      message: t(
        'pivot.exposed.trace-summary.not-found',
        'Trace {{traceId}} was not found in {{dataSource}}. It may be older than Tempo keeps traces, or outside the time range.',
        textValues({ traceId, dataSource: tempo.ds.name })
      ),
    };
  }
  const loki = ctx.datasources.loki;
  const links = traceLinks(
    traceId,
    analysis,
    loki.ok ? { ds: loki.ds, conventions: ctx.settings.logs } : undefined,
    range
  );
  return { state: 'done', traceId, analysis, links };
}

/** Where a trace failed, for other plugins and dashboards, with links to the trace and its logs. */
export default function TraceSummary({ traceId, timeRange }: TraceSummaryProps) {
  const styles = useStyles2(getStyles);
  const range = timeRange ?? DEFAULT_RANGE;
  const loaded = useLoad(
    `${traceId}\n${range.from}\n${range.to}`,
    () => loadSummary(traceId, range),
    t('pivot.exposed.trace-summary.query-failed', 'Trace query failed')
  );

  return (
    <div className={styles.container} data-testid={testIds.embedding.traceSummary}>
      {loaded.state === 'loading' && (
        <LoadingPlaceholder text={t('pivot.exposed.trace-summary.loading', 'Loading trace…')} />
      )}
      {loaded.state === 'problem' && (
        <Problem title={loaded.title} message={loaded.message} showConfigLink={loaded.config} />
      )}
      {loaded.state === 'empty' && <Empty message={loaded.message} />}
      {loaded.state === 'done' && <Summary {...loaded} />}
    </div>
  );
}

function Summary({ traceId, analysis, links }: { traceId: string; analysis: TraceAnalysis; links: TraceLinks }) {
  const origin = analysis.failureOrigin;
  return (
    <>
      <Text element="h4">{t('pivot.exposed.trace-summary.title', 'Trace {{traceId}}', textValues({ traceId }))}</Text>
      <Text color="secondary">
        {t(
          'pivot.exposed.trace-summary.size',
          '{{spans}} spans across {{services}} services, {{duration}} ms',
          textValues({
            spans: analysis.spanCount,
            services: analysis.services.length,
            duration: analysis.durationMs.toFixed(1),
          })
        )}
      </Text>
      {origin ? (
        <div>
          <Text color="error" weight="medium">
            {t(
              'pivot.exposed.trace-summary.failed-in',
              'Failed in {{service}}: {{operation}}',
              textValues({
                service: origin.serviceName || t('pivot.exposed.trace-summary.unnamed-service', 'an unnamed service'),
                operation: origin.operationName,
              })
            )}
          </Text>
          {origin.statusMessage && <Text element="p">{origin.statusMessage}</Text>}
        </div>
      ) : (
        <Text color="success">
          <Trans i18nKey="pivot.exposed.trace-summary.no-failure">No span of this trace failed.</Trans>
        </Text>
      )}
      <CriticalPathLeaders analysis={analysis} />
      <Stack direction="row" gap={1}>
        <LinkButton size="sm" variant="primary" icon="arrow-right" href={links.trace}>
          <Trans i18nKey="pivot.exposed.trace-summary.open">Open in Pivot</Trans>
        </LinkButton>
        {links.logs && (
          <LinkButton size="sm" variant="secondary" icon="gf-logs" href={links.logs}>
            <Trans i18nKey="pivot.exposed.trace-summary.logs">Logs of this trace</Trans>
          </LinkButton>
        )}
      </Stack>
    </>
  );
}

/** Spans shown as where the critical path's time went. */
const LEADERS_SHOWN = 3;

/** The spans that held the request up longest on its critical path (their own time, not their children's). */
function CriticalPathLeaders({ analysis }: { analysis: TraceAnalysis }) {
  const leaders = timeOnCriticalPath(analysis.criticalPathColumns).slice(0, LEADERS_SHOWN);
  const whole = criticalPathMs(analysis.criticalPathColumns);
  if (leaders.length === 0 || whole <= 0) {
    return null;
  }
  return (
    <div>
      <Text color="secondary" variant="bodySmall">
        <Trans i18nKey="pivot.exposed.trace-summary.critical-path">Critical path, most time in:</Trans>
      </Text>
      <ul>
        {leaders.map(({ spanId, ms }) => {
          const span = analysis.getSpan(spanId);
          return (
            <li key={spanId}>
              {t(
                'pivot.exposed.trace-summary.critical-path-span',
                '{{service}}: {{operation}} {{duration}} ms ({{share}}%)',
                textValues({
                  service: span?.serviceName || t('pivot.exposed.trace-summary.no-service-name', '(no service name)'),
                  operation: span?.operationName ?? '',
                  duration: ms.toFixed(1),
                  share: Math.round((100 * ms) / whole),
                })
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
  }),
});
