/**
 * String literals for PromQL, LogQL and TraceQL. Prometheus, Loki and Tempo all decode a
 * `"…"` literal with Go's `strconv.Unquote` (docs/conventions.md, String literals), so one
 * quoting rule serves the three languages: backslash and double quote are escaped, control
 * characters are written as Go escapes (a raw newline would end the literal; the others would
 * be invisible in a query editor), and everything else is kept as is, except what Grafana
 * would read as a variable (below).
 *
 * Grafana rewrites `$name`, `${name…}` and `[[name]]` everywhere in a query's text, string
 * literals included, before the data source sends it (docs/conventions.md, Grafana variables
 * in query text): a service named `$__interval` would reach Prometheus as `15s`. So `$` is
 * written `\u0024`, and the first `[` of `[[` as `\u005b`: no variable syntax is left for
 * Grafana to match, and the servers decode the escapes back (all three lexers accept `\u`; the
 * TraceQL grammar of `@grafana/lezer-traceql` does not, Tempo decides).
 *
 * The three names exist so that a reader sees which language a literal is for, and so that
 * a language can change its rule without touching callers.
 */

const NAMED_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// C0 controls, DEL and C1 controls: Go accepts most of them raw, but nobody can read them.
// `$`, and `[` before `[`: Grafana's variable syntax, which it would replace.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\$\u007f-\u009f]|\[(?=\[)/g;

function escapeChar(c: string): string {
  const named = NAMED_ESCAPES[c];
  if (named) {
    return named;
  }
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A Go double-quoted literal whose `strconv.Unquote` is exactly `value`. A string holding a
 * lone UTF-16 surrogate has no UTF-8 form, so no server could receive it: it is rejected.
 */
function goQuote(value: string, language: string): string {
  if (typeof value !== 'string') {
    throw new Error(`${language} string literal: expected a string, got ${typeof value}`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new Error(`${language} string literal: the value holds a lone UTF-16 surrogate, which is not Unicode text`);
  }
  return `"${value.replace(NEEDS_ESCAPE, escapeChar)}"`;
}

/** The PromQL string literal whose value is exactly `value`. */
export function promqlString(value: string): string {
  return goQuote(value, 'PromQL');
}

/** The LogQL string literal whose value is exactly `value`. */
export function logqlString(value: string): string {
  return goQuote(value, 'LogQL');
}

/** The TraceQL string literal whose value is exactly `value`. */
export function traceqlString(value: string): string {
  return goQuote(value, 'TraceQL');
}

// RE2 metacharacters; escaping each with a backslash makes the pattern match the text itself.
const REGEX_META = /[\\.+*?()|[\]{}^$]/g;

/**
 * An RE2 pattern (Prometheus and Loki matchers, which anchor it) matching exactly one of
 * `values`. Still raw text: quote it with the language's string function.
 */
export function regexAnyOf(values: string[]): string {
  if (values.length === 0) {
    throw new Error('regexAnyOf needs at least one value');
  }
  return values.map((v) => v.replace(REGEX_META, '\\$&')).join('|');
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Label names are written unquoted into queries, so only the classic Prometheus/Loki label
 * name syntax is accepted; anything else could change the query's meaning.
 */
export function checkLabelName(name: string, what = 'label name'): string {
  if (typeof name !== 'string' || !LABEL_NAME.test(name)) {
    throw new Error(`Invalid ${what} ${JSON.stringify(name)}: use letters, digits and _ (not starting with a digit)`);
  }
  return name;
}
