/**
 * The arguments of `pivot investigate` (docs/investigate-cli.md): parsed into options, or a
 * usage error naming the argument and what it takes (exit status 2).
 */
import { isMetricFamily, isTraceIdLocation, METRIC_FAMILY_LIST, MetricFamily, TraceIdLocation } from '../datasources';
import { checkWindow } from '../datasources/promql';
import { labelNameProblem } from '../settings';

export const USAGE =
  'usage: npm run --silent investigate -- --service <name> [--since <duration>] [--until <time>]\n' +
  '         (--grafana <url> [--token-env <VAR>] | [--prometheus <url>] [--loki <url>] [--tempo <url>])\n' +
  '         [--json] [--links <grafana url>] [--timeout <seconds>] [--lines <n>]\n' +
  '         [--family <family>] [--metrics-service-label <label>] [--logs-service-label <label>] [--trace-id-in <where>]\n' +
  '       npm run --silent investigate -- --hygiene [--service <name>] [--since <duration>] [--until <time>] (--grafana … | --prometheus/--loki/--tempo …) [--json]';

export const EXIT = {
  /** The investigation ran and the service is not failing. */
  ok: 0,
  /** The service is failing: its error ratio over the window is at or above the critical threshold. */
  failing: 1,
  /** Bad arguments. */
  usage: 2,
  /** A backend could not answer (unreachable, refused, 401, not JSON, timeout, query error): the output is incomplete. */
  backend: 3,
} as const;

export const HELP = `${USAGE}

The investigation of one service in a terminal, with the same queries and analysis as Pivot's
pages: its error ratio and p95 latency now and in the window before (the same length), what
its failing requests share (attribute values more common among its failing spans than among
the others, from Tempo), its newest error log lines with their trace ids, the error-log
patterns that are new or grown against the window before, the worst failing trace's failure
origin and critical path, its upstream and downstream neighbours with their health, and the
Pivot links to the same views.

Where the data comes from (one of):
  --grafana <url>            Grafana's root URL: queries go through /api/ds/query to the data
                             sources in Pivot's saved settings, with a service-account token
                             read from the environment variable of --token-env (default GRAFANA_TOKEN)
  --prometheus <url>         Prometheus' root URL, e.g. http://localhost:9090
  --loki <url>               Loki's root URL, e.g. http://localhost:3100
  --tempo <url>              Tempo's root URL, e.g. http://localhost:3200
                             (a pillar without a URL is left out and says so)

What to look at:
  --service <name>           the service, exactly as its telemetry names it (required, except with --hygiene)
  --hygiene                  the telemetry-hygiene report instead of the investigation: labels and
                             attributes with ids (cardinality) and personal data (masked, never the
                             value) in metrics, logs and traces, each with its Collector fix; of
                             --service, or of every service without it
  --since <duration>         the window's length, ending at --until: 15m (default), 1h, 90s, 1h30m
  --until <time>             the window's end: now (default), RFC 3339 (2026-01-02T15:04:05Z) or Unix seconds
  --lines <n>                error log lines to print (default 10; the JSON holds as many)

Conventions (with --grafana they come from Pivot's saved settings; these override them):
  --family <family>          the metric family: auto (detect, default) or one of
                             ${METRIC_FAMILY_LIST.join(', ')}
  --metrics-service-label <label>  the label naming services in metrics (default: the family's)
  --logs-service-label <label>     the label naming services in Loki (default service_name)
  --trace-id-in <where>      where log lines carry the trace id: structured-metadata (default), logfmt, json

Output:
  --json                     one JSON document on stdout instead of text
  --links <url>              Grafana's root URL for the Pivot links (default: --grafana's; paths alone otherwise)
  --timeout <seconds>        how long one request may take (default 30)
  -h, --help                 this text

Exit status:
  0  the investigation ran and the service is not failing
  1  the service is failing: its error ratio over the window is 5% or more
     (Pivot's critical threshold); printed in full like any other run
  2  bad arguments
  3  a backend could not answer (connection refused, 401, not JSON, timeout, query error):
     the sections it feeds say why, the others are printed; 1 still wins when the metrics
     answered and the service is failing
  With --hygiene: 0 no finding (every pillar given answered), 1 at least one finding,
  2 bad arguments, 3 a pillar could not answer and nothing was found in the others

docs/investigate-cli.md`;

