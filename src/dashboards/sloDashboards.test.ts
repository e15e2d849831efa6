import pluginJson from '../plugin.json';
import {
  firingBurnAlerts,
  recorded,
  recordedBurnRate,
  SLO_SERIES,
  sloVariableMatcher,
} from '../datasources/sloQueries';
import { PROVISIONED_UIDS } from '../settings';
import { expectValidPromQL } from '../testing/grammar';
import detail from './slo-detail.json';
import overview from './slo-overview.json';

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: Target[];
  fieldConfig: { defaults: { links?: Array<{ title: string; url: string }> } };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  links: Array<{ url: string; keepTime?: boolean }>;
  templating: {
    list: Array<{
      name: string;
      type: string;
      query: unknown;
      current?: { value: string };
      multi?: boolean;
      definition?: string;
    }>;
  };
}

const DASHBOARDS: Array<[string, Dashboard, string]> = [
  ['slo-overview.json', overview as Dashboard, 'pivot-slo-overview'],
  ['slo-detail.json', detail as Dashboard, 'pivot-slo-detail'],
];
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** Every query the dashboards may run: the SLO builders over the `$slo` variable. */
function builderQueries(): Set<string> {
  const matchers = [[sloVariableMatcher('slo', true)], [sloVariableMatcher('slo')]];
  return new Set(
    matchers.flatMap((m) => [
      recorded(SLO_SERIES.budgetRemaining, m),
      recorded(SLO_SERIES.objective, m),
      firingBurnAlerts(m),
      ...WINDOWS.map((w) => recordedBurnRate(w, m)),
    ])
  );
}

describe.each(DASHBOARDS)('the shipped dashboard %s', (path, dashboard, uid) => {
  const targets = dashboard.panels.flatMap((p) => p.targets);

  it('is listed in plugin.json includes and has its stable uid', () => {
    expect(pluginJson.includes).toContainEqual({
      type: 'dashboard',
      name: dashboard.title,
      path: `dashboards/${path}`,
    });
    expect(dashboard.uid).toBe(uid);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  });

  it('has a valid structure: unique panel ids and refIds, every panel on the grid with queries', () => {
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(['table', 'timeseries', 'stat']).toContain(panel.type);
      expect(panel.gridPos.w).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      expect(panel.targets.length).toBeGreaterThan(0);
      expect(new Set(panel.targets.map((t) => t.refId)).size).toBe(panel.targets.length);
    }
  });

  it('runs only SLO builder queries over the recording rules, each parsing with the PromQL grammar', () => {
    const allowed = builderQueries();
    for (const t of targets) {
      expectValidPromQL(t.expr);
      expect(allowed.has(t.expr)).toBe(true);
    }
    const slo = dashboard.templating.list.find((v) => v.name === 'slo');
    expect(slo?.definition).toBe(`label_values(${SLO_SERIES.budgetRemaining}, slo)`);
  });

  it('resolves Prometheus through a data source variable that defaults to the provisioned uid', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
      current: { value: PROVISIONED_UIDS.prometheus },
    });
    const ds = { type: 'prometheus', uid: '${datasource}' };
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual(ds);
      panel.targets.forEach((t) => expect(t.datasource).toEqual(ds));
    }
    expect(dashboard.templating.list.find((v) => v.name === 'slo')).toMatchObject({ datasource: ds });
  });

  it('links every panel back to the SLO and the service in Pivot, keeping the time range', () => {
    for (const panel of dashboard.panels) {
      expect(panel.fieldConfig.defaults.links?.map((l) => l.url)).toEqual([
        '/a/pivot-correlation-app/slos/${__field.labels.slo:percentencode}?${__url_time_range}',
        '/a/pivot-correlation-app/services/${__field.labels.service:percentencode}?${__url_time_range}',
      ]);
    }
    expect(dashboard.links).toEqual([
      expect.objectContaining({ url: '/a/pivot-correlation-app/slos', keepTime: true }),
    ]);
  });
});

it('the detail dashboard shows the burn rate of every window of the four pairs, for one SLO', () => {
  const burn = (detail as Dashboard).panels.find((p) => p.title === 'Burn rate by window');
  expect(burn?.targets.map((t) => t.expr)).toEqual(
    WINDOWS.map((w) => recordedBurnRate(w, [sloVariableMatcher('slo')]))
  );
  expect((detail as Dashboard).templating.list.find((v) => v.name === 'slo')?.multi).toBe(false);
  expect((overview as Dashboard).templating.list.find((v) => v.name === 'slo')?.multi).toBe(true);
});
