import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTime, dateTimeFormat, GrafanaTheme2, locationUtil, TimeRange } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  SceneComponentProps,
  SceneDataProvider,
  SceneDataQuery,
  sceneGraph,
  SceneObjectBase,
  SceneObjectState,
  SceneQueryRunner,
  SceneTimeRangeState,
  SceneTimeRangeTransformerBase,
} from '@grafana/scenes';
import { Alert, Badge, Button, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { comparePatterns, LogPattern, sampleLines } from '../../analysis/logPatterns';
import type { LogConventions } from '../../datasources/conventions';
import { logql } from '../../datasources';
import { dsRef, type DataSourceSummary } from '../../datasources/lookup';
import { PATTERN_SAMPLE_LINES, patternLogs } from '../../datasources/suspectQueries';
import type { PivotContext } from '../../pivotContext';
import { buildQueries, sectionDataState } from '../../scenes/dataState';
import { PillarSection } from '../../scenes/PillarSection';
import { textValues } from '../../utils/i18nValues';
import { exploreUrl, traceUrl, UrlTimeRange } from '../../utils/links';
import { ComparisonTable, sampleStatus } from './comparisonParts';

export const PATTERN_REFS = { current: 'patternsCurrent', previous: 'patternsPrevious' } as const;
/** Patterns listed: new and grown ones come first. */
export const SHOWN_PATTERNS = 10;

export interface LokiSampleQuery extends SceneDataQuery {
  expr: string;
  queryType: 'range';
  maxLines: number;
  direction: 'backward';
}

/** The same error-line query for this window and the one before it, the newest lines first. */
export function patternQueries(conv: LogConventions, service: string): LokiSampleQuery {
  return {
    refId: PATTERN_REFS.current,
    expr: logql.serviceLogs(conv, { service, errorsOnly: true }),
    queryType: 'range',
    maxLines: PATTERN_SAMPLE_LINES,
    direction: 'backward',
  };
}

function absolute(fromMs: number, toMs: number): TimeRange {
  const from = dateTime(fromMs);
  const to = dateTime(toMs);
  return { from, to, raw: { from, to } };
}

/** The window of the same length just before the page's: the comparison for the patterns. */
export class PreviousWindowTimeRange extends SceneTimeRangeTransformerBase<SceneTimeRangeState> {
  constructor() {
    // Placeholder until activation reads the page's range (before the query below runs).
    super({ from: new Date(0).toISOString(), to: new Date(0).toISOString(), value: absolute(0, 0) });
  }

  protected ancestorTimeRangeChanged(ancestor: SceneTimeRangeState): void {
    const from = ancestor.value.from.valueOf();
    const to = ancestor.value.to.valueOf();
    const start = from - Math.max(0, to - from);
    this.setState({
      from: new Date(start).toISOString(),
      to: new Date(from).toISOString(),
      value: absolute(start, from),
    });
  }
}

export const PATTERNS_TEST_IDS = {
  list: 'data-testid pivot-log-patterns',
  row: (pattern: string) => `data-testid pivot-log-pattern ${pattern}`,
  lines: (pattern: string) => `data-testid pivot-log-pattern-lines ${pattern}`,
};

interface PatternsListState extends SceneObjectState {
  service: string;
  conv: LogConventions;
  loki: DataSourceSummary;
  /** The previous window's sample; this window's is the section's data. */
  $data: SceneDataProvider;
  $timeRange: PreviousWindowTimeRange;
}

export class PatternsList extends SceneObjectBase<PatternsListState> {
  static Component = PatternsListRenderer;

  public currentData(): SceneDataProvider | undefined {
    return this.parent instanceof PillarSection ? this.parent.state.$data : undefined;
  }
}

function PatternsListRenderer({ model }: SceneComponentProps<PatternsList>) {
  const { service, conv, loki, $data } = model.useState();
  const previous = $data.useState().data;
  const current = model.currentData()?.useState().data;
  const pageRange = sceneGraph.getTimeRange(model.parent ?? model).useState().value;
  const fromMs = pageRange.from.valueOf();
  const toMs = pageRange.to.valueOf();
  const range: UrlTimeRange = { from: fromMs, to: toMs };
  const state = sectionDataState(previous);
  const heading = (
    <Text element="h3">{t('pivot.services.patterns.title', 'Error-log patterns, new and grown first')}</Text>
  );
  const status = sampleStatus(state, current, {
    loading: t('pivot.services.patterns.loading-previous', 'Loading the error logs of the window before…'),
    failed: t('pivot.services.patterns.previous-failed', 'Loki could not load the error logs of the window before'),
  });
  if (status || !current) {
    return status;
  }
  const now = sampleLines(current.series, conv.traceId);
  const before = sampleLines(previous?.series ?? [], conv.traceId);
  const patterns = comparePatterns(now, before);
  const changed = patterns.filter((p) => p.status === 'new' || p.status === 'grown').length;
  const minutes = Math.round((toMs - fromMs) / 60_000);
  return (
    <Stack direction="column" gap={1}>
      {heading}
      <Text color="secondary">
        {t(
          'pivot.services.patterns.method',
          'Grouped by Pivot: the newest {{sample}} error lines of this window ({{now}} read) and of the {{minutes}} minutes before it ({{before}} read), numbers, ids and quoted values of each line as <_>.',
          textValues({ sample: PATTERN_SAMPLE_LINES, now: now.length, before: before.length, minutes })
        )}
      </Text>
      {now.length >= PATTERN_SAMPLE_LINES && (
        <Alert
          severity="info"
          title={t(
            'pivot.services.patterns.sampled',
            'This window has more error lines than the sample: counts are of its newest {{sample}} lines. Narrow the time range for exact counts.',
            textValues({ sample: PATTERN_SAMPLE_LINES })
          )}
        />
      )}
      {changed === 0 && (
        <Alert
          severity="info"
          title={t(
            'pivot.services.patterns.none-changed',
            'No new or grown pattern: every error pattern of this window was there in the window before, at a similar count.'
          )}
        />
      )}
      <PatternTable
        patterns={patterns.slice(0, SHOWN_PATTERNS)}
        service={service}
        conv={conv}
        loki={loki}
        range={range}
      />
    </Stack>
  );
}

interface TableProps {
  patterns: LogPattern[];
  service: string;
  conv: LogConventions;
  loki: DataSourceSummary;
  range: UrlTimeRange;
}

function statusBadge(p: LogPattern) {
  switch (p.status) {
    case 'new':
      return <Badge color="red" text={t('pivot.services.patterns.new', 'New')} />;
    case 'grown':
      return (
        <Badge
          color="orange"
          text={t(
            'pivot.services.patterns.grown',
            'Grown ×{{factor}}',
            textValues({ factor: (p.current / p.previous).toFixed(1) })
          )}
        />
      );
    case 'steady':
      return <Badge color="blue" text={t('pivot.services.patterns.steady', 'Steady')} />;
    case 'shrunk':
      return <Badge color="green" text={t('pivot.services.patterns.shrunk', 'Fewer')} />;
  }
}

function PatternTable({ patterns, service, conv, loki, range }: TableProps) {
  return (
    <ComparisonTable
      data-testid={PATTERNS_TEST_IDS.list}
      headings={[
        t('pivot.services.patterns.status', 'Change'),
        t('pivot.services.patterns.pattern', 'Pattern'),
        t('pivot.services.patterns.now', 'This window'),
        t('pivot.services.patterns.before', 'Window before'),
        t('pivot.services.patterns.pivots', 'Lines'),
      ]}
    >
      {patterns.map((p) => (
        <PatternRow key={p.pattern} pattern={p} service={service} conv={conv} loki={loki} range={range} />
      ))}
    </ComparisonTable>
  );
}

function PatternRow({ pattern, service, conv, loki, range }: { pattern: LogPattern } & Omit<TableProps, 'patterns'>) {
  const styles = useStyles2(getStyles);
  const [open, setOpen] = useState(false);
  const query = buildQueries(() => patternLogs(conv, service, pattern.pattern));
  return (
    <>
      <tr data-testid={PATTERNS_TEST_IDS.row(pattern.pattern)}>
        <td>{statusBadge(pattern)}</td>
        <td className={styles.pattern}>{pattern.pattern}</td>
        <td>{pattern.current}</td>
        <td>{pattern.previous}</td>
        <td>
          <Stack direction="row" gap={2} wrap="wrap">
            <Button size="sm" variant="secondary" fill="text" onClick={() => setOpen(!open)}>
              {open
                ? t('pivot.services.patterns.hide-lines', 'Hide lines')
                : t('pivot.services.patterns.show-lines', 'Show lines')}
            </Button>
            {query.ok && (
              <TextLink
                href={locationUtil.assureBaseUrl(exploreUrl(loki, { expr: query.queries, queryType: 'range' }, range))}
                icon="gf-logs"
                inline
              >
                {t('pivot.services.patterns.explore', 'All its lines in Explore')}
              </TextLink>
            )}
          </Stack>
        </td>
      </tr>
      {open && (
        <tr data-testid={PATTERNS_TEST_IDS.lines(pattern.pattern)}>
          <td colSpan={5}>
            <ul className={styles.lines}>
              {pattern.examples.map((e, i) => (
                <li key={i}>
                  <Text color="secondary">{Number.isFinite(e.timeMs) ? dateTimeFormat(e.timeMs) : ''}</Text>{' '}
                  <span className={styles.pattern}>{e.line}</span>{' '}
                  {e.traceId ? (
                    <TextLink href={locationUtil.assureBaseUrl(traceUrl(e.traceId, { range }))} inline>
                      {t('pivot.services.patterns.trace', 'Trace {{id}}', textValues({ id: e.traceId }))}
                    </TextLink>
                  ) : (
                    <Text italic color="secondary">
                      {t('pivot.services.patterns.no-trace', 'no trace id')}
                    </Text>
                  )}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * The service's error-log patterns in the window against the window before it, grouped in
 * Pivot on a bounded sample of each (docs/suspects.md#log-patterns).
 */
export function logPatternsSection(ctx: PivotContext, service: string): PillarSection {
  const loki = ctx.datasources.loki;
  const conv = ctx.settings.logs;
  const common = {
    name: 'log-patterns',
    what: t('pivot.services.patterns.what', 'error-log patterns'),
    pillar: 'loki' as const,
    emptyMessage: t(
      'pivot.services.patterns.empty',
      'No error logs of {{service}} in this window (Loki, label {{label}}): no patterns to compare.',
      textValues({ service, label: conv.serviceLabel })
    ),
  };
  if (!loki.ok) {
    return new PillarSection({ ...common, problem: loki.message });
  }
  const query = buildQueries(() => patternQueries(conv, service));
  if (!query.ok) {
    return new PillarSection({ ...common, problem: query.message });
  }
  return new PillarSection({
    ...common,
    $data: new SceneQueryRunner({ datasource: dsRef(loki.ds), queries: [query.queries] }),
    body: new PatternsList({
      service,
      conv,
      loki: loki.ds,
      $timeRange: new PreviousWindowTimeRange(),
      $data: new SceneQueryRunner({
        datasource: dsRef(loki.ds),
        queries: [{ ...query.queries, refId: PATTERN_REFS.previous }],
      }),
    }),
  });
}

const getStyles = (theme: GrafanaTheme2) => ({
  pattern: css({ fontFamily: theme.typography.fontFamilyMonospace, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }),
  lines: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
});
