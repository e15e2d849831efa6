/**
 * The generated rules under Prometheus' own tooling: `promtool check rules` for every metric
 * family, SLI kind and period, and `promtool test rules` suites whose input series drive each
 * window pair across its threshold. Alerts are asserted through `ALERTS`: the right severity
 * fires at the right time, and nothing fires below the threshold. Service names, label values
 * and Grafana URLs that look like Go templates reach the firing alerts verbatim.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { METRIC_FAMILY_LIST, MetricConventions } from '../datasources/conventions';
import { promqlString } from '../datasources/strings';
import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import type { SloDefinition, SloPeriod } from './definition';
import { templateLikeSlos } from './templateLikeNames';
import { AlertingRule, generateRules, rulesYaml, sloRuleGroup } from './rules';

const CONV: MetricConventions = { family: 'http-semconv', serviceLabel: 'job' };
const COUNT = 'http_server_request_duration_seconds_count';
const BUCKET = 'http_server_request_duration_seconds_bucket';
/** Minutes of clean traffic before each burn starts: the longest window (3d) sees only it. */
const CLEAN = 3 * 24 * 60;
const REQUESTS_PER_MINUTE = 1000;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pivot-promtool-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', timeout: 600000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

type Speed = 'fast' | 'slow';

/**
 * How each group is sampled, to keep promtool's work small (it evaluates every rule at every
 * step, and the period rule reads all data): fast burns get a sample a minute from the burn on
 * (the 5m window needs several) after a history sampled every 10 minutes up to 6h before; slow burns, whose
 * shortest relevant window is 2h, a sample every 5 minutes throughout.
 */
const SAMPLING: Record<Speed, { interval: number; historyEvery: number }> = {
  fast: { interval: 1, historyEvery: 10 },
  slow: { interval: 5, historyEvery: 5 },
};

/**
 * A counter in promtool's notation, one token per interval (`_` where no sample is taken):
 * rising by `before` a minute for CLEAN minutes, then by `after` a minute until `minutes`
 * after the burn started.
 */
function counter(speed: Speed, before: number, after: number, minutes: number): string {
  const { interval, historyEvery } = SAMPLING[speed];
  const tokens: string[] = [];
  for (let t = 0; t <= CLEAN + minutes; t += interval) {
    // The last 6h before the burn are sampled fully: a window sees only its sampled span, so a
    // sparse start inside the 1h or 6h window would hide the clean minutes before the burn.
    const sampled = t >= CLEAN - 6 * 60 || t % historyEvery === 0;
    tokens.push(sampled ? String(before * Math.min(t, CLEAN) + after * Math.max(0, t - CLEAN)) : '_');
  }
  return tokens.join(' ');
}

interface Scenario {
  speed: Speed;
  slo: SloDefinition;
  /** Share of requests that are bad from minute CLEAN on (none before). */
  badShare: number;
  /** [minutes after the burn started, the (severity, long window) pairs firing then]. */
  expect: Array<[number, Array<[string, string]>]>;
}

function slo(name: string, objective: number, period: SloPeriod, latency = false): SloDefinition {
  return {
    name,
    service: name,
    sli: latency ? { type: 'latency', thresholdSeconds: 0.5 } : { type: 'availability' },
    objective,
    period,
  };
}

const PAIRS: Record<string, [string, string, string]> = {
  '1h': ['critical', '1h', '5m'],
  '6h': ['critical', '6h', '30m'],
  '1d': ['warning', '1d', '2h'],
  '3d': ['warning', '3d', '6h'],
};

/*
 * A burn of rate r (error ratio / budget) starting from clean traffic crosses a pair's factor
 * f on its long window L after f / r x L, and on the short window sooner. 1d/2h implies 3d/6h
 * (3d >= 1d / 3 and 6h >= 2h / 3), so a burn that fires the one fires the other too.
 */
