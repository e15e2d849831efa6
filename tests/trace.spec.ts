import type { Page } from '@playwright/test';
import { testIds } from '../src/components/testIds';
import { expect, test } from './fixtures';

const SECTION_NAMES = testIds.trace.sections;

// The Trace page against the Grafana of `npm run server` (the demo stack, a fault switched
// on), reached as on call: Services → the worst service → an error log line's trace_id link.
// scripts/e2e.sh skips the run when no Grafana answers.

async function openTraceFromLogs(gotoPage: (path?: string) => Promise<unknown>, page: Page): Promise<void> {
  await gotoPage('/services?from=now-30m&to=now');
  const table = page.getByTestId(testIds.services.table);
  await expect(table).toBeVisible({ timeout: 30_000 });
  await table.locator('tbody tr').first().locator('a').first().click();

  const logs = page.getByTestId(testIds.service.section('logs', 'data'));
  await expect(logs).toBeVisible({ timeout: 30_000 });
  await logs.getByRole('row').first().click();
  await logs.getByRole('link', { name: /Open trace in Pivot/ }).first().click();
  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/trace\/[0-9a-f]+/);
}

test('a log line’s trace link opens the trace: where it failed, its logs, the services it crossed', async ({
  gotoPage,
  page,
}) => {
  await openTraceFromLogs(gotoPage, page);

  await expect(page.getByTestId(testIds.trace.state('data'))).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId(testIds.trace.summary)).toBeVisible();
  // The demo's fault makes the trace fail: the summary names the service where it started.
  const origin = page.getByTestId(testIds.trace.failureOrigin);
  await expect(origin).toContainText('failed after');
  await expect(page.getByTestId(testIds.trace.criticalPath).getByRole('button').first()).toBeVisible();

  // The logs of this trace: lines, or the message that says which convention to check.
  const logsData = page.getByTestId(testIds.service.section(SECTION_NAMES.logs, 'data'));
  const logsEmpty = page.getByTestId(testIds.service.section(SECTION_NAMES.logs, 'empty'));
  await expect(logsData.or(logsEmpty)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId(testIds.service.section(SECTION_NAMES.graph, 'data'))).toBeVisible();

  // The failing service's link goes back to its Service page.
  await origin.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/a\/pivot-correlation-app\/services\/[^/?]+\?.*from=/);
});

test('the focused span survives a reload', async ({ gotoPage, page }) => {
  await openTraceFromLogs(gotoPage, page);
  const path = page.getByTestId(testIds.trace.criticalPath);
  await expect(path).toBeVisible({ timeout: 30_000 });
  await path.getByRole('button').last().click();
  await expect(page).toHaveURL(/[?&]span=[0-9a-f]+/);
  const focused = new URL(page.url()).searchParams.get('span');
  await page.reload();
  await expect(page.getByTestId(testIds.trace.state('data'))).toBeVisible({ timeout: 30_000 });
  expect(new URL(page.url()).searchParams.get('span')).toBe(focused);
});

test('an invalid trace id says so', async ({ gotoPage, page }) => {
  await gotoPage('/trace/not-a-trace');
  await expect(page.getByTestId(testIds.trace.state('invalid-id'))).toContainText('Invalid trace id');
});
