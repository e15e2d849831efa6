/**
 * Reading the stack's YAML files for the configuration tests (stack/*.test.ts and
 * deploy/*.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..');

export type Yaml = Record<string, unknown>;

/** One YAML document; `<<` merge keys resolved, as docker compose does. */
export function readYaml(path: string): Yaml {
  return parse(readFileSync(join(ROOT, path), 'utf8'), { merge: true }) as Yaml;
}

/** Every document of a multi-document YAML file (Kubernetes manifests). */
export function readYamlDocuments(path: string): Yaml[] {
  return parseAllDocuments(readFileSync(join(ROOT, path), 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) {
        throw new Error(`${path}: ${d.errors.map((e) => e.message).join('; ')}`);
      }
      return d.toJS({ merge: true }) as Yaml | null;
    })
    .filter((d): d is Yaml => d !== null);
}

/** Follows a path of keys; undefined as soon as one is missing. */
export function at(value: unknown, ...keys: Array<string | number>): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Every value stored under `key`, at any depth. */
export function valuesOfKey(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) {
    return value.flatMap((v) => valuesOfKey(v, key));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => (k === key ? [v, ...valuesOfKey(v, key)] : valuesOfKey(v, key)));
  }
  return [];
}

/**
 * An image reference with compose's `${VAR:-default}` resolved to its default. Pinned means
 * an explicit tag (or digest) that is not `latest`.
 */
export function resolveDefaults(text: string): string {
  return text.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, (_m, def: string | undefined) => def ?? '');
}

export function isPinnedImage(image: string): boolean {
  const ref = resolveDefaults(image);
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) {
    return true;
  }
  const lastSegment = ref.split('/').pop() ?? '';
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) {
    return false;
  }
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag !== 'latest' && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(tag);
}

/** The processors of every collector pipeline, by pipeline name. */
export function collectorPipelines(config: Yaml): Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> {
  const pipelines = at(config, 'service', 'pipelines') as Record<string, Yaml> | undefined;
  if (!pipelines) {
    throw new Error('collector config has no service.pipelines');
  }
  return Object.fromEntries(
    Object.entries(pipelines).map(([name, p]) => [
      name,
      {
        receivers: (p.receivers as string[] | undefined) ?? [],
        processors: (p.processors as string[] | undefined) ?? [],
        exporters: (p.exporters as string[] | undefined) ?? [],
      },
    ])
  );
}
