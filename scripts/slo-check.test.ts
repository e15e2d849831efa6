/**
 * @jest-environment node
 *
 * `npm run slo-check` against a Prometheus HTTP API stand-in that answers each query with the
 * vector a test sets, to check the command's contract (help, exit codes, --allow-no-data for
 * every SLI type, messages naming the URL and cause). The command runs in this process (its
 * output and exit status captured), and once as the child process a release gate runs. The
 * budget arithmetic against a real Prometheus is checked in src/slo/rules.prometheus.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { freePort } from '../src/testing/prometheus';
import { sloCheck as runSloCheck } from './slo-check';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

const AVAILABILITY = {
  name: 'checkout-availability',
  service: 'checkout',
  sli: { type: 'availability' },
  objective: 99.9,
  period: '30d',
};
const LATENCY = {
  name: 'checkout-latency',
  service: 'checkout',
  sli: { type: 'latency', thresholdSeconds: 0.5 },
  objective: 99,
  period: '28d',
};
const CONVENTIONS = { family: 'http-semconv', serviceLabel: 'job' };

interface Answer {
  status?: number;
  body: string;
}

const vector = (samples: Array<{ metric?: Record<string, string>; value: string }>): Answer => ({
  body: JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: samples.map((s) => ({ metric: s.metric ?? {}, value: [1700000000, s.value] })),
    },
  }),
});
const NOTHING = vector([]);
const BOUNDARIES = vector(['0.25', '0.5', '1', '+Inf'].map((le) => ({ metric: { le }, value: '1' })));

/** The stand-in: the bucket-boundary probe (`group by (le)`) and the SLI query answer what the test set. */
let answers: { probe: Answer; ratio: Answer };
let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      const answer =
        req.url === '/api/v1/query' ? (query.includes('group by (le)') ? answers.probe : answers.ratio) : undefined;
      res.writeHead(answer?.status ?? (answer ? 200 : 404), { 'Content-Type': 'application/json' });
      res.end(answer?.body ?? '404 page not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'pivot-slo-check-'));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  answers = { probe: BOUNDARIES, ratio: vector([{ value: '0.0001' }]) };
});

function sloFile(slos: object[], name = 'slos.yaml', content: object = { conventions: CONVENTIONS, slos }): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(content));
  return file;
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function sloCheck(args: string[]): Promise<Run> {
  const run = { stdout: '', stderr: '' };
  const status = await runSloCheck(args, {
    stdout: (text) => (run.stdout += text),
    stderr: (text) => (run.stderr += text),
  });
  return { status, ...run };
}

/** The command as a child process, asynchronously: the stand-in answers from this process's event loop. */
function sloCheckProcess(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(ROOT, 'scripts/slo-check.ts'), ...args],
      { cwd: ROOT, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ status, stdout, stderr });
      }
    );
  });
}

