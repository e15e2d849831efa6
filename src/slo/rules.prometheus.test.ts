/**
 * @jest-environment node
 */
/**
 * The generated rules in a real Prometheus: 31 days of span metrics whose error and slow
 * shares vary over time are backfilled up to now, the rules are loaded, and the budget
 * remaining they record (evaluated live, each second) equals what the pure module computes from
 * the same counters within 1e-6. `npm run slo-check` is run against the same server.
 *
 * Recording rules evaluate only from Prometheus' start, so the check is made at the time the
 * rule last ran (read with `timestamp()`), over the samples a range selector sees then.
 *
 * The same server loads the rules of SLOs whose service names and labels look like Go
 * templates (Prometheus would refuse to start on a template that does not parse), and their
 * alerts fire with those values verbatim; a latency histogram whose `le` is written as Go
 * clients write it (`1e-06`) is counted by the SLI query.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { budgetRemaining, PERIOD_SECONDS } from '../analysis/slo';
import type { MetricConventions } from '../datasources/conventions';
import { counterFamily, histogramFamily, openMetricsText } from '../testing/openmetrics';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { sliErrorRatio } from '../datasources/sloQueries';
import type { SloDefinition } from './definition';
import { templateLikeSlos } from './templateLikeNames';
import { AlertingRule, generateRules, rulesYaml, sloRuleGroup } from './rules';

const ROOT = join(__dirname, '../..');
const CONV: MetricConventions = { family: 'tempo-spanmetrics', serviceLabel: 'service' };
const STEP = 300;
const REQUESTS_PER_STEP = 3000;
const SERVER = { service: 'checkout', span_kind: 'SPAN_KIND_SERVER' };

const SLOS: SloDefinition[] = [
  { name: 'avail-30d', service: 'checkout', sli: { type: 'availability' }, objective: 99.9, period: '30d' },
  { name: 'avail-28d', service: 'checkout', sli: { type: 'availability' }, objective: 99.9, period: '28d' },
  {
    name: 'latency-30d',
    service: 'checkout',
    sli: { type: 'latency', thresholdSeconds: 0.5 },
    objective: 99,
    period: '30d',
  },
  { name: 'avail-strict', service: 'checkout', sli: { type: 'availability' }, objective: 99.99, period: '30d' },
];

interface Data {
  times: number[];
  /** Cumulative counts at each time. */
  requests: number[];
  errors: number[];
  /** Requests at or under 0.5s. */
  fast: number[];
}

/** Error share 0.04%..0.08% and slow share 0.3%..0.7%, changing over the days. */
function generate(start: number, end: number): Data {
  const data: Data = { times: [], requests: [], errors: [], fast: [] };
  let requests = 0;
  let errors = 0;
  let fast = 0;
  for (let t = start, k = 0; t <= end; t += STEP, k++) {
    data.times.push(t);
    data.requests.push(requests);
    data.errors.push(errors);
    data.fast.push(fast);
    requests += REQUESTS_PER_STEP;
    errors += REQUESTS_PER_STEP * (0.0004 + 0.0004 * Math.sin(k / 300) ** 2);
    fast += REQUESTS_PER_STEP * (1 - (0.003 + 0.004 * Math.cos(k / 500) ** 2));
  }
  return data;
}

const TEMPLATE_CASES = templateLikeSlos();
/** Served in the last hours of the data: every request fails, and 90% take at most 1 µs. */
const TINY = { service: 'tiny', span_kind: 'SPAN_KIND_SERVER' };
const RECENT_HOURS = 7;

