/**
 * Saving without losing anyone's work. Grafana's plugin settings API replaces `jsonData`
 * whole and has no version to compare, so a page that wrote back what it loaded would undo
 * every change another admin made since. Instead a save re-reads the current settings and
 * applies only this edit to them: one SLO added, replaced or deleted by name, or the
 * configuration fields this admin changed. When the thing being edited changed on the server
 * since the page loaded, the merge refuses and says so (docs/configuration.md#saving).
 */
import { t } from '@grafana/i18n';
import { DEFAULT_LOG_CONVENTIONS } from './datasources/conventions';
import { InvalidSlo, normalizeSettings, PivotJsonData, PivotSettings } from './settings';
import { SloDefinition, validateSlo } from './slo/definition';
import { textValues } from './utils/i18nValues';

/** An SLO as the page loaded it: a valid definition, or an invalid entry as it was stored. */
export type LoadedSlo = { valid: true; slo: SloDefinition } | { valid: false; entry: InvalidSlo };

export type SloChange =
  | { kind: 'add'; slo: SloDefinition }
  | { kind: 'replace'; loaded: LoadedSlo; slo: SloDefinition }
  | { kind: 'delete'; loaded: LoadedSlo };

/**
 * The `jsonData` to save, `unchanged` when there is nothing to write (the SLO to delete is
 * gone already); or why the edit cannot be applied to the current settings.
 */
export type MergeResult = { ok: true; jsonData: PivotJsonData; unchanged?: boolean } | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text with keys sorted: Grafana may hand back the same object with its keys reordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]])
        )
      : v
  );
}

function nameOf(raw: unknown): string | undefined {
  return isRecord(raw) && typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined;
}

function loadedName(loaded: LoadedSlo): string | undefined {
  return loaded.valid ? loaded.slo.name : loaded.entry.name;
}

/** Whether a stored entry is still the one the page loaded. */
function isUnchanged(loaded: LoadedSlo, raw: unknown): boolean {
  if (!loaded.valid) {
    return canonical(raw) === canonical(loaded.entry.raw);
  }
  const current = validateSlo(raw);
  return current.ok && canonical(current.value) === canonical(loaded.slo);
}

type Located = { at: number } | { gone: true } | { changed: true };

/** The stored entry the page loaded: by name, then by content (an invalid entry may have no name). */
function locate(stored: unknown[], loaded: LoadedSlo): Located {
  const name = loadedName(loaded);
  const candidates = stored
    .map((raw, i) => ({ raw, i }))
    .filter(({ raw }) => name === undefined || nameOf(raw) === name);
  const same = candidates.find(({ raw }) => isUnchanged(loaded, raw));
  if (same) {
    return { at: same.i };
  }
  return candidates.length > 0 && name !== undefined ? { changed: true } : { gone: true };
}

// The messages below reach only the pages (no script merges settings): they go through t().

function describe(loaded: LoadedSlo): string {
  const name = loadedName(loaded);
  return name === undefined
    ? t('pivot.settings.merge.unnamed-slo', 'The invalid SLO without a name')
    : t('pivot.settings.merge.named-slo', 'The SLO {{name}}', textValues({ name }));
}

/** Applies one SLO change to the settings as they are now on the server. */
export function mergeSloChange(current: PivotJsonData | undefined | null, change: SloChange): MergeResult {
  const base: PivotJsonData = isRecord(current) ? current : {};
  const stored: unknown[] = Array.isArray(base.slos) ? base.slos : [];
  // Entries are written back as stored: an invalid one stays until someone deletes it.
  const withSlos = (slos: unknown[], unchanged?: true): MergeResult => ({
    ok: true,
    jsonData: { ...base, slos: slos as SloDefinition[] },
    ...(unchanged ? { unchanged } : {}),
  });
  const takenBy = (name: string, except?: number) => stored.findIndex((raw, i) => i !== except && nameOf(raw) === name);

  if (change.kind === 'add') {
    if (takenBy(change.slo.name) >= 0) {
      return {
        ok: false,
        message: t(
          'pivot.settings.merge.add-name-taken',
          'An SLO named {{name}} exists already (it may have been added since this page loaded). Nothing was saved: choose another name, or reload to see it.',
          textValues({ name: change.slo.name })
        ),
      };
    }
    return withSlos([...stored, change.slo]);
  }

  const found = locate(stored, change.loaded);
  if ('changed' in found) {
    const slo = describe(change.loaded);
    return {
      ok: false,
      message:
        change.kind === 'delete'
          ? t(
              'pivot.settings.merge.changed-before-delete',
              '{{slo}} was changed by someone else since this page loaded. Nothing was deleted: reload to see their change before deleting it.',
              textValues({ slo })
            )
          : t(
              'pivot.settings.merge.changed-before-save',
              '{{slo}} was changed by someone else since this page loaded. Nothing was saved: reload to see their change, then make your edit again.',
              textValues({ slo })
            ),
    };
  }
  if (change.kind === 'delete') {
    // Deleted already (by someone else): what this edit wanted is done.
    return 'gone' in found ? withSlos(stored, true) : withSlos(stored.filter((_, i) => i !== found.at));
  }
  if ('gone' in found) {
    return {
      ok: false,
      message: t(
        'pivot.settings.merge.deleted-before-save',
        '{{slo}} was deleted by someone else since this page loaded. Nothing was saved: reload, then add it again if it is still needed.',
        textValues({ slo: describe(change.loaded) })
      ),
    };
  }
  if (takenBy(change.slo.name, found.at) >= 0) {
    return {
      ok: false,
      message: t(
        'pivot.settings.merge.rename-name-taken',
        'An SLO named {{name}} exists already (it may have been added since this page loaded): choose another name, or reload to see it.',
        textValues({ name: change.slo.name })
      ),
    };
  }
  return withSlos(stored.map((raw, i) => (i === found.at ? change.slo : raw)));
}

