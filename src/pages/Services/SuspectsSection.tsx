import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2, LoadingState, locationUtil, PanelData } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  SceneComponentProps,
  SceneDataProvider,
  SceneDataQuery,
  sceneGraph,
  SceneObjectBase,
  SceneObjectState,
  SceneQueryRunner,
} from '@grafana/scenes';
import { Alert, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import {
  SHOWN_SUSPECTS,
  SUSPECT_REFS,
  suspectsView,
  SuspectsView,
  VersionFirstSeen,
} from '../../analysis/suspectFrames';
import type { Suspect } from '../../analysis/suspects';
import { formatRatio } from '../../analysis/serviceGraphFrames';
import { dsRef, type DataSourceSummary } from '../../datasources/lookup';
import {
  failingSpansWith,
  SAMPLE_TRACES,
  SPANS_PER_TRACE,
  SPAN_NAME,
  suspectSpans,
} from '../../datasources/suspectQueries';
import type { PivotContext } from '../../pivotContext';
import { buildQueries, sectionDataState } from '../../scenes/dataState';
import { PillarSection } from '../../scenes/PillarSection';
import { textValues } from '../../utils/i18nValues';
import { exploreUrl, graphUrl, serviceUrl, UrlTimeRange } from '../../utils/links';
import { ComparisonTable, sampleStatus } from './comparisonParts';

/** A TraceQL search whose answer is Grafana's `Spans` table: one row per span, a field per attribute. */
export interface TempoSpansQuery extends SceneDataQuery {
  queryType: 'traceql';
  query: string;
  limit: number;
  spss: number;
  tableType: 'spans';
}

/** The two samples: each its own request, since Grafana's Tempo runs one TraceQL query per request. */
export function suspectQueries(service: string): { failing: TempoSpansQuery; baseline: TempoSpansQuery } {
  const query = (refId: string, side: 'failing' | 'baseline'): TempoSpansQuery => ({
    refId,
    queryType: 'traceql',
    query: suspectSpans(service, side),
    limit: SAMPLE_TRACES,
    spss: SPANS_PER_TRACE,
    tableType: 'spans',
  });
  return { failing: query(SUSPECT_REFS.failing, 'failing'), baseline: query(SUSPECT_REFS.baseline, 'baseline') };
}

/** Attributes whose value names another service: the pivot opens it and the graph around it. */
const PEER_ATTRIBUTES = new Set(['span.peer.service', 'span.server.address']);

export const SUSPECTS_TEST_IDS = {
  view: (kind: string) => `data-testid pivot-suspects ${kind}`,
  row: (attribute: string, value: string) => `data-testid pivot-suspect ${attribute}=${value}`,
  deploy: 'data-testid pivot-suspects-deploy',
};

interface SuspectsListState extends SceneObjectState {
  service: string;
  tempo: DataSourceSummary;
  /** The sample of the service's other spans; the failing sample is the section's data. */
  $data: SceneDataProvider;
}

/** The ranked suspects, read from the section's failing sample and its own baseline sample. */
export class SuspectsList extends SceneObjectBase<SuspectsListState> {
  static Component = SuspectsListRenderer;

  /** The failing sample: the data of the section this list is the body of. */
  public failingData(): SceneDataProvider | undefined {
    const parent = this.parent;
    return parent instanceof PillarSection ? parent.state.$data : undefined;
  }
}

function SuspectsListRenderer({ model }: SceneComponentProps<SuspectsList>) {
  const { service, tempo, $data } = model.useState();
  const baseline = $data.useState().data;
  const failingProvider = model.failingData();
  const failing = failingProvider?.useState().data;
  const { value } = sceneGraph.getTimeRange(model).useState();
  const range: UrlTimeRange = { from: value.from.valueOf(), to: value.to.valueOf() };
  const state = sectionDataState(baseline);
  const status = sampleStatus(state, failing, {
    loading: t(
      'pivot.services.suspects.loading-baseline',
      'Loading the other spans of {{service}} to compare with…',
      textValues({ service })
    ),
    failed: t(
      'pivot.services.suspects.baseline-failed',
      'Tempo could not load the other spans of {{service}}',
      textValues({ service })
    ),
  });
  if (status || !failing) {
    return status;
  }
  const view = suspectsView(failing.series, baseline?.series ?? []);
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">{t('pivot.services.suspects.title', 'What the failing requests share')}</Text>
      <SuspectsBody
        view={view}
        service={service}
        tempo={tempo}
        range={range}
        partial={isPartial(failing) || isPartial(baseline)}
      />
    </Stack>
  );
}

