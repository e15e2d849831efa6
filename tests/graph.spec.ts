import { expect, test } from './fixtures';
import { GraphPage, LOADED, ServicePage } from './pages/pivotPages';

// The Graph page against the Grafana of `npm run server` (the demo stack, whose Tempo writes
// service-graph metrics). scripts/e2e.sh skips the run when no Grafana answers.

test('Graph → a service in the edge list → its Service page', async ({ gotoPage, page }) => {
  const graph = await new GraphPage(page, gotoPage).open();

  // Failing edges first: the first service link is the one to investigate.
  const name = await graph.firstService();
  await graph.serviceLinks.first().click();
  await expect(page).toHaveURL(new RegExp(`/services/${encodeURIComponent(name)}\\?.*from=now-30m`));
  // The service is on an edge of the graph: its page draws its callers and callees.
  await expect(new ServicePage(page, name).neighbourhood).toBeVisible(LOADED);
});

test('Graph → a node on the canvas → its Service page, through the node menu', async ({ gotoPage, page }) => {
  const graph = await new GraphPage(page, gotoPage).open();
  const name = await graph.firstService();

  // Grafana's node graph labels each node "Node: <title>" and opens a menu of its links on click.
  await page.getByLabel(`Node: ${name}`).first().click();
  await page.getByRole('menuitem', { name: 'Open the service page' }).click();
  await new ServicePage(page, name).expectOpen();
});

test('focus, depth and the unhealthy filter survive a reload', async ({ gotoPage, page }) => {
  const graph = await new GraphPage(page, gotoPage).open();
  const name = await graph.firstService();
  await graph.open(`&focus=${encodeURIComponent(name)}&depth=2&unhealthy=true`);
  await expect(page).toHaveURL(/depth=2/);
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`focus=${encodeURIComponent(name)}`));
  await expect(page).toHaveURL(/unhealthy=true/);
  await expect(graph.unhealthy).toBeChecked();
});
