import React from 'react';
import { t } from '@grafana/i18n';
import { locationService } from '@grafana/runtime';
import {
  EmbeddedScene,
  NewSceneObjectAddedEvent,
  SceneComponentProps,
  SceneObject,
  SceneObjectBase,
  SceneObjectState,
  sceneUtils,
} from '@grafana/scenes';
import { LoadingPlaceholder } from '@grafana/ui';
import { Problem } from '../components/states/PivotStates';
import { textValues } from '../utils/i18nValues';

interface LazyPageBodyState extends SceneObjectState {
  /** Loads the page's own chunk and builds its scene (called once, when first shown). */
  load: () => Promise<SceneObject>;
  /** The page's scene, once built. */
  scene?: SceneObject;
  /** Why the chunk could not be loaded or the scene built. */
  failed?: string;
}

/**
 * Stands for a page until its code has loaded: the page's scene is built only when the page is
 * first shown, from a chunk of its own, so one page's code (and packages such as `yaml` on the
 * SLO page) is not downloaded for every other page.
 */
export class LazyPageBody extends SceneObjectBase<LazyPageBodyState> {
  private loading = false;

  constructor(state: LazyPageBodyState) {
    super(state);
    this.addActivationHandler(() => {
      if (!this.state.scene && !this.loading) {
        this.loading = true;
        this.state.load().then(
          (scene) => this.show(scene),
          (error: unknown) => {
            this.loading = false;
            this.setState({ failed: error instanceof Error ? error.message : String(error) });
          }
        );
      }
    });
  }

  /**
   * Puts the loaded scene on the page and syncs it with the URL as the page's first render
   * would have: its state from the URL (a pasted link's window, sort, data sources), then the
   * URL from its state where the URL says nothing (the default window), replacing the entry.
   */
  private show(scene: SceneObject) {
    this.loading = false;
    this.setState({ scene, failed: undefined });
    this.publishEvent(new NewSceneObjectAddedEvent(scene), true);
    if (!this.isActive) {
      // The page was left before its chunk arrived: the app syncs the whole page when it is shown again.
      return;
    }
    const current = locationService.getSearchObject();
    const missing: Record<string, string | string[] | null | undefined> = {};
    for (const [key, value] of Object.entries(sceneUtils.getUrlState(scene))) {
      if (!(key in current) && value !== undefined && value !== null) {
        missing[key] = value;
      }
    }
    if (Object.keys(missing).length > 0) {
      locationService.partial(missing, true);
    }
  }

  static Component = ({ model }: SceneComponentProps<LazyPageBody>) => {
    const { scene, failed } = model.useState();
    if (scene) {
      return <scene.Component model={scene} />;
    }
    if (failed !== undefined) {
      return (
        <Problem
          title={t('pivot.scenes.lazy-page.failed-title', 'This page could not be loaded')}
          message={t(
            'pivot.scenes.lazy-page.failed-message',
            '{{reason}}. Pivot may have been updated or the network dropped: reload the page.',
            textValues({ reason: failed })
          )}
        />
      );
    }
    return <LoadingPlaceholder text={t('pivot.scenes.lazy-page.loading', 'Loading page…')} />;
  };
}

/**
 * A page's scene whose code loads only when the page is shown. `load` imports the page's
 * module (`import('./servicesScene')`: webpack gives it a chunk of its own) and builds the scene.
 */
export function lazyPage(load: () => Promise<SceneObject>): EmbeddedScene {
  return new EmbeddedScene({ body: new LazyPageBody({ load }) });
}
