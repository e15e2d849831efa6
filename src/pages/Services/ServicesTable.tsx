import React from 'react';
import { css } from '@emotion/css';
import {
  formattedValueToString,
  getValueFormat,
  GrafanaTheme2,
  LoadingState,
  locationUtil,
  PanelData,
} from '@grafana/data';
import { locationService } from '@grafana/runtime';
import {
  SceneComponentProps,
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
import type { SloDefinition } from '../../slo/definition';
import type { MetricConventions } from '../../datasources/conventions';
import { SERVICES_PAGE_SIZE, sparklineQuery } from './sparklines';
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
  /** The family and service label the sparkline query is built for, and whether it reads recorded series. */
  conv: MetricConventions;
  recorded: boolean;
  /** Rows shown: the first `pageSize` of the order; "show more" adds SERVICES_PAGE_SIZE. */
  pageSize: number;
  /** The statistics of every service (one request). */
  $data: SceneQueryRunner;
  /** The sparklines of the rows shown (a second request, once the statistics answered). */
  sparklines: SceneQueryRunner;
}

/**
 * The table's rows from the statistics' answer: joined by service, searched and sorted, with
 * each service's worst SLO. The sparklines are joined in at render.
 */
function statisticRows(
  data: PanelData | undefined,
  { serviceLabel, slos, search, sort }: Pick<ServicesTableState, 'serviceLabel' | 'slos' | 'search' | 'sort'>,
  sparklines: PanelData['series'] = []
): ServiceRow[] {
  const failed = failedRefIds(data);
  const sloStatuses = serviceSloStatuses(data?.series ?? [], slos);
  const frames = [
    ...(data?.series ?? []).filter((f) => f.refId !== SERVICE_STAT_REFS.sparkline),
    ...sparklines.filter((f) => f.refId === SERVICE_STAT_REFS.sparkline),
  ];
  return sortRows(
    searchRows(joinServiceRows(frames, serviceLabel, failed), search).map((row) => ({
      ...row,
      slo: sloStatuses.get(row.service),
    })),
    parseSort(sort)
  );
}

/** Every service, one row each, from the per-statistic queries of its `$data`; search and sort live in the URL. */
export class ServicesTable extends SceneObjectBase<ServicesTableState> {
  static Component = ServicesTableRenderer;

  protected _urlSync = new SceneObjectUrlSyncConfig(this, { keys: [URL_KEYS.search, URL_KEYS.sort] });

  /** The services the sparkline query names now (none before the statistics answered). */
  private _sparklineServices: string[] = [];

  constructor(state: ServicesTableState) {
    super(state);
    this.addActivationHandler(() => {
      const deactivateSparklines = this.state.sparklines.activate();
      const subs = [
        this.state.$data.subscribeToState((next, prev) => {
          if (next.data !== prev.data) {
            this.syncSparklines();
          }
        }),
        this.subscribeToState((next, prev) => {
          if (next.search !== prev.search || next.sort !== prev.sort || next.pageSize !== prev.pageSize) {
            this.syncSparklines();
          }
        }),
      ];
      this.syncSparklines();
      return () => {
        subs.forEach((s) => s.unsubscribe());
        deactivateSparklines();
      };
    });
  }

  /** The services of the rows on screen, in the table's order; undefined while the statistics load. */
  visibleServices(): string[] | undefined {
    const data = this.state.$data.state.data;
    if (!data || data.state === LoadingState.Loading || data.state === LoadingState.NotStarted) {
      return undefined;
    }
    return statisticRows(data, this.state)
      .slice(0, this.state.pageSize)
      .map((r) => r.service);
  }

  /** Points the sparkline query at the rows on screen, when they changed (paging, sorting, searching, new statistics). */
  private syncSparklines() {
    const services = this.visibleServices();
    // While the statistics load, the sparklines of the rows shown stay (a new window re-runs them).
    if (services === undefined) {
      return;
    }
    const same =
      services.length === this._sparklineServices.length && services.every((s, i) => s === this._sparklineServices[i]);
    if (same) {
      return;
    }
    this._sparklineServices = services;
    const { sparklines, conv, recorded } = this.state;
    sparklines.setState({ queries: services.length > 0 ? [sparklineQuery(conv, recorded, services)] : [] });
    sparklines.runQueries();
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
  const { search, sort: sortText, serviceLabel, familyTitle, slos, pageSize, $data, sparklines } = model.useState();
  const { data } = $data.useState();
  const { data: sparklineData } = sparklines.useState();
  const { from, to } = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
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

  if (state.kind === 'loading') {
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
  const rows = statisticRows(data, { serviceLabel, slos, search, sort: sortText }, sparklineData?.series);
  const shown = rows.slice(0, pageSize);
  const sparklineError = sparklineData?.state === LoadingState.Error;
  const sloFailed = failed.includes(SLO_STATUS_REF);
  const range = { from, to };
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
      {sparklineError && (
        <Problem
          severity="warning"
          title={t('pivot.services.sparklines-failed', 'Prometheus could not load the request-rate sparklines')}
          message={sparklineData?.errors?.[0]?.message ?? ''}
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

function ServiceTableRow({ row, href, sloCell }: { row: ServiceRow; href: string; sloCell: React.ReactNode }) {
  const styles = useStyles2(getStyles);
  const url = locationUtil.assureBaseUrl(href);
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
      <td>{format('reqps', row.requestRate)}</td>
      <td className={row.errorRatio ? styles.failing : undefined}>{format('percentunit', row.errorRatio)}</td>
      <td>{format('s', row.p95Seconds)}</td>
      {sloCell}
      <td>
        {row.sparkline.length > 1 && (
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
    </tr>
  );
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
  spark: css({
    fill: 'none',
    stroke: theme.colors.primary.main,
    strokeWidth: 1.5,
  }),
});
