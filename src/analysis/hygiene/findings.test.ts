import fc from 'fast-check';
import { parse } from 'yaml';
import { ottlString, validationConfig, yamlString } from './collectorFix';
import { customerEmail, customerId, demoEvidence } from '../fixtures/hygieneEvidence';
import { Finding, HygieneEvidence, hygieneReport, hygieneText, routePattern, serviceFindings } from './findings';

/** What the Collector reads from an OTTL string literal in its config: `$$` is `$`, then Go-unquoted. */
function ottlValue(literal: string): string {
  return JSON.parse(literal.replace(/\$\$/g, '$')) as string;
}

function find(findings: Finding[], kind: Finding['kind'], field: string): Finding {
  const f = findings.find((x) => x.kind === kind && x.field === field);
  if (!f) {
    throw new Error(`no ${kind} finding on ${field}: ${JSON.stringify(findings.map((x) => [x.kind, x.field]))}`);
  }
  return f;
}

describe('hygieneReport on the demo storefront', () => {
  const report = hygieneReport(demoEvidence());

  it('names the service, the label and the field of each problem, and nothing for ordinary labels', () => {
    const label = find(report.findings, 'id-metric-label', 'user_id');
    expect(label).toMatchObject({ service: 'storefront', pillar: 'prometheus', count: 50, idKind: 'numbered' });
    expect(label.fix).toMatchObject({ action: 'drop', component: 'transform/hygiene_metrics', pipeline: 'metrics' });

    const pii = find(report.findings, 'personal-data', 'log line');
    expect(pii).toMatchObject({ service: 'storefront', pillar: 'loki', count: 10, personalData: ['email'] });
    expect(pii.link).toEqual({ pillar: 'loki', service: 'storefront', pattern: 'email' });

    const attr = find(report.findings, 'id-span-attribute', 'user.id');
    expect(attr).toMatchObject({ service: 'storefront', pillar: 'tempo', count: 50 });
    expect(attr.fix.component).toBe('spanmetrics');

    const names = find(report.findings, 'id-span-name', 'span name');
    expect(names).toMatchObject({ service: 'storefront', count: 2, example: 'GET /orders/{id}' });
    expect(names.link).toMatchObject({ spanNamePattern: 'GET /orders/[^/]+' });

    expect(report.findings.map((f) => f.field).sort()).toEqual(['log line', 'span name', 'user.id', 'user_id']);
    expect(serviceFindings(report, 'checkout')).toEqual([]);
    expect(report.findings[0].kind).toBe('personal-data');
  });

  it('shows no raw value anywhere: findings, examples, links, fixes or text', () => {
    const everything = JSON.stringify(report) + hygieneText(report);
    for (let i = 1; i <= 50; i++) {
      expect(everything).not.toContain(customerId(i));
      expect(everything).not.toContain(customerEmail(i));
    }
    expect(everything).not.toContain('/orders/1234');
  });

  it('renders text with each finding and its fix', () => {
    const text = hygieneText(report);
    expect(text).toContain('4 hygiene findings:');
    expect(text).toContain('[prometheus] storefront: metric label with ids "user_id" (numbered; 50;');
    expect(text).toContain('[loki] storefront: personal data "log line" (email; 10;');
    expect(text).toContain('# Fix 1: redact (transform/hygiene_redact_logs, logs pipeline)');
  });
});

describe('what is not a cardinality problem', () => {
  it('a label with fewer than 3 values, or a port, is not reported, whatever its values look like', () => {
    const evidence = demoEvidence();
    const uuids = [
      '0f1c2a3b-4d5e-4f70-8192-a3b4c5d6e7f8',
      '1f1c2a3b-4d5e-4f70-8192-a3b4c5d6e7f8',
      '2f1c2a3b-4d5e-4f70-8192-a3b4c5d6e7f8',
    ];
    const field = (name: string, values: string[]) => ({
      service: 'otelcol',
      field: name,
      distinct: values.length,
      capped: false,
      values,
    });
    const report = hygieneReport({
      ...evidence,
      metrics: {
        state: 'ok',
        evidence: {
          seriesByService: [],
          seriesByMetric: [],
          labels: [
            field('collector_instance_id', uuids.slice(0, 1)),
            field('two_ids', uuids.slice(0, 2)),
            field('server_port', ['43211', '43987', '51002', '38001']),
            field('three_ids', uuids),
          ],
        },
      },
    });
    expect(report.findings.filter((f) => f.service === 'otelcol').map((f) => f.field)).toEqual(['three_ids']);
  });
});

