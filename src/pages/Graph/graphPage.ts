import { SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../components/App/pivotContext';
import { notAvailablePage } from '../../components/states/notAvailablePage';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/routing';

export function graphPage(_ctx: PivotContext): SceneAppPage {
  return notAvailablePage({
    title: 'Service graph',
    url: prefixRoute(ROUTES.Graph),
    routePath: `${ROUTES.Graph}/*`,
    purpose: 'The service dependency graph with request rate, error ratio and latency on every edge.',
  });
}
