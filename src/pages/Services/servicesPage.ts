import { SceneAppPage } from '@grafana/scenes';
import type { PivotContext } from '../../components/App/pivotContext';
import { notAvailablePage } from '../../components/states/notAvailablePage';
import { ROUTES } from '../../constants';
import { prefixRoute } from '../../utils/routing';

export function servicesPage(_ctx: PivotContext): SceneAppPage {
  return notAvailablePage({
    title: 'Services',
    url: prefixRoute(ROUTES.Services),
    routePath: `${ROUTES.Services}/*`,
    purpose: 'Every service with its request rate, error ratio and p95 latency, and a way into each.',
  });
}
