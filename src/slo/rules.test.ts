import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

import { expectValidPromQL } from '../testing/grammar';
import type { SloDefinition } from './definition';
import { AlertingRule, generateRules, RecordingRule, rulesYaml, sloRuleGroup, templateText } from './rules';

const ROOT = join(__dirname, '../..');
const CONV = { family: 'http-semconv' as const, serviceLabel: 'job' };
const AVAILABILITY: SloDefinition = {
  name: 'checkout-availability',
  service: 'checkout',
  sli: { type: 'availability' },
  objective: 99.9,
  period: '30d',
  labels: { team: 'payments' },
};

function isAlert(rule: RecordingRule | AlertingRule): rule is AlertingRule {
  return 'alert' in rule;
}

describe('sloRuleGroup', () => {
  const group = sloRuleGroup(CONV, AVAILABILITY, { grafanaUrl: 'https://grafana.example.com/' });
  const recordings = group.rules.filter((r): r is RecordingRule => !isAlert(r));
  const alerts = group.rules.filter(isAlert);

  it('records the SLI over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the period, then the budget', () => {
    expect(group.name).toBe('pivot-slo-checkout-availability');
    expect(recordings.map((r) => r.record)).toEqual([
      'pivot_slo:sli_error:ratio_rate5m',
      'pivot_slo:sli_error:ratio_rate30m',
      'pivot_slo:sli_error:ratio_rate1h',
      'pivot_slo:sli_error:ratio_rate2h',
      'pivot_slo:sli_error:ratio_rate6h',
      'pivot_slo:sli_error:ratio_rate1d',
      'pivot_slo:sli_error:ratio_rate3d',
      'pivot_slo:sli_error:ratio_rate30d',
      'pivot_slo:objective:ratio',
      'pivot_slo:error_budget:ratio',
      'pivot_slo:error_budget:remaining',
    ]);
    for (const r of recordings) {
      expect(r.labels).toEqual({ team: 'payments', slo: 'checkout-availability', service: 'checkout' });
    }
    expect(recordings[10].expr).toBe('1 - (pivot_slo:sli_error:ratio_rate30d{slo="checkout-availability"} / 0.001)');
    expect(recordings[9].expr).toBe('vector(0.001)');
    expect(recordings[8].expr).toBe('vector(0.999)');
  });

  it('alerts on the four window pairs with severity, slo, service and a link to the SLO page', () => {
    expect(alerts.map((a) => [a.labels.severity, a.labels.long_window, a.labels.short_window])).toEqual([
      ['critical', '1h', '5m'],
      ['critical', '6h', '30m'],
      ['warning', '1d', '2h'],
      ['warning', '3d', '6h'],
    ]);
    for (const a of alerts) {
      expect(a.alert).toBe('PivotSLOBurnRate');
      expect(a.labels).toMatchObject({ slo: 'checkout-availability', service: 'checkout', team: 'payments' });
      expect(a.annotations.pivot_url).toBe(
        'https://grafana.example.com/a/pivot-correlation-app/slos/checkout-availability'
      );
      expect(a.annotations.summary).toMatch(/^SLO checkout-availability \(checkout\) is burning its error budget/);
    }
    expect(alerts.map((a) => a.expr)).toEqual([
      '(pivot_slo:sli_error:ratio_rate1h{slo="checkout-availability"} > 0.0144) and (pivot_slo:sli_error:ratio_rate5m{slo="checkout-availability"} > 0.0144)',
      '(pivot_slo:sli_error:ratio_rate6h{slo="checkout-availability"} > 0.006) and (pivot_slo:sli_error:ratio_rate30m{slo="checkout-availability"} > 0.006)',
      '(pivot_slo:sli_error:ratio_rate1d{slo="checkout-availability"} > 0.003) and (pivot_slo:sli_error:ratio_rate2h{slo="checkout-availability"} > 0.003)',
      '(pivot_slo:sli_error:ratio_rate3d{slo="checkout-availability"} > 0.001) and (pivot_slo:sli_error:ratio_rate6h{slo="checkout-availability"} > 0.001)',
    ]);
  });

  it('writes only PromQL that parses, for every SLI kind and period', () => {
    for (const period of ['28d', '30d'] as const) {
      for (const sli of [{ type: 'availability' as const }, { type: 'latency' as const, thresholdSeconds: 0.25 }]) {
        for (const rule of sloRuleGroup(CONV, { ...AVAILABILITY, sli, period }).rules) {
          expectValidPromQL(rule.expr);
        }
      }
    }
  });

  it('prints thresholds and constants in the shortest form of the exact value, without binary noise', () => {
    const rules = (objective: number) => sloRuleGroup(CONV, { ...AVAILABILITY, objective }).rules;
    const [fast] = rules(99.9999).filter(isAlert);
    // Was `> 0.0000144000000004`, from (100 - 99.9999) / 100 = 0.0000010000000000331966.
    expect(fast.expr).toContain('} > 0.0000144) and (');
    const strict = rules(99.99999999999999);
    // Was vector(1): 0.9999999999999999 rounded to 12 digits.
    expect(strict.find((r) => 'record' in r && r.record === 'pivot_slo:objective:ratio')?.expr).toBe(
      'vector(0.9999999999999999)'
    );
    expect(strict.find((r) => 'record' in r && r.record === 'pivot_slo:error_budget:ratio')?.expr).toBe(
      'vector(1e-16)'
    );
    for (const rule of strict) {
      expectValidPromQL(rule.expr);
    }
  });

  it('keeps links relative without a Grafana URL, and the escaped name in the URL', () => {
    const [alert] = sloRuleGroup(CONV, { ...AVAILABILITY, name: 'a.b_c' }).rules.filter(isAlert);
    expect(alert.annotations.pivot_url).toBe('/a/pivot-correlation-app/slos/a.b_c');
  });
});

