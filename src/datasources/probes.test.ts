import { expectValidLogQL, expectValidPromQL, expectValidTraceQL } from '../testing/grammar';
import { METRIC_FAMILY_LIST } from './conventions';
import type { DataSourceSummary } from './lookup';
import {
  countTraces,
  lokiLabelsUrl,
  lokiSampleQuery,
  parseLogSamples,
  probeLoki,
  probePrometheus,
  probeTempo,
  ProbeClient,
  ProbeRequest,
  prometheusLabelsUrl,
  prometheusProbeQueries,
  tempoSearchQuery,
} from './probes';

const NOW = 1_700_000_000_000;
const PROM: DataSourceSummary = { uid: 'pivot-prometheus', name: 'Prometheus', type: 'prometheus' };
const LOKI: DataSourceSummary = { uid: 'pivot-loki', name: 'Loki', type: 'loki' };
const TEMPO: DataSourceSummary = { uid: 'pivot-tempo', name: 'Tempo', type: 'tempo' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A fake Grafana: answers each request with the handler's value, or throws what it throws. */
function fakeClient(handler: (req: ProbeRequest) => unknown): ProbeClient & { requests: ProbeRequest[] } {
  const requests: ProbeRequest[] = [];
  return {
    requests,
    request: async (req) => {
      requests.push(req);
      return handler(req);
    },
  };
}

/** An instant-query frame as Grafana's Prometheus data source sends it through /api/ds/query. */
function promNumberFrame(refId: string, value: number) {
  return {
    schema: {
      refId,
      meta: { type: 'numeric-multi', typeVersion: [0, 1], custom: { resultType: 'vector' } },
      fields: [
        { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } },
        { name: 'Value', type: 'number', typeInfo: { frame: 'float64' }, labels: {} },
      ],
    },
    data: { values: [[NOW], [value]] },
  };
}

interface QueryBody {
  queries: Array<Record<string, unknown> & { refId: string }>;
  from: string;
  to: string;
}

function queriesOf(req: ProbeRequest): QueryBody['queries'] {
  return (req.data as QueryBody).queries;
}

