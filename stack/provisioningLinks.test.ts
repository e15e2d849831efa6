import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pivotTraceLinkFindings } from '../src/datasources/linkChecks';
import type { TraceIdLocation } from '../src/datasources/conventions';
import { PROVISIONED_UIDS } from '../src/settings';
import { at, ROOT, Yaml } from './yamlFiles';

/**
 * The configuration check of Pivot's own app reads the provisioned Loki the way it reads a
 * user's: the local stack and the Kubernetes manifests must pass it, so a logs panel in their
 * dashboards opens a line's trace in Pivot for both places the demo keeps trace ids.
 */
function lokiJsonData(path: string, ...keys: string[]): Record<string, unknown> {
  // $$ is Grafana's escape for a literal $ in provisioning files.
  const text = readFileSync(join(ROOT, path), 'utf8').replace(/\$\$/g, '$');
  const datasources = at(parse(text) as Yaml, ...keys) as Yaml[];
  const loki = datasources.find((d) => d.uid === PROVISIONED_UIDS.loki);
  return (loki?.jsonData ?? {}) as Record<string, unknown>;
}

const FILES: Array<[string, string[]]> = [
  ['provisioning/datasources/pivot.yaml', ['datasources']],
  ['deploy/kubernetes/grafana-values.yaml', ['datasources', 'datasources.yaml', 'datasources']],
];
const LOCATIONS: TraceIdLocation[] = ['structured-metadata', 'logfmt'];

describe.each(FILES)("%s's Loki", (path, keys) => {
  it.each(LOCATIONS)("opens a line's trace in Pivot from logs panels, trace_id in %s", (where) => {
    const jsonData = lokiJsonData(path, ...keys);
    const findings = pivotTraceLinkFindings(
      { ok: true, jsonData },
      { uid: PROVISIONED_UIDS.loki, name: 'Loki', type: 'loki' },
      where
    );
    expect(findings.map((f) => f.level)).toEqual(['ok']);
  });

  it('without the Pivot derived fields, the check says what breaks (so the test above can fail)', () => {
    const jsonData = lokiJsonData(path, ...keys);
    const withoutPivot = {
      ...jsonData,
      derivedFields: (jsonData.derivedFields as Yaml[]).filter((f) => !String(f.url).includes('/trace/')),
    };
    const findings = pivotTraceLinkFindings(
      { ok: true, jsonData: withoutPivot },
      { uid: PROVISIONED_UIDS.loki, name: 'Loki', type: 'loki' },
      'structured-metadata'
    );
    expect(findings.map((f) => f.level)).toEqual(['warning']);
  });
});
