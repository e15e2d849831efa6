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

export interface SyntaxError {
  from: number;
  to: number;
}

export function syntaxErrors(language: QueryLanguage, query: string): SyntaxError[] {
  const errors: SyntaxError[] = [];
  PARSERS[language].parse(query).iterate({
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
  PARSERS[language].parse(query).iterate({
    enter(node) {
      counts[node.name] = (counts[node.name] ?? 0) + 1;
    },
  });
  return counts;
}

/** The source text of every node called `name`, in document order. */
export function nodeTexts(language: QueryLanguage, query: string, name: string): string[] {
  const texts: string[] = [];
  PARSERS[language].parse(query).iterate({
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
