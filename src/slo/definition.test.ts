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
          { name: 'checkout-availability', service: 'checkout', sli: { type: 'availability' }, objective: 99.9, period: '30d' },
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
      expect.stringMatching(/^conventions.family: must be one of tempo-spanmetrics, .*got "prometheus-magic"/),
      expect.stringMatching(/^slos\[0\] \(a\)\.sli\.thresholdSeconds: .*bucket boundary.*got -1/),
      expect.stringMatching(/^slos\[0\] \(a\)\.objective: a percentage above 0 and below 100, e\.g\. 99\.9; got 100/),
      expect.stringMatching(/^slos\[0\] \(a\)\.period: must be 28d or 30d, got "7d"/),
      expect.stringMatching(/^slos\[1\] \(a b\)\.name: /),
      expect.stringMatching(/^slos\[1\] \(a b\)\.service: /),
      expect.stringMatching(/^slos\[1\] \(a b\)\.sli\.type: must be "availability" or "latency", got "throughput"/),
      expect.stringMatching(/^slos\[1\] \(a b\)\.objective: .*got "99\.9"/),
      expect.stringMatching(/^slos\[1\] \(a b\)\.labels: "slo" is set by the generated rules/),
      expect.stringMatching(/^slos\[1\] \(a b\)\.labels\.team: label values are strings/),
    ]);
  });

  it('refuses duplicate names and a missing list', () => {
    const dup = { name: 'x', service: 's', sli: { type: 'availability' }, objective: 99, period: '30d' };
    const result = validateSlos([dup, dup]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(['slos[1].name: "x" is used by an earlier SLO; names must be unique']);
    expect(errorsOf('conventions: { family: http-semconv }\n')).toEqual([
      'slos: expected a list of SLO definitions, got nothing',
    ]);
    expect(errorsOf('conventions: { family: http-semconv }\ngrafanaUrl: ftp://x\nslos: []\n')[0]).toMatch(/^grafanaUrl: /);
  });

  it('validates one definition as the SLO editor does', () => {
    expect(validateSlo({ name: 'x', service: 's', sli: { type: 'availability' }, objective: 99.5, period: '28d' }).ok).toBe(true);
    expect(validateSlo('nope').ok).toBe(false);
  });
});
