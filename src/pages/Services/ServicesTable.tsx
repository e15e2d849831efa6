import React from 'react';
import { css } from '@emotion/css';
import {
  DataFrame,
  formattedValueToString,
  getValueFormat,
  GrafanaTheme2,
  LoadingState,
  locationUtil,
  PanelData,
  TimeRange,
} from '@grafana/data';
import { locationService, RefreshEvent } from '@grafana/runtime';
import type { DataQuery } from '@grafana/schema';
import {
  SceneComponentProps,
  SceneDataQuery,
  SceneObjectBase,
  SceneObjectState,
  SceneObjectUrlSyncConfig,
  SceneObjectUrlValues,
  SceneQueryRunner,
  sceneGraph,
} from '@grafana/scenes';
import { t, Trans } from '@grafana/i18n';
import { Button, Icon, Input, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { Empty, Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { textValues } from '../../utils/i18nValues';
import { serviceUrl, URL_KEYS } from '../../utils/links';
import { failedRefIds, sectionDataState } from '../../scenes/dataState';
import { panelErrorMessage } from '../../utils/errors';
import type { SloDefinition } from '../../slo/definition';
import type { MetricConventions } from '../../datasources/conventions';
import { SERVICES_PAGE_SIZE } from './sparklines';
import { listStats, rowDetailsQueries, SERVICE_STATS, ServiceStat, statisticsWindow } from './pageRequests';
import { SloCell } from './SloCell';
import { serviceSloStatuses, SLO_STATUS_REF } from './serviceSlos';
import {
  DEFAULT_SORT,
  formatSort,
  joinServiceRows,
  nextSort,
  parseSort,
  searchRows,
  SERVICE_STAT_REFS,
  ServiceRow,
  SortKey,
  sortRows,
  sparklinePoints,
} from './serviceRows';

export interface ServicesTableState extends SceneObjectState {
  /** Search text, as typed. */
  search: string;
  /** Sort as it appears in the URL, e.g. `errorRatio-desc`. */
  sort: string;
  serviceLabel: string;
  /** The metric family's title, for the no-data message. */
  familyTitle: string;
  /** The valid SLOs of the settings: the SLO column shows each service's worst. */
  slos: SloDefinition[];
  /**
   * The first request's queries for a sort column and the statistics' window
   * (servicesScene.ts servicesQueries, with this page's family, SLOs and series).
   */
  listQueries: (sortKey: SortKey, window: string) => SceneDataQuery[];
  /** The family and service label the queries are built for, and whether they read recorded series. */
  conv: MetricConventions;
  recorded: boolean;
  /** Rows shown: the first `pageSize` of the order; "show more" adds SERVICES_PAGE_SIZE. */
  pageSize: number;
  /** The first request: what lists every service and orders them (servicesQueries). Run by the table. */
  $data: SceneQueryRunner;
  /** The second request: the rest of the rows shown (pageRequests.ts rowDetailsQueries). Run by the table. */
  rowDetails: SceneQueryRunner;
  /** What the second request has answered for the current answer of the first. */
  details?: RowDetails;
}

/** The details answered for one answer of the first request (its `listKey`); reset with it. */
export interface RowDetails {
  listKey: string;
  /** Services whose details answered (values, or the failure below). */
  answered: string[];
  /** The frames answered: the statistics and sparklines of `answered`. */
  frames: DataFrame[];
  /** Each failed request: its services and the refIds that failed; Prometheus' last message. */
  failed?: { requests: Array<{ services: string[]; refIds: string[] }>; message: string };
}

/** What a cell of a row shows: its value, a loading indicator, or unknown because its query failed. */
export type CellState = 'value' | 'loading' | 'failed';

function isAnswer(data: PanelData | undefined): data is PanelData {
  return data?.state === LoadingState.Done || data?.state === LoadingState.Error;
}

function sameRange(a: TimeRange, b: TimeRange): boolean {
  return a.from.valueOf() === b.from.valueOf() && a.to.valueOf() === b.to.valueOf();
}

/** The refIds a request asked (whether they answered or failed). */
function askedRefIds(data: PanelData): string[] {
  return (data.request?.targets ?? []).map((q) => q.refId);
}

/** The PromQL of each query, in order: what identifies a request's queries. */
function exprsOf(queries: DataQuery[]): string {
  return JSON.stringify(queries.map((q) => ('expr' in q ? String(q.expr) : q.refId)));
}

/**
 * The table's rows from the first request's answer and the details answered: joined by
 * service, searched and sorted, with each service's worst SLO.
 */
function statisticRows(
  data: PanelData | undefined,
  { serviceLabel, slos, search, sort }: Pick<ServicesTableState, 'serviceLabel' | 'slos' | 'search' | 'sort'>,
  detailFrames: DataFrame[] = []
): ServiceRow[] {
  const failed = failedRefIds(data);
  const sloStatuses = serviceSloStatuses(data?.series ?? [], slos);
  return sortRows(
    searchRows(joinServiceRows([...(data?.series ?? []), ...detailFrames], serviceLabel, failed), search).map(
      (row) => ({
        ...row,
        slo: sloStatuses.get(row.service),
      })
    ),
    parseSort(sort)
  );
}

/**
 * Every service, one row each. Two requests, both run here (their runners are in manual mode):
 * the first ($data) lists every service with the column the table sorts by, on activation,
 * when the time range changes and when a sort needs a column it did not ask; once it answered,
 * the second (rowDetails) asks the rest of the rows shown, again for rows newly shown (paging,
 * sorting, searching). Search and sort live in the URL.
 */
export class ServicesTable extends SceneObjectBase<ServicesTableState> {
  static Component = ServicesTableRenderer;

  protected _urlSync = new SceneObjectUrlSyncConfig(this, { keys: [URL_KEYS.search, URL_KEYS.sort] });

  /** The last answer of the first request (a new run keeps it until its own answer). */
  private _answer?: PanelData;
  /** The first request in flight: its time range and queries. */
  private _listRun?: string;
  /** The second request in flight: the answer it belongs to, its services and queries. */
  private _asked?: { listKey: string; services: string[]; exprs: string };
  /** The time range value the first request last ran for: a refresh of the same range runs it again. */
  private _listValue?: unknown;

  constructor(state: ServicesTableState) {
    super(state);
    this.addActivationHandler(() => {
      const deactivateDetails = this.state.rowDetails.activate();
      const subs = [
        this.state.$data.subscribeToState((next, prev) => {
          if (next.data !== prev.data) {
            if (isAnswer(next.data)) {
              this._answer = next.data;
              this._listRun = undefined;
            }
            this.syncList();
          }
        }),
        this.state.rowDetails.subscribeToState((next, prev) => {
          if (next.data !== prev.data && isAnswer(next.data)) {
            this.onDetails(next.data);
          }
        }),
        sceneGraph.getTimeRange(this).subscribeToState((next, prev) => {
          if (!sameRange(next.value, prev.value)) {
            this.runList();
          }
        }),
        // The refresh button: a relative range moved on (run above); an absolute one is the same
        // range, asked again, the rows' details too.
        sceneGraph.getTimeRange(this).subscribeToEvent(RefreshEvent, () => {
          if (sceneGraph.getTimeRange(this).state.value !== this._listValue) {
            this._asked = undefined;
            this.setState({ details: undefined });
            this.runList();
          }
        }),
        this.subscribeToState((next, prev) => {
          if (next.search !== prev.search || next.sort !== prev.sort || next.pageSize !== prev.pageSize) {
            this.syncList();
          }
        }),
      ];
      this.syncList();
      return () => {
        subs.forEach((s) => s.unsubscribe());
        deactivateDetails();
        // The runners drop what is in flight when they deactivate: asked again on return.
        this._listRun = undefined;
        this._asked = undefined;
      };
    });
  }

  /** The statistics' window for the current time range (pageRequests.ts statisticsWindow). */
  private window(): string {
    const { from, to } = sceneGraph.getTimeRange(this).state.value;
    return statisticsWindow(this.state.recorded, Math.round((to.valueOf() - from.valueOf()) / 1000));
  }

  /** The first request's queries for the current sort and time range. */
  private listQueries(): SceneDataQuery[] {
    return this.state.listQueries(parseSort(this.state.sort).key, this.window());
  }

  private listRunKey(queries: SceneDataQuery[]): string {
    const { from, to } = sceneGraph.getTimeRange(this).state.value;
    return JSON.stringify([from.valueOf(), to.valueOf(), exprsOf(queries)]);
  }

  /** Asks the first request again, with the queries of the current sort and time range. */
  private runList() {
    const queries = this.listQueries();
    this._listRun = this.listRunKey(queries);
    this._listValue = sceneGraph.getTimeRange(this).state.value;
    this.state.$data.setState({ queries });
    this.state.$data.runQueries();
  }

  /**
   * The first request's last answer, if it is for the current time range (never a previous
   * window's values); undefined while the first answer for it is awaited.
   */
  listAnswer(): PanelData | undefined {
    const data = this.state.$data.state.data;
    const answer = isAnswer(data) ? data : this._answer;
    return answer && sameRange(answer.timeRange, sceneGraph.getTimeRange(this).state.value) ? answer : undefined;
  }

  /** Whether `answer` asked what the current sort needs (else the first request runs again). */
  private listsSort(answer: PanelData): boolean {
    const asked = askedRefIds(answer);
    return listStats(parseSort(this.state.sort).key, this.state.recorded).every((s) => asked.includes(s));
  }

  /** Runs the first request when its answer does not fit the time range or the sort, else the second. */
  private syncList() {
    const answer = this.listAnswer();
    if (!answer || !this.listsSort(answer)) {
      // Not twice the same: a run in flight answers with the current queries.
      if (this._listRun !== this.listRunKey(this.listQueries())) {
        this.runList();
      }
      return;
    }
    this.syncDetails(answer);
  }

  /** The key of an answer of the first request: its time range and what it asked. */
  private listKey(answer: PanelData): string {
    return JSON.stringify([answer.timeRange.from.valueOf(), answer.timeRange.to.valueOf(), askedRefIds(answer)]);
  }

  /** The services of the rows shown, in the table's order; undefined while the first request is awaited. */
  visibleServices(answer: PanelData | undefined = this.listAnswer()): string[] | undefined {
    if (!answer) {
      return undefined;
    }
    return statisticRows(answer, this.state)
      .slice(0, this.state.pageSize)
      .map((r) => r.service);
  }

  /** The details answered for `answer` (none from another answer: another window or other columns). */
  detailsOf(answer: PanelData): RowDetails | undefined {
    const { details } = this.state;
    return details?.listKey === this.listKey(answer) ? details : undefined;
  }

  /**
   * What a cell shows: a column of the first request, its value; a sort column being asked for
   * every service, loading; any other column, loading until the details of its row answered.
   */
  cellState(answer: PanelData, service: string, column: ServiceStat | 'sparkline'): CellState {
    const asked = askedRefIds(answer);
    if (column !== 'sparkline' && asked.includes(column)) {
      return 'value';
    }
    if (column !== 'sparkline' && listStats(parseSort(this.state.sort).key, this.state.recorded).includes(column)) {
      return 'loading';
    }
    const details = this.detailsOf(answer);
    if (!details?.answered.includes(service)) {
      return 'loading';
    }
    const ref = SERVICE_STAT_REFS[column];
    const failed = details.failed?.requests.some((r) => r.services.includes(service) && r.refIds.includes(ref));
    return failed ? 'failed' : 'value';
  }

  /** The columns whose details failed for `answer`, in the table's order. */
  failedColumns(answer: PanelData): Array<ServiceStat | 'sparkline'> {
    const refs = new Set(this.detailsOf(answer)?.failed?.requests.flatMap((r) => r.refIds) ?? []);
    return [...SERVICE_STATS, 'sparkline' as const].filter((c) => refs.has(SERVICE_STAT_REFS[c]));
  }

  /** Asks the details of the rows shown that have none for this answer yet (one request for all of them). */
  private syncDetails(answer: PanelData) {
    const listKey = this.listKey(answer);
    let details = this.state.details;
    if (details?.listKey !== listKey) {
      details = { listKey, answered: [], frames: [] };
      this._asked = undefined;
      this.setState({ details });
    }
    const missing = (this.visibleServices(answer) ?? []).filter((s) => !details.answered.includes(s));
    const inFlight = this._asked?.services ?? [];
    if (missing.length === 0 || missing.every((s) => inFlight.includes(s))) {
      return;
    }
    const { conv, recorded, rowDetails } = this.state;
    const queries = rowDetailsQueries(conv, recorded, this.window(), askedRefIds(answer), missing);
    // A new run replaces the one in flight: it asks for those services again.
    this._asked = { listKey, services: missing, exprs: exprsOf(queries) };
    rowDetails.setState({ queries });
    rowDetails.runQueries();
  }

  /** Keeps the second request's answer if it answers what was last asked for the current list. */
  private onDetails(data: PanelData) {
    const asked = this._asked;
    const details = this.state.details;
    if (
      !asked ||
      !details ||
      asked.listKey !== details.listKey ||
      exprsOf(data.request?.targets ?? []) !== asked.exprs
    ) {
      return;
    }
    this._asked = undefined;
    const refs = askedRefIds(data);
    // In a failed request, a query is failed if it has an error, or answered nothing at all
    // (an error without a refId, or a request that failed before any answer).
    const failedRefs = refs.filter((r) => failedRefIds(data).includes(r) || !data.series.some((f) => f.refId === r));
    const failed =
      data.state === LoadingState.Error
        ? {
            // Which query failed unknown: none of them is trusted.
            requests: [
              ...(details.failed?.requests ?? []),
              { services: asked.services, refIds: failedRefs.length > 0 ? failedRefs : refs },
            ],
            message: panelErrorMessage(data) ?? '',
          }
        : details.failed;
    this.setState({
      details: {
        ...details,
        answered: [...details.answered, ...asked.services],
        // Only the rows asked: a series of another service is no detail of these rows.
        frames: [
          ...details.frames,
          ...data.series.filter(
            (f) =>
              f.refId !== undefined &&
              refs.includes(f.refId) &&
              f.fields.some((field) => asked.services.includes(field.labels?.[this.state.serviceLabel] ?? ''))
          ),
        ],
        failed,
      },
    });
    const answer = this.listAnswer();
    if (answer) {
      this.syncDetails(answer);
    }
  }

  onShowMore = () => this.setState({ pageSize: this.state.pageSize + SERVICES_PAGE_SIZE });

  getUrlState(): SceneObjectUrlValues {
    const sort = parseSort(this.state.sort);
    return {
      [URL_KEYS.search]: this.state.search || undefined,
      // The default order stays out of the URL, so plain links stay short.
      [URL_KEYS.sort]:
        sort.key === DEFAULT_SORT.key && sort.direction === DEFAULT_SORT.direction ? undefined : formatSort(sort),
    };
  }

  updateFromUrl(values: SceneObjectUrlValues) {
    const search = values[URL_KEYS.search];
    const sort = values[URL_KEYS.sort];
    const next = {
      search: typeof search === 'string' ? search : '',
      sort: formatSort(parseSort(typeof sort === 'string' ? sort : undefined)),
    };
    if (next.search !== this.state.search || next.sort !== this.state.sort) {
      this.setState(next);
    }
  }

  onSearch = (search: string) => this.setState({ search });

  onSort = (key: SortKey) => this.setState({ sort: formatSort(nextSort(parseSort(this.state.sort), key)) });
}

/** The sortable columns. A function: t() runs at render, once the language is known. */
function columns(): Array<{ key: SortKey; title: string }> {
  return [
    { key: 'service', title: t('pivot.services.table.service', 'Service') },
    { key: 'requestRate', title: t('pivot.services.table.request-rate', 'Request rate') },
    { key: 'errorRatio', title: t('pivot.services.table.error-ratio', 'Error ratio') },
    { key: 'p95', title: t('pivot.services.table.p95', 'p95 latency') },
    { key: 'slo', title: t('pivot.services.table.slo', 'SLO') },
  ];
}

function format(unit: string, value: number | undefined): string {
  return value === undefined ? '–' : formattedValueToString(getValueFormat(unit)(value));
}

function ServicesTableRenderer({ model }: SceneComponentProps<ServicesTable>) {
  const { search, sort: sortText, serviceLabel, familyTitle, slos, pageSize, $data, details } = model.useState();
  // Re-rendered on each of the first request's changes; what it shows is its answer for the current window.
  $data.useState();
  const { from, to } = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
  const data = model.listAnswer();
  // SLO series alone are no services: the page is empty when the statistics are.
  const state = sectionDataState(
    data && { ...data, series: data.series.filter((frame) => frame.refId !== SLO_STATUS_REF) }
  );
  const sort = parseSort(sortText);

  const searchBox = (
    <Input
      className={styles.search}
      prefix={<Icon name="search" />}
      placeholder={t('pivot.services.search', 'Search services')}
      value={search}
      onChange={(e) => model.onSearch(e.currentTarget.value)}
      data-testid={testIds.services.search}
      aria-label={t('pivot.services.search', 'Search services')}
    />
  );

  if (!data || state.kind === 'loading') {
    return <LoadingPlaceholder text={t('pivot.services.loading', 'Loading services from Prometheus…')} />;
  }
  if (state.kind === 'error') {
    return (
      <Problem
        title={t('pivot.services.load-failed', 'Prometheus could not load the services')}
        message={state.message}
      />
    );
  }
  if (state.kind === 'empty') {
    return (
      <Empty
        message={t(
          'pivot.services.empty',
          'No requests for any service in this window under {{family}}: check the metric family and the service label ({{label}}) in Configuration, or widen the time range.',
          textValues({ family: familyTitle, label: serviceLabel })
        )}
      />
    );
  }

  const failed = failedRefIds(data);
  // `details` is read through the model: only those of this answer count.
  const answered = details && model.detailsOf(data);
  const rows = statisticRows(data, { serviceLabel, slos, search, sort: sortText }, answered?.frames);
  const shown = rows.slice(0, pageSize);
  const sloFailed = failed.includes(SLO_STATUS_REF);
  const range = { from, to };
  const words = cellWords();
  return (
    <div className={styles.container}>
      {searchBox}
      {state.warning && (
        <Problem
          severity="warning"
          title={t('pivot.services.partial', 'Some statistics are missing')}
          message={state.warning}
        />
      )}
      {answered?.failed && (
        <Problem
          severity="warning"
          title={t(
            'pivot.services.details-failed',
            'Prometheus could not load the {{columns}} of the rows shown',
            textValues({ columns: detailsList(model.failedColumns(data)) })
          )}
          message={answered.failed.message}
        />
      )}
      {rows.length === 0 ? (
        <Empty message={t('pivot.services.no-match', 'No service matches "{{search}}".', textValues({ search }))} />
      ) : (
        <table className={styles.table} data-testid={testIds.services.table}>
          <thead>
            <tr>
              {columns().map((c) => (
                <th
                  key={c.key}
                  aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button
                    className={styles.sortButton}
                    onClick={() => model.onSort(c.key)}
                    data-testid={testIds.services.sortBy(c.key)}
                  >
                    {c.title}
                    {sort.key === c.key && <Icon name={sort.direction === 'asc' ? 'arrow-up' : 'arrow-down'} />}
                  </button>
                </th>
              ))}
              <th>
                <Trans i18nKey="pivot.services.table.requests-over-time">Requests over time</Trans>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <ServiceTableRow
                key={row.service}
                row={row}
                href={serviceUrl(row.service, range)}
                cell={(column) => model.cellState(data, row.service, column)}
                words={words}
                sloCell={<SloCell service={row.service} status={row.slo} failed={sloFailed} range={range} />}
              />
            ))}
          </tbody>
        </table>
      )}
      {rows.length > shown.length && (
        <div className={styles.more}>
          <span>
            {t(
              'pivot.services.shown',
              'Showing {{shown}} of {{total}} services.',
              textValues({ shown: shown.length, total: rows.length })
            )}
          </span>
          <Button variant="secondary" size="sm" onClick={model.onShowMore}>
            {t(
              'pivot.services.show-more',
              'Show {{count}} more',
              textValues({ count: Math.min(SERVICES_PAGE_SIZE, rows.length - shown.length) })
            )}
          </Button>
        </div>
      )}
    </div>
  );
}

