// Every kind of fix snippet, for the demo storefront and for hostile names, passes the real
// Collector's `validate` (Pivot's distribution, src/testing/otelcol.ts); a misspelt function or
// key does not, so the check can fail.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoEvidence } from '../fixtures/hygieneEvidence';
import { describeWhen } from '../../testing/describeWithPrometheus';
import { OTELCOL, requireOtelcol } from '../../testing/otelcol';
import { CollectorFix, validationConfig } from './collectorFix';
import { hygieneReport, HygieneEvidence } from './findings';

const HOSTILE_SERVICE = `we"ird $x 'q' \${env:HOME} \\ ü`;
const HOSTILE_KEY = `odd key"$'`;

/** Evidence that makes every kind of finding, for `service`. */
function everyKind(service: string, key: string): HygieneEvidence {
  const uuids = Array.from({ length: 20 }, (_, i) => `0000000${i % 10}-4d5e-4f70-8192-a3b4c5d6e7f${i % 10}`);
  return {
    metrics: {
      state: 'ok',
      evidence: {
        seriesByService: [],
        seriesByMetric: [],
        labels: [{ service, field: 'user_id', distinct: 20, capped: false, values: uuids }],
      },
    },
    logs: {
      state: 'ok',
      evidence: {
        streamsByService: [],
        streamLabels: [{ service, field: 'pod_uid', distinct: 20, capped: false, values: uuids }],
        lines: [
          { service, line: 'paid 4111 1111 1111 1111 by a@b.io from 10.0.0.1 with Bearer abcdefghijklmnopqrstuvwxyz' },
        ],
      },
    },
    traces: {
      state: 'ok',
      evidence: {
        attributes: [
          { service, scope: 'span', field: key, distinct: 20, capped: false, values: uuids },
          { service, scope: 'span', field: `${key}.email`, distinct: 1, capped: false, values: ['a@b.io'] },
          {
            service,
            scope: 'span',
            field: `${key}.auth`,
            distinct: 1,
            capped: false,
            values: ['Bearer abcdefghijklmnopqrstuvwxyz'],
          },
        ],
        spanNames: [{ service, names: ['GET /users/123', 'GET /users/456'] }],
      },
    },
  };
}

describeWhen(OTELCOL, 'Hygiene fix snippets against the real Collector', () => {
  let dir: string;
  let binary: string;
  beforeAll(() => {
    binary = requireOtelcol();
    dir = mkdtempSync(join(tmpdir(), 'pivot-hygiene-otelcol-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  function validate(config: string): { status: number | null; output: string } {
    const file = join(dir, `config-${n++}.yaml`);
    writeFileSync(file, config);
    const result = spawnSync(binary, ['validate', `--config=${file}`], { encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  function fixes(evidence: HygieneEvidence): CollectorFix[] {
    return hygieneReport(evidence).findings.map((f) => f.fix);
  }

  it('every fix of the demo storefront validates', () => {
    const all = fixes(demoEvidence());
    expect(all.map((f) => f.component).sort()).toEqual([
      'spanmetrics',
      'transform/hygiene_metrics',
      'transform/hygiene_redact_logs',
      'transform/hygiene_span_names',
    ]);
    for (const fix of all) {
      expect(validate(validationConfig(fix))).toEqual({ status: 0, output: expect.any(String) });
    }
  });

  it.each([
    ['plain names', 'storefront', 'user.id'],
    ['hostile names', HOSTILE_SERVICE, HOSTILE_KEY],
  ])('every kind of fix validates, with %s', (_, service, key) => {
    const all = fixes(everyKind(service, key));
    expect(new Set(all.map((f) => f.action))).toEqual(
      new Set(['drop', 'hash', 'normalise-route', 'redact', 'limit-dimensions', 'move-to-metadata'])
    );
    for (const fix of all) {
      const result = validate(validationConfig(fix));
      if (result.status !== 0) {
        throw new Error(`${fix.component} did not validate:\n${result.output}\n${validationConfig(fix)}`);
      }
    }
  });

  it("the fix of a percent-encoded email (the demo storefront's redirect line and referer) validates and matches %40", () => {
    const report = hygieneReport({
      metrics: { state: 'not-configured', message: 'none' },
      logs: {
        state: 'ok',
        evidence: {
          streamsByService: [],
          streamLabels: [],
          lines: [{ service: 'storefront', line: 'redirect to /account?email=customer7%40example.com' }],
        },
      },
      traces: {
        state: 'ok',
        evidence: {
          attributes: [
            {
              service: 'storefront',
              scope: 'span',
              field: 'http.request.header.referer',
              distinct: 1,
              capped: false,
              values: ['https://shop.example/account?email=customer7%40example.com'],
            },
          ],
          spanNames: [],
        },
      },
    });
    const found = report.findings.map((f) => [f.pillar, f.field, f.personalData, f.fix.component]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['loki', 'log line', ['email'], 'transform/hygiene_redact_logs'],
        ['tempo', 'http.request.header.referer', ['email'], 'attributes/hygiene'],
      ])
    );
    expect(found).toHaveLength(2);
    for (const f of report.findings) {
      const result = validate(validationConfig(f.fix));
      if (result.status !== 0) {
        throw new Error(`${f.fix.component} did not validate:\n${result.output}\n${validationConfig(f.fix)}`);
      }
    }
    const logFix = report.findings.find((f) => f.pillar === 'loki')?.fix.snippet ?? '';
    expect(logFix).toContain('%(?:25)?40');
  });

  it('a misspelt OTTL function or connector key does not validate (the check can fail)', () => {
    const [redact] = fixes(demoEvidence());
    expect(validate(validationConfig(redact).replace('replace_pattern(', 'replace_patern(')).status).toBe(1);
    const spanmetrics = fixes(demoEvidence()).find((f) => f.component === 'spanmetrics');
    expect(
      validate(
        validationConfig(spanmetrics as CollectorFix).replace('aggregation_cardinality_limit', 'aggregation_limit')
      ).status
    ).toBe(1);
  });
});
