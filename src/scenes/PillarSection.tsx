import React, { useEffect, useRef } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, PanelData } from '@grafana/data';
import {
  SceneComponentProps,
  SceneDataProvider,
  SceneObject,
  SceneObjectBase,
  SceneObjectState,
} from '@grafana/scenes';
import { t } from '@grafana/i18n';
import { locationService } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { PILLAR_TITLES } from '../datasources/lookup';
import { Empty, Problem } from '../components/states/PivotStates';
import { testIds } from '../components/testIds';
import type { Pillar } from '../settings';
import { textValues } from '../utils/i18nValues';
import { URL_KEYS } from '../utils/links';
import { sectionDataState } from './dataState';

/**
 * Brings the section into view once, when it first shows an answer (what is above it has
 * rendered by then), if the URL's `section` names it: a link such as the service graph's
 * "Error logs of the answering service" lands on the logs, not at the top of the page.
 */
function useScrollWhenNamed(name: string, answered: boolean): React.RefObject<HTMLDivElement> {
  const ref = useRef<HTMLDivElement>(null);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !answered) {
      return;
    }
    done.current = true;
    if (locationService.getSearchObject()[URL_KEYS.section] === name) {
      ref.current?.scrollIntoView?.({ block: 'start' });
    }
  }, [name, answered]);
  return ref;
}

export interface PillarSectionState extends SceneObjectState {
  /** Names the section in test ids: error-ratio, latency, logs, traces. */
  name: string;
  /** What the section shows, for messages: "error logs", "failing traces". */
  what: string;
  pillar: Pillar;
  /** The panel or list drawn when there is data; it reads this section's `$data`. */
  body?: SceneObject;
  /**
   * Set when the pillar cannot be queried (its data source is missing, or the settings cannot
   * build its query): shown instead of running anything.
   */
  problem?: string;
  /** No data, with the likely cause and what to do. */
  emptyMessage: string;
  /** A remark on data that did arrive (e.g. no line carries a trace id), shown above the body. */
  note?: (data: PanelData) => string | undefined;
  /** Height of the body in pixels: Grafana's panels size to their container. */
  height?: number;
  $data?: SceneDataProvider;
}

/**
 * One pillar's part of a page. Loading, data source error, no data and a missing data source
 * are swapped in here, so each pillar fails on its own and the others keep working.
 */
export class PillarSection extends SceneObjectBase<PillarSectionState> {
  static Component = PillarSectionRenderer;
}

function PillarSectionRenderer({ model }: SceneComponentProps<PillarSection>) {
  const { name, what, pillar, body, problem, emptyMessage, note, height, $data } = model.useState();
  const styles = useStyles2(getStyles, height);
  const title = PILLAR_TITLES[pillar];

  if (problem !== undefined || !$data) {
    return (
      <div className={styles.section} data-testid={testIds.service.section(name, 'problem')}>
        <Problem
          title={t(
            'pivot.scenes.section.cannot-query',
            '{{title}} cannot be queried: no {{what}}',
            textValues({ title, what })
          )}
          message={problem ?? ''}
          showConfigLink
        />
      </div>
    );
  }
  return (
    <SectionData
      dataProvider={$data}
      name={name}
      what={what}
      title={title}
      body={body}
      emptyMessage={emptyMessage}
      note={note}
      height={height}
    />
  );
}

interface SectionDataProps {
  dataProvider: SceneDataProvider;
  name: string;
  what: string;
  title: string;
  body?: SceneObject;
  emptyMessage: string;
  note?: (data: PanelData) => string | undefined;
  height?: number;
}

function SectionData({ dataProvider, name, what, title, body, emptyMessage, note, height }: SectionDataProps) {
  const { data } = dataProvider.useState();
  const styles = useStyles2(getStyles, height);
  const state = sectionDataState(data);
  const remark = data && state.kind === 'data' && note ? note(data) : undefined;
  const ref = useScrollWhenNamed(name, state.kind !== 'loading');

  return (
    <div ref={ref} className={styles.section} data-testid={testIds.service.section(name, state.kind)}>
      {state.kind === 'loading' && (
        <LoadingPlaceholder
          text={t('pivot.scenes.section.loading', 'Loading {{what}} from {{title}}…', textValues({ what, title }))}
        />
      )}
      {state.kind === 'error' && (
        <Problem
          title={t(
            'pivot.scenes.section.load-failed',
            '{{title}} could not load {{what}}',
            textValues({ title, what })
          )}
          message={state.message}
        />
      )}
      {state.kind === 'empty' && <Empty message={emptyMessage} />}
      {state.kind === 'data' && (
        <>
          {state.warning && (
            <Problem
              severity="warning"
              title={t('pivot.scenes.section.partial', '{{title}} answered in part', textValues({ title }))}
              message={state.warning}
            />
          )}
          {remark && <Alert severity="info" title={remark} data-testid={testIds.service.note} />}
          {body && (
            <div className={styles.body}>
              <body.Component model={body} />
            </div>
          )}
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2, height?: number) => ({
  section: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    minWidth: 0,
    flex: '1 1 0',
  }),
  body: css({
    height: height ?? 'auto',
    minHeight: 0,
  }),
});
