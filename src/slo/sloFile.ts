/** The `slos.yaml` file the `slo-rules` and `slo-check` commands read (docs/slos.md). */
import { parse as parseYaml } from 'yaml';
import { SloFile, Validated, validateSloFile } from './definition';

/** YAML text of a `slos.yaml` file; syntax errors are reported with their line. */
export function parseSloFile(text: string): Validated<SloFile> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { ok: false, errors: [`not valid YAML: ${e instanceof Error ? e.message : String(e)}`] };
  }
  return validateSloFile(raw);
}
