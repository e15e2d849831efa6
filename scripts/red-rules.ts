/**
 * `npm run --silent red-rules -- <provisioning/plugins/app.yaml | settings file> [--no-service-graph]`:
 * prints Pivot's RED recording rules (src/slo/redRules.ts; docs/scaling.md#recording-rules)
 * for the metric family and service label of Pivot's settings: the Pivot app entry of a
 * Grafana provisioning file (`jsonData.metrics`), a file of the app's settings (`metrics`, or
 * `jsonData.metrics`), or a `slos.yaml` (`conventions`). A file the rules cannot be made from
 * exits with status 2 and says what to fix.
 */
import { parseDocument } from 'yaml';

import { isMetricFamily, METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions } from '../src/datasources/conventions';
import { redRulesYaml } from '../src/slo/redRules';
import { fail, fileArgument, readFileOrFail } from './cliFile';
import { APP_ID } from './sloSource';

const USAGE =
  'usage: npm run --silent red-rules -- <provisioning/plugins/app.yaml | settings file (YAML or JSON)> [--no-service-graph]';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the metric conventions are in the file, and what they are called there. */
function metricsOf(doc: unknown, file: string): { metrics: unknown; where: string } {
  if (!isRecord(doc)) {
    fail([`${file}: not a YAML or JSON mapping`, USAGE]);
  }
  if ('apps' in doc) {
    const apps = Array.isArray(doc.apps) ? doc.apps : [];
    const index = apps.findIndex((a: unknown) => isRecord(a) && a.type === APP_ID);
    if (index < 0 || apps.filter((a: unknown) => isRecord(a) && a.type === APP_ID).length > 1) {
      fail([`${file}: needs exactly one app of type ${APP_ID} under apps`]);
    }
    const jsonData = (apps[index] as Record<string, unknown>).jsonData;
    return { metrics: isRecord(jsonData) ? jsonData.metrics : undefined, where: `apps[${index}].jsonData.metrics` };
  }
  if ('conventions' in doc) {
    return { metrics: doc.conventions, where: 'conventions' };
  }
  if (isRecord(doc.jsonData)) {
    return { metrics: doc.jsonData.metrics, where: 'jsonData.metrics' };
  }
  return { metrics: doc.metrics, where: 'metrics' };
}

function conventionsOf(text: string, file: string): MetricConventions {
  const parsed = parseDocument(text);
  if (parsed.errors.length > 0) {
    fail([`${file}: not valid YAML or JSON: ${parsed.errors[0].message}`]);
  }
  const { metrics, where } = metricsOf(parsed.toJS(), file);
  const m = isRecord(metrics) ? metrics : {};
  if (!isMetricFamily(m.family)) {
    fail([
      `${file}: ${where}.family: the rules are written for one metric family, so name it (${METRIC_FAMILY_LIST.join(', ')}); got ${JSON.stringify(m.family ?? null)} (Pivot's pages detect it, this command cannot)`,
    ]);
  }
  if (m.serviceLabel !== undefined && m.serviceLabel !== '' && typeof m.serviceLabel !== 'string') {
    fail([`${file}: ${where}.serviceLabel: a label name, e.g. service_name; got ${JSON.stringify(m.serviceLabel)}`]);
  }
  const serviceLabel =
    typeof m.serviceLabel === 'string' && m.serviceLabel !== ''
      ? m.serviceLabel
      : METRIC_FAMILIES[m.family].defaultServiceLabel;
  return { family: m.family, serviceLabel };
}

function main(argv: string[]): void {
  let serviceGraph = true;
  const file = fileArgument(argv, USAGE, 'no settings file given', (arg) => {
    if (arg !== '--no-service-graph') {
      return false;
    }
    serviceGraph = false;
    return true;
  });
  if (file === undefined) {
    return;
  }
  const text = readFileOrFail(file);
  const conv = conventionsOf(text, file);
  let rules: string;
  try {
    rules = redRulesYaml(conv, { serviceGraph });
  } catch (e) {
    fail([`${file}: ${e instanceof Error ? e.message : String(e)}`]);
  }
  process.stdout.write(rules);
}

main(process.argv.slice(2));
