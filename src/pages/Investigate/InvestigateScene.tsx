import React from 'react';
import { t, Trans } from '@grafana/i18n';
import { locationService } from '@grafana/runtime';
import { SceneComponentProps, SceneObjectBase, SceneObjectState } from '@grafana/scenes';
import { LinkButton, LoadingPlaceholder } from '@grafana/ui';
import type { PivotSettings } from '../../settings';
import { Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { readInvestigateUrl } from '../../extensions/investigateLink';
import { textValues } from '../../utils/i18nValues';
import { servicesUrl } from '../../utils/links';
import { errorMessage } from '../../utils/errors';

export interface InvestigateSceneState extends SceneObjectState {
  /** The settings the decision reads (service labels, metric family). */
  settings: PivotSettings;
  /** Set when there is nothing to open: what is wrong. */
  problem?: string;
}

/**
 * Where "Investigate in Pivot" lands. Loads the grammar-based decision (kept out of the
 * preloaded module and of the other pages' chunk), then replaces this URL with the page it
 * chose, so Back returns to the dashboard or Explore, not here.
 */
export class InvestigateScene extends SceneObjectBase<InvestigateSceneState> {
  constructor(state: InvestigateSceneState) {
    super(state);
    this.addActivationHandler(() => {
      let live = true;
      this.investigate()
        .then((problem) => live && problem && this.setState({ problem }))
        .catch(
          (e: unknown) =>
            live &&
            this.setState({
              problem: t(
                'pivot.investigate.read-failed',
                'Could not read the queries: {{error}}',
                textValues({ error: errorMessage(e) })
              ),
            })
        );
      return () => {
        live = false;
      };
    });
  }

  /** Redirects, or resolves with the problem to show. */
  private async investigate(): Promise<string | undefined> {
    const { decideInvestigation } = await import('../../extensions/investigation');
    const { targets, range } = readInvestigateUrl(locationService.getLocation().search);
    const decision = decideInvestigation(targets, this.state.settings, range);
    if (decision.page === 'none') {
      return decision.reason;
    }
    locationService.replace(decision.url);
    return undefined;
  }

  static Component = ({ model }: SceneComponentProps<InvestigateScene>) => {
    const { problem } = model.useState();
    return (
      <div data-testid={testIds.embedding.investigate}>
        {problem ? (
          <>
            <Problem
              title={t('pivot.investigate.nothing.title', 'Nothing to investigate')}
              message={problem}
              severity="warning"
            />
            <LinkButton href={servicesUrl(undefined, {})} variant="secondary" icon="arrow-right">
              <Trans i18nKey="pivot.investigate.nothing.open-services">Open the Services page</Trans>
            </LinkButton>
          </>
        ) : (
          <LoadingPlaceholder text={t('pivot.investigate.loading', 'Reading the queries…')} />
        )}
      </div>
    );
  };
}
