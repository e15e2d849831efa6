/**
 * The "errors only" filter on a real Loki started from the stack's loki.yaml, with lines the
 * test writes: OTLP records shaped like the demo's (payment's `charge failed` at severity
 * ERROR, with no error word in it), and logfmt and JSON lines with and without a level field.
 */
import { request } from 'node:http';

import { describeWherePresent, LOKI_HERE } from '../../stack/live/harness';
import { RunningLoki, startLoki } from '../testing/lokiServer';
import { LogConventions } from './conventions';
import { ERROR_WORD_LABEL, ERROR_WORDS, serviceLogs, streamSelector } from './logql';
import { logqlString } from './strings';

jest.setTimeout(180000);

const NS = BigInt(1e9);

function postOtlp(loki: RunningLoki, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${loki.url}/otlp/v1/logs`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function otlpRecord(
  at: bigint,
  severityNumber: number,
  severityText: string,
  body: string,
  attrs: Record<string, string> = {}
) {
  return {
    timeUnixNano: String(at),
    severityNumber,
    severityText,
    body: { stringValue: body },
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    attributes: Object.entries(attrs).map(([key, value]) => ({ key, value: { stringValue: value } })),
  };
}

describeWherePresent([LOKI_HERE], 'errors only on a real Loki (stack/loki/loki.yaml)', () => {
  let loki: RunningLoki;
  const now = BigInt(Date.now()) * BigInt(1e6);
  const at = (i: number) => now - BigInt(120 - i) * NS;
  const conv = (traceId: LogConventions['traceId']): LogConventions => ({ serviceLabel: 'service_name', traceId });

  const lines = async (query: string) => {
    const streams = await loki.queryLogs(query, now - BigInt(3600) * NS, now + NS);
    expect(streams.every((s) => !(ERROR_WORD_LABEL in s.stream))).toBe(true);
    return streams.flatMap((s) => s.values.map((v) => v[1])).sort();
  };

  beforeAll(async () => {
    loki = await startLoki();
    const status = await postOtlp(loki, {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }] },
          scopeLogs: [
            {
              scope: { name: 'pivot-demo/payment' },
              logRecords: [
                otlpRecord(at(1), 17, 'ERROR', 'charge failed', {
                  reason: 'card processor unavailable: upstream returned 503',
                }),
                otlpRecord(at(2), 9, 'INFO', 'charge authorized'),
                otlpRecord(at(3), 9, 'INFO', 'retried after a transient error'),
              ],
            },
          ],
        },
      ],
    });
    expect(status).toBe(204);
    await loki.push([
      {
        stream: { service_name: 'checkout' },
        values: [
          [String(at(10)), 'level=error msg="payment failed" order_id=o-1'],
          [String(at(11)), 'level=ERROR msg="stock reservation failed"'],
          [String(at(12)), 'level=info msg="retry after error" errors=1'],
          [String(at(13)), 'level=warn msg="slow orders insert"'],
          [String(at(14)), 'msg="no level field, but a panic"'],
          [String(at(15)), 'msg="no level field, all fine"'],
        ],
      },
      {
        stream: { service_name: 'orders-api' },
        values: [
          [String(at(20)), '{"level":"error","msg":"boom"}'],
          [String(at(21)), '{"level":"info","msg":"error words, but info"}'],
          [String(at(22)), '{"level":"fatal","msg":"out of memory"}'],
          [String(at(23)), '{"msg":"no level field, a critical one"}'],
          [String(at(24)), '{"msg":"no level field, fine"}'],
        ],
      },
    ]);
    // Ingested: every line is there before the filters are asked about (bounded attempts).
    for (let i = 0; i < 40; i++) {
      if ((await lines(streamSelector(conv('logfmt')))).length === 14) {
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await lines(streamSelector(conv('logfmt')))).toHaveLength(14);
  });

  afterAll(async () => {
    await loki?.stop();
  });

  it('logfmt: payment`s OTLP `charge failed` records are errors by their severity, though no error word is in them', async () => {
    expect(await lines(serviceLogs(conv('logfmt'), { service: 'payment', errorsOnly: true }))).toEqual([
      'charge failed',
    ]);
    // The word match alone (the filter before) found none of them.
    expect(await lines(`{service_name="payment"} |~ ${logqlString(ERROR_WORDS)}`)).toEqual([
      'retried after a transient error',
    ]);
  });

  it('logfmt: the level field decides; the word match only where there is no level', async () => {
    expect(await lines(serviceLogs(conv('logfmt'), { service: 'checkout', errorsOnly: true }))).toEqual(
      [
        'level=ERROR msg="stock reservation failed"',
        'level=error msg="payment failed" order_id=o-1',
        'msg="no level field, but a panic"',
      ].sort()
    );
  });

  it('JSON: the level field decides; the word match only where there is no level', async () => {
    expect(await lines(serviceLogs(conv('json'), { service: 'orders-api', errorsOnly: true }))).toEqual(
      [
        '{"level":"error","msg":"boom"}',
        '{"level":"fatal","msg":"out of memory"}',
        '{"msg":"no level field, a critical one"}',
      ].sort()
    );
    expect(await lines(serviceLogs(conv('json'), { service: 'payment', errorsOnly: true }))).toEqual(['charge failed']);
  });

  it('OTLP (structured metadata): detected_level from the severity', async () => {
    expect(await lines(serviceLogs(conv('structured-metadata'), { service: 'payment', errorsOnly: true }))).toEqual([
      'charge failed',
    ]);
  });

  it('the OTLP record`s reason is structured metadata beside the line, not in it (docs/local-stack.md, step 5)', async () => {
    const streams = await loki.queryLogs(
      serviceLogs(conv('structured-metadata'), { service: 'payment', errorsOnly: true }),
      now - BigInt(3600) * NS,
      now + NS
    );
    expect(streams.map((s) => [s.values.map((v) => v[1]), s.stream.reason, s.stream.trace_id])).toEqual([
      [['charge failed'], 'card processor unavailable: upstream returned 503', '0af7651916cd43dd8448eb211c80319c'],
    ]);
  });

  it('a text filter and errors only together', async () => {
    expect(
      await lines(serviceLogs(conv('logfmt'), { service: 'checkout', errorsOnly: true, lineFilter: 'payment' }))
    ).toEqual(['level=error msg="payment failed" order_id=o-1']);
  });
});
