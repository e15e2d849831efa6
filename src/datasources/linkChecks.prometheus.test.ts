// jsdom (the default environment): the module under test reaches @grafana/data, which needs a window.
/**
 * The exemplar-storage check against real Prometheus servers, through the same resource path
 * Grafana proxies (`/api/datasources/uid/<uid>/resources/api/v1/…`, rewritten here to the
 * server): a target the test serves exposes a latency histogram with an exemplar, scraped by a
 * Prometheus with exemplar storage (the exemplar is counted) and by one without (none is kept,
 * and the check says how to enable it); a server that is gone is reported as unanswered.
 */
import { createServer, get, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describeWithPrometheus } from '../testing/describeWithPrometheus';
import { freePort, RunningPrometheus, startPrometheus } from '../testing/prometheus';
import { poll } from '../testing/poll';
import { exemplarStorageFindings, probeExemplars } from './linkChecks';
import type { DataSourceSummary } from './lookup';
import type { ProbeClient } from './probes';

const PROM: DataSourceSummary = { uid: 'pivot-prometheus', name: 'Prometheus', type: 'prometheus' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const OPENMETRICS = [
  '# TYPE traces_spanmetrics_latency histogram',
  `traces_spanmetrics_latency_bucket{service="checkout",le="0.5"} 10 # {trace_id="${TRACE_ID}"} 0.3`,
  'traces_spanmetrics_latency_bucket{service="checkout",le="+Inf"} 12',
  'traces_spanmetrics_latency_count{service="checkout"} 12',
  'traces_spanmetrics_latency_sum{service="checkout"} 3.2',
  '# EOF',
  '',
].join('\n');

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) {
          reject({ status: res.statusCode, data: { message: body } });
          return;
        }
        resolve(JSON.parse(body));
      });
    }).on('error', reject);
  });
}

/** Grafana's resource proxy, as the probe sees it: the data source's resource path, answered by `base`. */
function proxyTo(base: string): ProbeClient {
  return {
    request: async ({ url }) => getJson(`${base}${url.replace(/^\/api\/datasources\/uid\/[^/]+\/resources/, '')}`),
  };
}

async function serveTarget(): Promise<{ server: Server; target: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    res.end(OPENMETRICS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Asks until `done` holds for the answer, once per scrape interval (1 s), at most 31 times. */
async function probeUntil(
  client: ProbeClient,
  done: (exemplars: number) => boolean
): Promise<Awaited<ReturnType<typeof probeExemplars>>> {
  let probe: Awaited<ReturnType<typeof probeExemplars>> | undefined;
  return poll(
    'the scraped exemplar in the exemplars API',
    31,
    1000,
    async () => {
      probe = await probeExemplars(client, PROM, 'tempo-spanmetrics', Date.now());
      return probe.ok && done(probe.exemplars) ? probe : undefined;
    },
    () => JSON.stringify(probe)
  );
}

/** Whether the target's series has been scraped, asked once per scrape interval, at most 30 times. */
async function scraped(prom: RunningPrometheus): Promise<boolean> {
  return poll('the first scrape of the target', 30, 1000, async () =>
    (await prom.instant('traces_spanmetrics_latency_count', Date.now() / 1000)).length > 0 ? true : undefined
  );
}

describeWithPrometheus('exemplar-storage check against real Prometheus servers', () => {
  let target: { server: Server; target: string };
  let withStorage: RunningPrometheus;
  let without: RunningPrometheus;

  beforeAll(async () => {
    target = await serveTarget();
    const scrapeTargets = [{ job: 'demo', target: target.target }];
    [withStorage, without] = await Promise.all([
      startPrometheus({ scrapeTargets, flags: ['--enable-feature=exemplar-storage'] }),
      startPrometheus({ scrapeTargets }),
    ]);
  }, 120000);

  afterAll(async () => {
    await Promise.all([withStorage?.stop(), without?.stop()]);
    await new Promise((resolve) => target?.server.close(resolve));
  });

  it("counts the scraped exemplar when Prometheus stores exemplars, and says it's fine", async () => {
    const probe = await probeUntil(proxyTo(withStorage.url), (n) => n > 0);
    expect(probe).toEqual({ ok: true, exemplars: 1 });
    expect(exemplarStorageFindings(probe, 'tempo-spanmetrics').map((f) => f.level)).toEqual(['ok']);
  });

  it('finds none without exemplar storage, though the series is scraped, and names the flag', async () => {
    expect(await scraped(without)).toBe(true);
    const probe = await probeExemplars(proxyTo(without.url), PROM, 'tempo-spanmetrics', Date.now());
    expect(probe).toEqual({ ok: true, exemplars: 0 });
    const [finding] = exemplarStorageFindings(probe, 'tempo-spanmetrics');
    expect(finding.level).toBe('warning');
    expect(finding.fix).toContain('--enable-feature=exemplar-storage');
  });

  it('reports a server that does not answer as unanswered, not as storage off', async () => {
    const gone = `http://127.0.0.1:${await freePort()}`;
    const probe = await probeExemplars(proxyTo(gone), PROM, 'tempo-spanmetrics', Date.now());
    expect(probe.ok).toBe(false);
    const [finding] = exemplarStorageFindings(probe, 'tempo-spanmetrics');
    expect(finding.text).toMatch(/^Prometheus did not answer the exemplars request/);
    expect(finding.fix).not.toContain('exemplar-storage');
  });
});
