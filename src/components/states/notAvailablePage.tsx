import React from 'react';
import { EmbeddedScene, SceneAppPage, SceneReactObject } from '@grafana/scenes';
import { EmptyState } from '@grafana/ui';
import { testIds } from '../testIds';

interface NotAvailableOptions {
  title: string;
  url: string;
  routePath: string;
  /** What the page will show, in one sentence. */
  purpose: string;
}

/** A page whose route exists but whose content is not built yet: says so instead of a blank page. */
export function notAvailablePage({ title, url, routePath, purpose }: NotAvailableOptions): SceneAppPage {
  return new SceneAppPage({
    title,
    url,
    routePath,
    getScene: () =>
      new EmbeddedScene({
        body: new SceneReactObject({
          component: () => (
            <div data-testid={testIds.states.notAvailable}>
              <EmptyState variant="call-to-action" message={`${title} is not available yet`}>
                {purpose}
              </EmptyState>
            </div>
          ),
        }),
      }),
  });
}
