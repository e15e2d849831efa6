/**
 * @jest-environment node
 *
 * Reading the backends' answers (shapes in answers.ts' header and fixtures/backendAnswers.ts).
 */
import fc from 'fast-check';

import { analyzeTrace } from '../analysis/traceAnalysis';
import {
  dataFrame,
  grafanaFrames,
  grafanaLogLines,
  grafanaTraceHits,
  lokiLines,
  otlpId,
  otlpTraceFrame,
  prometheusVector,
  tempoHits,
} from './answers';
import { failingCheckout, lokiQueryRange, otlpTrace, tempoSearch } from './fixtures/backendAnswers';
import { BackendError } from './http';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(BackendError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('Prometheus answers', () => {
  it('reads a vector, NaN included', () => {
    const body = {
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { service: 'a' }, value: [1700000000.5, '0.25'] },
          { metric: {}, value: [1700000000.5, 'NaN'] },
        ],
      },
    };
    const samples = prometheusVector(body, 'q');
    expect(samples[0]).toEqual({ labels: { service: 'a' }, value: 0.25 });
    expect(samples[1].value).toBeNaN();
  });

  it('names the refusal and the query', () => {
    expect(
      errorOf(() => prometheusVector({ status: 'error', errorType: 'bad_data', error: 'parse error' }, 'up{'))
    ).toBe('Prometheus refused the query: parse error (query: up{)');
    expect(
      errorOf(() => prometheusVector({ status: 'success', data: { resultType: 'matrix', result: [] } }, 'q'))
    ).toBe('Prometheus answered a matrix result, not a vector (query: q)');
    expect(errorOf(() => prometheusVector({ traces: [] }, 'q'))).toContain("is this Prometheus' root URL?");
  });
});

describe('Loki answers', () => {
  it('merges stream labels, structured metadata and parsed labels, newest first by nanosecond', () => {
    const body = lokiQueryRange([
      { stream: { service_name: 'a' }, values: [['1700000000000000001', 'older']] },
      { stream: { service_name: 'a', trace_id: TRACE_ID }, values: [['1700000000000000002', 'newer']] },
    ]) as { data: { result: Array<{ values: unknown[][] }> } };
    body.data.result[0].values[0].push({ structuredMetadata: { trace_id: 'abc' }, parsed: { level: 'error' } });
    expect(lokiLines(body, 'q')).toEqual([
      { timeMs: 1_700_000_000_000, line: 'newer', labels: { service_name: 'a', trace_id: TRACE_ID } },
      { timeMs: 1_700_000_000_000, line: 'older', labels: { service_name: 'a', trace_id: 'abc', level: 'error' } },
    ]);
    expect(errorOf(() => lokiLines({ status: 'success', data: { resultType: 'matrix', result: [] } }, 'q'))).toBe(
      'Loki answered a matrix result, not streams (query: q)'
    );
  });
});