/** The fields of the configuration form, as paths into `jsonData`. */
export const CONFIG_FIELDS = [
  'datasources.prometheus',
  'datasources.loki',
  'datasources.tempo',
  'metrics.family',
  'metrics.serviceLabel',
  'metrics.serviceNames',
  'logs.serviceLabel',
  'logs.traceId',
] as const;

export type ConfigField = (typeof CONFIG_FIELDS)[number];

/** A field of the configuration page as a message names it. */
function fieldTitle(field: ConfigField): string {
  switch (field) {
    case 'datasources.prometheus':
      return t('pivot.settings.field.prometheus', 'the Prometheus data source');
    case 'datasources.loki':
      return t('pivot.settings.field.loki', 'the Loki data source');
    case 'datasources.tempo':
      return t('pivot.settings.field.tempo', 'the Tempo data source');
    case 'metrics.family':
      return t('pivot.settings.field.metric-family', 'the metric family');
    case 'metrics.serviceLabel':
      return t('pivot.settings.field.metrics-service-label', 'the service label in metrics');
    case 'metrics.serviceNames':
      return t('pivot.settings.field.service-names', 'service names in logs and traces');
    case 'logs.serviceLabel':
      return t('pivot.settings.field.logs-service-label', 'the service label in logs');
    case 'logs.traceId':
      return t('pivot.settings.field.trace-id', 'trace_id in logs');
  }
}

/**
 * The configuration form's fields as they would be saved: trimmed, '' for an empty data
 * source picker (the default applies), the default Loki label for an empty one.
 */
export function configFieldValues(settings: PivotSettings): Record<ConfigField, string> {
  const { datasources, metrics, logs } = settings;
  return {
    'datasources.prometheus': datasources.prometheus?.trim() ?? '',
    'datasources.loki': datasources.loki?.trim() ?? '',
    'datasources.tempo': datasources.tempo?.trim() ?? '',
    'metrics.family': metrics.family,
    'metrics.serviceLabel': metrics.serviceLabel.trim(),
    'metrics.serviceNames': metrics.serviceNames ?? 'auto',
    'logs.serviceLabel': logs.serviceLabel.trim() || DEFAULT_LOG_CONVENTIONS.serviceLabel,
    'logs.traceId': logs.traceId,
  };
}

function withField(jsonData: PivotJsonData, field: ConfigField, value: string): PivotJsonData {
  const [group, key] = field.split('.') as ['datasources' | 'metrics' | 'logs', string];
  const previous: Record<string, unknown> = isRecord(jsonData[group]) ? { ...(jsonData[group] as object) } : {};
  if ((group === 'datasources' && value === '') || (field === 'metrics.serviceNames' && value === 'auto')) {
    // An empty picker, or the default name mapping, is left out, so the default keeps applying.
    delete previous[key];
  } else {
    previous[key] = value;
  }
  return { ...jsonData, [group]: previous };
}

/**
 * Applies the fields this admin changed on the configuration page (`draft` against `loaded`,
 * the settings the page opened with) to the current settings. The form's other fields keep
 * their current value (written normalised), and every key the form does not edit, `slos`
 * and unknown ones included, stays as it is on the server. A field that both this admin and
 * someone else changed since the page loaded stops the save.
 */
export function mergeConfigChange(
  current: PivotJsonData | undefined | null,
  loaded: PivotSettings,
  draft: PivotSettings
): MergeResult {
  const base: PivotJsonData = isRecord(current) ? current : {};
  const before = configFieldValues(loaded);
  const mine = configFieldValues(draft);
  const theirs = configFieldValues(normalizeSettings(base));
  const changed = CONFIG_FIELDS.filter((f) => mine[f] !== before[f]);
  const clashes = changed.filter((f) => theirs[f] !== before[f] && theirs[f] !== mine[f]);
  if (clashes.length > 0) {
    const list = clashes
      .map((f) =>
        t(
          'pivot.settings.merge.clash',
          '{{field}} (now {{value}})',
          textValues({ field: fieldTitle(f), value: JSON.stringify(theirs[f]) })
        )
      )
      .join(', ');
    return {
      ok: false,
      message: t(
        'pivot.settings.merge.config-clash',
        'Someone else changed {{fields}} since this page loaded. Nothing was saved: reload to see their change, then make yours again.',
        textValues({ fields: list })
      ),
    };
  }
  const jsonData = CONFIG_FIELDS.reduce(
    (data, f) => withField(data, f, changed.includes(f) ? mine[f] : theirs[f]),
    base
  );
  return { ok: true, jsonData };
}