describe('Prometheus probe', () => {
  it('asks every family, its server spans and the service graph, in valid PromQL with unique refIds', () => {
    const queries = prometheusProbeQueries();
    for (const q of queries) {
      expectValidPromQL(q.expr);
    }
    expect(new Set(queries.map((q) => q.refId)).size).toBe(queries.length);
    expect(queries.find((q) => q.refId === 'tempo-spanmetrics:server')?.expr).toBe(
      'count(last_over_time(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[3600s]))'
    );
    expect(queries.find((q) => q.refId === 'service-graph')?.expr).toContain('traces_service_graph_request_total');
    // HTTP server metrics are server-side by name: no second query for them.
    expect(queries.some((q) => q.refId === 'http-semconv:server')).toBe(false);
  });

  it('sends one instant /api/ds/query, then label names only for families with series', async () => {
    const client = fakeClient((req) => {
      if (req.url === '/api/ds/query') {
        return {
          results: {
            'tempo-spanmetrics:all': { status: 200, frames: [promNumberFrame('tempo-spanmetrics:all', 12)] },
            'tempo-spanmetrics:server': { status: 200, frames: [promNumberFrame('tempo-spanmetrics:server', 5)] },
            // An empty vector: Grafana sends a frame with no rows, or no frame at all.
            'otel-spanmetrics:all': { status: 200, frames: [] },
            'otel-spanmetrics:server': { status: 200, frames: [] },
            'http-semconv:all': { status: 200, frames: [promNumberFrame('http-semconv:all', 3)] },
            'http-semconv-old:all': { status: 200, frames: [] },
            'service-graph': { status: 200, frames: [promNumberFrame('service-graph', 9)] },
          },
        };
      }
      if (req.url.includes('traces_spanmetrics_calls_total')) {
        return { status: 'success', data: ['__name__', 'service', 'span_kind', 'span_name', 'status_code'] };
      }
      return { status: 'success', data: ['__name__', 'job', 'http_route'] };
    });
    const probe = await probePrometheus(client, PROM, NOW);
    expect(probe).toEqual({
      ok: true,
      serviceGraphSeries: 9,
      families: [
        {
          family: 'tempo-spanmetrics',
          series: 12,
          serverSeries: 5,
          labels: ['__name__', 'service', 'span_kind', 'span_name', 'status_code'],
        },
        { family: 'otel-spanmetrics-seconds', series: 0, serverSeries: 0, labels: [] },
        { family: 'otel-spanmetrics', series: 0, serverSeries: 0, labels: [] },
        { family: 'http-semconv', series: 3, serverSeries: 3, labels: ['__name__', 'job', 'http_route'] },
        { family: 'http-semconv-old', series: 0, serverSeries: 0, labels: [] },
      ],
    });
    const [query, ...labels] = client.requests;
    expect(query.method).toBe('POST');
    const body = query.data as QueryBody;
    expect(body.from).toBe(String(NOW - 3_600_000));
    expect(body.queries.every((q) => q.instant === true && (q.datasource as { uid: string }).uid === PROM.uid)).toBe(
      true
    );
    expect(labels.map((r) => r.url).sort()).toEqual(
      [
        prometheusLabelsUrl(PROM, 'http_server_request_duration_seconds_count', NOW),
        prometheusLabelsUrl(PROM, 'traces_spanmetrics_calls_total', NOW),
      ].sort()
    );
  });

  it('keeps a failed label-names request as unknown labels with its message, not as no labels', async () => {
    const client = fakeClient((req) => {
      if (req.url === '/api/ds/query') {
        return { results: { 'http-semconv:all': { status: 200, frames: [promNumberFrame('http-semconv:all', 3)] } } };
      }
      throw { status: 502, data: { message: 'Bad Gateway: upstream refused api/v1/labels' } };
    });
    const probe = await probePrometheus(client, PROM, NOW);
    expect(probe.ok && probe.families.find((f) => f.family === 'http-semconv')).toEqual({
      family: 'http-semconv',
      series: 3,
      serverSeries: 3,
      labels: [],
      labelsError: 'Bad Gateway: upstream refused api/v1/labels',
    });
  });

  it('builds the label-names resource URL of the data source', () => {
    const url = new URL(prometheusLabelsUrl(PROM, 'traces_spanmetrics_calls_total', NOW), 'http://grafana');
    expect(url.pathname).toBe('/api/datasources/uid/pivot-prometheus/resources/api/v1/labels');
    expect(url.searchParams.get('match[]')).toBe('traces_spanmetrics_calls_total');
    expect(Number(url.searchParams.get('end')) - Number(url.searchParams.get('start'))).toBe(3600);
  });

  it('reports the per-query error Grafana sends with a 400', async () => {
    const client = fakeClient(() => {
      throw {
        status: 400,
        data: { results: { 'tempo-spanmetrics:all': { status: 400, error: 'bad_data: parse error' } } },
      };
    });
    expect(await probePrometheus(client, PROM, NOW)).toEqual({ ok: false, error: 'bad_data: parse error' });
  });

  it('reports an unreachable data source', async () => {
    const client = fakeClient(() => {
      throw {
        status: 502,
        statusText: 'Bad Gateway',
        data: { message: 'Post "http://prometheus:9090/api/v1/query": dial tcp: lookup prometheus: no such host' },
      };
    });
    const probe = await probePrometheus(client, PROM, NOW);
    expect(probe.ok).toBe(false);
    expect(!probe.ok && probe.error).toContain('no such host');
  });

  it("tells the Collector's seconds histogram from its milliseconds one by the +Inf bucket", () => {
    const latency = prometheusProbeQueries().filter((q) => q.refId.endsWith(':latency'));
    expect(latency).toEqual([
      {
        refId: 'otel-spanmetrics-seconds:latency',
        expr: 'count(last_over_time(traces_span_metrics_duration_seconds_bucket{le="+Inf"}[3600s]))',
      },
    ]);
    expectValidPromQL(latency[0].expr);
  });

  it('covers every family', () => {
    const refIds = prometheusProbeQueries().map((q) => q.refId);
    for (const f of METRIC_FAMILY_LIST) {
      expect(refIds).toContain(`${f}:all`);
    }
  });
});

