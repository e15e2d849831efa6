/**
 * The dashboard panel "Add to dashboard" hands to Grafana's form: a Pivot panel as it would be
 * saved in a dashboard, with its queries' variables interpolated (a dashboard does not have
 * Pivot's scene variables) and every data source reference resolved to a real uid and type.
 * Pure: the scene glue passes interpolation and data source lookup in.
 */
import type { DataQuery, DataSourceRef, DataTransformerConfig, Panel } from '@grafana/schema';

export interface PanelSource {
  pluginId: string;
  title: string;
  description?: string;
  options?: Record<string, unknown>;
  fieldConfig?: Panel['fieldConfig'];
  /** The query runner's data source, used by queries without their own. */
  datasource?: DataSourceRef;
  queries: DataQuery[];
  transformations?: DataTransformerConfig[];
}

export interface PanelDeps {
  /** The scene's interpolation of variables in text. */
  interpolate(text: string): string;
  /** Grafana's data source of a reference (by uid, name or default), as `{ uid, type }`. */
  resolveDataSource(ref: DataSourceRef | undefined): { uid: string; type: string } | undefined;
}

/** Where the new panel goes in the target dashboard; Grafana moves it to the first free place. */
export const NEW_PANEL_GRID = { x: 0, y: 0, w: 12, h: 8 };

// Grafana's global macros ($__rate_interval, $__interval, $__range, ${__from:date}, ...) are
// filled in per query at run time: they must reach the dashboard as written.
const MACRO = /\$\{__[^}]*\}|\$__\w+/g;

/** Interpolates `text` but keeps Grafana's `$__` macros as they are. */
export function interpolateKeepingMacros(text: string, interpolate: (text: string) => string): string {
  const macros: string[] = [];
  // A placeholder no variable syntax can touch: NUL characters do not occur in queries.
  const shielded = text.replace(MACRO, (m) => `\u0000${macros.push(m) - 1}\u0000`);
  const done = interpolate(shielded);
  return done.replace(/\u0000(\d+)\u0000/g, (_, i: string) => macros[Number(i)]);
}

// A dashboard interpolates a panel's title and description again, and Grafana's template syntax
// has no escape: a title Pivot shows as "Error logs of $__interval" would read "… of 15s".
// A WORD JOINER (U+2060, invisible, no width) after each `$` and between `[[` leaves no
// variable syntax to match, and the title reads the same.
const VARIABLE_START = /\$|\[(?=\[)/g;

/** `text` as a dashboard title or description that Grafana shows as it is written. */
export function shownAsWritten(text: string): string {
  return text.replace(VARIABLE_START, (c) => `${c}\u2060`);
}

function interpolateValue(value: unknown, interpolate: (text: string) => string): unknown {
  if (typeof value === 'string') {
    return interpolateKeepingMacros(value, interpolate);
  }
  if (Array.isArray(value)) {
    return value.map((v) => interpolateValue(v, interpolate));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValue(v, interpolate)]));
  }
  return value;
}

// Fields that name the query rather than say what it reads.
const KEEP_AS_IS = new Set(['refId', 'datasource', 'queryType', 'key']);

function resolveRef(ref: DataSourceRef | undefined | null, deps: PanelDeps): DataSourceRef | undefined {
  const uid = ref?.uid ? interpolateKeepingMacros(ref.uid, deps.interpolate) : undefined;
  const resolved = deps.resolveDataSource(ref ? { ...ref, uid } : undefined);
  return resolved ? { uid: resolved.uid, type: resolved.type } : undefined;
}

export class UnresolvedDataSourceError extends Error {}

export function toDashboardPanel(source: PanelSource, deps: PanelDeps): Panel {
  const panelDs = resolveRef(source.datasource, deps);
  const targets = source.queries.map((query) => {
    const ds = query.datasource ? resolveRef(query.datasource, deps) : panelDs;
    if (!ds) {
      throw new UnresolvedDataSourceError(
        `The data source of query ${query.refId} (${JSON.stringify(query.datasource ?? source.datasource ?? null)}) does not exist in this Grafana.`
      );
    }
    const out: DataQuery & Record<string, unknown> = { refId: query.refId, datasource: ds };
    for (const [key, value] of Object.entries(query)) {
      if (!(key in out)) {
        out[key] = KEEP_AS_IS.has(key) ? value : interpolateValue(value, deps.interpolate);
      }
    }
    return out;
  });
  const datasources = new Set(targets.map((t) => t.datasource?.uid));
  const panel: Panel = {
    type: source.pluginId,
    // Interpolated here (Pivot's own variables, such as a verbatim title's), never again there.
    title: shownAsWritten(deps.interpolate(source.title)),
    gridPos: NEW_PANEL_GRID,
    // One data source for all queries, or Grafana's mixed data source.
    datasource:
      datasources.size <= 1 ? (targets[0]?.datasource ?? panelDs) : { type: 'datasource', uid: '-- Mixed --' },
    targets,
    options: source.options ?? {},
    fieldConfig: source.fieldConfig ?? { defaults: {}, overrides: [] },
  };
  if (source.description) {
    panel.description = shownAsWritten(source.description);
  }
  if (source.transformations && source.transformations.length > 0) {
    panel.transformations = source.transformations;
  }
  return panel;
}
