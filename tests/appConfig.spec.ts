import { testIds } from '../src/components/testIds';
import { PILLARS } from '../src/settings';
import { expect, test } from './fixtures';

// Runs against the Grafana of `npm run server` (provisioned data sources pivot-prometheus,
// pivot-loki, pivot-tempo); scripts/e2e.sh skips the run when no Grafana answers.

test('the configuration page says which data source each pillar uses', async ({ appConfigPage, page }) => {
  await expect(page.getByTestId(testIds.appConfig.container)).toBeVisible();
  for (const pillar of PILLARS) {
    await expect(page.getByTestId(testIds.appConfig.resolution(pillar))).toContainText('Using');
  }
  await expect(page.getByLabel(/^Metric family/)).toBeVisible();
  await expect(page.getByLabel(/^trace_id in logs/)).toBeVisible();
});

test('Check reports on every data source', async ({ appConfigPage, page }) => {
  await page.getByTestId(testIds.appConfig.check).click();
  for (const pillar of PILLARS) {
    // A finished report has a heading "<Pillar>: works" or "…: needs a fix"; not a spinner.
    await expect(page.getByTestId(testIds.appConfig.checkResult(pillar)).getByRole('heading')).toBeVisible({
      timeout: 30_000,
    });
  }
});

test('saving keeps the settings across a reload', async ({ appConfigPage, page }) => {
  const field = page.getByLabel(/^Service label in logs/);
  const original = await field.inputValue();
  const changed = original === 'service_name' ? 'service' : 'service_name';

  await field.fill(changed);
  let saved = appConfigPage.waitForSettingsResponse();
  await page.getByTestId(testIds.appConfig.save).click();
  await expect(saved).toBeOK();
  await page.waitForLoadState();
  await expect(page.getByLabel(/^Service label in logs/)).toHaveValue(changed);

  // Put the setting back so the other specs see the provisioned value.
  await page.getByLabel(/^Service label in logs/).fill(original);
  saved = appConfigPage.waitForSettingsResponse();
  await page.getByTestId(testIds.appConfig.save).click();
  await expect(saved).toBeOK();
});
