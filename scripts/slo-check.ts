/**
 * Release gating on error budgets: `npm run --silent slo-check -- <slos.yaml> --prometheus <url>
 * [--min-budget <fraction or percent>] [--allow-no-data]`. Computes each SLO's budget remaining
 * over its period straight from the raw metrics (the rules need not be loaded), prints one
 * line per SLO and exits 1 when any budget is exhausted or below the minimum, 2 on bad input
 * or when Prometheus cannot answer. docs/slos.md.
 */
import { readFileSync } from 'node:fs';

import { budgetRemaining } from '../src/analysis/slo';
import { checkLatencyThreshold, latencyBoundaries, sliErrorRatio } from '../src/datasources/sloQueries';
import type { SloDefinition } from '../src/slo/definition';
import { parseSloFile } from '../src/slo/sloFile';

const USAGE =
  'usage: npm run --silent slo-check -- <slos.yaml> --prometheus <url> [--min-budget <0..1 or N%>] [--allow-no-data]';

interface Args {
  file: string;
  prometheus: string;
  minBudget: number;
  allowNoData: boolean;
}

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
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

async function instant(base: string, query: string): Promise<VectorSample[]> {
  const response = await fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query }).toString(),
    signal: AbortSignal.timeout(60000),
  });
  const body = (await response.json().catch(() => undefined)) as
    | { status: string; error?: string; data?: { resultType: string; result: VectorSample[] } }
    | undefined;
  if (!body || body.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new Error(`Prometheus answered ${response.status} to ${query}: ${body?.error ?? 'not a vector result'}`);
  }
  return body.data.result;
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

type Verdict = 'ok' | 'exhausted' | 'below minimum' | 'no data' | 'invalid';

async function checkSlo(args: Args, conv: Parameters<typeof sliErrorRatio>[0], slo: SloDefinition): Promise<[Verdict, string]> {
  if (slo.sli.type === 'latency') {
    const probe = await instant(args.prometheus, latencyBoundaries(conv, slo.service, slo.period));
    const check = checkLatencyThreshold(conv, slo.sli.thresholdSeconds, probe.map((s) => s.metric.le ?? ''));
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

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    usageError(`cannot read ${args.file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = parseSloFile(text);
  if (!parsed.ok) {
    process.stderr.write(`${args.file}: invalid SLO definitions:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 2;
  }
  let failed = false;
  for (const slo of parsed.value.slos) {
    const [verdict, detail] = await checkSlo(args, parsed.value.conventions, slo);
    const bad = verdict === 'exhausted' || verdict === 'below minimum' || verdict === 'invalid' || (verdict === 'no data' && !args.allowNoData);
    failed ||= bad;
    process.stdout.write(`${bad ? 'FAIL' : 'ok  '} ${slo.name}: ${verdict === 'ok' ? '' : `${verdict}: `}${detail}\n`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`slo-check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
);