function isPartial(data: PanelData | undefined): boolean {
  return data?.state === LoadingState.Error;
}

interface BodyProps {
  view: SuspectsView;
  service: string;
  tempo: DataSourceSummary;
  range: UrlTimeRange;
  partial: boolean;
}

function SuspectsBody({ view, service, tempo, range, partial }: BodyProps) {
  const styles = useStyles2(getStyles);
  const note = (severity: 'info' | 'warning', title: string) => (
    <Alert severity={severity} data-testid={SUSPECTS_TEST_IDS.view(view.kind)} title={title} />
  );
  switch (view.kind) {
    case 'not-enough':
      return note(
        'info',
        t(
          'pivot.services.suspects.not-enough',
          'Not enough failing spans to compare: {{count}} failing server or consumer spans of {{service}} in this window, Pivot needs at least 10. Widen the time range.',
          textValues({ count: view.failing, service })
        )
      );
    case 'no-selection':
      return note(
        'warning',
        t(
          'pivot.services.suspects.no-selection',
          'Tempo answered without the selected attributes: comparing them needs TraceQL select() (Tempo 2.2 or newer) and spans that carry resource and span attributes such as service.version and http.route.'
        )
      );
    case 'no-baseline':
      return note(
        'info',
        t(
          'pivot.services.suspects.no-baseline',
          'Every sampled server or consumer span of {{service}} in this window failed ({{count}}): there are no succeeding spans to compare with.',
          textValues({ count: view.failing, service })
        )
      );
    case 'none':
      return note(
        'info',
        t(
          'pivot.services.suspects.none',
          'Nothing stands out: no attribute value is clearly more common among the {{failing}} failing spans than among the {{baseline}} others. The cause may be outside the selected attributes (look at the logs and traces below).',
          textValues({ failing: view.failing, baseline: view.baseline })
        )
      );
    case 'ranked':
      return (
        <div className={styles.list} data-testid={SUSPECTS_TEST_IDS.view(view.kind)}>
          <Text color="secondary">
            {t(
              'pivot.services.suspects.compared',
              'Compared {{failing}} failing server or consumer spans of {{service}} with {{baseline}} others in this window (one span from each of up to {{sample}} traces per side); the top {{shown}} over-represented values:',
              textValues({
                failing: view.failing,
                baseline: view.baseline,
                service,
                sample: SAMPLE_TRACES,
                shown: SHOWN_SUSPECTS,
              })
            )}
          </Text>
          {partial && (
            <Alert
              severity="warning"
              title={t(
                'pivot.services.suspects.partial',
                'Tempo answered in part: the samples may be smaller than asked.'
              )}
            />
          )}
          <ComparisonTable
            headings={[
              t('pivot.services.suspects.attribute', 'Attribute'),
              t('pivot.services.suspects.value', 'Value'),
              t('pivot.services.suspects.failing-share', 'Failing spans'),
              t('pivot.services.suspects.baseline-share', 'Other spans'),
              t('pivot.services.suspects.pivots', 'Pivots'),
            ]}
          >
            {view.suspects.map((s) => (
              <SuspectRow
                key={`${s.attribute}\u0000${s.missing}\u0000${s.value}`}
                suspect={s}
                service={service}
                tempo={tempo}
                range={range}
              />
            ))}
          </ComparisonTable>
          {view.deploy && <DeployNote deploy={view.deploy} service={service} />}
        </div>
      );
  }
}

/** How a suspect's attribute reads: the scoped name, or "span name" for the intrinsic. */
function attributeLabel(attribute: string): string {
  return attribute === SPAN_NAME ? t('pivot.services.suspects.span-name', 'span name') : attribute;
}

function shareText(count: number, share: number): string {
  return t('pivot.services.suspects.share', '{{share}} ({{count}})', textValues({ share: formatRatio(share), count }));
}

