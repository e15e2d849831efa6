/**
 * Release gating on error budgets: `npm run --silent slo-check -- <slos.yaml> --prometheus <url>
 * [--min-budget <fraction or percent>] [--allow-no-data]`. Computes each SLO's budget remaining
 * over its period straight from the raw metrics (the rules need not be loaded), prints one
 * line per SLO and exits 1 when any budget is exhausted or below the minimum, 2 on bad input
 * or when Prometheus cannot answer. The SLOs come from a `slos.yaml` or from the app's
 * provisioning file (scripts/sloSource.ts). docs/slos.md.
 */
import { readFileSync } from 'node:fs';

import { budgetRemaining } from '../src/analysis/slo';
import { getJson } from '../src/cli/http';
import { checkLatencyThreshold, latencyBoundaries, sliErrorRatio } from '../src/datasources/sloQueries';
import type { SloDefinition } from '../src/slo/definition';
import { readSloSource, warningLines } from './sloSource';

const USAGE =
  'usage: npm run --silent slo-check -- <slos.yaml | provisioning/plugins/app.yaml> --prometheus <url> [--min-budget <0..1 or N%>] [--allow-no-data]';

const HELP = `${USAGE}

Prints each SLO's error budget remaining over its period, computed from the raw metrics in
Prometheus (the generated rules need not be loaded), and exits:
  0  every budget is left
  1  a budget is exhausted or below --min-budget, a latency threshold is not a bucket
     boundary, or an SLO has no data (no requests, or no latency histogram) in its period
  2  bad arguments or SLO file, or Prometheus cannot answer

  --prometheus <url>    Prometheus' root URL, e.g. http://localhost:9090
  --min-budget <value>  the least budget to keep, as a fraction (0.25) or a percentage (25%)
  --allow-no-data       an SLO without data passes (a new service, a quiet environment)
  -h, --help            this text

docs/slos.md`;

/** How long one query may take: a 30-day SLI over many series is slow on a large Prometheus. */
const QUERY_TIMEOUT_MS = 60000;

export interface Args {
  file: string;
  prometheus: string;
  minBudget: number;
  allowNoData: boolean;
}

/** Bad arguments: the message and the usage go to stderr, exit status 2. */
class UsageError extends Error {}

function usageError(message: string): never {
  throw new UsageError(message);
}

function parseMinBudget(text: string | undefined): number {
  const match = /^(-?[0-9]*\.?[0-9]+)(%?)$/.exec(text ?? '');
  if (!match) {
    usageError(`--min-budget takes a fraction such as 0.25 or a percentage such as 25%, got ${JSON.stringify(text)}`);
  }
  const value = Number(match[1]) / (match[2] ? 100 : 1);
  if (value > 1) {
    usageError(`--min-budget ${text} is more than the whole budget; use a fraction from 0 to 1 or a percentage`);
  }
  return value;
}

function parseArgs(argv: string[]): Args {
  let file: string | undefined;
  let prometheus: string | undefined;
  let minBudget = 0;
  let allowNoData = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--prometheus') {
      prometheus = argv[++i];
    } else if (arg === '--min-budget') {
      minBudget = parseMinBudget(argv[++i]);
    } else if (arg === '--allow-no-data') {
      allowNoData = true;
    } else if (arg.startsWith('-') || file !== undefined) {
      usageError(`unexpected argument ${JSON.stringify(arg)}`);
    } else {
      file = arg;
    }
  }
  if (!file) {
    usageError('no SLO file given');
  }
  if (!prometheus || !/^https?:\/\/\S+$/.test(prometheus)) {
    usageError(`--prometheus needs the Prometheus URL, e.g. http://localhost:9090; got ${JSON.stringify(prometheus)}`);
  }
  return { file, prometheus: prometheus.replace(/\/+$/, ''), minBudget, allowNoData };
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Statuses whose body is still Prometheus' JSON with its own error (bad query, timeout, overloaded). */
const PROMETHEUS_ERROR_STATUSES = [400, 422, 503];

