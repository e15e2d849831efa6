// The local stack's Collector guards span-metrics cardinality itself (docs/hygiene.md, The
// stack's guard): the connector keeps its four built-in dimensions with an aggregation limit,
// and span names are normalised to routes before it counts them, by the same statement the
// Hygiene page offers as a fix.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { normaliseRoute } from './classify';
import { SPAN_NAME_STATEMENT, SPANMETRICS_CARDINALITY_LIMIT } from './collectorFix';

type Yaml = Record<string, any>;
const config = parse(
  readFileSync(join(__dirname, '..', '..', '..', 'stack', 'otel-collector', 'config.yaml'), 'utf8')
) as Yaml;

/** What the Collector does with `replace_pattern(name, "re", "replacement")`: `$$` is `$`, Go-quoted strings, RE2. */
function collectorApplies(statement: string, name: string): string {
  const literals = statement.replace(/\$\$/g, '$').match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  const [pattern, replacement] = literals.map((l) => JSON.parse(l) as string);
  return name.replace(new RegExp(pattern, 'g'), replacement.replace(/\$\{(\d+)\}/g, '$$$1'));
}

describe("the local stack's cardinality guard", () => {
  const spanmetrics = config.connectors.spanmetrics;
  const feeding = Object.entries(config.service.pipelines as Record<string, Yaml>).filter(([, p]) =>
    (p.exporters as string[]).includes('spanmetrics')
  );

  it('keeps span metrics to the built-in dimensions, with an aggregation limit', () => {
    expect(spanmetrics.dimensions).toEqual([]);
    expect(spanmetrics.aggregation_cardinality_limit).toBe(SPANMETRICS_CARDINALITY_LIMIT);
  });

  it('normalises span names before the connector, with the statement the Hygiene page offers', () => {
    expect(feeding).toHaveLength(1);
    const processors = feeding[0][1].processors as string[];
    expect(processors).toEqual(['memory_limiter', 'transform/span_names', 'batch']);
    const statements = config.processors['transform/span_names'].trace_statements;
    expect(statements).toEqual([{ context: 'span', statements: [SPAN_NAME_STATEMENT, SPAN_NAME_STATEMENT] }]);
  });

  it('turns ids in span names into {id} exactly as the page classifies them, and leaves routes alone', () => {
    const apply = (name: string) => collectorApplies(SPAN_NAME_STATEMENT, collectorApplies(SPAN_NAME_STATEMENT, name));
    expect(apply('GET /users/123/orders/9f1c2a3b-4d5e-4f70-8192-a3b4c5d6e7f8')).toBe('GET /users/{id}/orders/{id}');
    expect(apply('GET /users/123/456?x=1')).toBe('GET /users/{id}/{id}?x=1');
    expect(apply('POST /checkout')).toBe('POST /checkout');
    expect(apply('GET /api/v2/orders')).toBe('GET /api/v2/orders');
    const segment = fc.oneof(
      fc.stringMatching(/^[a-z]{1,10}$/),
      fc.nat().map(String),
      fc.uuid(),
      fc.stringMatching(/^[a-z]{1,6}-[0-9]{3,6}$/),
      fc.stringMatching(/^[0-9a-f]{16,32}$/).filter((s) => /\d/.test(s))
    );
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.array(segment, { minLength: 1, maxLength: 6 }),
        (method, segments) => {
          const name = `${method} /${segments.join('/')}`;
          expect(apply(name)).toBe(normaliseRoute(name));
        }
      )
    );
  });
});