export interface Options {
  service: string;
  sinceText: string;
  sinceMs: number;
  /** The window's end, epoch ms; undefined for now. */
  untilMs?: number;
  grafana?: string;
  tokenEnv: string;
  prometheus?: string;
  loki?: string;
  tempo?: string;
  json: boolean;
  /** The hygiene report instead of the investigation (`service` is '' for every service). */
  hygiene: boolean;
  links?: string;
  timeoutMs: number;
  lines: number;
  family?: MetricFamily | 'auto';
  metricsServiceLabel?: string;
  logsServiceLabel?: string;
  traceIdIn?: TraceIdLocation;
}

export type Parsed = { help: true } | { help: false; options: Options };

/** Bad arguments: the message and the usage go to stderr, exit status 2. */
export class UsageError extends Error {}

function usageError(message: string): never {
  throw new UsageError(message);
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** A PromQL duration (`15m`, `1h30m`, `90s`) in milliseconds; a usage error otherwise or when 0. */
export function durationMs(text: string): number {
  try {
    checkWindow(text);
  } catch {
    usageError(`--since takes a duration such as 15m, 1h or 1h30m, got ${JSON.stringify(text)}`);
  }
  if (text.startsWith('$')) {
    usageError(`--since takes a duration such as 15m, 1h or 1h30m, got ${JSON.stringify(text)}`);
  }
  let total = 0;
  for (const [, count, unit] of text.matchAll(/([0-9]+)(ms|[smhdwy])/g)) {
    if (unit === 'y') {
      usageError(`--since ${text}: use days or weeks (d, w) rather than years`);
    }
    total += Number(count) * DURATION_UNITS[unit];
  }
  if (!(total > 0) || !Number.isSafeInteger(total)) {
    usageError(`--since ${text} is not a usable window: give a length above zero`);
  }
  if (total % 1000 !== 0) {
    usageError(`--since ${text}: give whole seconds (Prometheus' rate windows)`);
  }
  return total;
}

/** `now`, RFC 3339 or Unix seconds, as epoch ms. */
export function parseUntil(text: string): number | undefined {
  if (text === 'now') {
    return undefined;
  }
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) {
    const ms = Number(text) * 1000;
    if (Number.isFinite(ms) && ms <= 8.64e15) {
      return Math.round(ms);
    }
  }
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) {
      return ms;
    }
  }
  return usageError(
    `--until takes now, an RFC 3339 time such as 2026-01-02T15:04:05Z or Unix seconds, got ${JSON.stringify(text)}`
  );
}

