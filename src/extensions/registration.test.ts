import pluginJson from '../plugin.json';
import { plugin } from '../module';
import { ADD_TO_DASHBOARD_FORM_ID } from './ids';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({ replace: (text: string) => text }),
  getDataSourceSrv: () => ({ getInstanceSettings: () => undefined }),
}));

// Grafana refuses extensions that plugin.json does not declare, and warns about declared ones
// that are never registered: both lists must match exactly.
describe('plugin.json declares exactly what module.tsx registers', () => {
  it('added links: title, description and targets', () => {
    const registered = plugin.addedLinkConfigs.map(({ title, description, targets }) => ({
      title,
      description,
      targets: Array.isArray(targets) ? targets : [targets],
    }));
    expect(registered).toEqual(pluginJson.extensions.addedLinks);
  });

  it('exposed components: id, title and description', () => {
    const registered = plugin.exposedComponentConfigs.map(({ id, title, description }) => ({ id, title, description }));
    expect(registered).toEqual(pluginJson.extensions.exposedComponents);
    for (const { id } of registered) {
      expect(id.startsWith(`${pluginJson.id}/`)).toBe(true);
    }
  });

  it('no added components or functions, which plugin.json does not declare', () => {
    expect(plugin.addedComponentConfigs).toEqual([]);
    expect(plugin.addedFunctionConfigs).toEqual([]);
  });

  it("depends on Grafana's add-to-dashboard form", () => {
    expect(pluginJson.dependencies.extensions.exposedComponents).toEqual([ADD_TO_DASHBOARD_FORM_ID]);
  });

  it('every link path is inside the app, as Grafana requires', () => {
    const [link] = plugin.addedLinkConfigs;
    expect(link.path?.startsWith(`/a/${pluginJson.id}/`)).toBe(true);
    const configured = link.configure?.({
      targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: 'p' }, expr: 'up{service="a"}' }],
      timeRange: { from: 'now-1h', to: 'now' },
    });
    expect(configured?.path?.startsWith(`/a/${pluginJson.id}/investigate?`)).toBe(true);
    expect(link.configure?.({ targets: [] })).toBeUndefined();
  });
});