describe('slo-check', () => {
  it('--help prints the usage and the exit codes, and exits 0', async () => {
    const run = await sloCheckProcess(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run --silent slo-check -- <slos\.yaml/);
    expect(run.stdout).toContain('--allow-no-data');
    expect(run.stdout).toContain('2  bad arguments');
  });

  it('as a process, exits 1 on a failed SLO and 2 on a bad argument', async () => {
    answers.ratio = vector([{ value: '0.5' }]);
    const exhausted = await sloCheckProcess([sloFile([AVAILABILITY]), '--prometheus', url]);
    expect(exhausted.status).toBe(1);
    expect(exhausted.stdout).toMatch(/^FAIL checkout-availability: exhausted: budget remaining -/);
    const bad = await sloCheck(['--prometheus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^slo-check: no SLO file given\nusage: /);
  });

  it('prints validation warnings on stderr, keeps the verdicts on stdout and the exit status', async () => {
    const low = { ...AVAILABILITY, name: 'checkout-low', objective: 90 };
    const file = sloFile([AVAILABILITY, low]);
    const run = await sloCheck([file, '--prometheus', url]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ok {3}checkout-availability: /),
      expect.stringMatching(/^ok {3}checkout-low: /),
      '',
    ]);
    expect(run.stderr).toMatch(
      new RegExp(
        `^warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: slos\\[1\\] \\(checkout-low\\)\\.objective: .*can never fire.*\n$`
      )
    );
  });

  it('passes a budget that is left', async () => {
    const run = await sloCheck([sloFile([AVAILABILITY]), '--prometheus', url]);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe(
      'ok   checkout-availability: budget remaining 90.00% (error ratio 0.01% over 30d, objective 99.9%)\n'
    );
  });

  it('fails an SLO without data, availability and latency alike, and --allow-no-data passes both', async () => {
    answers = { probe: NOTHING, ratio: NOTHING };
    const file = sloFile([AVAILABILITY, LATENCY]);
    const strict = await sloCheck([file, '--prometheus', url]);
    expect(strict.status).toBe(1);
    expect(strict.stdout.split('\n')).toEqual([
      'FAIL checkout-availability: no data: no requests of checkout in the last 30d',
      'FAIL checkout-latency: no data: no latency histogram series of checkout in the last 28d',
      '',
    ]);
    const allowed = await sloCheck([file, '--prometheus', url, '--allow-no-data']);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout.split('\n')).toEqual([
      'ok   checkout-availability: no data: no requests of checkout in the last 30d',
      'ok   checkout-latency: no data: no latency histogram series of checkout in the last 28d',
      '',
    ]);
  });

  it('a latency SLO with a histogram but no requests in the period is no data too', async () => {
    answers = { probe: BOUNDARIES, ratio: NOTHING };
    const run = await sloCheck([sloFile([LATENCY]), '--prometheus', url, '--allow-no-data']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ok   checkout-latency: no data: no requests of checkout in the last 28d\n');
  });

  it('--allow-no-data does not pass a threshold that is not a bucket boundary', async () => {
    const run = await sloCheck([
      sloFile([{ ...LATENCY, sli: { type: 'latency', thresholdSeconds: 0.3 } }]),
      '--prometheus',
      url,
      '--allow-no-data',
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAIL checkout-latency: invalid: The threshold 0.3s is not a bucket boundary');
  });

  it('names the URL and the network error when nothing listens there', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await sloCheck([sloFile([AVAILABILITY]), '--prometheus', `${closed}/`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `slo-check: cannot reach Prometheus at ${closed}/api/v1/query: connection refused (nothing listens there) (ECONNREFUSED)\n`
    );
  });

  it('names the URL when the answer is not Prometheus JSON, and Prometheus’ error with the query', async () => {
    const notPrometheus = await sloCheck([sloFile([AVAILABILITY]), '--prometheus', `${url}/prometheus`]);
    expect(notPrometheus.status).toBe(2);
    expect(notPrometheus.stderr).toBe(
      `slo-check: Prometheus at ${url}/prometheus/api/v1/query answered 404 Not Found: not found: is this the root URL of the right server? (body: 404 page not found)\n`
    );
    answers.ratio = {
      status: 422,
      body: JSON.stringify({ status: 'error', errorType: 'execution', error: 'query timed out' }),
    };
    const refused = await sloCheck([sloFile([AVAILABILITY]), '--prometheus', url]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`^slo-check: Prometheus at ${url} answered 422: query timed out; query: `)
    );
  });

  it('reads the SLOs of the Pivot app in a provisioning file', async () => {
    const provisioning = sloFile([], 'app.yaml', {
      apiVersion: 1,
      apps: [{ type: 'pivot-correlation-app', org_id: 1, jsonData: { metrics: CONVENTIONS, slos: [AVAILABILITY] } }],
    });
    const run = await sloCheck([provisioning, '--prometheus', url]);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/^ok {3}checkout-availability: budget remaining 90\.00%/);
  });
});
