import { SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../components/App/pivotContext';
import { notAvailablePage } from '../../components/states/notAvailablePage';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/routing';

export function slosPage(_ctx: PivotContext): SceneAppPage {
  return notAvailablePage({
    title: 'SLOs',
    url: prefixRoute(ROUTES.Slos),
    routePath: `${ROUTES.Slos}/*`,
    purpose: 'Each SLO with its error budget, burn rate over the standard windows, and its alerting rules.',
  });
}