/** An http(s) root URL, without a trailing slash. */
export function rootUrl(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return usageError(`${flag} takes a URL such as http://localhost:3000, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    usageError(`${flag} takes an http:// or https:// URL, got ${JSON.stringify(text)}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    usageError(
      `${flag} takes a root URL without query, fragment or credentials (the token goes in an environment variable), got ${JSON.stringify(url.origin + url.pathname)}…`
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function positiveInteger(flag: string, text: string, max: number): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    usageError(`${flag} takes a whole number from 1 to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function labelName(flag: string, text: string): string {
  const problem = labelNameProblem(text, flag);
  if (problem) {
    usageError(problem);
  }
  return text;
}

const VALUE_FLAGS = new Set([
  '--service',
  '--since',
  '--until',
  '--grafana',
  '--token-env',
  '--prometheus',
  '--loki',
  '--tempo',
  '--links',
  '--timeout',
  '--lines',
  '--family',
  '--metrics-service-label',
  '--logs-service-label',
  '--trace-id-in',
]);

/** `--flag value` or `--flag=value`; every flag at most once. */
function collect(argv: string[]): { values: Map<string, string>; json: boolean; help: boolean; hygiene: boolean } {
  const values = new Map<string, string>();
  let json = false;
  let help = false;
  let hygiene = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--hygiene') {
      hygiene = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS.has(flag)) {
      usageError(
        arg.startsWith('-')
          ? `unknown option ${JSON.stringify(arg)}`
          : `unexpected argument ${JSON.stringify(arg)} (the service goes after --service)`
      );
    }
    let value: string | undefined;
    if (eq > 0 && arg.startsWith('--')) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) {
      usageError(`${flag} needs a value`);
    }
    if (values.has(flag)) {
      usageError(`${flag} is given twice`);
    }
    values.set(flag, value);
  }
  return { values, json, help, hygiene };
}

export function parseArgs(argv: string[], env: Record<string, string | undefined> = {}): Parsed {
  const { values, json, help, hygiene } = collect(argv);
  if (help) {
    return { help: true };
  }
  const service = values.get('--service') ?? (hygiene ? '' : undefined);
  if (service === '' && hygiene && values.has('--service')) {
    usageError('--service takes a name; leave it out for every service');
  }
  if (service === undefined || (service === '' && !hygiene)) {
    usageError('--service <name> is required: the service to investigate, as its telemetry names it');
  }
  const sinceText = values.get('--since') ?? '15m';
  const grafana = values.has('--grafana') ? rootUrl('--grafana', values.get('--grafana') ?? '') : undefined;
  const direct = (['--prometheus', '--loki', '--tempo'] as const).filter((f) => values.has(f));
  if (grafana && direct.length > 0) {
    usageError(
      `--grafana and ${direct.join(', ')} exclude each other: query through Grafana or straight to the backends`
    );
  }
  if (!grafana && direct.length === 0) {
    usageError('say where the data is: --grafana <url>, or one or more of --prometheus, --loki and --tempo <url>');
  }
  const tokenEnv = values.get('--token-env') ?? 'GRAFANA_TOKEN';
  if (values.has('--token-env') && !grafana) {
    usageError('--token-env goes with --grafana');
  }
  if (grafana && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) {
    usageError(`--token-env takes an environment variable name, got ${JSON.stringify(tokenEnv)}`);
  }
  if (grafana && !env[tokenEnv]) {
    usageError(
      `--grafana needs a service-account token in the environment variable ${tokenEnv} (Administration → Users and access → Service accounts, role Viewer)`
    );
  }
  const family = values.get('--family');
  if (family !== undefined && family !== 'auto' && !isMetricFamily(family)) {
    usageError(`--family is auto or one of ${METRIC_FAMILY_LIST.join(', ')}, got ${JSON.stringify(family)}`);
  }
  const traceIdIn = values.get('--trace-id-in');
  if (traceIdIn !== undefined && !isTraceIdLocation(traceIdIn)) {
    usageError(`--trace-id-in is structured-metadata, logfmt or json, got ${JSON.stringify(traceIdIn)}`);
  }
  const metricsLabel = values.get('--metrics-service-label');
  const logsLabel = values.get('--logs-service-label');
  const url = (flag: string) => (values.has(flag) ? rootUrl(flag, values.get(flag) ?? '') : undefined);
  return {
    help: false,
    options: {
      service,
      sinceText,
      sinceMs: durationMs(sinceText),
      untilMs: parseUntil(values.get('--until') ?? 'now'),
      grafana,
      tokenEnv,
      prometheus: url('--prometheus'),
      loki: url('--loki'),
      tempo: url('--tempo'),
      json,
      hygiene,
      links: url('--links') ?? grafana,
      timeoutMs: positiveInteger('--timeout', values.get('--timeout') ?? '30', 600) * 1000,
      lines: positiveInteger('--lines', values.get('--lines') ?? '10', 1000),
      family: family as MetricFamily | 'auto' | undefined,
      metricsServiceLabel:
        metricsLabel === undefined ? undefined : labelName('The --metrics-service-label', metricsLabel),
      logsServiceLabel: logsLabel === undefined ? undefined : labelName('The --logs-service-label', logsLabel),
      traceIdIn: traceIdIn as TraceIdLocation | undefined,
    },
  };
}