describe('Tempo answers', () => {
  it('reads search hits with the spans matched', () => {
    const body = tempoSearch([
      {
        traceID: TRACE_ID,
        rootServiceName: 'storefront',
        rootTraceName: 'GET /',
        startMs: 1_700_000_000_123,
        durationMs: 42,
        matched: 3,
      },
    ]);
    expect(tempoHits(body)).toEqual([
      {
        traceId: TRACE_ID,
        rootService: 'storefront',
        rootName: 'GET /',
        startMs: 1_700_000_000_123,
        durationMs: 42,
        matched: 3,
      },
    ]);
    expect(tempoHits({ traces: [{ traceID: 'ab', spanSet: { matched: 2 } }] })[0].matched).toBe(2);
    expect(tempoHits({})).toEqual([]);
  });

  it('reads ids as hex or protobuf base64', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (span, trace) => {
          for (const bytes of [span, trace]) {
            const hex = Buffer.from(bytes).toString('hex');
            expect([otlpId(Buffer.from(bytes).toString('base64')), otlpId(hex.toUpperCase())]).toEqual([hex, hex]);
          }
        }
      )
    );
    expect(otlpId('not base64!')).toBe('');
    expect(otlpId(undefined)).toBe('');
  });

  it('turns OTLP JSON into the trace frame the Trace page analyses', () => {
    const start = 1_700_000_000_000;
    const frame = otlpTraceFrame(otlpTrace(TRACE_ID, start, failingCheckout('payment')));
    expect(frame.length).toBe(5);
    const analysis = analyzeTrace(frame);
    expect(analysis.traceId).toBe(TRACE_ID);
    expect(analysis.failingSpanCount).toBe(5);
    expect(analysis.failureOrigin).toMatchObject({
      spanId: '00000000000000c2',
      serviceName: 'payment',
      operationName: 'authorize card',
      statusMessage: 'card declined',
      durationMs: 300,
    });
    expect(analysis.getSpan('00000000000000b2')?.kind).toBe('client');
    expect(analysis.startMs).toBe(start);
    // The older OTLP names, numbers for enums, and the v2 endpoint's wrapper.
    const old = {
      trace: {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'x' } }] },
            instrumentationLibrarySpans: [
              {
                spans: [
                  {
                    traceId: TRACE_ID,
                    spanId: '00000000000000a1',
                    name: 'op',
                    kind: 2,
                    startTimeUnixNano: '1000000',
                    endTimeUnixNano: '3000000',
                    status: { code: 2 },
                  },
                ],
              },
            ],
          },
        ],
      },
    };
    expect(analyzeTrace(otlpTraceFrame(old)).failureOrigin).toMatchObject({
      serviceName: 'x',
      operationName: 'op',
      durationMs: 2,
    });
    expect(errorOf(() => otlpTraceFrame({ traces: [] }))).toContain('is not a trace');
  });
});

describe('Grafana frames', () => {
  it('puts NaN and infinities back from data.entities', () => {
    const frame = dataFrame(
      {
        schema: {
          fields: [
            { name: 'Time', type: 'time' },
            { name: 'Value', type: 'number', labels: { a: 'b' } },
          ],
        },
        data: {
          values: [
            [1, 2, 3],
            [null, 0.5, null],
          ],
          entities: [null, { NaN: [0], Inf: [2] }],
        },
      },
      'A'
    );
    expect(frame.refId).toBe('A');
    expect(frame.fields[1].labels).toEqual({ a: 'b' });
    expect(frame.fields[1].values).toEqual([NaN, 0.5, Infinity]);
  });

  it("names a query's error and the query", () => {
    expect(errorOf(() => grafanaFrames({ results: { A: { error: 'bad query' } } }, 'A', 'up{'))).toBe(
      'the data source refused query A: bad query (query: up{)'
    );
    expect(errorOf(() => grafanaFrames({ message: 'x' }, 'A', 'q'))).toContain('without query results');
  });

  it('reads both Loki frame shapes and the Tempo search frame by field name', () => {
    const classic = dataFrame(
      {
        schema: { fields: [{ name: 'Line' }, { name: 'labels' }, { name: 'Time' }] },
        data: {
          values: [
            ['one', 'two'],
            [{ trace_id: 'a' }, '{"trace_id":"b"}'],
            [1, 2],
          ],
        },
      },
      'L'
    );
    const dataplane = dataFrame(
      {
        schema: { fields: [{ name: 'timestamp' }, { name: 'body' }, { name: 'labels' }] },
        data: { values: [[3], ['three'], [{}]] },
      },
      'L'
    );
    expect(grafanaLogLines([classic, dataplane]).map((l) => [l.timeMs, l.line, l.labels.trace_id])).toEqual([
      [3, 'three', undefined],
      [2, 'two', 'b'],
      [1, 'one', 'a'],
    ]);
    const traces = dataFrame(
      {
        schema: {
          name: 'Traces',
          fields: ['traceService', 'traceID', 'traceName', 'startTime', 'traceDuration'].map((name) => ({ name })),
        },
        data: { values: [['s'], [TRACE_ID], ['GET /'], [5], [12]] },
      },
      'T'
    );
    expect(grafanaTraceHits([traces])).toEqual([
      { traceId: TRACE_ID, rootService: 's', rootName: 'GET /', startMs: 5, durationMs: 12 },
    ]);
  });
});
