/**
 * Where `slo-rules` and `slo-check` read SLOs from: a `slos.yaml` file (docs/slos.md), or
 * Grafana's provisioning file of the app (`provisioning/plugins/app.yaml`), whose Pivot entry
 * under `apps` keeps the SLOs in `jsonData.slos` and the metric conventions in
 * `jsonData.metrics`, as the SLO pages store them.
 */
import { LineCounter, parseDocument } from 'yaml';

import { isMetricFamily, METRIC_FAMILY_LIST } from '../src/datasources/conventions';
import { Locate, SloFile, Validated, validateSloFile } from '../src/slo/definition';
import { parseSloFile } from '../src/slo/sloFile';

export const APP_ID = 'pivot-correlation-app';

type Path = Array<string | number>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `source:line: ` of the node at `path` in the document, for messages. */
function locator(text: string, source: string): (path: Path) => string | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? `${source}:${lineCounter.linePos(node.range[0]).line}: ` : undefined;
  };
}

/**
 * The SLOs of a provisioning file's Pivot app entry, validated as a `slos.yaml` would be, with
 * messages that point at the provisioning keys.
 */
function fromProvisioning(doc: Record<string, unknown>, text: string, source: string): Validated<SloFile> {
  const apps = Array.isArray(doc.apps) ? doc.apps : [];
  const entries = apps
    .map((app: unknown, index) => ({ app, index }))
    .filter(({ app }) => isRecord(app) && app.type === APP_ID);
  if (entries.length !== 1) {
    return {
      ok: false,
      errors: [
        entries.length === 0
          ? `${source}: a provisioning file without an app of type ${APP_ID} under apps; nothing to read`
          : `${source}: ${entries.length} apps of type ${APP_ID} (one per org); keep the one to read in a file of its own`,
      ],
    };
  }
  const { index } = entries[0];
  const jsonData = (entries[0].app as Record<string, unknown>).jsonData;
  const data = isRecord(jsonData) ? jsonData : {};
  const metrics = isRecord(data.metrics) ? data.metrics : {};
  const base: Path = ['apps', index, 'jsonData'];
  const at = locator(text, source);
  if (!isMetricFamily(metrics.family)) {
    const where = at([...base, 'metrics', 'family']) ?? at(base) ?? `${source}: `;
    return {
      ok: false,
      errors: [
        `${where}apps[${index}].jsonData.metrics.family: the rules are written for one metric family, so name it (${METRIC_FAMILY_LIST.join(', ')}); got ${JSON.stringify(metrics.family ?? null)} (Pivot's pages detect it, this command cannot)`,
      ],
    };
  }
  if (!Array.isArray(data.slos) || data.slos.length === 0) {
    return {
      ok: false,
      errors: [
        `${at(base) ?? `${source}: `}apps[${index}].jsonData.slos: no SLOs defined here (add them on the SLO pages or under jsonData.slos)`,
      ],
    };
  }
  // Paths of the slos.yaml shape mapped onto the provisioning keys.
  const locate: Locate = ([key, ...rest]) =>
    key === 'slos'
      ? at([...base, 'slos', ...rest])
      : key === 'conventions'
        ? at([...base, 'metrics', ...rest])
        : undefined;
  const serviceLabel =
    typeof metrics.serviceLabel === 'string' && metrics.serviceLabel !== '' ? metrics.serviceLabel : undefined;
  return validateSloFile({ conventions: { family: metrics.family, serviceLabel }, slos: data.slos }, locate);
}

/** SLOs from a `slos.yaml` or a provisioning file (one with `apps`). */
export function readSloSource(text: string, source: string): Validated<SloFile> {
  const doc = parseDocument(text);
  if (doc.errors.length === 0) {
    const raw: unknown = doc.toJS();
    if (isRecord(raw) && 'apps' in raw && !('slos' in raw)) {
      return fromProvisioning(raw, text, source);
    }
  }
  return parseSloFile(text, source);
}

/**
 * What validation allowed but probably is not meant (an alert that can never fire), one line
 * each for stderr; each warning already starts with the file and line of its SLO. The commands
 * still do their work and exit as they would without warnings.
 */
export function warningLines(warnings: string[]): string {
  return warnings.map((w) => `warning: ${w}\n`).join('');
}