describe('templateText', () => {
  it('keeps text without a brace as it is, $ included', () => {
    expect(templateText('checkout')).toBe('checkout');
    expect(templateText('$labels $value')).toBe('$labels $value');
    expect(templateText('}} closes nothing')).toBe('}} closes nothing');
  });

  it('writes text holding a brace as one Go string literal action', () => {
    expect(templateText('checkout{{')).toBe('{{ "checkout{{" }}');
    expect(templateText('ends in {')).toBe('{{ "ends in {" }}');
    expect(templateText('{{ "a" }}\\\n')).toBe('{{ "{{ \\"a\\" }}\\\\\\n" }}');
    expect(() => templateText('{\uD800')).toThrow('lone UTF-16 surrogate');
  });
});

describe('sloRuleGroup with values that look like templates', () => {
  const service = 'checkout{{ range query "up" }}{{ .Labels.instance }}{{ end }}';
  const group = sloRuleGroup(
    CONV,
    { ...AVAILABILITY, service, labels: { team: '{{ . }}', owner: '$labels' } },
    { grafanaUrl: 'https://grafana.example.com/{{' }
  );
  const recordings = group.rules.filter((r): r is RecordingRule => !isAlert(r));
  const alerts = group.rules.filter(isAlert);

  it('keeps recording rule labels as written: Prometheus does not expand them', () => {
    for (const r of recordings) {
      expect(r.labels).toEqual({ team: '{{ . }}', owner: '$labels', slo: 'checkout-availability', service });
    }
  });

  it('writes alert labels and annotations as literals that render the values', () => {
    for (const a of alerts) {
      expect(a.labels).toMatchObject({
        team: '{{ "{{ . }}" }}',
        owner: '$labels',
        slo: 'checkout-availability',
        service: `{{ ${JSON.stringify(service)} }}`,
      });
      expect(a.annotations.summary).toMatch(
        /^SLO checkout-availability \(\{\{ "checkout\{\{ range query \\"up\\" \}\}/
      );
      expect(a.annotations.pivot_url).toBe(
        '{{ "https://grafana.example.com/{{/a/pivot-correlation-app/slos/checkout-availability" }}'
      );
      // The one template Pivot means: the error ratio that fired.
      expect(a.annotations.description).toContain('{{ $value | humanizePercentage }}');
    }
  });
});

describe('rulesYaml', () => {
  it('round-trips through a YAML parser without aliases', () => {
    const file = generateRules(CONV, [AVAILABILITY, { ...AVAILABILITY, name: 'other', service: 'payment' }]);
    const text = rulesYaml(file);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(file)));
  });
});

function cli(script: string, args: string[]) {
  return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });
}

describe('npm run slo-rules', () => {
  it("generated the rules the local stack loads from the provisioned app settings' SLOs", () => {
    const run = cli('slo-rules.ts', ['provisioning/plugins/app.yaml', '--grafana-url', 'http://localhost:3000']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(ROOT, 'stack/prometheus/rules/pivot-slos.rules.yaml'), 'utf8')).toBe(run.stdout);
    // examples/slos.yaml holds the same SLOs, family and Grafana URL, so its rules are the same.
    expect(cli('slo-rules.ts', ['examples/slos.yaml']).stdout).toBe(run.stdout);
  });

  it('exits non-zero with what to fix on an invalid definition', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-slo-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'conventions: { family: http-semconv }\nslos:\n  - { name: x, service: s, sli: { type: availability }, objective: 120, period: 30d }\n'
    );
    const run = cli('slo-rules.ts', [file]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('invalid SLO definitions:');
    expect(run.stderr).toContain('slos[0] (x).objective: a percentage above 0 and below 100, e.g. 99.9; got 120');
    const missing = cli('slo-rules.ts', []);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('usage: npm run --silent slo-rules');
  });
});