const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 24;

/** The columns that load per row, as words in a sentence. A function: t() runs at render. */
function cellWords(): Record<ServiceStat | 'sparkline', string> {
  return {
    requestRate: t('pivot.services.cell.request-rate', 'request rate'),
    errorRatio: t('pivot.services.cell.error-ratio', 'error ratio'),
    p95: t('pivot.services.cell.p95', 'p95 latency'),
    sparkline: t('pivot.services.cell.sparkline', 'requests over time'),
  };
}

/** Columns of the second request as words in a sentence, e.g. "latency and sparklines". */
function detailsList(columns: Array<ServiceStat | 'sparkline'>): string {
  const words: Record<ServiceStat | 'sparkline', string> = {
    requestRate: t('pivot.services.details.request-rate', 'request rate'),
    errorRatio: t('pivot.services.details.error-ratio', 'error ratio'),
    p95: t('pivot.services.details.p95', 'latency'),
    sparkline: t('pivot.services.details.sparklines', 'sparklines'),
  };
  return new Intl.ListFormat(undefined, { type: 'conjunction' }).format(columns.map((c) => words[c]));
}

/** A cell whose value has not answered yet: busy for assistive technology, with what it waits for. */
function LoadingCell({ label }: { label: string }) {
  const styles = useStyles2(getStyles);
  return (
    <td aria-busy="true">
      <Icon name="fa fa-spinner" className={styles.busy} aria-hidden />
      <span className={styles.visuallyHidden}>{label}</span>
    </td>
  );
}

