/**
 * `npm run --silent service-dashboards`: writes the service overview dashboard of every metric
 * family (src/dashboards/serviceOverview.ts) to src/dashboards, one file each. Run it after
 * changing the template or a query builder; src/dashboards/serviceOverview.test.ts fails until
 * the files match.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { METRIC_FAMILY_LIST } from '../src/datasources/conventions';
import { dashboardFileText, SERVICE_OVERVIEW_FILES, serviceOverviewDashboard } from '../src/dashboards/serviceOverview';

for (const family of METRIC_FAMILY_LIST) {
  const file = join(__dirname, '../src/dashboards', SERVICE_OVERVIEW_FILES[family]);
  writeFileSync(file, dashboardFileText(serviceOverviewDashboard(family)));
  process.stdout.write(`${file}\n`);
}