function openMetrics(d: Data): string {
  const at = (values: number[]) => d.times.map((t, i) => [t, values[i]] as [number, number]);
  const ok = d.requests.map((r, i) => r - d.errors[i]);
  const recent = d.times.slice(-(RECENT_HOURS * 3600) / STEP).map((time, k) => ({ time, k }));
  const failing = TEMPLATE_CASES.map((c) => ({
    labels: { service: c.slo.service, span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_ERROR' },
    points: recent.map(({ time, k }) => [time, 100 * k] as [number, number]),
  }));
  const text = openMetricsText([
    counterFamily('traces_spanmetrics_calls_total', [
      { labels: { ...SERVER, status_code: 'STATUS_CODE_UNSET' }, points: at(ok) },
      { labels: { ...SERVER, status_code: 'STATUS_CODE_ERROR' }, points: at(d.errors) },
      ...failing,
    ]),
    histogramFamily('traces_spanmetrics_latency', [
      {
        labels: SERVER,
        points: d.times.map((time, i) => ({
          time,
          buckets: [
            [0.25, d.fast[i] * 0.5],
            [0.5, d.fast[i]],
            [1, d.fast[i] + (d.requests[i] - d.fast[i]) * 0.5],
          ],
          count: d.requests[i],
          sum: d.requests[i] * 0.2,
        })),
      },
      {
        labels: TINY,
        points: recent.map(({ time, k }) => ({ time, buckets: [[1e-6, 900 * k]], count: 1000 * k, sum: k })),
      },
    ]),
  ]);
  // Prometheus clients write bounds with Go's FormatFloat(v, 'g', -1, 64): 1e-06, not 0.000001.
  return text.replaceAll('le="0.000001"', 'le="1e-06"');
}

/** The SLI error ratio a range selector over (at - period, at] sees: first to last sample in it. */
function expectedRatio(d: Data, slo: SloDefinition, at: number): number {
  const from = at - PERIOD_SECONDS[slo.period];
  const inWindow = d.times.map((t, i) => [t, i] as const).filter(([t]) => t > from && t <= at);
  const first = inWindow[0][1];
  const last = inWindow[inWindow.length - 1][1];
  const all = d.requests[last] - d.requests[first];
  const bad = slo.sli.type === 'availability' ? d.errors[last] - d.errors[first] : all - (d.fast[last] - d.fast[first]);
  return bad / all;
}

/** The budget remaining the rules recorded last, and when (beforeAll waited for the first run). */
async function lastEvaluation(prom: RunningPrometheus, slo: string): Promise<{ at: number; value: number }> {
  const expr = `pivot_slo:error_budget:remaining{slo="${slo}"}`;
  const now = Date.now() / 1000;
  const [value] = await prom.instant(expr, now);
  const [at] = await prom.instant(`timestamp(${expr})`, now);
  if (!value || !at) {
    throw new Error(`no ${expr} recorded although every rule group has run`);
  }
  return { at: at.value, value: value.value };
}

describeWithPrometheus('generated SLO rules in a real Prometheus', () => {
  let prom: RunningPrometheus;
  let data: Data;
  let dir: string;

  beforeAll(async () => {
    // Samples on a grid offset by 0.5 s, so no sample sits exactly on a window's edge.
    const end = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP + 0.5;
    data = generate(end - 31 * 24 * 3600, end);
    dir = mkdtempSync(join(tmpdir(), 'pivot-slo-prom-'));
    const templateRules = {
      groups: TEMPLATE_CASES.map((c) => sloRuleGroup(CONV, c.slo, { grafanaUrl: c.grafanaUrl })),
    };
    prom = await startPrometheus({
      openMetrics: openMetrics(data),
      rules: [rulesYaml(generateRules(CONV, SLOS)), rulesYaml(templateRules)],
    });
    // Recorded series and alerts exist from the first evaluation of each group on.
    await prom.rulesEvaluated();
  }, 180000);

  afterAll(async () => {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SLOS.map((slo) => [slo.name, slo] as const))(
    'records the budget remaining the pure module computes for %s, within 1e-6',
    async (_name, slo) => {
      const { at, value } = await lastEvaluation(prom, slo.name);
      const expected = budgetRemaining(slo.objective, expectedRatio(data, slo, at));
      expect(Math.abs(value - expected)).toBeLessThan(1e-6);
      // Meaningful values, not 1 - 0: each SLO has spent part of its budget (the strict one all of it).
      expect(slo.name === 'avail-strict' ? value < 0 : value > 0.1 && value < 0.9).toBe(true);
    }
  );

  it('counts a bucket whose le is written as Go clients write it (1e-06) for a 1 µs latency threshold', async () => {
    const at = data.times[data.times.length - 1];
    expect(await prom.instant('traces_spanmetrics_latency_bucket{service="tiny", le="1e-06"}', at)).toHaveLength(1);
    const expr = sliErrorRatio(CONV, { type: 'latency', thresholdSeconds: 1e-6 }, 'tiny', '1h');
    const result = await prom.instant(expr, at);
    expect(result).toHaveLength(1);
    expect(result[0].value).toBeCloseTo(0.1, 9);
  });

  it('fires the alerts of template-like service names and labels with those values verbatim', async () => {
    // Pairs whose short window sees the backfilled samples: the 5m one ends before Prometheus started.
    const pairs: Array<[string, string, string, string]> = [
      ['critical', '6h', '30m', '6x'],
      ['warning', '1d', '2h', '3x'],
      ['warning', '3d', '6h', '1x'],
    ];
    const expected = TEMPLATE_CASES.flatMap(({ slo: { name, service }, grafanaUrl }) =>
      pairs.map(([severity, long, short, factor]) => ({
        labels: {
          alertname: 'PivotSLOBurnRate',
          service,
          slo: name,
          team: service,
          severity,
          long_window: long,
          short_window: short,
        },
        annotations: {
          summary: `SLO ${name} (${service}) is burning its error budget ${factor} too fast`,
          description: descriptionAt100Percent(long),
          pivot_url: `${grafanaUrl}/a/pivot-correlation-app/slos/${name}`,
        },
      }))
    );
    const firing = await templateAlerts();
    const key = (a: { labels: Record<string, string> }) => `${a.labels.slo} ${a.labels.long_window}`;
    const byKey = (a: { labels: Record<string, string> }, b: { labels: Record<string, string> }) =>
      key(a).localeCompare(key(b));
    expect(firing.sort(byKey)).toEqual(expected.sort(byKey));
  });

  /** The description the generator writes for a pair (it holds no value from the definition), expanded for a ratio of 1. */
  function descriptionAt100Percent(longWindow: string): string {
    const alert = sloRuleGroup(CONV, SLOS[0]).rules.find(
      (r): r is AlertingRule => 'alert' in r && r.labels.long_window === longWindow
    );
    return alert!.annotations.description.replace('{{ $value | humanizePercentage }}', '100%');
  }

  interface ApiAlert {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: string;
  }

  /**
   * The firing alerts of the template-like SLOs. They have no `for`, so they fire at their
   * group's first evaluation, which beforeAll waited for.
   */
  async function templateAlerts(): Promise<Array<Omit<ApiAlert, 'state'>>> {
    const response = await fetch(`${prom.url}/api/v1/alerts`);
    const body = (await response.json()) as { data: { alerts: ApiAlert[] } };
    const firing = body.data.alerts.filter((a) => a.state === 'firing' && a.labels.slo?.startsWith('template-'));
    return firing.map(({ labels, annotations }) => ({ labels, annotations }));
  }

  function sloCheck(slos: SloDefinition[], args: string[]) {
    const file = join(dir, 'slos.yaml');
    writeFileSync(file, stringify({ conventions: CONV, slos }));
    return spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'scripts/slo-check.ts'), file, '--prometheus', prom.url, ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 60000 }
    );
  }

  it('slo-check passes healthy budgets, fails an exhausted one or one below --min-budget', async () => {
    const { at } = await lastEvaluation(prom, 'avail-30d');
    const remaining = budgetRemaining(99.9, expectedRatio(data, SLOS[0], at));
    const healthy = sloCheck([SLOS[0], SLOS[2]], []);
    expect(healthy.stderr).toBe('');
    expect(healthy.status).toBe(0);
    expect(healthy.stdout).toMatch(
      new RegExp(`^ok {3}avail-30d: budget remaining ${(remaining * 100).toFixed(1)}\\d%`)
    );
    expect(healthy.stdout).toContain('ok   latency-30d: budget remaining');

    const exhausted = sloCheck([SLOS[0], SLOS[3]], []);
    expect(exhausted.status).toBe(1);
    expect(exhausted.stdout).toContain('FAIL avail-strict: exhausted: budget remaining -');

    const below = sloCheck([SLOS[0]], ['--min-budget', `${Math.ceil(remaining * 100) + 5}%`]);
    expect(below.status).toBe(1);
    expect(below.stdout).toContain('FAIL avail-30d: below minimum:');
    expect(sloCheck([SLOS[0]], ['--min-budget', String(Math.floor(remaining * 100 - 5) / 100)]).status).toBe(0);
  }, 120000);

  it('slo-check refuses a latency threshold that is not a bucket boundary, and a service without data', () => {
    const between = sloCheck([{ ...SLOS[2], sli: { type: 'latency', thresholdSeconds: 0.3 } }], []);
    expect(between.status).toBe(1);
    expect(between.stdout).toContain('not a bucket boundary');
    expect(between.stdout).toContain('Use one of: 0.25, 0.5, 1 (seconds)');
    const nothing = sloCheck([{ ...SLOS[0], service: 'nobody' }], []);
    expect(nothing.status).toBe(1);
    expect(nothing.stdout).toContain('FAIL avail-30d: no data: no requests of nobody in the last 30d');
    expect(sloCheck([{ ...SLOS[0], service: 'nobody' }], ['--allow-no-data']).status).toBe(0);
  }, 60000);
});
