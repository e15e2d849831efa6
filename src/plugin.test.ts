import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pluginJson from './plugin.json';

/** The build copies logos, screenshots and dashboards from `src/` by these paths: a wrong one breaks the catalogue page. */
const SRC = __dirname;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('plugin.json', () => {
  const { logos, screenshots, links, keywords } = pluginJson.info;

  it.each(Array.from(new Set(Object.values(logos))))('has its logo %s', (path) => {
    expect(existsSync(join(SRC, path))).toBe(true);
  });

  it('lists screenshots, each a PNG under 300 KB with a name', () => {
    expect(screenshots.length).toBeGreaterThan(0);
    for (const { name, path } of screenshots) {
      expect(name.trim()).not.toBe('');
      const file = join(SRC, path);
      expect({ path, exists: existsSync(file) }).toEqual({ path, exists: true });
      expect(readFileSync(file).subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(statSync(file).size).toBeLessThan(300 * 1024);
    }
  });

  it('has its dashboards at the paths its includes name', () => {
    const dashboards = pluginJson.includes.filter((i) => i.type === 'dashboard');
    expect(dashboards.length).toBeGreaterThan(0);
    for (const { path } of dashboards) {
      expect({ path, exists: existsSync(join(SRC, path)) }).toEqual({ path, exists: true });
    }
  });

  it('links only to absolute https addresses, and has keywords', () => {
    for (const { name, url } of links) {
      expect(name.trim()).not.toBe('');
      expect(new URL(url).protocol).toBe('https:');
    }
    expect(keywords).toEqual(expect.arrayContaining(['prometheus', 'loki', 'tempo', 'opentelemetry']));
  });
});
