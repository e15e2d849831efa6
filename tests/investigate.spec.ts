import serviceOverview from '../src/dashboards/service-overview.json';
import { expect, test } from './fixtures';

// "Investigate in Pivot" from a dashboard panel's menu, against the Grafana of `npm run server`
// (the demo stack: service `checkout` has traffic). scripts/e2e.sh skips the run when no
// Grafana answers.

const UID = 'pivot-e2e-investigate';
const SERVICE = 'checkout';

test('a panel menu’s "Investigate in Pivot" opens the Service page of the panel’s service', async ({
  request,
  gotoDashboardPage,
  page,
}) => {
  // A team dashboard of its own (the shipped one, under another uid), so the spec does not
  // depend on the plugin's included dashboards having been imported.
  const saved = await request.post('/api/dashboards/db', {
    data: {
      dashboard: { ...serviceOverview, id: null, uid: UID, title: 'Pivot e2e: investigate from a panel' },
      overwrite: true,
    },
  });
  expect(saved.ok()).toBe(true);

  const dashboardPage = await gotoDashboardPage({
    uid: UID,
    queryParams: new URLSearchParams({ 'var-service': SERVICE, from: 'now-30m', to: 'now' }),
  });
  const panel = dashboardPage.getPanelByTitle(`Error ratio of ${SERVICE}`);
  await panel.clickOnMenuItem('Investigate in Pivot', { parentItem: 'Extensions' });

  // The investigate route reads the panel's PromQL with the grammar and replaces itself.
  await expect(page).toHaveURL(new RegExp(`/a/pivot-correlation-app/services/${SERVICE}\\?.*from=now-30m`), {
    timeout: 30_000,
  });

  await request.delete(`/api/dashboards/uid/${UID}`);
});

test('"Investigate in Pivot" on a panel of every service opens the Services page', async ({
  request,
  gotoDashboardPage,
  page,
}) => {
  const uid = `${UID}-all`;
  await request.post('/api/dashboards/db', {
    data: {
      dashboard: { ...serviceOverview, id: null, uid, title: 'Pivot e2e: investigate all services' },
      overwrite: true,
    },
  });
  const dashboardPage = await gotoDashboardPage({ uid });
  await dashboardPage.getPanelByTitle('Request rate of every service').clickOnMenuItem('Investigate in Pivot', {
    parentItem: 'Extensions',
  });
  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/services\?/, { timeout: 30_000 });
  await request.delete(`/api/dashboards/uid/${uid}`);
});
