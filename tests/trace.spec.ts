import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { GotoPage, LOADED, ServicesPage, TracePage } from './pages/pivotPages';

// The Trace page against the Grafana of `npm run server` (the demo stack, a fault switched
// on), reached as on call: Services → the worst service → an error log line's trace_id link.
// scripts/e2e.sh skips the run when no Grafana answers.

async function openTraceFromLogs(gotoPage: GotoPage, page: Page): Promise<TracePage> {
  const services = await new ServicesPage(page, gotoPage).open();
  const service = await services.openWorstService();
  return service.openTraceOfNewestErrorLine();
}

test('a log line’s trace link opens the trace: where it failed, its logs, the services it crossed', async ({
  gotoPage,
  page,
}) => {
  const trace = await openTraceFromLogs(gotoPage, page);

  await trace.expectTrace();
  await expect(trace.summary).toBeVisible();
  // The demo's fault makes the trace fail: the summary names the service where it started.
  await expect(trace.failureOrigin).toContainText('failed after');
  await expect(trace.criticalPath.getByRole('button').first()).toBeVisible();

  // The trace was opened from a log line carrying its id: its logs hold at least that line.
  await expect(trace.section('logs')).toBeVisible(LOADED);
  await expect(trace.section('logs').getByRole('row').first()).toBeVisible();
  await expect(trace.section('graph')).toBeVisible();

  // The failing service's link goes back to its Service page.
  await trace.failureOrigin.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/services\/[^/?]+\?.*from=/);
});

test('the focused span survives a reload', async ({ gotoPage, page }) => {
  const trace = await openTraceFromLogs(gotoPage, page);
  await expect(trace.criticalPath).toBeVisible(LOADED);
  await trace.criticalPath.getByRole('button').last().click();
  await expect(page).toHaveURL(/[?&]span=[0-9a-f]+/);
  const focused = new URL(page.url()).searchParams.get('span');
  await page.reload();
  await trace.expectTrace();
  expect(new URL(page.url()).searchParams.get('span')).toBe(focused);
});

test('an invalid trace id says so', async ({ gotoPage, page }) => {
  await gotoPage('/trace/not-a-trace');
  await expect(new TracePage(page).state('invalid-id')).toContainText('Invalid trace id');
});