/**
 * One instant query. Reaching Prometheus and reading its answer go through the same request
 * helper as `pivot investigate` (src/cli/http.ts): its messages name the URL and the cause.
 */
async function instant(base: string, query: string): Promise<VectorSample[]> {
  const { status, body: answer } = await getJson(
    { backend: 'Prometheus', url: `${base}/api/v1/query`, form: { query }, timeoutMs: QUERY_TIMEOUT_MS },
    PROMETHEUS_ERROR_STATUSES
  );
  const body = answer as { status?: string; error?: string; data?: { resultType: string; result: VectorSample[] } };
  if (body?.status !== 'success') {
    throw new Error(`Prometheus at ${base} answered ${status}: ${body?.error ?? 'no error message'}; query: ${query}`);
  }
  if (body.data?.resultType !== 'vector') {
    throw new Error(
      `Prometheus at ${base} answered a ${body.data?.resultType ?? 'missing'} result, not a vector; query: ${query}`
    );
  }
  return body.data.result;
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

type Verdict = 'ok' | 'exhausted' | 'below minimum' | 'no data' | 'invalid';

async function checkSlo(
  args: Args,
  conv: Parameters<typeof sliErrorRatio>[0],
  slo: SloDefinition
): Promise<[Verdict, string]> {
  if (slo.sli.type === 'latency') {
    const probe = await instant(args.prometheus, latencyBoundaries(conv, slo.service, slo.period));
    if (probe.length === 0) {
      // No histogram series at all in the period is missing data, as for an availability SLI
      // without requests (--allow-no-data); a histogram without the threshold is a mistake.
      return ['no data', `no latency histogram series of ${slo.service} in the last ${slo.period}`];
    }
    const check = checkLatencyThreshold(
      conv,
      slo.sli.thresholdSeconds,
      probe.map((s) => s.metric.le ?? '')
    );
    if (!check.ok) {
      return ['invalid', check.message];
    }
  }
  const result = await instant(args.prometheus, sliErrorRatio(conv, slo.sli, slo.service, slo.period));
  const ratio = result.length === 1 ? Number(result[0].value[1]) : NaN;
  if (!Number.isFinite(ratio)) {
    return ['no data', `no requests of ${slo.service} in the last ${slo.period}`];
  }
  const remaining = budgetRemaining(slo.objective, ratio);
  const detail = `budget remaining ${pct(remaining)} (error ratio ${pct(ratio)} over ${slo.period}, objective ${slo.objective}%)`;
  if (remaining <= 0) {
    return ['exhausted', detail];
  }
  if (remaining < args.minBudget) {
    return ['below minimum', `${detail}, minimum ${pct(args.minBudget)}`];
  }
  return ['ok', detail];
}

export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The command: writes its report to `out` and resolves to the exit status. */
export async function sloCheck(argv: string[], out: Output): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    out.stdout(`${HELP}\n`);
    return 0;
  }
  try {
    return await check(parseArgs(argv), out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`slo-check: ${error.message}\n${USAGE}\n`);
    } else {
      out.stderr(`slo-check: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 2;
  }
}

async function check(args: Args, out: Output): Promise<number> {
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    usageError(`cannot read ${args.file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = readSloSource(text, args.file);
  if (!parsed.ok) {
    out.stderr(`${args.file}: invalid SLO definitions:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 2;
  }
  // Warnings do not change the verdicts or the exit status.
  out.stderr(warningLines(parsed.warnings));
  let failed = false;
  for (const slo of parsed.value.slos) {
    const [verdict, detail] = await checkSlo(args, parsed.value.conventions, slo);
    const bad =
      verdict === 'exhausted' ||
      verdict === 'below minimum' ||
      verdict === 'invalid' ||
      (verdict === 'no data' && !args.allowNoData);
    failed ||= bad;
    out.stdout(`${bad ? 'FAIL' : 'ok  '} ${slo.name}: ${verdict === 'ok' ? '' : `${verdict}: `}${detail}\n`);
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  sloCheck(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => process.exit(code));
}
