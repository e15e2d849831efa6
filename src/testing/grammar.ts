/**
 * Grammar checks for tests: parse a query with the official lezer grammar of its language
 * (`@prometheus-io/lezer-promql`, `@grafana/lezer-logql`, `@grafana/lezer-traceql`) and fail
 * with every error node and its position.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import type { Parser } from '@lezer/common';

export type QueryLanguage = 'PromQL' | 'LogQL' | 'TraceQL';

const PARSERS: Record<QueryLanguage, Parser> = {
  PromQL: promqlParser,
  LogQL: logqlParser,
  TraceQL: traceqlParser,
};

/**
 * Grafana interpolates its variables before a query reaches Prometheus, and the PromQL
 * grammar knows no `$`: like Grafana, put a duration in place of each variable outside string
 * literals. Strings are left alone, so a value that merely looks like a variable stays text.
 */
export function interpolateGrafanaVariables(query: string, duration = '1m'): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) {
        j += c !== '`' && query[j] === '\\' ? 2 : 1;
      }
      out += query.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const variable = c === '$' ? /^\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)/.exec(query.slice(i)) : null;
    if (variable) {
      out += duration;
      i += variable[0].length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

// A Go escape other than \" and \\ : \n and the other letters, \xHH, \uHHHH, \UHHHHHHHH, octal.
const GO_ESCAPE = /^\\(?:[abfnrtv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})/;

/**
 * The text the TraceQL grammar is run on. `@grafana/lezer-traceql` accepts only the \" and \\
 * escapes in "…", but Tempo's lexer scans strings with Go's text/scanner and decodes them with
 * `strconv.Unquote` (grafana/tempo `pkg/traceql/lexer.go`, `Lex`, case `scanner.String`), which
 * accept every Go escape; Pivot writes `$` as \u0024 so that Grafana leaves it alone. Each such
 * escape inside a "…" literal is replaced by as many `_`: the grammar sees one plain literal and
 * every node keeps its position, so node texts can be read from the query itself.
 */
export function traceqlGrammarView(query: string): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (!inString && c === '`') {
      // A raw string has no escapes: copied as is.
      const end = query.indexOf('`', i + 1);
      const stop = end === -1 ? query.length : end + 1;
      out += query.slice(i, stop);
      i = stop;
      continue;
    }
    if (!inString) {
      inString = c === '"';
      out += c;
      i += 1;
      continue;
    }
    if (c === '\\') {
      const escape = GO_ESCAPE.exec(query.slice(i, i + 10));
      const text = escape ? '_'.repeat(escape[0].length) : query.slice(i, i + 2);
      out += text;
      i += text.length;
      continue;
    }
    inString = c !== '"';
    out += c;
    i += 1;
  }
  return out;
}

function grammarView(language: QueryLanguage, query: string): string {
  return language === 'TraceQL' ? traceqlGrammarView(query) : query;
}

export interface SyntaxError {
  from: number;
  to: number;
}

export function syntaxErrors(language: QueryLanguage, query: string): SyntaxError[] {
  const errors: SyntaxError[] = [];
  PARSERS[language].parse(grammarView(language, query)).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push({ from: node.from, to: node.to });
      }
    },
  });
  return errors;
}

/** How many nodes of each name the parse tree holds, e.g. `{ Matcher: 2, PipelineStage: 1 }`. */
export function nodeCounts(language: QueryLanguage, query: string): Record<string, number> {
  const counts: Record<string, number> = {};
  PARSERS[language].parse(grammarView(language, query)).iterate({
    enter(node) {
      counts[node.name] = (counts[node.name] ?? 0) + 1;
    },
  });
  return counts;
}

/** The source text of every node called `name`, in document order. */
export function nodeTexts(language: QueryLanguage, query: string, name: string): string[] {
  const texts: string[] = [];
  PARSERS[language].parse(grammarView(language, query)).iterate({
    enter(node) {
      if (node.name === name) {
        texts.push(query.slice(node.from, node.to));
      }
    },
  });
  return texts;
}

function describeErrors(language: QueryLanguage, query: string, errors: SyntaxError[]): string {
  const lines = errors.map(({ from, to }) => {
    const context = JSON.stringify(query.slice(Math.max(0, from - 15), to + 15));
    return `  error node at ${from}-${to}, near ${context}`;
  });
  return [`Invalid ${language} (${errors.length} error node(s)):`, `  ${JSON.stringify(query)}`, ...lines].join('\n');
}

function expectValid(language: QueryLanguage, query: string): void {
  if (typeof query !== 'string' || query.trim() === '') {
    throw new Error(`Invalid ${language}: empty query ${JSON.stringify(query)}`);
  }
  const errors = syntaxErrors(language, query);
  if (errors.length > 0) {
    throw new Error(describeErrors(language, query, errors));
  }
}

/** PromQL, after putting a duration in place of Grafana variables (positions refer to that text). */
export function expectValidPromQL(query: string): void {
  expectValid('PromQL', interpolateGrafanaVariables(query));
}

export function expectValidLogQL(query: string): void {
  expectValid('LogQL', query);
}

export function expectValidTraceQL(query: string): void {
  expectValid('TraceQL', query);
}
