import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { validateSlo, validateSlos } from './definition';
import { parseSloFile } from './sloFile';

const VALID = `
conventions: { family: http-semconv, serviceLabel: job }
slos:
  - name: checkout-availability
    service: checkout
    sli: { type: availability }
    objective: 99.9
    period: 30d
  - name: checkout-latency
    service: checkout
    sli: { type: latency, thresholdSeconds: 0.5 }
    objective: 99
    period: 28d
    description: fast enough
    labels: { team: payments }
`;

function errorsOf(text: string): string[] {
  const result = parseSloFile(text);
  if (result.ok) {
    throw new Error('expected the file to be invalid');
  }
  return result.errors;
}

describe('parseSloFile', () => {
  it('reads the documented format', () => {
    const result = parseSloFile(VALID);
    expect(result).toEqual({
      ok: true,
      value: {
        conventions: { family: 'http-semconv', serviceLabel: 'job' },
        slos: [
          {
            name: 'checkout-availability',
            service: 'checkout',
            sli: { type: 'availability' },
            objective: 99.9,
            period: '30d',
          },
          {
            name: 'checkout-latency',
            service: 'checkout',
            sli: { type: 'latency', thresholdSeconds: 0.5 },
            objective: 99,
            period: '28d',
            description: 'fast enough',
            labels: { team: 'payments' },
          },
        ],
      },
      warnings: [],
    });
  });

  it('reads the shipped demo SLOs', () => {
    const result = parseSloFile(readFileSync(join(__dirname, '../../examples/slos.yaml'), 'utf8'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(new Set(result.value.slos.map((s) => s.service))).toEqual(
        new Set(['storefront', 'checkout', 'payment', 'inventory'])
      );
    }
  });

  it('defaults the service label to the family default', () => {
    const result = parseSloFile('conventions: { family: tempo-spanmetrics }\nslos: []\n');
    expect(result.ok && result.value.conventions).toEqual({ family: 'tempo-spanmetrics', serviceLabel: 'service' });
  });

  it('reports YAML syntax errors', () => {
    expect(errorsOf('slos: [\n')[0]).toMatch(/^not valid YAML/);
  });

  it('names the SLO and field of each problem and says what to write', () => {
    const errors = errorsOf(`
conventions: { family: prometheus-magic, serviceLabel: job }
slos:
  - name: a
    service: checkout
    sli: { type: latency, thresholdSeconds: -1 }
    objective: 100
    period: 7d
  - name: a b
    service: ''
    sli: { type: throughput }
    objective: "99.9"
    period: 30d
    labels: { slo: x, team: 3 }
`);
    expect(errors).toEqual([
      expect.stringMatching(/^line 2: conventions.family: must be one of tempo-spanmetrics, .*got "prometheus-magic"/),
      expect.stringMatching(/^line 4: slos\[0\] \(a\)\.sli\.thresholdSeconds: .*bucket boundary.*got -1/),
      expect.stringMatching(
        /^line 4: slos\[0\] \(a\)\.objective: a percentage above 0 and below 100, e\.g\. 99\.9; got 100/
      ),
      expect.stringMatching(/^line 4: slos\[0\] \(a\)\.period: must be 28d or 30d, got "7d"/),
      expect.stringMatching(/^line 9: slos\[1\] \(a b\)\.name: /),
      expect.stringMatching(/^line 9: slos\[1\] \(a b\)\.service: /),
      expect.stringMatching(
        /^line 9: slos\[1\] \(a b\)\.sli\.type: must be "availability" or "latency", got "throughput"/
      ),
      expect.stringMatching(/^line 9: slos\[1\] \(a b\)\.objective: .*got "99\.9"/),
      expect.stringMatching(/^line 9: slos\[1\] \(a b\)\.labels: "slo" is set by the generated rules/),
      expect.stringMatching(/^line 9: slos\[1\] \(a b\)\.labels\.team: label values are strings/),
    ]);
  });

  it('names the file and line of the offending SLO, in block and flow style', () => {
    const text = [
      'conventions: { family: http-semconv }',
      'slos:',
      '  - { name: ok, service: s, sli: { type: availability }, objective: 99, period: 30d }',
      '  - name: bad',
      '    service: s',
      '    sli: { type: availability }',
      '    objective: 100',
      '    period: 30d',
      '  - { name: bad2, service: s, sli: { type: availability }, objective: 0, period: 30d }',
      '',
    ].join('\n');
    const result = parseSloFile(text, 'slos.yaml');
    expect(!result.ok && result.errors).toEqual([
      'slos.yaml:4: slos[1] (bad).objective: a percentage above 0 and below 100, e.g. 99.9; got 100',
      'slos.yaml:9: slos[2] (bad2).objective: a percentage above 0 and below 100, e.g. 99.9; got 0',
    ]);
  });

  it('names NaN and infinite numbers (JSON would print null)', () => {
    const errors = errorsOf(`
conventions: { family: http-semconv }
slos:
  - { name: a, service: s, sli: { type: availability }, objective: .nan, period: 30d }
  - { name: b, service: s, sli: { type: latency, thresholdSeconds: .inf }, objective: -.inf, period: 30d }
`);
    expect(errors).toEqual([
      'line 4: slos[0] (a).objective: a percentage above 0 and below 100, e.g. 99.9; got NaN',
      expect.stringMatching(/^line 5: slos\[1\] \(b\)\.sli\.thresholdSeconds: .*; got Infinity$/),
      'line 5: slos[1] (b).objective: a percentage above 0 and below 100, e.g. 99.9; got -Infinity',
    ]);
    const infinite = validateSlo({
      name: 'x',
      service: 's',
      sli: { type: 'availability' },
      objective: Infinity,
      period: '30d',
    });
    expect(!infinite.ok && infinite.errors).toEqual([
      'slo (x).objective: a percentage above 0 and below 100, e.g. 99.9; got Infinity',
    ]);
  });

  it('warns, with the line, of burn-rate alerts that can never fire, and says from which objective they can', () => {
    const result = parseSloFile(
      'conventions: { family: http-semconv }\nslos:\n  - { name: loose, service: s, sli: { type: availability }, objective: 90, period: 30d }\n',
      'slos.yaml'
    );
    expect(result.ok && result.warnings).toEqual([
      'slos.yaml:3: slos[0] (loose).objective: with 90% over 30d, this burn-rate alert can never fire, since at most 100% of ' +
        'requests can fail: critical 1h/5m (needs more than 144% of requests failing, 14.4x the 10% budget). Every alert ' +
        'can fire from an objective of 93.06% up.',
    ]);
    const half = validateSlo({
      name: 'half',
      service: 's',
      sli: { type: 'availability' },
      objective: 50,
      period: '28d',
    });
    expect(half.ok && half.warnings).toEqual([expect.stringContaining('these burn-rate alerts can never fire')]);
    expect(half.ok && half.warnings[0]).toContain(
      'critical 1h/5m (needs more than 672% of requests failing, 13.44x the 50% budget)'
    );
    expect(half.ok && half.warnings[0]).toContain(
      'warning 1d/2h (needs more than 140% of requests failing, 2.8x the 50% budget)'
    );
    expect(half.ok && half.warnings[0]).not.toContain('3d/6h');
  });

  it('refuses text with a lone UTF-16 surrogate, which Prometheus cannot store', () => {
    const base = { name: 'x', sli: { type: 'availability' }, objective: 99, period: '30d' };
    const errors = (raw: object) => {
      const result = validateSlo({ ...base, service: 's', ...raw });
      return result.ok ? [] : result.errors;
    };
    expect(errors({ service: 'a\uD800b' })).toEqual([
      'slo (x).service: the name holds a lone UTF-16 surrogate, which is not Unicode text',
    ]);
    expect(errors({ labels: { team: '\uDC00' } })).toEqual([
      'slo (x).labels.team: the value holds a lone UTF-16 surrogate, which is not Unicode text',
    ]);
    expect(errors({ description: 'x\uD83D' })).toHaveLength(1);
    expect(errors({ service: 'emoji \uD83D\uDE00 ok' })).toEqual([]);
  });

  it('refuses duplicate names and a missing list', () => {
    const dup = { name: 'x', service: 's', sli: { type: 'availability' }, objective: 99, period: '30d' };
    const result = validateSlos([dup, dup]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(['slos[1].name: "x" is used by an earlier SLO; names must be unique']);
    expect(
      errorsOf(
        'conventions: { family: http-semconv }\nslos: [{ name: x, service: s, sli: { type: availability }, objective: 99, period: 30d },\n  { name: x, service: s, sli: { type: availability }, objective: 99, period: 30d }]\n'
      )
    ).toEqual(['line 3: slos[1].name: "x" is used by an earlier SLO; names must be unique']);
    expect(errorsOf('conventions: { family: http-semconv }\n')).toEqual([
      'slos: expected a list of SLO definitions, got nothing',
    ]);
    expect(errorsOf('conventions: { family: http-semconv }\ngrafanaUrl: ftp://x\nslos: []\n')[0]).toMatch(
      /^line 2: grafanaUrl: /
    );
  });

  it('validates one definition as the SLO editor does', () => {
    expect(
      validateSlo({ name: 'x', service: 's', sli: { type: 'availability' }, objective: 99.5, period: '28d' }).ok
    ).toBe(true);
    expect(validateSlo('nope').ok).toBe(false);
  });
});