describe('errors are not findings', () => {
  it('a failed or unconfigured pillar is reported as such and makes no finding', () => {
    const demo = demoEvidence();
    const report = hygieneReport({
      metrics: { state: 'error', message: 'Prometheus: 502 Bad Gateway' },
      logs: { state: 'not-configured', message: 'No Loki data source' },
      traces: demo.traces,
    });
    expect(report.pillars.prometheus).toEqual({ state: 'error', message: 'Prometheus: 502 Bad Gateway' });
    expect(report.pillars.loki.state).toBe('not-configured');
    expect(report.findings.every((f) => f.pillar === 'tempo')).toBe(true);
    expect(hygieneText(report)).toContain('prometheus: not checked (error): Prometheus: 502 Bad Gateway');
  });

  it('empty evidence says so', () => {
    const empty: HygieneEvidence = {
      metrics: { state: 'ok', evidence: { seriesByService: [], seriesByMetric: [], labels: [] } },
      logs: { state: 'ok', evidence: { streamsByService: [], streamLabels: [], lines: [] } },
      traces: { state: 'ok', evidence: { attributes: [], spanNames: [] } },
    };
    expect(hygieneReport(empty).findings).toEqual([]);
    expect(hygieneText(hygieneReport(empty))).toBe('No hygiene findings in this window.\n');
  });
});

const secretValue = fc.oneof(
  fc.uuid(),
  fc.integer({ min: 0, max: 9999 }).map(customerId),
  fc.stringMatching(/^[a-z][a-z0-9]{2,10}@[a-z]{2,8}\.(com|org|io)$/),
  fc.stringMatching(/^[0-9a-f]{32}$/)
);

describe('no finding contains a raw value (property)', () => {
  it('for any services and values, with hostile names', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.uniqueArray(secretValue, { minLength: 2, maxLength: 20 }),
        (service, field, values) => {
          const report = hygieneReport({
            metrics: {
              state: 'ok',
              evidence: {
                seriesByService: [],
                seriesByMetric: [],
                labels: [{ service, field, distinct: values.length, capped: false, values }],
              },
            },
            logs: {
              state: 'ok',
              evidence: {
                streamsByService: [],
                streamLabels: [{ service, field, distinct: values.length, capped: false, values }],
                lines: values.map((v) => ({ service, line: `user ${v} did a thing`, timeMs: 0 })),
              },
            },
            traces: {
              state: 'ok',
              evidence: {
                attributes: [{ service, field, scope: 'span', distinct: values.length, capped: false, values }],
                spanNames: [{ service, names: values.map((v) => `GET /users/${v}`) }],
              },
            },
          });
          const shown = report.findings.map((f) => JSON.stringify({ ...f, service: '', field: '' }));
          for (const v of values) {
            for (const s of shown) {
              expect(s).not.toContain(v);
            }
          }
          expect(report.findings.length).toBeGreaterThan(0);
          expect(report.findings.every((f) => f.service === service)).toBe(true);
        }
      ),
      { numRuns: 60 }
    );
  });
});

describe('fix snippets', () => {
  const hostile = fc.string({ minLength: 1, maxLength: 16, unit: 'grapheme' });

  it('are YAML whose statements name exactly the service and key, whatever they hold', () => {
    fc.assert(
      fc.property(hostile, fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), (service, label) => {
        const report = hygieneReport({
          ...demoEvidence(),
          metrics: {
            state: 'ok',
            evidence: {
              seriesByService: [],
              seriesByMetric: [],
              labels: [
                {
                  service,
                  field: label,
                  distinct: 3,
                  capped: false,
                  values: ['a1b2c3d4e5f6a7b8c9', 'f'.repeat(15) + '123', '1234567890abcdef99'],
                },
              ],
            },
          },
        });
        for (const f of report.findings) {
          const config = parse(validationConfig(f.fix)) as Record<string, unknown>;
          expect(config).toHaveProperty('service.pipelines');
        }
        const fix = find(report.findings, 'id-metric-label', label).fix;
        const yaml = parse(fix.snippet) as {
          processors: Record<string, { metric_statements: Array<{ statements: string[] }> }>;
        };
        const statement = yaml.processors['transform/hygiene_metrics'].metric_statements[0].statements[0];
        const literals = statement.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
        expect(literals.map(ottlValue)).toContain(service);
        expect(new RegExp(ottlValue(literals[0] ?? '""')).test(label)).toBe(true);
      })
    );
  });

  it('quote values for OTTL, the Collector and YAML', () => {
    expect(ottlString('a"b\\c$d\n')).toBe('"a\\"b\\\\c$$d\\n"');
    expect(ottlValue(ottlString('${env:HOME}'))).toBe('${env:HOME}');
    expect(yamlString("it's $x")).toBe("'it''s $$x'");
    expect(routePattern('GET /a.b/{id}/c')).toBe('GET /a\\.b/[^/]+/c');
  });
});
