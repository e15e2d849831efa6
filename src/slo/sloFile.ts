/** The `slos.yaml` file the `slo-rules` and `slo-check` commands read (docs/slos.md). */
import { LineCounter, parseDocument } from 'yaml';
import { Locate, SloFile, Validated, validateSloFile } from './definition';

/**
 * YAML text of a `slos.yaml` file. Syntax errors say their line and column; every other
 * problem starts with the line of the SLO (or key) it is about: `slos.yaml:12: slos[3] (x)…`
 * with `source`, `line 12: …` without.
 */
export function parseSloFile(text: string, source?: string): Validated<SloFile> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    return { ok: false, errors: [`not valid YAML: ${doc.errors[0].message}`] };
  }
  const locate: Locate = (path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (!node?.range) {
      return undefined;
    }
    const { line } = lineCounter.linePos(node.range[0]);
    return source ? `${source}:${line}: ` : `line ${line}: `;
  };
  return validateSloFile(doc.toJS(), locate);
}
