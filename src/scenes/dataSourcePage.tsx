import React from 'react';
import { t, Trans } from '@grafana/i18n';
import { getDataSourceSrv, locationService } from '@grafana/runtime';
import {
  DataSourceVariable,
  EmbeddedScene,
  NewSceneObjectAddedEvent,
  SceneComponentProps,
  SceneFlexItem,
  SceneFlexLayout,
  SceneObject,
  SceneObjectBase,
  SceneObjectState,
  SceneVariableSet,
  SceneVariableValueChangedEvent,
  VariableValueSelectors,
} from '@grafana/scenes';
import { VariableHide } from '@grafana/schema';
import { LinkButton, Stack } from '@grafana/ui';
import { Problem } from '../components/states/PivotStates';
import { testIds } from '../components/testIds';
import { DataSourceSummary, PILLAR_TITLES, PILLAR_TYPES } from '../datasources/lookup';
import type { PivotContext } from '../pivotContext';
import { PILLARS, Pillar } from '../settings';
import {
  choiceFromUrl,
  DataSourceChoice,
  DS_VARIABLES,
  dsUrlKey,
  FROM_PANEL_KEY,
  pillarsFromPanel,
  setCurrentDataSources,
} from '../utils/dataSourceChoice';
import { textValues } from '../utils/i18nValues';
import { pageContext, PageContext } from '../utils/pageContext';

/** The data sources Grafana lists, as Pivot needs them (the app's list when it has one). */
function availableDataSources(ctx: PivotContext): DataSourceSummary[] {
  if (ctx.available) {
    return ctx.available;
  }
  // Deprecated in Grafana 13, but its replacements do not exist in the Grafana 11.6 Pivot supports.
  return getDataSourceSrv()
    .getList()
    .map((d) => ({ uid: d.uid, name: d.name, type: d.type }));
}

/**
 * One `DataSourceVariable` per pillar (`metrics`, `logs`, `traces`), so Scenes keeps the choice
 * in the URL (`var-metrics`…). A pillar with fewer than two data sources of its type has no
 * picker; the variable still carries the uid in the URL.
 */
export function dataSourceVariables(ctx: PageContext, urlChoice: DataSourceChoice): SceneVariableSet {
  const available = ctx.available ?? [];
  const values = variableValues(ctx, urlChoice);
  return new SceneVariableSet({
    variables: PILLARS.map((pillar) => {
      const value = values[pillar] ?? '';
      const variable = new DataSourceVariable({
        name: DS_VARIABLES[pillar],
        label: PILLAR_TITLES[pillar],
        pluginId: PILLAR_TYPES[pillar],
        value,
        text: value,
        hide:
          available.filter((d) => d.type === PILLAR_TYPES[pillar]).length > 1
            ? VariableHide.dontHide
            : VariableHide.hideVariable,
      });
      // The value stays as it is until someone picks another, not the first data source of the
      // list: a uid the link names that Grafana does not know is named (DataSourceNotice), and
      // with no usable default the page says why (the settings' message) instead of switching.
      variable.skipNextValidation = true;
      return variable;
    }),
  });
}

/** What the variables start with: the URL's uid, else the one in effect (none: the settings' problem stands). */
function variableValues(ctx: PageContext, urlChoice: DataSourceChoice): DataSourceChoice {
  const values: DataSourceChoice = {};
  for (const pillar of PILLARS) {
    const value = urlChoice[pillar] ?? ctx.choice[pillar];
    if (value) {
      values[pillar] = value;
    }
  }
  return values;
}

/** The choice the page's variables hold now. */
function variablesChoice(scene: SceneObject): DataSourceChoice {
  const set = scene.state.$variables;
  const choice: DataSourceChoice = {};
  for (const pillar of PILLARS) {
    const variable = set?.getByName(DS_VARIABLES[pillar]);
    const value = variable instanceof DataSourceVariable ? variable.state.value : undefined;
    if (typeof value === 'string' && value !== '') {
      choice[pillar] = value;
    }
  }
  return choice;
}

function sameChoice(a: DataSourceChoice, b: DataSourceChoice): boolean {
  return PILLARS.every((p) => (a[p] ?? '') === (b[p] ?? ''));
}

interface DataSourceNoticeState extends SceneObjectState {
  /** Pillars whose uid in the URL Grafana does not know (or of another type), with that uid. */
  unknown: Partial<Record<Pillar, string>>;
  /** Pillars "Investigate in Pivot" took from the panel, when it took some: the others are defaults. */
  fromPanel?: Pillar[];
  /** The data sources in effect, by pillar: named in the notes. */
  names: Partial<Record<Pillar, string>>;
}

