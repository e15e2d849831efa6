import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricFamily } from './conventions';
import {
  detectLogs,
  detectMetrics,
  detectTraces,
  LogSample,
  MetricFamilyProbe,
  PrometheusProbe,
  traceIdLocationOf,
} from './detect';

const AUTO = { family: 'auto' as const, serviceLabel: '' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function family(f: MetricFamily, series: number, serverSeries: number, labels?: string[]): MetricFamilyProbe {
  return { family: f, series, serverSeries, labels: labels ?? ['__name__', METRIC_FAMILIES[f].defaultServiceLabel] };
}

/** A probe where only the given families have series; the others answer with none. */
function prometheus(withData: MetricFamilyProbe[], serviceGraphSeries = 4): PrometheusProbe {
  return {
    ok: true,
    families: METRIC_FAMILY_LIST.map((f) => withData.find((d) => d.family === f) ?? family(f, 0, 0, [])),
    serviceGraphSeries,
  };
}

describe('detectMetrics', () => {
  it.each(METRIC_FAMILY_LIST)('detects %s when it alone has series, with its default service label', (f) => {
    const result = detectMetrics(prometheus([family(f, 12, 12)]), AUTO);
    expect(result.detected).toEqual({ family: f, serviceLabel: '' });
    expect(result.level).toBe('ok');
    expect(result.findings[0].text).toContain(METRIC_FAMILIES[f].title);
  });

  it('reports a failed label-names request as unreachable, never as a missing or wrong service label', () => {
    const unreachable = { ...family('http-semconv', 12, 12, []), labelsError: 'HTTP 502 Bad Gateway' };
    for (const configured of [AUTO, { family: 'http-semconv' as const, serviceLabel: 'job' }]) {
      const result = detectMetrics(prometheus([unreachable]), configured);
      const texts = result.findings.map((f) => `${f.text} ${f.fix ?? ''}`).join('\n');
      expect(texts).toContain(
        'Prometheus did not answer the label-names request for `http_server_request_duration_seconds_count` (HTTP 502 Bad Gateway), so the service label could not be checked.'
      );
      expect(texts).toContain('`api/v1/labels`');
      expect(texts).not.toMatch(/No service label|is not on|Services are named/);
      expect(result.level).toBe('error');
      // The family is known but the label is not: nothing is offered.
      expect(result.detected).toBeUndefined();
    }
  });

  it('says what to enable when no family has series', () => {
    const result = detectMetrics(prometheus([]), AUTO);
    expect(result.level).toBe('error');
    expect(result.detected).toBeUndefined();
    const none = result.findings.find((f) => f.level === 'error');
    expect(none?.text).toContain('No RED metrics');
    expect(none?.fix).toContain('metrics-generator');
    expect(none?.fix).toContain('spanmetrics');
    expect(none?.fix).toContain('HTTP servers');
  });

  it('prefers, when several families have series, the one with server spans over one with more series', () => {
    const result = detectMetrics(
      prometheus([family('tempo-spanmetrics', 40, 0), family('otel-spanmetrics', 10, 6)]),
      AUTO
    );
    expect(result.detected?.family).toBe('otel-spanmetrics');
    expect(result.level).toBe('warning');
    const ambiguous = result.findings[0];
    expect(ambiguous.text).toContain('Several metric families');
    expect(ambiguous.text).toContain('prefers OpenTelemetry Collector spanmetrics connector');
    expect(ambiguous.text).toContain('server spans');
  });

  it('prefers, among families that all have server spans, the one with the most series', () => {
    const result = detectMetrics(
      prometheus([family('http-semconv', 8, 8), family('tempo-spanmetrics', 30, 20), family('http-semconv-old', 3, 3)]),
      AUTO
    );
    expect(result.detected?.family).toBe('tempo-spanmetrics');
    expect(result.findings[0].text).toMatch(/Tempo metrics-generator span metrics \(30 series/);
    expect(result.findings[0].text).toContain('the most series');
  });

  it('finds the service label when the family default is not on the series', () => {
    const result = detectMetrics(prometheus([family('http-semconv', 5, 5, ['service_name', 'http_route'])]), AUTO);
    expect(result.detected).toEqual({ family: 'http-semconv', serviceLabel: 'service_name' });
  });

  it('reports a family with series but no service label at all', () => {
    const result = detectMetrics(prometheus([family('otel-spanmetrics', 5, 5, ['span_name'])]), AUTO);
    expect(result.level).toBe('error');
    expect(result.detected).toBeUndefined();
    expect(result.findings.some((f) => f.text.startsWith('No service label'))).toBe(true);
  });

  it('flags a configured family that has no series and points to the detected one', () => {
    const result = detectMetrics(prometheus([family('tempo-spanmetrics', 5, 5)]), {
      family: 'http-semconv',
      serviceLabel: '',
    });
    const problem = result.findings.find((f) => f.text.startsWith('The configured metric family'));
    expect(problem?.level).toBe('error');
    expect(problem?.fix).toContain('Tempo metrics-generator span metrics');
    expect(result.detected?.family).toBe('tempo-spanmetrics');
  });

  it('keeps a configured family that has series even when another has more', () => {
    const result = detectMetrics(prometheus([family('tempo-spanmetrics', 50, 50), family('http-semconv', 5, 5)]), {
      family: 'http-semconv',
      serviceLabel: '',
    });
    expect(result.detected?.family).toBe('http-semconv');
  });

  it('flags a configured service label the series do not carry', () => {
    const result = detectMetrics(prometheus([family('tempo-spanmetrics', 5, 5)]), {
      family: 'auto',
      serviceLabel: 'app',
    });
    const problem = result.findings.find((f) => f.text.includes('`app`'));
    expect(problem?.level).toBe('error');
    expect(problem?.fix).toContain('`service`');
  });

  it('warns that the Graph page needs service graph metrics', () => {
    const result = detectMetrics(prometheus([family('tempo-spanmetrics', 5, 5)], 0), AUTO);
    expect(result.level).toBe('warning');
    expect(result.findings.find((f) => f.text.includes('service graph'))?.fix).toContain('servicegraph');
  });

  it('reports a probe failure as an error with what to check', () => {
    const result = detectMetrics({ ok: false, error: 'dial tcp: connection refused' }, AUTO);
    expect(result.level).toBe('error');
    expect(result.findings[0].text).toContain('connection refused');
    expect(result.findings[0].fix).toContain('Save & test');
  });
});

function sm(line: string): LogSample {
  return {
    line,
    labels: { service_name: 'checkout', trace_id: TRACE_ID },
    labelTypes: { service_name: 'I', trace_id: 'S' },
  };
}
function plain(line: string): LogSample {
  return { line, labels: { service_name: 'checkout' }, labelTypes: { service_name: 'I' } };
}

describe('traceIdLocationOf', () => {
  it('reads structured metadata from labelTypes', () => {
    expect(traceIdLocationOf(sm('GET /cart 200'))).toBe('structured-metadata');
  });
  it('takes a trace_id label on frames without labelTypes as structured metadata', () => {
    expect(traceIdLocationOf({ line: 'ok', labels: { trace_id: TRACE_ID } })).toBe('structured-metadata');
  });
  it('does not take a parsed label for structured metadata, but reads the line', () => {
    const sample: LogSample = {
      line: `level=info trace_id=${TRACE_ID} msg="ok"`,
      labels: { trace_id: TRACE_ID },
      labelTypes: { trace_id: 'P' },
    };
    expect(traceIdLocationOf(sample)).toBe('logfmt');
  });
  it('reads logfmt and JSON lines', () => {
    expect(traceIdLocationOf(plain(`ts=2024-01-01 trace_id=${TRACE_ID} level=error`))).toBe('logfmt');
    expect(traceIdLocationOf(plain(`{"level":"error","trace_id":"${TRACE_ID}","msg":"boom"}`))).toBe('json');
  });
  it('finds nothing in a line without a trace id', () => {
    expect(traceIdLocationOf(plain('level=info msg="trace_id missing"'))).toBeUndefined();
    expect(traceIdLocationOf(plain('{"trace_id": 42}'))).toBeUndefined();
  });
});

const LOG_DEFAULTS = { serviceLabel: 'service_name', traceId: 'structured-metadata' as const };

describe('detectLogs', () => {
  it.each([
    [['service_name', 'job'], 'service_name'],
    [['job', 'service'], 'service'],
    [['job', 'app', 'namespace'], 'app'],
    [['job', 'namespace'], 'job'],
  ])('with labels %j picks %s as the service label', (labels, expected) => {
    const result = detectLogs({ ok: true, labels, samples: [sm('x')] }, LOG_DEFAULTS);
    expect(result.detected?.serviceLabel).toBe(expected);
  });

  it('keeps a configured service label Loki has, even an unusual one', () => {
    const result = detectLogs(
      { ok: true, labels: ['service_name', 'svc'], samples: [sm('x')] },
      { serviceLabel: 'svc', traceId: 'structured-metadata' }
    );
    expect(result.detected?.serviceLabel).toBe('svc');
    expect(result.level).toBe('ok');
  });

  it('reports a configured label Loki does not have, with the candidate to use', () => {
    const result = detectLogs({ ok: true, labels: ['app'], samples: [sm('x')] }, LOG_DEFAULTS);
    expect(result.level).toBe('error');
    expect(result.findings[0].fix).toContain('`app`');
  });

  it('says what to do when no service label exists', () => {
    const result = detectLogs({ ok: true, labels: ['filename'], samples: [] }, LOG_DEFAULTS);
    expect(result.level).toBe('error');
    expect(result.detected).toBeUndefined();
    expect(result.findings.some((f) => f.fix?.includes('OTLP'))).toBe(true);
  });

  it('detects trace_id in structured metadata', () => {
    const result = detectLogs(
      { ok: true, labels: ['service_name'], samples: [sm('a'), sm('b'), plain('c')] },
      LOG_DEFAULTS
    );
    expect(result.detected).toEqual({ serviceLabel: 'service_name', traceId: 'structured-metadata' });
    expect(result.findings.find((f) => f.text.startsWith('trace_id found'))?.text).toContain('2 of 3');
  });

  it('detects trace_id in logfmt lines and flags the configured structured metadata', () => {
    const samples = [plain(`level=error trace_id=${TRACE_ID}`), plain(`level=info trace_id=${TRACE_ID}`)];
    const result = detectLogs({ ok: true, labels: ['service_name'], samples }, LOG_DEFAULTS);
    expect(result.detected?.traceId).toBe('logfmt');
    expect(result.level).toBe('error');
    expect(result.findings.find((f) => f.level === 'error')?.fix).toContain('logfmt');
  });

  it('detects trace_id in JSON lines, the majority winning over a stray logfmt line', () => {
    const samples = [
      plain(`{"trace_id":"${TRACE_ID}"}`),
      plain(`{"trace_id":"${TRACE_ID}","level":"warn"}`),
      plain(`trace_id=${TRACE_ID}`),
    ];
    const result = detectLogs({ ok: true, labels: ['app'], samples }, { serviceLabel: 'app', traceId: 'json' });
    expect(result.detected).toEqual({ serviceLabel: 'app', traceId: 'json' });
    expect(result.level).toBe('ok');
  });

  it('says how to add trace_id when no sampled line has one', () => {
    const result = detectLogs(
      { ok: true, labels: ['service_name'], samples: [plain('hello'), plain('bye')] },
      LOG_DEFAULTS
    );
    expect(result.level).toBe('error');
    const missing = result.findings.find((f) => f.text.includes('carries a trace_id'));
    expect(missing?.fix).toContain('structured metadata');
    expect(result.detected).toEqual(LOG_DEFAULTS);
  });

  it('warns when there were no lines to sample', () => {
    const result = detectLogs(
      { ok: true, labels: ['service_name'], sampledBy: 'service_name', samples: [] },
      LOG_DEFAULTS
    );
    expect(result.level).toBe('warning');
  });

  it('reports a probe failure', () => {
    expect(detectLogs({ ok: false, error: 'HTTP 502 Bad Gateway' }, LOG_DEFAULTS).findings[0].text).toContain('502');
  });
});

describe('detectTraces', () => {
  it('is ok when TraceQL search answers with traces', () => {
    const result = detectTraces({ ok: true, traces: 7 });
    expect(result.level).toBe('ok');
    expect(result.findings[0].text).toContain('7 recent traces');
  });
  it('warns when search answers with no traces', () => {
    const result = detectTraces({ ok: true, traces: 0 });
    expect(result.level).toBe('warning');
    expect(result.findings[0].fix).toContain('Collector');
  });
  it('is an error when search does not answer', () => {
    const result = detectTraces({ ok: false, error: 'unknown query type' });
    expect(result.level).toBe('error');
    expect(result.findings[0].fix).toContain('TraceQL');
  });
});