function ServiceTableRow({
  row,
  href,
  cell,
  words,
  sloCell,
}: {
  row: ServiceRow;
  href: string;
  cell: (column: ServiceStat | 'sparkline') => CellState;
  words: Record<ServiceStat | 'sparkline', string>;
  sloCell: React.ReactNode;
}) {
  const styles = useStyles2(getStyles);
  const url = locationUtil.assureBaseUrl(href);
  const statCell = (column: ServiceStat, text: string, className?: string) => {
    const state = cell(column);
    if (state === 'loading') {
      return <LoadingCell key={column} label={loadingLabel(words[column], row.service)} />;
    }
    // A failed detail shows as unknown; the warning above the table says why.
    return (
      <td key={column} className={state === 'value' ? className : undefined}>
        {state === 'value' ? text : format('none', undefined)}
      </td>
    );
  };
  const sparkline = cell('sparkline');
  return (
    <tr
      className={styles.row}
      data-testid={testIds.services.row(row.service)}
      onClick={() => locationService.push(href)}
    >
      <td>
        <a href={url} onClick={(e) => e.stopPropagation()}>
          {row.service}
        </a>
      </td>
      {statCell('requestRate', format('reqps', row.requestRate))}
      {statCell('errorRatio', format('percentunit', row.errorRatio), row.errorRatio ? styles.failing : undefined)}
      {statCell('p95', format('s', row.p95Seconds))}
      {sloCell}
      {sparkline === 'loading' ? (
        <LoadingCell label={loadingLabel(words.sparkline, row.service)} />
      ) : (
        <td>
          {sparkline === 'value' && row.sparkline.length > 1 && (
            <svg
              width={SPARK_WIDTH}
              height={SPARK_HEIGHT}
              aria-label={t(
                'pivot.services.table.sparkline',
                'Requests over time for {{service}}',
                textValues({ service: row.service })
              )}
            >
              <polyline className={styles.spark} points={sparklinePoints(row.sparkline, SPARK_WIDTH, SPARK_HEIGHT)} />
            </svg>
          )}
        </td>
      )}
    </tr>
  );
}

function loadingLabel(column: string, service: string): string {
  return t('pivot.services.table.cell-loading', 'Loading {{column}} of {{service}}', textValues({ column, service }));
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  search: css({
    maxWidth: 400,
  }),
  more: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
  }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(1, 1.5),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
  }),
  sortButton: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.primary,
    fontWeight: theme.typography.fontWeightMedium,
    cursor: 'pointer',
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  }),
  row: css({
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
    a: { color: theme.colors.text.link },
  }),
  failing: css({
    color: theme.colors.error.text,
  }),
  busy: css({
    color: theme.colors.text.secondary,
  }),
  // Read by screen readers, not shown.
  visuallyHidden: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  }),
  spark: css({
    fill: 'none',
    stroke: theme.colors.primary.main,
    strokeWidth: 1.5,
  }),
});
