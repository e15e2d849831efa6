/**
 * SIGTERM under load: a demo service stops cleanly (exit code 0, not the 5 s last resort's 1)
 * while keep-alive clients keep sending requests.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../src/testing/prometheus';

const MAIN = join(__dirname, '..', 'src', 'main.ts');
/** Safety limit only: the test waits on the exit event, this just keeps a hang from hanging the suite. */
const SAFETY_MS = 20000;
const WORKERS = 20;
const PER_WORKER = 500;
const SIGTERM_AFTER = 200;

async function startService(service: string, env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, service], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEMO_LOG_STDOUT: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-2000)));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      output = (output + c.toString()).slice(-2000);
      if (output.includes(' listening on ')) {
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${service} exited with ${code} before listening: ${output}`)));
  });
  return { child, port, output: () => output };
}

/** Keep-alive load: WORKERS clients, each at most PER_WORKER requests, until told to stop. */
function load(port: number, path: string, onAnswer: (answered: number) => void) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  let stopped = false;
  let answered = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => {
            answered++;
            onAnswer(answered);
            resolve();
          });
          res.on('error', () => resolve());
        }
      );
      req.on('error', () => resolve());
      req.end('{"orderId":"o-1","amount":10}');
    });
  const done = Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (let i = 0; i < PER_WORKER && !stopped; i++) {
        await one();
      }
    })
  );
  return {
    answered: () => answered,
    stop: async () => {
      stopped = true;
      await done;
      agent.destroy();
    },
  };
}

async function sigtermUnderLoad(service: string, path: string, env: Record<string, string>) {
  const { child, port, output } = await startService(service, env);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let signalled = false;
  let answeredAtSigterm = 0;
  const sent = new Promise<void>((resolve) => {
    const traffic = load(port, path, (answered) => {
      if (!signalled && answered >= SIGTERM_AFTER) {
        signalled = true;
        answeredAtSigterm = answered;
        child.kill('SIGTERM');
        resolve();
      }
    });
    exited.finally(() => traffic.stop());
  });
  const safety = setTimeout(() => child.kill('SIGKILL'), SAFETY_MS);
  try {
    await sent;
    const [code, signal] = await exited;
    assert.equal(signal, null, `${service} was killed by the safety limit (${SAFETY_MS} ms) after SIGTERM: ${output()}`);
    assert.equal(code, 0, `${service} exited with ${code} (1: the 5 s last resort fired): ${output()}`);
    assert.ok(answeredAtSigterm >= SIGTERM_AFTER, 'the service was answering under load when it got SIGTERM');
  } finally {
    clearTimeout(safety);
  }
}

describe('demo services stop promptly and cleanly on SIGTERM under load', () => {
  it('payment, telemetry kept in memory', async () => {
    await sigtermUnderLoad('payment', '/charge', { DEMO_TELEMETRY: 'local' });
  });

  it('payment, exporting over OTLP to a collector that is not there', async () => {
    const nobody = await freePort();
    await sigtermUnderLoad('payment', '/charge', {
      DEMO_TELEMETRY: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${nobody}`,
    });
  });

  it('the fulfilment worker, polling a queue that is not there', async () => {
    const nobody = await freePort();
    const { child, output } = await startService('fulfilment', { DEMO_TELEMETRY: 'local', QUEUE_URL: `http://127.0.0.1:${nobody}` });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const safety = setTimeout(() => child.kill('SIGKILL'), SAFETY_MS);
    child.kill('SIGTERM');
    try {
      const [code, signal] = await exited;
      assert.equal(signal, null, output());
      assert.equal(code, 0, output());
    } finally {
      clearTimeout(safety);
    }
  });

  it('the load generator, at its lowest rate (one request every 10 s)', async () => {
    const nobody = await freePort();
    const { child, output } = await startService('loadgen', {
      DEMO_TELEMETRY: 'local',
      LOADGEN_RATE: '0.1',
      LOADGEN_MAX_REQUESTS: '3',
      STOREFRONT_URL: `http://127.0.0.1:${nobody}`,
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const safety = setTimeout(() => child.kill('SIGKILL'), SAFETY_MS);
    child.kill('SIGTERM');
    try {
      const [code, signal] = await exited;
      assert.equal(signal, null, output());
      assert.equal(code, 0, output());
    } finally {
      clearTimeout(safety);
    }
  });
});
