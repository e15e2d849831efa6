/**
 * What a PromQL, LogQL or TraceQL query says about services and traces, read with the official
 * grammar of its language (never a regular expression over the query). Used by "Investigate in
 * Pivot" (`src/extensions/investigation.ts`), loaded with the investigate page only.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { LOG_SERVICE_LABEL_CANDIDATES, METRIC_FAMILIES, METRIC_FAMILY_LIST } from './conventions';
import { isTraceId, normalizeTraceId } from './traceql';
import type { PivotSettings } from '../settings';
import { unquoteLiteral } from './literals';

/** What one query says about the services and traces it is about. */
export interface QueryFindings {
  /** Concrete service names the query selects (positive matchers on a service label). */
  services: string[];
  /**
   * The query selects services it does not name: a regex that is not one literal, a template
   * variable Grafana did not interpolate, or an empty value.
   */
  broad: boolean;
  /** Trace ids the query is about (a Tempo trace-id query, a `trace_id` filter). */
  traceIds: string[];
}

/** The label names that name a service, most specific first, per language. */
export interface ServiceLabels {
  promql: string[];
  logql: string[];
}

const TRACE_ID_LABELS = ['trace_id', 'traceID', 'traceId'];
const TRACEQL_SERVICE_ATTRIBUTE = 'service.name';
// Service-graph metrics name the two ends of an edge; the server end is the service called.
const SERVICE_GRAPH_PREFIX = 'traces_service_graph_';
const SERVICE_GRAPH_LABELS = ['server', 'client'];

export function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

/**
 * The configured service label first; with the metric family on `auto`, every family's default
 * label (a `job` matcher counts only then, or when the configured family uses it).
 */
export function serviceLabels(settings: PivotSettings): ServiceLabels {
  const family = settings.metrics.family;
  const familyLabels =
    family === 'auto'
      ? METRIC_FAMILY_LIST.map((f) => METRIC_FAMILIES[f].defaultServiceLabel).sort(
          (a, b) => Number(a === 'job') - Number(b === 'job')
        )
      : [METRIC_FAMILIES[family].defaultServiceLabel];
  return {
    promql: unique([settings.metrics.serviceLabel, ...familyLabels]),
    logql: unique([settings.logs.serviceLabel, ...LOG_SERVICE_LABEL_CANDIDATES]),
  };
}

// A Grafana variable left in a query's text: $name, ${name}, ${name:format}, [[name]].
const VARIABLE = /\$\{[^}]*\}|\$[A-Za-z_]\w*|\[\[[^\]]*\]\]/;

/**
 * Whether a literal, as written in the query's text, holds a variable Grafana left there
 * (unknown to the panel's dashboard). Read on the raw text, not on the decoded value: Pivot and
 * careful authors write a real `$` as `\u0024` (docs/conventions.md, Grafana variables in query
 * text), which Grafana leaves alone, so a service named `$x` decodes to `$x` but is no variable.
 */
export function hasTemplateVariable(literalText: string): boolean {
  return VARIABLE.test(literalText);
}

// RE2 metacharacters; a regex without any unescaped one matches exactly its own text.
const REGEX_META = '\\.+*?()|[]{}^$';

/**
 * The text a regex matches when it matches exactly one string (Prometheus and Loki anchor
 * regex matchers): `checkout` → `checkout`, `checkout\.v2` → `checkout.v2`; undefined otherwise.
 */
