import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { analyzeTrace, timeOnCriticalPath, TraceAnalysis } from '../../analysis/traceAnalysis';
import { Empty, Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { isTraceId, normalizeTraceId, quoteTraceIdInput } from '../../datasources';
import { loadPivotContext, queryFrames, toEpochRange } from './runtime';
import { traceFrameOf, TraceLinks, traceLinks, traceQuery } from './traceSummary';
import { Loaded as LoadResult, useLoad } from './useLoad';

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
      title: 'Invalid trace id',
      message: `${quoteTraceIdInput(rawId)} is not a trace id: a trace id is 1 to 32 hexadecimal digits.`,
    };
  }
  const traceId = normalizeTraceId(rawId);
  const epoch = toEpochRange(range);
  if (!epoch) {
    return {
      state: 'problem',
      title: 'Invalid time range',
      message: `Cannot read the range ${range.from} to ${range.to}.`,
    };
  }
  const { ctx } = await loadPivotContext();
  const tempo = ctx.datasources.tempo;
  if (!tempo.ok) {
    return { state: 'problem', title: 'No Tempo data source', message: tempo.message, config: true };
  }
  const frame = traceFrameOf(await queryFrames([traceQuery(tempo.ds, traceId)], epoch));
  const analysis = analyzeTrace(frame);
  if (!frame || analysis.spanCount === 0) {
    return {
      state: 'empty',
      message: `Trace ${traceId} was not found in ${tempo.ds.name}. It may be older than Tempo keeps traces, or outside the time range.`,
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
    'Trace query failed'
  );

  return (
    <div className={styles.container} data-testid={testIds.embedding.traceSummary}>
      {loaded.state === 'loading' && <LoadingPlaceholder text="Loading trace…" />}
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
      <Text element="h4">Trace {traceId}</Text>
      <Text color="secondary">
        {analysis.spanCount} spans across {analysis.services.length} services, {analysis.durationMs.toFixed(1)} ms
      </Text>
      {origin ? (
        <div>
          <Text color="error" weight="medium">
            Failed in {origin.serviceName || 'an unnamed service'}: {origin.operationName}
          </Text>
          {origin.statusMessage && <Text element="p">{origin.statusMessage}</Text>}
        </div>
      ) : (
        <Text color="success">No span of this trace failed.</Text>
      )}
      <CriticalPathLeaders analysis={analysis} />
      <Stack direction="row" gap={1}>
        <LinkButton size="sm" variant="primary" icon="arrow-right" href={links.trace}>
          Open in Pivot
        </LinkButton>
        {links.logs && (
          <LinkButton size="sm" variant="secondary" icon="gf-logs" href={links.logs}>
            Logs of this trace
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
  const leaders = timeOnCriticalPath(analysis.criticalPath).slice(0, LEADERS_SHOWN);
  const whole = analysis.criticalPath.reduce((sum, s) => sum + s.endMs - s.startMs, 0);
  if (leaders.length === 0 || whole <= 0) {
    return null;
  }
  return (
    <div>
      <Text color="secondary" variant="bodySmall">
        Critical path, most time in:
      </Text>
      <ul>
        {leaders.map(({ spanId, ms }) => {
          const span = analysis.getSpan(spanId);
          return (
            <li key={spanId}>
              {`${span?.serviceName || '(no service name)'}: ${span?.operationName ?? ''} ${ms.toFixed(1)} ms (${Math.round((100 * ms) / whole)}%)`}
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
