import React, { useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { DataFrame, GrafanaTheme2, LoadingState, locationUtil, PanelData } from '@grafana/data';
import { t } from '@grafana/i18n';
import { SceneQueryRunner, SceneTimeRange } from '@grafana/scenes';
import { LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import { Empty, Problem } from '../../components/states/PivotStates';
import type { DataSourceSummary } from '../../datasources/lookup';
import { panelErrorMessage } from '../../utils/errors';
import { textValues } from '../../utils/i18nValues';
import { exploreUrl, traceUrl, UrlTimeRange } from '../../utils/links';

/** Traces asked of Tempo for one edge: enough to pick one, few enough to list. */
export const EDGE_TRACES_LIMIT = 20;

export const EDGE_TRACES_TEST_IDS = {
  list: (edge: string) => `data-testid pivot-graph-edge-traces ${edge}`,
};

export interface EdgeTrace {
  traceId: string;
  /** The trace's root service and name, as Tempo's search reports them. */
  service?: string;
  name?: string;
  /** Epoch milliseconds. */
  startMs?: number;
  durationMs?: number;
}

function column(frame: DataFrame, name: string): unknown[] | undefined {
  return frame.fields.find((f) => f.name === name)?.values;
}

/** The traces of Tempo's search frame (`traceID`, `startTime`, `traceService`, `traceName`, `traceDuration`), by field name. */
export function edgeTraces(frames: DataFrame[]): EdgeTrace[] {
  const traces: EdgeTrace[] = [];
  for (const frame of frames) {
    const ids = column(frame, 'traceID');
    if (!ids) {
      continue;
    }
    const text = (name: string, i: number) => {
      const v = column(frame, name)?.[i];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const num = (name: string, i: number) => {
      const v = column(frame, name)?.[i];
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    };
    ids.forEach((id, i) => {
      if (typeof id === 'string' && id !== '') {
        traces.push({
          traceId: id,
          service: text('traceService', i),
          name: text('traceName', i),
          startMs: num('startTime', i),
          durationMs: num('traceDuration', i),
        });
      }
    });
  }
  return traces;
}

type ListState = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'data'; traces: EdgeTrace[] };

function listState(data: PanelData | undefined): ListState {
  if (!data || data.state === LoadingState.NotStarted || data.state === LoadingState.Loading) {
    return { kind: 'loading' };
  }
  if (data.state === LoadingState.Error) {
    return {
      kind: 'error',
      message:
        panelErrorMessage(data) ?? t('pivot.graph.edge-traces.no-message', 'The query failed without a message.'),
    };
  }
  return { kind: 'data', traces: edgeTraces(data.series) };
}

interface Props {
  /** The edge's id, for the list's test id. */
  edge: string;
  client: string;
  server: string;
  tempo: DataSourceSummary;
  /** The edge's failing-spans TraceQL (edgePivots). */
  traceql: string;
  range: UrlTimeRange;
}

/**
 * The failing traces of one edge, listed in the Graph page: each opens Pivot's Trace page at
 * the graph's window. One Tempo search, run when the list opens; Explore stays one link away.
 */
export function EdgeFailingTraces({ edge, client, server, tempo, traceql, range }: Props) {
  const styles = useStyles2(getStyles);
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  // Opened from a link, the edge's row can be far down the list: bring the list into view once.
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => container.current?.scrollIntoView?.({ block: 'nearest' }), []);
  const query = {
    refId: 'edgeTraces',
    queryType: 'traceql',
    query: traceql,
    limit: EDGE_TRACES_LIMIT,
    tableType: 'traces',
  };
  const { from, to } = range;
  useEffect(() => {
    // The runner stands alone (its own time range, outside the page's scene), so it cannot
    // resolve the page's data source variable (`dsRef`'s `${traces}`): it names the uid that
    // variable holds; the page is rebuilt when another data source is picked.
    const runner = new SceneQueryRunner({
      datasource: { uid: tempo.uid, type: tempo.type },
      queries: [
        { refId: 'edgeTraces', queryType: 'traceql', query: traceql, limit: EDGE_TRACES_LIMIT, tableType: 'traces' },
      ],
      $timeRange: new SceneTimeRange({ from: String(from), to: String(to) }),
    });
    const subscription = runner.subscribeToState((s) => setState(listState(s.data)));
    const deactivate = runner.activate();
    return () => {
      subscription.unsubscribe();
      deactivate();
    };
  }, [tempo, traceql, from, to]);

  const explore = (
    <TextLink href={locationUtil.assureBaseUrl(exploreUrl(tempo, query, range))} icon="compass" inline>
      {t('pivot.graph.edge-traces.explore', 'Open the query in Explore')}
    </TextLink>
  );
  let body: React.ReactNode;
  if (state.kind === 'loading') {
    body = <LoadingPlaceholder text={t('pivot.graph.edge-traces.loading', 'Searching Tempo for failing traces…')} />;
  } else if (state.kind === 'error') {
    body = (
      <Problem
        title={t('pivot.graph.edge-traces.failed', 'Tempo could not search the failing traces')}
        message={state.message}
      />
    );
  } else if (state.traces.length === 0) {
    body = (
      <Empty
        message={t(
          'pivot.graph.edge-traces.empty',
          'No failing trace between {{client}} and {{server}} in this window: Tempo may not have received the failing traces (sampling), or the failures have stopped.',
          textValues({ client, server })
        )}
      />
    );
  } else {
    body = (
      <ul className={styles.list}>
        {state.traces.map((trace) => (
          <li key={trace.traceId}>
            <TextLink href={locationUtil.assureBaseUrl(traceUrl(trace.traceId, { range }))} inline>
              {trace.service || trace.name
                ? t(
                    'pivot.graph.edge-traces.trace',
                    '{{service}} {{name}} ({{id}})',
                    textValues({ service: trace.service ?? '', name: trace.name ?? '', id: trace.traceId.slice(0, 8) })
                  )
                : trace.traceId}
            </TextLink>
            {trace.durationMs !== undefined && (
              <span className={styles.muted}>
                {t('pivot.graph.edge-traces.duration', ' {{ms}} ms', textValues({ ms: trace.durationMs }))}
              </span>
            )}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div ref={container} className={styles.container} data-testid={EDGE_TRACES_TEST_IDS.list(edge)}>
      {body}
      {explore}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), padding: theme.spacing(1, 0) }),
  list: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  muted: css({ color: theme.colors.text.secondary }),
});