const SCENARIOS: Scenario[] = [
  // 20x on a 99.9% 30d SLO: 1h/5m (14.4) crosses at 43.2 min; nothing else by 50 min.
  {
    speed: 'fast',
    slo: slo('burn20', 99.9, '30d'),
    badShare: 0.02,
    expect: [
      [40, []],
      [50, [['critical', '1h']]],
    ],
  },
  // 8x: 6h/30m (6) crosses at 270 min; 1h/5m never; the warnings only after 540 min.
  {
    speed: 'fast',
    slo: slo('burn8', 99.9, '30d'),
    badShare: 0.008,
    expect: [
      [260, []],
      [280, [['critical', '6h']]],
    ],
  },
  // 4x: 1d/2h (3) and 3d/6h (1) cross at 1080 min; no critical.
  {
    speed: 'slow',
    slo: slo('burn4', 99.9, '30d'),
    badShare: 0.004,
    expect: [
      [1060, []],
      [
        1100,
        [
          ['warning', '1d'],
          ['warning', '3d'],
        ],
      ],
    ],
  },
  // 1.5x: only 3d/6h (1), at 2880 min.
  {
    speed: 'slow',
    slo: slo('burn1.5', 99.9, '30d'),
    badShare: 0.0015,
    expect: [
      [2860, []],
      [2900, [['warning', '3d']]],
    ],
  },
  // 0.9x never fires anything.
  {
    speed: 'fast',
    slo: slo('burn0.9', 99.9, '30d'),
    badShare: 0.0009,
    expect: [
      [60, []],
      [280, []],
    ],
  },
  {
    speed: 'slow',
    slo: slo('burn0.9-slow', 99.9, '30d'),
    badShare: 0.0009,
    expect: [
      [1100, []],
      [2900, []],
    ],
  },
  // 14x: above 28d's 13.44 (crosses at 57.6 min) but below 30d's 14.4 on the same traffic.
  // (Every fast check is on a 10-minute grid: see the evaluation step below.)
  {
    speed: 'fast',
    slo: slo('burn14-28d', 99.9, '28d'),
    badShare: 0.014,
    expect: [
      [50, []],
      [60, [['critical', '1h']]],
    ],
  },
  {
    speed: 'fast',
    slo: { ...slo('burn14-30d', 99.9, '30d'), service: 'burn14-28d' },
    badShare: 0.014,
    expect: [
      [70, []],
      [120, []],
    ],
  },
  // Latency, 99% under 0.5s, 20x: 20% slow requests; 1h/5m crosses at 43.2 min.
  {
    speed: 'fast',
    slo: slo('slow20', 99, '30d', true),
    badShare: 0.2,
    expect: [
      [40, []],
      [50, [['critical', '1h']]],
    ],
  },
];

