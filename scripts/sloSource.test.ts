/**
 * @jest-environment node
 *
 * SLOs read from a `slos.yaml` or from the app's provisioning file, and `npm run slo-rules` on
 * the provisioning file giving the same rules as on the equivalent `slos.yaml`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

import { readSloSource } from './sloSource';

const ROOT = join(__dirname, '..');

const SLOS = [
  { name: 'checkout-availability', service: 'checkout', sli: { type: 'availability' }, objective: 99.9, period: '30d' },
  {
    name: 'checkout-latency',
    service: 'checkout',
    sli: { type: 'latency', thresholdSeconds: 0.5 },
    objective: 99,
    period: '28d',
    labels: { team: 'payments' },
  },
];

function provisioning(jsonData: object, extraApps: object[] = []): string {
  return stringify({
    apiVersion: 1,
    apps: [...extraApps, { type: 'pivot-correlation-app', org_id: 1, disabled: false, jsonData }],
  });
}

describe('readSloSource', () => {
  it('reads jsonData.slos and jsonData.metrics of the Pivot app, as a slos.yaml with those conventions', () => {
    const fromProvisioning = readSloSource(
      provisioning({ metrics: { family: 'http-semconv', serviceLabel: 'job' }, slos: SLOS }, [{ type: 'other-app' }]),
      'app.yaml'
    );
    const fromFile = readSloSource(
      stringify({ conventions: { family: 'http-semconv', serviceLabel: 'job' }, slos: SLOS }),
      'slos.yaml'
    );
    expect(fromProvisioning.ok).toBe(true);
    expect(fromProvisioning).toEqual(fromFile);
  });

  it("uses the family's default service label when the settings leave it empty", () => {
    const parsed = readSloSource(
      provisioning({ metrics: { family: 'tempo-spanmetrics', serviceLabel: '' }, slos: SLOS }),
      'app.yaml'
    );
    expect(parsed.ok && parsed.value.conventions).toEqual({ family: 'tempo-spanmetrics', serviceLabel: 'service' });
  });

  it('asks for the metric family when the settings leave it to detection', () => {
    const parsed = readSloSource(provisioning({ metrics: { family: 'auto' }, slos: SLOS }), 'app.yaml');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual([
      expect.stringMatching(
        /^app\.yaml:\d+: apps\[0\]\.jsonData\.metrics\.family: the rules are written for one metric family, so name it \(.*http-semconv.*\); got "auto"/
      ),
    ]);
  });

  it('says when there are no SLOs, or no Pivot app, or one per org', () => {
    const none = readSloSource(provisioning({ metrics: { family: 'http-semconv' } }), 'app.yaml');
    expect(!none.ok && none.errors[0]).toMatch(/^app\.yaml:\d+: apps\[0\]\.jsonData\.slos: no SLOs defined here/);
    const noApp = readSloSource(stringify({ apiVersion: 1, apps: [{ type: 'other-app' }] }), 'app.yaml');
    expect(!noApp.ok && noApp.errors).toEqual([
      'app.yaml: a provisioning file without an app of type pivot-correlation-app under apps; nothing to read',
    ]);
    const two = readSloSource(
      provisioning({ metrics: { family: 'http-semconv' }, slos: SLOS }, [{ type: 'pivot-correlation-app', org_id: 2 }]),
      'app.yaml'
    );
    expect(!two.ok && two.errors[0]).toMatch(/^app\.yaml: 2 apps of type pivot-correlation-app/);
  });

  it('points an invalid SLO at its line in the provisioning file', () => {
    const text = provisioning({ metrics: { family: 'http-semconv' }, slos: [SLOS[0], { ...SLOS[1], objective: 120 }] });
    const parsed = readSloSource(text, 'app.yaml');
    expect(parsed.ok).toBe(false);
    const line = text.split('\n').findIndex((l) => l.includes('objective: 120')) + 1;
    const message = !parsed.ok ? parsed.errors.join('\n') : '';
    expect(message).toMatch(/objective/);
    // The message starts at the SLO (or its key) in the provisioning file, not in a slos.yaml.
    const cited = Number(/^app\.yaml:(\d+): /.exec(message)?.[1]);
    expect(cited).toBeGreaterThan(0);
    expect(cited).toBeLessThanOrEqual(line);
  });
});

describe('npm run slo-rules', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pivot-slo-rules-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function sloRules(file: string): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        join(ROOT, 'node_modules/.bin/tsx'),
        [join(ROOT, 'scripts/slo-rules.ts'), file, '--grafana-url', 'https://grafana.example.com'],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
      );
    });
  }

  it('prints the same rules from the provisioning file as from the equivalent slos.yaml', async () => {
    const app = join(dir, 'app.yaml');
    const slos = join(dir, 'slos.yaml');
    writeFileSync(app, provisioning({ metrics: { family: 'http-semconv', serviceLabel: 'job' }, slos: SLOS }));
    writeFileSync(slos, stringify({ conventions: { family: 'http-semconv', serviceLabel: 'job' }, slos: SLOS }));
    const [fromApp, fromFile] = await Promise.all([sloRules(app), sloRules(slos)]);
    expect(fromApp).toMatchObject({ status: 0, stderr: '' });
    expect(fromApp.stdout).toContain('pivot-slo-checkout-latency');
    expect(fromApp.stdout).toBe(fromFile.stdout);
  });

  it('prints validation warnings on stderr and the rules on stdout, exiting 0', async () => {
    const slos = join(dir, 'low.yaml');
    const low = { ...SLOS[0], name: 'checkout-low', objective: 90 };
    writeFileSync(slos, stringify({ conventions: { family: 'http-semconv', serviceLabel: 'job' }, slos: [low] }));
    const run = await sloRules(slos);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('alert: PivotSLOBurnRate');
    expect(run.stdout).not.toContain('can never fire');
    const lines = run.stderr.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^warning: .*low\.yaml:\d+: slos\[0\] \(checkout-low\)\.objective: .*can never fire.*critical 1h\/5m/
    );
    expect(lines[1]).toBe('');
  });

  it("reads the stack's own provisioning file, and says what is missing there", async () => {
    const stack = join(ROOT, 'provisioning/plugins/app.yaml');
    const run = await sloRules(stack);
    const slos = (readFileSync(stack, 'utf8').match(/^\s+slos:/m) ?? []).length;
    // The stack provisions its SLOs or not; either way the command says which.
    if (slos > 0) {
      expect(run).toMatchObject({ status: 0, stderr: '' });
    } else {
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('apps[0].jsonData.slos: no SLOs defined here');
    }
  });
});
