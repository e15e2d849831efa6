// jsdom (the default environment): the graph model's frames come from @grafana/data.
/**
 * Issue 18, item 2, on a real Tempo started from stack/tempo/tempo.yaml (loopback, temp dir,
 * its metrics-generator writing to a real Prometheus): calls of 10 to 60 ms between two
 * services give service-graph latency buckets from 5 ms, and Pivot's graph reads a measured
 * p95 for the edge, not a bucket's bound (with Tempo's default buckets it read 0.095 s).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instantFrame } from '../src/analysis/fixtures/serviceGraphMetrics';
import { GraphEdge, graphFromMetrics } from '../src/analysis/serviceGraph';
import { graphQueries } from '../src/datasources/serviceGraph';
import { poll } from '../src/testing/poll';
import { stopChild } from '../src/testing/processes';
import { freePort, RunningPrometheus, startPrometheus } from '../src/testing/prometheus';
import { binaryOf, describeWherePresent, TEMPO_HERE } from './live/harness';
import { CONFIG_FILES, readStackFile, tempoConfig } from './native/configs';

jest.setTimeout(300000);

const BOUNDS_FROM_STACK = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** One trace: checkout's client span and payment's server span under it, `ms` long. */
function trace(i: number, ms: number, startNs: bigint) {
  const traceId = hex(i + 1, 32);
  const client = hex(2 * i + 1, 16);
  const server = hex(2 * i + 2, 16);
  const end = startNs + BigInt(Math.round(ms * 1e6));
  const span = (spanId: string, parent: string, kind: number, s: bigint, e: bigint) => ({
    traceId,
    spanId,
    parentSpanId: parent,
    name: 'POST /charge',
    kind,
    startTimeUnixNano: String(s),
    endTimeUnixNano: String(e),
    status: {},
  });
  const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: service } }] });
  return [
    { resource: resource('checkout'), scopeSpans: [{ spans: [span(client, '', 3, startNs, end + BigInt(1e6))] }] },
    { resource: resource('payment'), scopeSpans: [{ spans: [span(server, client, 2, startNs + BigInt(5e5), end)] }] },
  ];
}

describeWherePresent([TEMPO_HERE], 'service-graph p95 from a real Tempo with the stack`s buckets (issue 18)', () => {
  let prom: RunningPrometheus;
  let tempo: ChildProcess | undefined;
  let dir = '';
  let log = '';
  let otlpUrl = '';
  let sent = 0;

  /** A batch of calls of 10 to 60 ms, spread evenly, ending now (the generator drops old spans). */
  const sendBatch = async (size: number) => {
    const now = BigInt(Date.now()) * BigInt(1e6);
    const resourceSpans = Array.from({ length: size }, (_, i) =>
      trace(sent + i, 10 + (50 * i) / (size - 1), now - BigInt(size - i) * BigInt(1e7))
    ).flat();
    sent += size;
    expect(await post(otlpUrl, JSON.stringify({ resourceSpans }))).toBe(200);
  };

  beforeAll(async () => {
    prom = await startPrometheus({ flags: ['--web.enable-remote-write-receiver'] });
    dir = mkdtempSync(join(tmpdir(), 'pivot-tempo-'));
    const ports = {
      http: await freePort(),
      grpc: await freePort(),
      otlpGrpc: await freePort(),
      otlpHttp: await freePort(),
    };
    const config = join(dir, 'tempo.yaml');
    writeFileSync(
      config,
      tempoConfig(readStackFile(CONFIG_FILES.tempo), {
        ...ports,
        remoteWrite: `${prom.url}/api/v1/write`,
        dataDir: dir,
      })
    );
    tempo = spawn(binaryOf('TEMPO_BIN', 'tempo'), [`-config.file=${config}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c: Buffer) => (log = (log + c.toString()).slice(-4000));
    tempo.stdout?.on('data', keep);
    tempo.stderr?.on('data', keep);
    await poll(
      'tempo ready',
      240,
      500,
      async () => {
        if (tempo!.exitCode !== null) {
          throw new Error(`tempo exited: ${log}`);
        }
        return (await get(`http://127.0.0.1:${ports.http}/ready`)) === 200 ? true : undefined;
      },
      () => log
    );
    otlpUrl = `http://127.0.0.1:${ports.otlpHttp}/v1/traces`;
  });

  afterAll(async () => {
    if (tempo) {
      await stopChild(tempo);
    }
    await prom?.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes buckets from 5 ms, and the checkout → payment p95 is measured between 10 and 100 ms', async () => {
    // Traffic keeps coming (bounded: at most 150 batches of 11 calls, one a second) until the
    // generator's writes (every 15 s) give the edge a rate, as the Graph page asks for it.
    const bucket = 'traces_service_graph_request_server_seconds_bucket{client="checkout",server="payment"}';
    const graphNow = async () => {
      const at = Date.now() / 1000;
      const frames = [];
      for (const q of graphQueries({ window: '5m' })) {
        for (const s of await prom.instant(q.expr, at)) {
          frames.push(instantFrame(q.refId, s.metric, s.value, at * 1000));
        }
      }
      return graphFromMetrics(frames);
    };
    let edge: GraphEdge | undefined;
    await poll(
      'the checkout → payment edge with a p95',
      150,
      1000,
      async () => {
        await sendBatch(11);
        edge = (await graphNow()).edges.find((e) => e.id === 'checkout → payment');
        return edge?.p95 === undefined ? undefined : edge;
      },
      () => JSON.stringify(edge)
    );
    const bounds = (await prom.instant(`max by (le) (${bucket})`, Date.now() / 1000))
      .map((s) => Number(s.metric.le))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    expect(bounds).toEqual(BOUNDS_FROM_STACK);
    expect(edge?.p95).toBeDefined();
    expect(edge?.p95Edge).toBeUndefined();
    expect(edge?.p95).toBeGreaterThan(0.01);
    expect(edge?.p95).toBeLessThan(0.1);
  });
});