/** Grafana's classic Loki logs frame (non-dataplane), fields in the order Grafana writes them. */
function lokiFrame(rows: Array<{ labels: Record<string, string>; types?: Record<string, string>; line: string }>) {
  return {
    schema: {
      refId: 'sample',
      meta: { typeVersion: [0, 0], custom: { frameType: 'LabeledTimeValues' } },
      fields: [
        {
          name: 'labelTypes',
          type: 'other',
          typeInfo: { frame: 'json.RawMessage' },
          config: { custom: { hidden: true } },
        },
        { name: 'labels', type: 'other', typeInfo: { frame: 'json.RawMessage' } },
        { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } },
        { name: 'Line', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'tsNs', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'id', type: 'string', typeInfo: { frame: 'string' } },
      ],
    },
    data: {
      values: [
        rows.map((r) => r.types ?? {}),
        rows.map((r) => r.labels),
        rows.map((_, i) => NOW - i * 1000),
        rows.map((r) => r.line),
        rows.map((_, i) => `${NOW - i * 1000}000000`),
        rows.map((_, i) => `${NOW - i * 1000}000000_${i}`),
      ],
    },
  };
}

describe('Loki probe', () => {
  it('parses classic frames with labelTypes', () => {
    const samples = parseLogSamples([
      lokiFrame([
        {
          labels: { service_name: 'checkout', trace_id: TRACE_ID },
          types: { service_name: 'I', trace_id: 'S' },
          line: 'GET /cart',
        },
      ]),
    ]);
    expect(samples).toEqual([
      {
        line: 'GET /cart',
        labels: { service_name: 'checkout', trace_id: TRACE_ID },
        labelTypes: { service_name: 'I', trace_id: 'S' },
      },
    ]);
  });

  it('parses dataplane frames (labels, timestamp, body)', () => {
    const frame = {
      schema: {
        meta: { type: 'log-lines', typeVersion: [0, 0] },
        fields: [
          { name: 'labels', type: 'other' },
          { name: 'timestamp', type: 'time' },
          { name: 'body', type: 'string' },
          { name: 'id', type: 'string' },
        ],
      },
      data: { values: [[{ app: 'cart' }], [NOW], [`trace_id=${TRACE_ID}`], ['1']] },
    };
    expect(parseLogSamples([frame])).toEqual([{ line: `trace_id=${TRACE_ID}`, labels: { app: 'cart' } }]);
  });

  it('asks the labels, then samples the newest lines of the configured service label', async () => {
    const client = fakeClient((req) =>
      req.url.includes('/resources/labels')
        ? { status: 'success', data: ['job', 'service_name'] }
        : {
            results: {
              sample: {
                status: 200,
                frames: [lokiFrame([{ labels: { service_name: 'a' }, line: `{"trace_id":"${TRACE_ID}"}` }])],
              },
            },
          }
    );
    const probe = await probeLoki(client, LOKI, { serviceLabel: 'service_name', traceId: 'json' }, ['app'], NOW);
    expect(probe).toEqual({
      ok: true,
      labels: ['job', 'service_name'],
      sampledBy: 'service_name',
      samples: [{ line: `{"trace_id":"${TRACE_ID}"}`, labels: { service_name: 'a' }, labelTypes: {} }],
    });
    const labelsUrl = new URL(client.requests[0].url, 'http://grafana');
    expect(labelsUrl.pathname).toBe('/api/datasources/uid/pivot-loki/resources/labels');
    expect(labelsUrl.searchParams.get('start')).toBe(`${NOW - 3_600_000}000000`);
    const [sample] = queriesOf(client.requests[1]);
    expect(sample).toMatchObject({
      queryType: 'range',
      maxLines: 50,
      direction: 'backward',
      expr: '{service_name=~"(?s:.+)"}',
    });
    expectValidLogQL(String(sample.expr));
  });

  it('falls back to the first candidate label Loki has', async () => {
    const client = fakeClient((req) =>
      req.url.includes('/resources/labels')
        ? { status: 'success', data: ['app', 'job'] }
        : { results: { sample: { frames: [] } } }
    );
    const probe = await probeLoki(
      client,
      LOKI,
      { serviceLabel: 'service_name', traceId: 'structured-metadata' },
      ['service_name', 'service', 'app', 'job'],
      NOW
    );
    expect(probe.ok && probe.sampledBy).toBe('app');
    expect(queriesOf(client.requests[1])[0].expr).toBe('{app=~"(?s:.+)"}');
  });

  it('does not sample when no candidate label exists', async () => {
    const client = fakeClient(() => ({ status: 'success', data: ['filename'] }));
    const probe = await probeLoki(client, LOKI, { serviceLabel: 'service_name', traceId: 'logfmt' }, ['app'], NOW);
    expect(probe).toEqual({ ok: true, labels: ['filename'], samples: [] });
    expect(client.requests).toHaveLength(1);
  });

  it('reports a failing labels request', async () => {
    const client = fakeClient(() => {
      throw { status: 500, data: { message: 'Loki: connection refused' } };
    });
    expect(await probeLoki(client, LOKI, { serviceLabel: 'service_name', traceId: 'logfmt' }, [], NOW)).toEqual({
      ok: false,
      error: 'Loki: connection refused',
    });
  });

  it('refuses a service label that would change the query', () => {
    expect(() => lokiSampleQuery('service_name"} or {x="', { serviceLabel: 'x', traceId: 'json' })).toThrow(/Invalid/);
    expect(lokiLabelsUrl(LOKI, NOW)).toContain('end=1700000000000000000');
  });
});

