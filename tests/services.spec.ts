import { expect, test } from './fixtures';
import { ServicesPage } from './pages/pivotPages';

// The investigation flow against the Grafana of `npm run server` (the demo stack with its load
// generator and a fault switched on): Services → Service → a log line's trace link → Trace.
// scripts/e2e.sh skips the run when no Grafana answers.

test('Services → Service → a log line’s trace_id → Trace page', async ({ gotoPage, page }) => {
  const services = await new ServicesPage(page, gotoPage).open();
  await expect(services.metricFamily).toContainText('Metrics:');

  // Worst error ratio first: the first row is the service to investigate.
  const service = await services.openWorstService();
  await expect(page).toHaveURL(new RegExp(`/services/${encodeURIComponent(service.service)}\\?.*from=now-30m`));

  const trace = await service.openTraceOfNewestErrorLine();
  // The line's trace is in Tempo: the page shows it, not a message.
  await trace.expectTrace();
});

test('the Services search and sort survive a reload', async ({ gotoPage, page }) => {
  const services = await new ServicesPage(page, gotoPage).open();
  await services.search.fill('a');
  await services.sortBy('p95').click();
  await expect(page).toHaveURL(/search=a/);
  await expect(page).toHaveURL(/sort=p95-desc/);
  await page.reload();
  await expect(services.search).toHaveValue('a');
});

test('a failing trace row opens the Trace page', async ({ gotoPage, page }) => {
  const services = await new ServicesPage(page, gotoPage).open();
  const service = await services.openWorstService();
  const trace = await service.openFirstFailingTrace();
  await trace.expectTrace();
});
