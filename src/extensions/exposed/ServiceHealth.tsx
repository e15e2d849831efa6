import React from 'react';
import { css } from '@emotion/css';
import { formattedValueToString, getValueFormat, GrafanaTheme2 } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Badge, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { Empty, Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { METRIC_FAMILIES } from '../../datasources';
import { textValues } from '../../utils/i18nValues';
import { serviceUrl, sloUrl, UrlTimeRange } from '../../utils/links';
import { loadPivotContext, queryFrames, toEpochRange } from './runtime';
import {
  HealthQuery,
  healthQueries,
  sloQueries,
  HealthFigures,
  readFigures,
  slosOf,
  SloBurn,
  sloBurns,
  sloText,
  windowOf,
} from './serviceHealth';
import { invalidRange, Loaded as LoadResult, useLoad } from './useLoad';

export interface ServiceHealthProps {
  /** The service, as the configured service label names it. */
  service: string;
  /** Grafana time range text (`now-1h`, epoch ms); the last hour when absent. */
  timeRange?: { from: string; to: string };
}

const DEFAULT_RANGE = { from: 'now-1h', to: 'now' };

/**
 * The component queries Pivot's configured data sources, so its links open Pivot on them: no
 * data source keys (not those of a Pivot page seen earlier in the session).
 */
const ON_DEFAULTS = {};

type Loaded = LoadResult<{ figures: HealthFigures; slos: SloBurn[] }>;

async function loadHealth(service: string, range: { from: string; to: string }): Promise<Loaded> {
  const epoch = toEpochRange(range);
  if (!epoch) {
    return invalidRange(range);
  }
  const { ctx, jsonData } = await loadPivotContext();
  const prometheus = ctx.datasources.prometheus;
  if (!prometheus.ok) {
    return {
      state: 'problem',
      title: t('pivot.exposed.service-health.no-prometheus', 'No Prometheus data source'),
      message: prometheus.message,
      config: true,
    };
  }
  const window = windowOf(epoch);
  const withDs = (q: HealthQuery) => ({
    refId: q.refId,
    expr: q.expr,
    instant: true,
    range: false,
    datasource: { uid: prometheus.ds.uid, type: prometheus.ds.type },
  });
  // Instant queries: Grafana evaluates them at the range's end.
  const instant = { fromMs: epoch.toMs - 1000, toMs: epoch.toMs };
  const figures = readFigures(
    ctx.settings,
    await queryFrames(healthQueries(ctx.settings, service, window).map(withDs), instant)
  );
  if (!figures) {
    return {
      state: 'empty',
      message: t(
        'pivot.exposed.service-health.no-requests',
        "No requests of {{service}} in this time range. Check the service name and Pivot's metric conventions in Configuration.",
        textValues({ service })
      ),
    };
  }
  // The SLIs need the family the figures came from: a second request, only for a service with SLOs.
  const slos = slosOf(jsonData, service);
  const sloFrames =
    slos.length > 0
      ? await queryFrames(sloQueries(ctx.settings, figures.family, slos, window).map(withDs), instant)
      : [];
  return { state: 'done', figures, slos: sloBurns(slos, sloFrames) };
}

function format(unit: string, value: number | undefined, decimals?: number): string {
  return value === undefined
    ? t('pivot.exposed.service-health.no-data', 'no data')
    : formattedValueToString(getValueFormat(unit)(value, decimals));
}

/** A service's RED figures and SLO status, for other plugins and dashboards; every figure links into Pivot. */
export default function ServiceHealth({ service, timeRange }: ServiceHealthProps) {
  const styles = useStyles2(getStyles);
  const range = timeRange ?? DEFAULT_RANGE;
  const loaded = useLoad(
    `${service}\n${range.from}\n${range.to}`,
    () => loadHealth(service, range),
    t('pivot.exposed.service-health.query-failed', 'Query failed')
  );

  const urlRange: UrlTimeRange = range;
  if (!service) {
    return (
      <Problem
        title={t('pivot.exposed.service-health.no-service', 'No service')}
        message={t(
          'pivot.exposed.service-health.no-service-message',
          'Pass the service prop: the name the service label carries.'
        )}
      />
    );
  }
  return (
    <div className={styles.container} data-testid={testIds.embedding.serviceHealth}>
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <Text element="h4">{service}</Text>
        <LinkButton size="sm" variant="secondary" icon="arrow-right" href={serviceUrl(service, urlRange, ON_DEFAULTS)}>
          <Trans i18nKey="pivot.exposed.service-health.investigate">Investigate in Pivot</Trans>
        </LinkButton>
      </Stack>
      {loaded.state === 'loading' && (
        <LoadingPlaceholder text={t('pivot.exposed.service-health.loading', 'Loading service health…')} />
      )}
      {loaded.state === 'problem' && (
        <Problem title={loaded.title} message={loaded.message} showConfigLink={loaded.config} />
      )}
      {loaded.state === 'empty' && <Empty message={loaded.message} />}
      {loaded.state === 'done' && (
        <>
          <dl className={styles.figures}>
            <dt>
              <Trans i18nKey="pivot.exposed.service-health.requests">Requests</Trans>
            </dt>
            <dd>{format('reqps', loaded.figures.requestRate, 2)}</dd>
            <dt>
              <Trans i18nKey="pivot.exposed.service-health.errors">Errors</Trans>
            </dt>
            <dd>{format('percentunit', loaded.figures.errorRatio, 2)}</dd>
            <dt>
              <Trans i18nKey="pivot.exposed.service-health.p95">p95 latency</Trans>
            </dt>
            <dd>{format('s', loaded.figures.p95Seconds)}</dd>
          </dl>
          <Text variant="bodySmall" color="secondary">
            {METRIC_FAMILIES[loaded.figures.family].title}
          </Text>
          {loaded.slos.map((slo) => (
            <div key={slo.name} className={styles.slo}>
              <LinkButton size="sm" fill="text" href={sloUrl(slo.name, urlRange, ON_DEFAULTS)}>
                {slo.name}
              </LinkButton>
              <Badge
                color={slo.state === 'ok' ? 'green' : slo.state === 'burning' ? 'red' : 'blue'}
                text={sloText(slo)}
              />
            </div>
          ))}
        </>
      )}
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
  figures: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, fontWeight: theme.typography.fontWeightMedium },
  }),
  slo: css({
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
  }),
});
