import fc from 'fast-check';
import { goUnquote } from '../testing/goUnquote';
import { DEFAULT_LOG_CONVENTIONS, METRIC_FAMILY_LIST } from './conventions';
import { serviceLogs } from './logql';
import { logsAndTracesName, ServiceNameSettings, stripNamespace, stripsNamespace } from './serviceNames';
import { failingSpans } from './traceql';

const HTTP: ServiceNameSettings = { family: 'http-semconv', serviceLabel: '' };
const SPANS: ServiceNameSettings = { family: 'tempo-spanmetrics', serviceLabel: '' };

/** The first double-quoted literal after `prefix`, read back as Go's Unquote reads it. */
function literalAfter(query: string, prefix: string): string {
  const at = query.indexOf(prefix);
  expect(at).toBeGreaterThanOrEqual(0);
  const match = /^"(?:[^"\\]|\\.)*"/s.exec(query.slice(at + prefix.length));
  expect(match).not.toBeNull();
  return goUnquote(match![0]);
}

describe('service names from metrics to logs and traces', () => {
  it('strips the namespace of job="ns/name", and only a real one', () => {
    expect(stripNamespace('shop/checkout')).toBe('checkout');
    expect(stripNamespace('shop/api/v2')).toBe('api/v2');
    expect(stripNamespace('checkout')).toBe('checkout');
    expect(stripNamespace('/checkout')).toBe('/checkout');
    expect(stripNamespace('shop/')).toBe('shop/');
  });

  it('auto strips when the metrics name services by job (set, the family default, or unknown), else not', () => {
    expect(stripsNamespace(HTTP)).toBe(true);
    expect(stripsNamespace({ family: 'http-semconv-old', serviceLabel: '' })).toBe(true);
    expect(stripsNamespace({ family: 'tempo-spanmetrics', serviceLabel: 'job' })).toBe(true);
    expect(stripsNamespace({ family: 'auto', serviceLabel: '' })).toBe(true);
    expect(stripsNamespace(SPANS)).toBe(false);
    expect(stripsNamespace({ family: 'http-semconv', serviceLabel: 'service_name' })).toBe(false);
    expect(stripsNamespace({ ...SPANS, serviceNames: 'strip-namespace' })).toBe(true);
    expect(stripsNamespace({ ...HTTP, serviceNames: 'as-is' })).toBe(false);
    for (const family of METRIC_FAMILY_LIST) {
      expect(logsAndTracesName({ family, serviceLabel: '', serviceNames: 'as-is' }, 'shop/checkout')).toBe(
        'shop/checkout'
      );
    }
  });

  it('property: a hostile name reaches LogQL and TraceQL as the name without its namespace, escaped', () => {
    const namespace = fc.string({ minLength: 1 }).filter((s) => !s.includes('/'));
    const name = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom('pay"ments', 'a\\b', '$1', '${x}', '[[v]]', '`', '\n')
    );
    fc.assert(
      fc.property(namespace, name, (ns, n) => {
        const mapped = logsAndTracesName(HTTP, `${ns}/${n}`);
        expect(mapped).toBe(n);
        const logql = serviceLogs(DEFAULT_LOG_CONVENTIONS, { service: mapped, errorsOnly: true });
        expect(literalAfter(logql, `${DEFAULT_LOG_CONVENTIONS.serviceLabel}=`)).toBe(n);
        const traceql = failingSpans({ service: mapped });
        expect(literalAfter(traceql, 'resource.service.name = ')).toBe(n);
        // Grafana would read `$` as a variable: it is never written bare.
        expect(`${logql}${traceql}`).not.toContain('$');
        // Under another label the name is kept whole.
        expect(logsAndTracesName(SPANS, `${ns}/${n}`)).toBe(`${ns}/${n}`);
      })
    );
  });
});