export function regexLiteral(pattern: string): string | undefined {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || !REGEX_META.includes(next)) {
        return undefined;
      }
      out += next;
      i += 1;
    } else if (REGEX_META.includes(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * The strings a regex matches when it is literals joined by `|` (`a|b`, what Grafana writes for
 * a multi-value variable); undefined for any other regex.
 */
export function regexAlternatives(pattern: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= pattern.length; i++) {
    if (pattern[i] === '\\') {
      i += 1;
    } else if (i === pattern.length || pattern[i] === '|') {
      const literal = regexLiteral(pattern.slice(start, i));
      if (!literal) {
        return undefined;
      }
      parts.push(literal);
      start = i + 1;
    }
  }
  return parts;
}

interface Matcher {
  label: string;
  op: string;
  /** Undefined when the literal is malformed or not a string. */
  value: string | undefined;
  /** The literal's text holds a Grafana variable left unreplaced. */
  variable: boolean;
}

function emptyFindings(): QueryFindings {
  return { services: [], broad: false, traceIds: [] };
}

/** Adds what one positive service matcher says to `findings`. */
function addServiceMatcher(findings: QueryFindings, op: string, value: string | undefined, variable: boolean): void {
  if (value === undefined || value === '' || variable) {
    findings.broad = true;
    return;
  }
  if (op === '=') {
    findings.services.push(value);
    return;
  }
  const names = regexAlternatives(value);
  if (names) {
    findings.services.push(...names);
  } else {
    findings.broad = true;
  }
}

/** From one selector's matchers: the matcher on the most specific service label present. */
function addSelector(findings: QueryFindings, matchers: Matcher[], labels: string[]): void {
  for (const label of labels) {
    const positive = matchers.filter((m) => m.label === label && (m.op === '=' || m.op === '=~'));
    if (positive.length > 0) {
      for (const m of positive) {
        addServiceMatcher(findings, m.op, m.value, m.variable);
      }
      return;
    }
  }
}

function addTraceIdFilter(findings: QueryFindings, m: Matcher): void {
  if (TRACE_ID_LABELS.includes(m.label) && m.op === '=' && m.value !== undefined && isTraceId(m.value)) {
    findings.traceIds.push(normalizeTraceId(m.value));
  }
}

function text(query: string, node: SyntaxNode | null): string {
  return node ? query.slice(node.from, node.to) : '';
}

function children(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.getChildren(name);
}

// ---------------------------------------------------------------------------------------------
// PromQL

function promqlMatchers(query: string, selector: SyntaxNode): Matcher[] {
  const list = selector.getChild('LabelMatchers');
  if (!list) {
    return [];
  }
  const out: Matcher[] = [];
  for (const name of ['UnquotedLabelMatcher', 'QuotedLabelMatcher']) {
    for (const m of children(list, name)) {
      const labelNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const label = name === 'QuotedLabelMatcher' ? unquoteLiteral(text(query, labelNode)) : text(query, labelNode);
      const literal = m.getChild('StringLiteral');
      out.push({
        label: label ?? '',
        op: text(query, m.getChild('MatchOp')),
        value: literal ? unquoteLiteral(text(query, literal)) : undefined,
        variable: literal ? hasTemplateVariable(text(query, literal)) : false,
      });
    }
  }
  return out;
}

export function promqlFindings(query: string, labels: string[]): QueryFindings {
  const findings = emptyFindings();
  const cursor = promqlParser.parse(query).cursor();
  do {
    if (cursor.name === 'VectorSelector') {
      const node = cursor.node;
      const matchers = promqlMatchers(query, node);
      const metric = text(query, node.getChild('Identifier'));
      const selectorLabels = metric.startsWith(SERVICE_GRAPH_PREFIX) ? [...labels, ...SERVICE_GRAPH_LABELS] : labels;
      addSelector(findings, matchers, selectorLabels);
    }
  } while (cursor.next());
  return findings;
}

// ---------------------------------------------------------------------------------------------
// LogQL

function logqlMatcher(query: string, node: SyntaxNode): Matcher {
  const opNode = node.getChild('Eq') ?? node.getChild('Re') ?? node.getChild('Neq') ?? node.getChild('Nre');
  const literal = node.getChild('String');
  return {
    label: text(query, node.getChild('Identifier')),
    op: text(query, opNode),
    value: literal ? unquoteLiteral(text(query, literal)) : undefined,
    variable: literal ? hasTemplateVariable(text(query, literal)) : false,
  };
}

export function logqlFindings(query: string, labels: string[]): QueryFindings {
  const findings = emptyFindings();
  const cursor = logqlParser.parse(query).cursor();
  do {
    if (cursor.name === 'Selector') {
      const matchers: Matcher[] = [];
      const selector = cursor.node;
      const inner = selector.cursor();
      do {
        if (inner.name === 'Matcher') {
          matchers.push(logqlMatcher(query, inner.node));
        }
      } while (inner.next() && inner.from < selector.to);
      addSelector(findings, matchers, labels);
    } else if (cursor.name === 'LabelFilter') {
      const matcher = cursor.node.getChild('Matcher');
      if (matcher) {
        addTraceIdFilter(findings, logqlMatcher(query, matcher));
      }
    }
  } while (cursor.next());
  return findings;
}

// ---------------------------------------------------------------------------------------------
// TraceQL

/** `resource.service.name` or the unscoped `.service.name` (which also reads resource attributes). */
function isServiceAttribute(query: string, field: SyntaxNode): boolean {
  const attribute = field.getChild('AttributeField');
  if (!attribute || text(query, attribute.getChild('Identifier')) !== TRACEQL_SERVICE_ATTRIBUTE) {
    return false;
  }
  const scoped = attribute.firstChild && attribute.firstChild.name !== 'Identifier';
  return !scoped || attribute.getChild('Resource') !== null;
}

function isTraceIdIntrinsic(query: string, field: SyntaxNode): boolean {
  return text(query, field.getChild('IntrinsicField')) === 'trace:id';
}

/** The value of a comparison's right side: a string literal, or undefined for anything else. */
function traceqlValue(query: string, side: SyntaxNode | null): { value: string | undefined; variable: boolean } {
  const stat = side?.getChild('Static');
  if (!stat) {
    return { value: undefined, variable: false };
  }
  if (stat.getChild('TemplateVariable')) {
    return { value: undefined, variable: true };
  }
  const literal = stat.getChild('String');
  if (!literal) {
    return { value: undefined, variable: false };
  }
  const raw = text(query, literal);
  return { value: unquoteLiteral(raw), variable: hasTemplateVariable(raw) };
}

/**
 * `query` with each `\u`/`\U` escape's first two characters written `\\`, for the parser only.
 * Tempo's lexer decodes `\u0024` (Pivot writes every `$` so); `@grafana/lezer-traceql` has no
 * `\u` and would break the literal there. Same length, so node positions read the real text.
 */
function parsableTraceql(query: string): string {
  return query.replace(/\\[\s\S]/g, (escape) => (escape === '\\u' || escape === '\\U' ? '\\\\' : escape));
}

export function traceqlFindings(query: string): QueryFindings {
  const findings = emptyFindings();
  const trimmed = query.trim();
  if (isTraceId(trimmed)) {
    // Tempo's trace-by-id query is the bare id (docs/conventions.md#traceql-and-trace-by-id).
    findings.traceIds.push(normalizeTraceId(trimmed));
    return findings;
  }
  const cursor = traceqlParser.parse(parsableTraceql(query)).cursor();
  do {
    if (cursor.name !== 'FieldExpression') {
      continue;
    }
    const node = cursor.node;
    const op = node.getChild('FieldOp');
    const [left, right] = children(node, 'FieldExpression');
    if (!op || !left || !right) {
      continue;
    }
    const opText = text(query, op);
    const { value, variable } = traceqlValue(query, right);
    if (isServiceAttribute(query, left) && (opText === '=' || opText === '=~')) {
      addServiceMatcher(findings, opText, value, variable);
    } else if (isTraceIdIntrinsic(query, left) && opText === '=' && value !== undefined && isTraceId(value)) {
      findings.traceIds.push(normalizeTraceId(value));
    }
  } while (cursor.next());
  return findings;
}