/** Grafana's Tempo search answer: a `Traces` frame, one row per trace. */
function tracesFrame(ids: string[]) {
  return {
    schema: {
      name: 'Traces',
      refId: 'search',
      meta: { preferredVisualisationType: 'table' },
      fields: [
        { name: 'traceID', type: 'string' },
        { name: 'startTime', type: 'time' },
        { name: 'traceService', type: 'string' },
        { name: 'traceName', type: 'string' },
        { name: 'traceDuration', type: 'number' },
        { name: 'nested', type: 'nestedFrames' },
      ],
    },
    data: {
      values: [
        ids,
        ids.map(() => NOW),
        ids.map(() => 'checkout'),
        ids.map(() => 'GET /cart'),
        ids.map(() => 12),
        ids.map(() => []),
      ],
    },
  };
}

describe('Tempo probe', () => {
  it('runs a TraceQL search and counts the traces', async () => {
    const client = fakeClient(() => ({
      results: { search: { status: 200, frames: [tracesFrame(['a1', 'b2', 'c3'])] } },
    }));
    expect(await probeTempo(client, TEMPO, NOW)).toEqual({ ok: true, traces: 3 });
    const [query] = queriesOf(client.requests[0]);
    expect(query).toEqual(tempoSearchQuery(TEMPO));
    expect(query.queryType).toBe('traceql');
    expectValidTraceQL(String(query.query));
  });

  it('counts no traces in an empty answer', () => {
    expect(countTraces([tracesFrame([])])).toBe(0);
    expect(countTraces([])).toBe(0);
  });

  it('reports a search error', async () => {
    const client = fakeClient(() => ({
      results: { search: { status: 500, error: 'failed to search: 404 page not found' } },
    }));
    expect(await probeTempo(client, TEMPO, NOW)).toEqual({ ok: false, error: 'failed to search: 404 page not found' });
  });
});