function SuspectRow({
  suspect,
  service,
  tempo,
  range,
}: {
  suspect: Suspect;
  service: string;
  tempo: DataSourceSummary;
  range: UrlTimeRange;
}) {
  // Spans without the attribute cannot be asked for (Tempo 2.7 refuses `= nil`): no link then.
  const traces = suspect.missing
    ? undefined
    : buildQueries(() => failingSpansWith(service, suspect.attribute, suspect.value));
  const isPeer = PEER_ATTRIBUTES.has(suspect.attribute) && !suspect.missing;
  return (
    <tr data-testid={SUSPECTS_TEST_IDS.row(suspect.attribute, suspect.missing ? '' : suspect.value)}>
      <td>{attributeLabel(suspect.attribute)}</td>
      <td>{suspect.missing ? <Text italic>{t('pivot.services.suspects.not-set', 'not set')}</Text> : suspect.value}</td>
      <td>{shareText(suspect.failing, suspect.failingShare)}</td>
      <td>{shareText(suspect.baseline, suspect.baselineShare)}</td>
      <td>
        <Stack direction="row" gap={2} wrap="wrap">
          {traces?.ok && (
            <TextLink
              href={locationUtil.assureBaseUrl(
                exploreUrl(
                  tempo,
                  { queryType: 'traceql', query: traces.queries, limit: 20, tableType: 'traces' },
                  range
                )
              )}
              icon="gf-traces"
              inline
            >
              {t('pivot.services.suspects.failing-traces', 'Failing traces with this value')}
            </TextLink>
          )}
          {isPeer && (
            <TextLink href={locationUtil.assureBaseUrl(serviceUrl(suspect.value, range))} inline>
              {t('pivot.services.suspects.open-peer', 'Open {{peer}}', textValues({ peer: suspect.value }))}
            </TextLink>
          )}
          {isPeer && (
            <TextLink href={locationUtil.assureBaseUrl(graphUrl({ range, focus: suspect.value }))} inline>
              {t('pivot.services.suspects.graph-peer', 'Graph around {{peer}}', textValues({ peer: suspect.value }))}
            </TextLink>
          )}
          {suspect.attribute === 'resource.service.version' && (
            <TextLink href={locationUtil.assureBaseUrl(graphUrl({ range, focus: service }))} inline>
              {t('pivot.services.suspects.graph-service', 'Graph around {{service}}', textValues({ service }))}
            </TextLink>
          )}
        </Stack>
      </td>
    </tr>
  );
}

function DeployNote({ deploy, service }: { deploy: VersionFirstSeen; service: string }) {
  const time = dateTimeFormat(deploy.firstSeenMs);
  const values = textValues({ version: deploy.version, service, time });
  return (
    <Alert
      severity="warning"
      data-testid={SUSPECTS_TEST_IDS.deploy}
      title={t(
        'pivot.services.suspects.deploy-title',
        'A deploy may be the cause: {{service}} version {{version}}',
        values
      )}
    >
      {deploy.afterOthers
        ? t(
            'pivot.services.suspects.deploy-in-window',
            'Version {{version}} first shows at {{time}} among the sampled spans, after spans of other versions: it was rolled out in this window, at or shortly before that time.',
            values
          )
        : t(
            'pivot.services.suspects.deploy-before-window',
            'Version {{version}} runs from the first sampled span ({{time}}): it may have been deployed before this window; widen the time range to see the rollout.',
            values
          )}
    </Alert>
  );
}

/**
 * "What the failing requests share": the service's failing server and consumer spans (requests
 * served, messages processed) against its other spans of those kinds in the window, the attribute values over-represented among the failures first
 * (docs/suspects.md).
 */
export function suspectsSection(ctx: PivotContext, service: string): PillarSection {
  const tempo = ctx.datasources.tempo;
  const common = {
    name: 'suspects',
    what: t('pivot.services.suspects.what', 'what the failing requests share'),
    pillar: 'tempo' as const,
    emptyMessage: t(
      'pivot.services.suspects.empty',
      'No failing server or consumer spans of {{service}} in this window (Tempo): nothing to compare.',
      textValues({ service })
    ),
  };
  if (!tempo.ok) {
    return new PillarSection({ ...common, problem: tempo.message });
  }
  const queries = buildQueries(() => suspectQueries(service));
  if (!queries.ok) {
    return new PillarSection({ ...common, problem: queries.message });
  }
  return new PillarSection({
    ...common,
    $data: new SceneQueryRunner({ datasource: dsRef(tempo.ds), queries: [queries.queries.failing] }),
    body: new SuspectsList({
      service,
      tempo: tempo.ds,
      $data: new SceneQueryRunner({ datasource: dsRef(tempo.ds), queries: [queries.queries.baseline] }),
    }),
  });
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
});
