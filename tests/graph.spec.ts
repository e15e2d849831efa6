import { testIds } from '../src/components/testIds';
import { expect, test } from './fixtures';

// The Graph page against the Grafana of `npm run server` (the demo stack, whose Tempo writes
// service-graph metrics). scripts/e2e.sh skips the run when no Grafana answers.

test('Graph → a service in the edge list → its Service page', async ({ gotoPage, page }) => {
  await gotoPage('/graph?from=now-30m&to=now');
  const graph = page.getByTestId(testIds.graph.page('data'));
  await expect(graph).toBeVisible({ timeout: 30_000 });

  // Failing edges first: the first service link is the one to investigate.
  const link = graph.getByTestId(/pivot-graph-node /).first();
  const service = (await link.innerText()).trim();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/services/${encodeURIComponent(service)}\\?.*from=now-30m`));
  await expect(page.getByTestId(testIds.states.notAvailable)).toHaveCount(0);
});

test('Graph → a node on the canvas → its Service page, through the node menu', async ({ gotoPage, page }) => {
  await gotoPage('/graph?from=now-30m&to=now');
  await expect(page.getByTestId(testIds.graph.page('data'))).toBeVisible({ timeout: 30_000 });
  const service = (await page.getByTestId(/pivot-graph-node /).first().innerText()).trim();

  // Grafana's node graph labels each node "Node: <title>" and opens a menu of its links on click.
  await page.getByLabel(`Node: ${service}`).first().click();
  await page.getByRole('menuitem', { name: 'Open the service page' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/${encodeURIComponent(service)}\\?`));
});

test('focus, depth and the unhealthy filter survive a reload', async ({ gotoPage, page }) => {
  await gotoPage('/graph?from=now-30m&to=now');
  await expect(page.getByTestId(testIds.graph.page('data'))).toBeVisible({ timeout: 30_000 });
  const service = (await page.getByTestId(/pivot-graph-node /).first().innerText()).trim();
  await gotoPage(`/graph?from=now-30m&to=now&focus=${encodeURIComponent(service)}&depth=2&unhealthy=true`);
  await expect(page).toHaveURL(/depth=2/);
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`focus=${encodeURIComponent(service)}`));
  await expect(page).toHaveURL(/unhealthy=true/);
  await expect(page.getByTestId(testIds.graph.unhealthy)).toBeChecked();
});
