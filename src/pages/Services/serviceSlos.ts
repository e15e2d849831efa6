import { DataFrame, FieldType } from '@grafana/data';
import type { Severity } from '../../analysis/slo';
import type { SloDefinition } from '../../slo/definition';

/**
 * The Services page's SLO column, pure: one instant query for all services
 * (`sloStatusAllServices`, the generated rules' budget remaining and firing burn-rate alerts)
 * turned into each service's worst SLO. The SLOs and their objectives come from the settings;
 * a recorded series or alert of an SLO the settings do not define is ignored.
 */

/** The refId of the SLO status query. */
export const SLO_STATUS_REF = 'sloStatus';

export interface SloState {
  slo: SloDefinition;
  /** Fraction of the period's budget left (below 0: overspent); undefined when the rules recorded none. */
  budgetRemaining?: number;
  /** The most severe burn-rate alert firing now. */
  firing?: Severity;
}

export interface ServiceSloStatus {
  /** The service's worst SLO: firing (critical before warning) first, then least budget left. */
  worst: SloState;
  /** How many SLOs the service has. */
  count: number;
}

function valueField(frame: DataFrame) {
  return frame.fields.find((f) => f.type === FieldType.number);
}

function lastFinite(values: unknown[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return undefined;
}

const SEVERITY_RANK: Record<Severity, number> = { warning: 1, critical: 2 };

function moreSevere(a: Severity | undefined, b: Severity): Severity {
  return a && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** Each defined SLO's state from the query's frames (an SLO without any series has neither budget nor alert). */
export function sloStates(frames: DataFrame[], slos: SloDefinition[]): Map<string, SloState> {
  const states = new Map<string, SloState>(slos.map((slo) => [slo.name, { slo }]));
  for (const frame of frames) {
    if (frame.refId !== SLO_STATUS_REF) {
      continue;
    }
    const field = valueField(frame);
    const labels = field?.labels ?? {};
    const state = labels.slo === undefined ? undefined : states.get(labels.slo);
    if (!field || !state) {
      continue;
    }
    if (labels.alertstate !== undefined) {
      // Rules written by Pivot label every alert critical or warning; any other severity pages as warning.
      if (labels.alertstate === 'firing') {
        state.firing = moreSevere(state.firing, labels.severity === 'critical' ? 'critical' : 'warning');
      }
      continue;
    }
    const value = lastFinite(field.values);
    if (value !== undefined) {
      // The same SLO recorded twice (two Prometheus rule files): the lower budget counts.
      state.budgetRemaining = state.budgetRemaining === undefined ? value : Math.min(state.budgetRemaining, value);
    }
  }
  return states;
}

/**
 * How bad an SLO state is, for sorting (higher is worse): the firing severity's rank plus the
 * budget spent mapped monotonically into [0, 1). Undefined when nothing is known.
 */
export function sloBadness(state: SloState | undefined): number | undefined {
  if (!state || (state.budgetRemaining === undefined && !state.firing)) {
    return undefined;
  }
  const spent = state.budgetRemaining === undefined ? 0 : Math.max(0, 1 - state.budgetRemaining);
  return (state.firing ? SEVERITY_RANK[state.firing] : 0) + spent / (1 + spent);
}

/** Each service's worst SLO, keyed by the service as the SLOs name it (the metrics service label's value). */
export function serviceSloStatuses(frames: DataFrame[], slos: SloDefinition[]): Map<string, ServiceSloStatus> {
  const statuses = new Map<string, ServiceSloStatus>();
  for (const state of sloStates(frames, slos).values()) {
    const current = statuses.get(state.slo.service);
    if (!current) {
      statuses.set(state.slo.service, { worst: state, count: 1 });
      continue;
    }
    const known = sloBadness(state);
    const worst = sloBadness(current.worst);
    const worse = known !== undefined && (worst === undefined || known > worst);
    statuses.set(state.slo.service, { worst: worse ? state : current.worst, count: current.count + 1 });
  }
  return statuses;
}
