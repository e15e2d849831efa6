/**
 * Prometheus rules from SLO definitions, used by the SLO pages (copy, download) and by
 * `npm run slo-rules`. One group per SLO, evaluated in order: the SLI error ratio over every
 * window, the budget constants and budget remaining, then the four multi-window
 * multi-burn-rate alerts (Google SRE Workbook ch. 5). Names: docs/slos.md.
 *
 * Prometheus expands an alerting rule's labels and annotations as Go templates (recording
 * rules' labels are kept as written), so every value from a definition that goes into them
 * passes through `templateText`: a service named `checkout{{ range query "up" }}…` must reach
 * the pager as that text, not run a query.
 */
import { stringify } from 'yaml';
import { alertThreshold, errorBudget, objectiveRatio, sliWindows, windowPairs } from '../analysis/slo';
import type { MetricConventions } from '../datasources/conventions';
import {
  budgetRemainingFromRecorded,
  burnAlertCondition,
  constant,
  SLO_ALERT_NAME,
  SLO_SERIES,
  sliErrorRatio,
} from '../datasources/sloQueries';
import { sloUrl } from '../utils/links';
import type { SloDefinition } from './definition';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

export interface RulesFile {
  groups: RuleGroup[];
}

export interface RuleOptions {
  /** Where Grafana is served, e.g. https://grafana.example.com; links stay relative without it. */
  grafanaUrl?: string;
}

/**
 * `value` as Go template text that renders exactly `value`. Only `{{` starts an action, but a
 * value ending in `{` would open one with the `{{` written after it, so any value holding `{`
 * is written as one Go string literal action, `{{ "…" }}` (JSON's escapes are Go's, for text
 * without lone surrogates, which validation refuses); other text stays as it is, `$` included.
 */
export function templateText(value: string): string {
  if (!value.includes('{')) {
    return value;
  }
  if (/[\uD800-\uDFFF]/.test(value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    throw new Error(`${JSON.stringify(value)} holds a lone UTF-16 surrogate, which is not Unicode text`);
  }
  return `{{ ${JSON.stringify(value)} }}`;
}

function templateLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([name, value]) => [name, templateText(value)]));
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}

/** A burn-rate factor for people: 14.4x, 0.9333x (the exact 14/15 is in the expression). */
function times(factor: number): string {
  return `${Number(factor.toPrecision(4))}x`;
}

/** What the SLO counts against its budget, in the words of its alerts. */
function badEventsText(slo: SloDefinition): string {
  return slo.sli.type === 'availability' ? 'failed requests' : `requests slower than ${slo.sli.thresholdSeconds}s`;
}

/** The rule group of one SLO. */
export function sloRuleGroup(conv: MetricConventions, slo: SloDefinition, options: RuleOptions = {}): RuleGroup {
  const labels = { ...(slo.labels ?? {}), slo: slo.name, service: slo.service };
  const budget = errorBudget(slo.objective);
  const link = `${(options.grafanaUrl ?? '').replace(/\/+$/, '')}${sloUrl(slo.name)}`;
  const recordings: RecordingRule[] = sliWindows(slo.period).map((window) => ({
    record: SLO_SERIES.sliError(window),
    expr: sliErrorRatio(conv, slo.sli, slo.service, window),
    labels,
  }));
  recordings.push(
    { record: SLO_SERIES.objective, expr: constant(objectiveRatio(slo.objective)), labels },
    { record: SLO_SERIES.errorBudget, expr: constant(budget), labels },
    { record: SLO_SERIES.budgetRemaining, expr: budgetRemainingFromRecorded(slo.name, slo.period, budget), labels }
  );
  const alerts: AlertingRule[] = windowPairs(slo.period).map((pair) => {
    const threshold = alertThreshold(pair, slo.objective);
    return {
      alert: SLO_ALERT_NAME,
      expr: burnAlertCondition(slo.name, pair.longWindow, pair.shortWindow, threshold),
      labels: {
        ...templateLabels(labels),
        severity: pair.severity,
        long_window: pair.longWindow,
        short_window: pair.shortWindow,
      },
      annotations: {
        summary: `SLO ${templateText(slo.name)} (${templateText(slo.service)}) is burning its error budget ${times(pair.factor)} too fast`,
        description:
          `The share of ${badEventsText(slo)} is {{ $value | humanizePercentage }} over ${pair.longWindow} and above ` +
          `${percent(threshold)} over ${pair.shortWindow} as well (${times(pair.factor)} the ${percent(budget)} budget of a ` +
          `${slo.objective}% objective): at this rate ${percent(pair.budgetConsumed)} of the ${slo.period} error budget ` +
          `is spent in ${pair.longWindow}.`,
        pivot_url: templateText(link),
      },
    };
  });
  return { name: `pivot-slo-${slo.name}`, rules: [...recordings, ...alerts] };
}

export function generateRules(conv: MetricConventions, slos: SloDefinition[], options: RuleOptions = {}): RulesFile {
  return { groups: slos.map((slo) => sloRuleGroup(conv, slo, options)) };
}

const HEADER = [
  '# Prometheus rules generated by Pivot from SLO definitions (docs/slos.md).',
  '# Do not edit by hand: change the definitions and regenerate with `npm run --silent slo-rules -- <slos.yaml>`.',
  '',
].join('\n');

/** The rules file as Prometheus reads it (`rule_files`), after `header` (comment lines). */
export function rulesYaml(file: RulesFile | { groups: object[] }, header = HEADER): string {
  // lineWidth 0: long PromQL stays on one line, which promtool and readers both prefer.
  return header + stringify(file, { lineWidth: 0, aliasDuplicateObjects: false });
}
