import { SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../components/App/pivotContext';
import { notAvailablePage } from '../../components/states/notAvailablePage';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/routing';

export function tracePage(_ctx: PivotContext): SceneAppPage {
  return notAvailablePage({
    title: 'Trace',
    url: prefixRoute(ROUTES.Trace),
    routePath: `${ROUTES.Trace}/*`,
    purpose: 'A trace, where it failed, its critical path, its logs and the services it crossed.',
  });
}
