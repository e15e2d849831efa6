import { testIds } from '../src/components/testIds';
import { expect, test } from './fixtures';

// The investigation flow against the Grafana of `npm run server` (the demo stack with its load
// generator and a fault switched on): Services → Service → a log line's trace link → Trace.
// scripts/e2e.sh skips the run when no Grafana answers.

test('Services → Service → a log line’s trace_id → Trace page', async ({ gotoPage, page }) => {
  await gotoPage('/services?from=now-30m&to=now');
  const table = page.getByTestId(testIds.services.table);
  await expect(table).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId(testIds.services.metricFamily)).toContainText('Metrics:');

  // Worst error ratio first: the first row is the service to investigate.
  const first = table.locator('tbody tr').first();
  const service = (await first.locator('a').first().innerText()).trim();
  await first.locator('a').first().click();
  await expect(page).toHaveURL(new RegExp(`/services/${encodeURIComponent(service)}\\?.*from=now-30m`));

  const logs = page.getByTestId(testIds.service.section('logs', 'data'));
  await expect(logs).toBeVisible({ timeout: 30_000 });
  // Open the newest error line's details, then follow its trace_id link.
  await logs.getByRole('row').first().click();
  const traceLink = logs.getByRole('link', { name: /Open trace in Pivot/ }).first();
  await expect(traceLink).toBeVisible();
  await traceLink.click();

  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/trace\/[0-9a-f]+/);
  await expect(page.getByTestId(testIds.states.notAvailable)).toHaveCount(0);
});

test('the Services search and sort survive a reload', async ({ gotoPage, page }) => {
  await gotoPage('/services?from=now-30m&to=now');
  await expect(page.getByTestId(testIds.services.table)).toBeVisible({ timeout: 30_000 });
  await page.getByTestId(testIds.services.search).fill('a');
  await page.getByTestId(testIds.services.sortBy('p95')).click();
  await expect(page).toHaveURL(/search=a/);
  await expect(page).toHaveURL(/sort=p95-desc/);
  await page.reload();
  await expect(page.getByTestId(testIds.services.search)).toHaveValue('a');
});

test('a failing trace row opens the Trace page', async ({ gotoPage, page }) => {
  await gotoPage('/services?from=now-30m&to=now');
  const first = page.getByTestId(testIds.services.table).locator('tbody tr').first();
  await first.locator('a').first().click();
  const traces = page.getByTestId(testIds.service.section('traces', 'data'));
  await expect(traces).toBeVisible({ timeout: 30_000 });
  // The trace id cell has one link (Pivot's), so Grafana's table renders it as a plain link.
  await traces.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/trace\/[0-9a-f]+/);
});