/** The same page without the given pillars' choice: their defaults. */
export function urlOnDefault(pillars: Pillar[]): string {
  const location = locationService.getLocation();
  const params = new URLSearchParams(location.search);
  for (const pillar of pillars) {
    params.delete(dsUrlKey(pillar));
  }
  params.delete(FROM_PANEL_KEY);
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}`;
}

/**
 * Above a page: a uid the link names that Grafana does not know (named, with a link to the same
 * page on the default); and, for a page opened from a panel, which pillars come from the panel's
 * data sources and which from the defaults.
 */
export class DataSourceNotice extends SceneObjectBase<DataSourceNoticeState> {
  static Component = ({ model }: SceneComponentProps<DataSourceNotice>) => {
    const { unknown, fromPanel, names } = model.useState();
    const bad = PILLARS.filter((p) => unknown[p] !== undefined);
    const defaults = fromPanel ? PILLARS.filter((p) => !fromPanel.includes(p) && names[p]) : [];
    return (
      <Stack direction="column" gap={1}>
        {bad.length > 0 && (
          <div data-testid={testIds.dataSources.unknown}>
            <Problem
              title={t('pivot.scenes.datasources.unknown-title', 'This link names a data source Grafana does not know')}
              message={bad
                .map((p) =>
                  t(
                    'pivot.scenes.datasources.unknown-one',
                    '{{pillar}}: "{{uid}}" ({{key}}) does not exist in this Grafana, or you cannot see it, or it is not a {{pillar}} data source.',
                    textValues({ pillar: PILLAR_TITLES[p], uid: unknown[p] ?? '', key: dsUrlKey(p) })
                  )
                )
                .join(' ')}
            />
            <LinkButton href={urlOnDefault(bad)} variant="secondary" icon="arrow-right">
              <Trans i18nKey="pivot.scenes.datasources.open-default">Open this page on the default data sources</Trans>
            </LinkButton>
          </div>
        )}
        {fromPanel && defaults.length > 0 && (
          <div data-testid={testIds.dataSources.fromPanel}>
            <Problem
              severity="info"
              title={t(
                'pivot.scenes.datasources.from-panel-title',
                'Opened from a panel: {{pillars}} from the default data sources',
                textValues({ pillars: defaults.map((p) => PILLAR_TITLES[p]).join(', ') })
              )}
              message={t(
                'pivot.scenes.datasources.from-panel-message',
                'The panel’s data sources are used where its queries named one ({{used}}); {{defaults}} come from the default data sources, not from the panel: {{names}}.',
                textValues({
                  used: fromPanel.map((p) => PILLAR_TITLES[p]).join(', ') || '—',
                  defaults: defaults.map((p) => PILLAR_TITLES[p]).join(', '),
                  names: defaults.map((p) => names[p]).join(', '),
                })
              )}
            />
          </div>
        )}
      </Stack>
    );
  };
}

function withNotice(body: SceneObject | undefined, ctx: PageContext, fromPanel: Pillar[] | undefined) {
  const names: Partial<Record<Pillar, string>> = {};
  for (const pillar of PILLARS) {
    const ds = ctx.datasources[pillar];
    if (ds.ok) {
      names[pillar] = ds.ds.name;
    }
  }
  const unknown = Object.keys(ctx.unknown).length > 0;
  const defaults = fromPanel ? PILLARS.some((p) => !fromPanel.includes(p) && names[p]) : false;
  if (!body || (!unknown && !defaults)) {
    return body;
  }
  body.clearParent();
  return new SceneFlexLayout({
    direction: 'column',
    children: [
      new SceneFlexItem({ body: new DataSourceNotice({ unknown: ctx.unknown, fromPanel, names }) }),
      new SceneFlexItem({ body }),
    ],
  });
}

/**
 * A page whose data sources are page state: the page is built by `build` from the app's context
 * with the data sources its URL chose (`var-metrics`, `var-logs`, `var-traces`), gets one
 * `DataSourceVariable` per pillar (pickers in its controls), and is built again when a picker
 * changes, so its queries, states and links all follow the choice. Pivot's links made while it
 * is on screen carry its choice (src/utils/links.ts).
 */
export function dataSourcePage(ctx: PivotContext, build: (ctx: PageContext) => EmbeddedScene): EmbeddedScene {
  const available = availableDataSources(ctx);
  const search = locationService.getLocation().search;
  const urlChoice = choiceFromUrl(search);
  const fromPanel = pillarsFromPanel(search);
  let current = pageContext({ ...ctx, available }, urlChoice, available);
  // What the page was last built for, as the variables hold it (a uid the settings cannot use
  // stays requested without being in effect: the page is not rebuilt for it again).
  let requested = variableValues(current, urlChoice);
  setCurrentDataSources(current.choice);
  const scene = build(current);
  const controls = scene.state.controls;
  scene.setState({
    $variables: dataSourceVariables(current, urlChoice),
    controls: controls ? [new VariableValueSelectors({}), ...controls] : controls,
    body: withNotice(scene.state.body, current, fromPanel),
    $behaviors: [
      ...(scene.state.$behaviors ?? []),
      () => {
        const rebuild = () => {
          const choice = variablesChoice(scene);
          if (sameChoice(choice, requested)) {
            return;
          }
          requested = choice;
          current = pageContext({ ...ctx, available }, choice, available);
          setCurrentDataSources(current.choice);
          const built = build(current).state.body;
          built?.clearParent();
          const body = withNotice(built, current, undefined);
          scene.setState({ body });
          if (body) {
            // Built after the page synced its state from the URL: let it read its keys now.
            scene.publishEvent(new NewSceneObjectAddedEvent(body), true);
          }
        };
        setCurrentDataSources(current.choice);
        rebuild();
        const sub = scene.subscribeToEvent(SceneVariableValueChangedEvent, (event) => {
          if (event.payload instanceof DataSourceVariable) {
            rebuild();
          }
        });
        return () => sub.unsubscribe();
      },
    ],
  });
  return scene;
}
