/**
 * @jest-environment node
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { skippedTitle } from '../src/testing/describeWithPrometheus';
import { e2eTally, jestTally, JestReport, readSteps, Step, summaryLines, tapTally } from './test-summary';

const PROMETHEUS_REASON = 'needs prometheus and promtool on PATH: apt-get install -y prometheus';

function jestReport(files: JestReport['testResults']): JestReport {
  const all = files.flatMap((f) => f.assertionResults);
  const count = (status: string) => all.filter((t) => t.status === status).length;
  return {
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('pending'),
    numTodoTests: count('todo'),
    testResults: files,
  };
}

const skippedPromql = skippedTitle('PromQL against Prometheus', PROMETHEUS_REASON);
const JEST = jestReport([
  {
    name: '/repo/src/a.test.ts',
    status: 'passed',
    assertionResults: [
      { ancestorTitles: ['a'], title: 'works', status: 'passed' },
      { ancestorTitles: ['a'], title: 'also works', status: 'passed' },
    ],
  },
  {
    name: '/repo/src/promql.prometheus.test.ts',
    status: 'passed',
    assertionResults: [
      { ancestorTitles: [skippedPromql], title: 'one', status: 'pending' },
      { ancestorTitles: [skippedPromql, 'inner'], title: 'two', status: 'pending' },
      { ancestorTitles: [skippedPromql], title: 'three', status: 'pending' },
    ],
  },
  {
    name: '/repo/src/b.test.ts',
    status: 'failed',
    assertionResults: [
      { ancestorTitles: ['b', 'when empty'], title: 'says so', status: 'failed' },
      { ancestorTitles: ['b'], title: 'later', status: 'pending' },
    ],
  },
]);

const DEMO_TAP = `TAP version 13
# Subtest: demo metrics in a real Prometheus (skipped: ${PROMETHEUS_REASON})
ok 1 - demo metrics in a real Prometheus (skipped: ${PROMETHEUS_REASON}) # SKIP
  ---
  duration_ms: 0.7
  type: 'suite'
  ...
# Subtest: traces
    ok 1 - checkout calls payment
      ---
      duration_ms: 0.3
      ...
    ok 2 - queue span links # SKIP needs a broker
      ---
      duration_ms: 0.1
      ...
    not ok 3 - payment fails on demand
      ---
      duration_ms: 0.1
      ...
    1..3
not ok 2 - traces
  ---
  duration_ms: 1.0
  type: 'suite'
  ...
1..2
# tests 3
# suites 2
# pass 1
# fail 1
# cancelled 0
# skipped 1
# todo 0
`;

const E2E_SKIP =
  'e2e: skipped: 14 e2e tests in 5 spec files: no Grafana answers at http://localhost:3000/api/health (start the stack with npm run server)\n';

describe('jestTally', () => {
  it('counts passed, failed and skipped tests and names each failure', () => {
    const tally = jestTally(JEST, '/repo');
    expect([tally.passed, tally.failed, tally.skipped]).toEqual([2, 1, 4]);
    expect(tally.failures).toEqual(['failed: src/b.test.ts › b › when empty › says so']);
  });

  it('gives one line per skipped group, with the reason from the "(skipped: …)" title', () => {
    expect(jestTally(JEST, '/repo').skips).toEqual([
      `skipped: 3 tests in "PromQL against Prometheus": ${PROMETHEUS_REASON}`,
      'skipped: 1 test in src/b.test.ts: no reason in the title; name it as "(skipped: …)" (src/testing/describeWithPrometheus.ts)',
    ]);
  });

  it('counts a suite that did not run as a failure, with its first message line', () => {
    const report = jestReport([
      {
        name: '/repo/src/c.test.ts',
        status: 'failed',
        message: '\n  Cannot find module x\n  at …',
        assertionResults: [],
      },
    ]);
    const tally = jestTally(report, '/repo');
    expect(tally.failed).toBe(1);
    expect(tally.failures).toEqual(['failed: src/c.test.ts: the suite did not run: Cannot find module x']);
  });
});

describe('tapTally', () => {
  it('counts node:test results, a skipped suite as one skipped item, and names reasons and failures', () => {
    const tally = tapTally(DEMO_TAP)!;
    expect([tally.passed, tally.failed, tally.skipped]).toEqual([1, 1, 2]);
    expect(tally.failures).toEqual(['failed: demo › payment fails on demand']);
    expect(tally.skips).toEqual([
      `skipped: suite "demo metrics in a real Prometheus" of the demo tests: ${PROMETHEUS_REASON}`,
      'skipped: 1 demo test: needs a broker',
    ]);
  });

  it('says when skipped tests name no reason', () => {
    const tap = DEMO_TAP.replace('# SKIP needs a broker', '').replace('# skipped 1', '# skipped 2');
    expect(tapTally(tap)!.skips).toContain(
      'skipped: 2 demo tests: no reason in the title; name it as "(skipped: …)" (src/testing/describeWithPrometheus.ts)'
    );
  });

  it('has no result without the closing counts (the runner crashed)', () => {
    expect(tapTally('TAP version 13\nerror TS2304: Cannot find name x\n')).toBeUndefined();
  });
});

describe('e2eTally', () => {
  it('counts the specs scripts/e2e.sh skipped, with its reason', () => {
    expect(e2eTally(E2E_SKIP)).toEqual({
      passed: 0,
      failed: 0,
      skipped: 14,
      failures: [],
      skips: [
        'skipped: 14 e2e tests in 5 spec files: no Grafana answers at http://localhost:3000/api/health (start the stack with npm run server)',
      ],
    });
  });

  it("reads Playwright's JSON report when the specs ran (a flaky pass is a pass)", () => {
    const tally = e2eTally(JSON.stringify({ stats: { expected: 12, unexpected: 1, flaky: 1, skipped: 0 } }))!;
    expect([tally.passed, tally.failed, tally.skipped]).toEqual([13, 1, 0]);
  });
});

describe('summaryLines', () => {
  const steps: Step[] = [
    { kind: 'check', name: 'typecheck', exitCode: 0 },
    { kind: 'check', name: 'lint', exitCode: 1 },
    { kind: 'jest', name: 'jest', exitCode: 1, report: JSON.stringify(JEST) },
    { kind: 'tap', name: 'demo', exitCode: 1, report: DEMO_TAP },
    { kind: 'check', name: 'production build', exitCode: 0 },
    { kind: 'e2e', name: 'e2e', exitCode: 0, report: E2E_SKIP },
  ];

  it('adds every step: checks count once, failures first, the count line, then one line per skipped group', () => {
    const { lines, failed } = summaryLines(steps, '/repo');
    expect(failed).toBe(true);
    expect(lines).toEqual([
      'failed: lint (exit 1)',
      'failed: src/b.test.ts › b › when empty › says so',
      'failed: demo › payment fails on demand',
      // 2 checks + 2 jest + 1 demo; 1 check + 1 jest + 1 demo; 4 jest + 2 demo + 14 e2e
      '5 passed, 3 failed, 20 skipped',
      `skipped: 3 tests in "PromQL against Prometheus": ${PROMETHEUS_REASON}`,
      'skipped: 1 test in src/b.test.ts: no reason in the title; name it as "(skipped: …)" (src/testing/describeWithPrometheus.ts)',
      `skipped: suite "demo metrics in a real Prometheus" of the demo tests: ${PROMETHEUS_REASON}`,
      'skipped: 1 demo test: needs a broker',
      'skipped: 14 e2e tests in 5 spec files: no Grafana answers at http://localhost:3000/api/health (start the stack with npm run server)',
    ]);
    // The closing count is the last "N passed, N failed" line printed.
    const counts = lines.filter((l) => /^\d+ passed, \d+ failed, \d+ skipped$/.test(l));
    expect(counts).toHaveLength(1);
  });

  it('fails a test step that reported nothing, and one whose runner failed with every test passing', () => {
    const { lines, failed } = summaryLines([
      { kind: 'jest', name: 'jest', exitCode: 1 },
      {
        kind: 'tap',
        name: 'demo',
        exitCode: 2,
        report: DEMO_TAP.replace('# fail 1', '# fail 0').replace(/not ok 3/, 'ok 3'),
      },
    ]);
    expect(failed).toBe(true);
    expect(lines.slice(0, 3)).toEqual([
      'failed: jest reported no results (exit 1; see its output above)',
      'failed: demo exited 2 although no test failed (see its output above)',
      '1 passed, 2 failed, 2 skipped',
    ]);
  });

  it('passes when nothing failed', () => {
    const { lines, failed } = summaryLines([{ kind: 'check', name: 'typecheck', exitCode: 0 }]);
    expect(failed).toBe(false);
    expect(lines).toEqual(['1 passed, 0 failed, 0 skipped']);
  });
});

describe('readSteps', () => {
  it('reads steps.tsv and the reports it names (a missing report is no report)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-summary-'));
    try {
      writeFileSync(join(dir, 'jest.json'), '{}');
      writeFileSync(join(dir, 'steps.tsv'), 'check\tlint\t0\t\njest\tjest\t1\tjest.json\ntap\tdemo\t1\tdemo.tap\n');
      expect(readSteps(dir)).toEqual([
        { kind: 'check', name: 'lint', exitCode: 0, report: undefined },
        { kind: 'jest', name: 'jest', exitCode: 1, report: '{}' },
        { kind: 'tap', name: 'demo', exitCode: 1, report: undefined },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