function inputSeries(s: Scenario, minutes: number) {
  const bad = s.badShare * REQUESTS_PER_MINUTE;
  const job = s.slo.service;
  if (s.slo.sli.type === 'availability') {
    return [
      {
        series: `${COUNT}{job="${job}", http_response_status_code="200"}`,
        values: counter(s.speed, REQUESTS_PER_MINUTE, REQUESTS_PER_MINUTE - bad, minutes),
      },
      { series: `${COUNT}{job="${job}", http_response_status_code="500"}`, values: counter(s.speed, 0, bad, minutes) },
    ];
  }
  return [
    {
      series: `${BUCKET}{job="${job}", le="0.5"}`,
      values: counter(s.speed, REQUESTS_PER_MINUTE, REQUESTS_PER_MINUTE - bad, minutes),
    },
    {
      series: `${BUCKET}{job="${job}", le="+Inf"}`,
      values: counter(s.speed, REQUESTS_PER_MINUTE, REQUESTS_PER_MINUTE, minutes),
    },
  ];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * promtool evaluates every rule at every step from 0 to the last checked time, and that is
 * nearly all of its work (3 days of clean traffic come first). No alert has a `for` (checked
 * below) and alerts read the recorded ratios only at the step they run, so the state at a
 * checked time does not depend on the steps in between: any step that divides every checked
 * time gives the same answers, and the largest one is the least work (10m fast, 20m slow).
 */
function evaluationStep(scenarios: Scenario[]): number {
  return scenarios.flatMap((s) => s.expect.map(([after]) => CLEAN + after)).reduce(gcd);
}

function expectedAlert(s: Scenario, severity: string, long: string) {
  const [, , short] = PAIRS[long];
  return {
    labels:
      `ALERTS{alertname="PivotSLOBurnRate", alertstate="firing", job="${s.slo.service}", long_window="${long}", ` +
      `service="${s.slo.service}", severity="${severity}", short_window="${short}", slo="${s.slo.name}"}`,
    value: 1,
  };
}

describeWithPrometheus('generated SLO rules under promtool', () => {
  it('pass promtool check rules for every family, SLI kind and period', () => {
    const slos: SloDefinition[] = [];
    for (const period of ['28d', '30d'] as const) {
      slos.push(slo(`availability-${period}`, 99.9, period), slo(`latency-${period}`, 99, period, true));
    }
    slos.push(...templateLikeSlos().map((c) => c.slo));
    for (const family of METRIC_FAMILY_LIST) {
      const file = join(dir, `${family}.rules.yaml`);
      writeFileSync(file, rulesYaml(generateRules({ family, serviceLabel: 'service_name' }, slos)));
      const out = promtool(['check', 'rules', file]);
      // 8 SLI windows + 3 budget recordings + 4 alerts per SLO
      expect(out).toContain(`SUCCESS: ${slos.length * 15} rules found`);
    }
  });

  it('render template-like service names, label values and Grafana URLs verbatim in the firing alerts (promtool test rules)', () => {
    const cases = templateLikeSlos();
    const file = { groups: cases.map((c) => sloRuleGroup(CONV, c.slo, { grafanaUrl: c.grafanaUrl })) };
    writeFileSync(join(dir, 'template.rules.yaml'), rulesYaml(file));
    // Every request fails from the start, so all four pairs fire within minutes.
    const inputs = cases.map((c) => ({
      series: `${COUNT}{job=${promqlString(c.slo.service)}, http_response_status_code="500"}`,
      values: '0+60x15',
    }));
    // The description holds no value from the definition: the same text for every case.
    const descriptions = new Map(
      file.groups[0].rules
        .filter((r): r is AlertingRule => 'alert' in r)
        .map((r) => [
          r.labels.long_window,
          r.annotations.description.replace('{{ $value | humanizePercentage }}', '100%'),
        ])
    );
    const factors: Record<string, string> = { '1h': '14.4x', '6h': '6x', '1d': '3x', '3d': '1x' };
    const expAlerts = cases.flatMap(({ slo: { name, service }, grafanaUrl }) =>
      Object.values(PAIRS).map(([severity, long, short]) => ({
        exp_labels: {
          job: service,
          slo: name,
          service,
          team: service,
          severity,
          long_window: long,
          short_window: short,
        },
        exp_annotations: {
          summary: `SLO ${name} (${service}) is burning its error budget ${factors[long]} too fast`,
          description: descriptions.get(long),
          pivot_url: `${grafanaUrl}/a/pivot-correlation-app/slos/${name}`,
        },
      }))
    );
    const tests = {
      rule_files: ['template.rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: inputs,
          alert_rule_test: [{ eval_time: '10m', alertname: 'PivotSLOBurnRate', exp_alerts: expAlerts }],
        },
      ],
    };
    writeFileSync(join(dir, 'template.test.yaml'), stringify(tests, { lineWidth: 0 }));
    expect(promtool(['test', 'rules', 'template.test.yaml'])).toContain('SUCCESS');
  });

  it.each(['fast', 'slow'] as const)(
    'fire the right severity at the right time and nothing below threshold: %s burns (promtool test rules)',
    (speed) => {
      const scenarios = SCENARIOS.filter((s) => s.speed === speed);
      const minutes = Math.max(...scenarios.flatMap((s) => s.expect.map(([m]) => m)));
      const rules = generateRules(
        CONV,
        scenarios.map((s) => s.slo)
      );
      // The evaluation step (evaluationStep) holds only while no alert waits with `for`.
      expect(rules.groups.flatMap((g) => g.rules).filter((r) => 'for' in r)).toEqual([]);
      writeFileSync(join(dir, `${speed}.rules.yaml`), rulesYaml(rules));
      const seen = new Set<string>();
      const inputs = scenarios.flatMap((s) => {
        if (seen.has(s.slo.service)) {
          return [];
        }
        seen.add(s.slo.service);
        return inputSeries(s, minutes);
      });
      const tests = {
        rule_files: [`${speed}.rules.yaml`],
        evaluation_interval: `${evaluationStep(scenarios)}m`,
        tests: [
          {
            interval: `${SAMPLING[speed].interval}m`,
            input_series: inputs,
            promql_expr_test: scenarios.flatMap((s) =>
              s.expect.map(([after, firing]) => ({
                expr: `ALERTS{alertstate="firing", slo="${s.slo.name}"}`,
                eval_time: `${CLEAN + after}m`,
                exp_samples: firing.map(([severity, long]) => expectedAlert(s, severity, long)),
              }))
            ),
          },
        ],
      };
      writeFileSync(join(dir, `${speed}.test.yaml`), stringify(tests, { lineWidth: 0 }));
      expect(promtool(['test', 'rules', `${speed}.test.yaml`])).toContain('SUCCESS');
    }
  );
});
