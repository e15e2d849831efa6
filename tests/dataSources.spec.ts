import type { APIRequestContext } from '@playwright/test';
import serviceOverview from '../src/dashboards/service-overview.json';
import { testIds } from '../src/components/testIds';
import { expect, test } from './fixtures';
import { LAST_30_MINUTES, LOADED, ServicePage, ServicesPage } from './pages/pivotPages';

// Data sources as page state, against the Grafana of `npm run server`: a second Prometheus
// data source (the same server under another uid) is chosen by a dashboard's variable or by the
// URL, and every page Pivot opens from there queries it and carries it. scripts/e2e.sh skips the
// run when no Grafana answers.

const SECOND = { uid: 'pivot-e2e-prometheus-b', name: 'Prometheus B (e2e)' };
const SERVICE = 'checkout';

/** A second Prometheus data source, on the provisioned one's server. */
async function addSecondPrometheus(request: APIRequestContext): Promise<void> {
  await request.delete(`/api/datasources/uid/${SECOND.uid}`);
  const provisioned = await request.get('/api/datasources/uid/pivot-prometheus');
  expect(provisioned.ok()).toBe(true);
  const { url } = (await provisioned.json()) as { url: string };
  const created = await request.post('/api/datasources', {
    data: { ...SECOND, type: 'prometheus', access: 'proxy', url, jsonData: { httpMethod: 'POST' } },
  });
  expect(created.ok()).toBe(true);
}

/** The data source a Pivot URL names for metrics. */
function metricsOf(url: string): string | null {
  return new URL(url).searchParams.get('var-metrics');
}

test.beforeEach(async ({ request }) => addSecondPrometheus(request));
test.afterEach(async ({ request }) => {
  await request.delete(`/api/datasources/uid/${SECOND.uid}`);
});

test('"Investigate in Pivot" on a panel of the non-default Prometheus opens the Service page on it', async ({
  request,
  gotoDashboardPage,
  page,
}) => {
  const uid = 'pivot-e2e-investigate-ds';
  const saved = await request.post('/api/dashboards/db', {
    data: {
      dashboard: { ...serviceOverview, id: null, uid, title: 'Pivot e2e: investigate on a second Prometheus' },
      overwrite: true,
    },
  });
  expect(saved.ok()).toBe(true);

  // The dashboard's data source variable picks the second Prometheus for every panel.
  const dashboardPage = await gotoDashboardPage({
    uid,
    queryParams: new URLSearchParams({
      'var-datasource': SECOND.uid,
      'var-service': SERVICE,
      from: 'now-30m',
      to: 'now',
    }),
  });
  await dashboardPage
    .getPanelByTitle(`Error ratio of ${SERVICE}`)
    .clickOnMenuItem('Investigate in Pivot', { parentItem: 'Extensions' });

  await expect(page).toHaveURL(
    new RegExp(`/a/pivot-correlation-app/services/${SERVICE}\\?.*var-metrics=${SECOND.uid}`),
    {
      timeout: 30_000,
    }
  );
  const service = new ServicePage(page, SERVICE);
  await expect(service.section('error-ratio')).toBeVisible(LOADED);
  // The page says logs and traces come from the defaults, the panel having no such query.
  await expect(page.getByTestId(testIds.dataSources.fromPanel)).toContainText('not from the panel');
  // The metrics picker shows the second Prometheus.
  await expect(page.getByText(SECOND.name).first()).toBeVisible();

  await request.delete(`/api/dashboards/uid/${uid}`);
});

test('Trace → Service → Graph keeps the chosen Prometheus in every link', async ({ gotoPage, page }) => {
  await gotoPage(`/services?${LAST_30_MINUTES}&var-metrics=${SECOND.uid}`);
  const services = new ServicesPage(page, gotoPage);
  await expect(services.table).toBeVisible(LOADED);
  const service = await services.openWorstService();
  expect(metricsOf(page.url())).toBe(SECOND.uid);

  const trace = await service.openTraceOfNewestErrorLine();
  await trace.expectTrace();
  expect(metricsOf(page.url())).toBe(SECOND.uid);

  // Back to the failing service from the trace, then to the graph around it.
  await trace.failureOrigin.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/services\/[^/?]+\?/);
  expect(metricsOf(page.url())).toBe(SECOND.uid);
  await page.getByRole('link', { name: /Open the service graph around/ }).click();
  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/graph\?/);
  expect(metricsOf(page.url())).toBe(SECOND.uid);
  await expect(page.getByTestId(testIds.graph.page('data'))).toBeVisible(LOADED);
});

test('a data source uid Grafana does not know is named, with a way back to the default', async ({ gotoPage, page }) => {
  await gotoPage(`/services?${LAST_30_MINUTES}&var-metrics=no-such-prometheus`);
  const notice = page.getByTestId(testIds.dataSources.unknown);
  await expect(notice).toContainText('"no-such-prometheus" (var-metrics)');
  await notice.getByRole('link').click();
  await expect(new ServicesPage(page, gotoPage).table).toBeVisible(LOADED);
  expect(metricsOf(page.url())).not.toBe('no-such-prometheus');
});
