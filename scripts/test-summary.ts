/**
 * The closing lines of `npm test` (scripts/test-all.sh): every test and spec of every step
 * counted once, each failure named, and one line per skipped group with its reason.
 *
 *   failed: lint (exit 1)
 *   1203 passed, 1 failed, 20 skipped
 *   skipped: 14 e2e tests in 5 spec files: no Grafana answers at http://localhost:3000/api/health
 *   skipped: 6 tests in "PromQL against Prometheus": needs prometheus and promtool on PATH: …
 *
 * A step that runs no tests (typecheck, lint, build, bundle budget, compat) counts as one check:
 * passed when it exits 0, failed (and named) otherwise. A test step without results (jest or the
 * demo runner crashed before reporting) counts as one failure. Skip reasons come from the
 * `(skipped: …)` title convention of src/testing/describeWithPrometheus.ts (jest and node:test
 * alike), a node:test `# SKIP reason`, or the `e2e: skipped: …` line of scripts/e2e.sh.
 *
 * `tsx scripts/test-summary.ts <results dir>` reads `<dir>/steps.tsv` (one `kind name exit
 * file` line per step, tab-separated) and the files it names; exits 1 when anything failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { skipReasonOf } from '../src/testing/describeWithPrometheus';

export type StepKind = 'check' | 'jest' | 'tap' | 'e2e';

export interface Step {
  kind: StepKind;
  name: string;
  exitCode: number;
  /** The step's report: jest's --json, the node:test TAP, or the e2e log / Playwright JSON. */
  report?: string;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure: `failed: …`. */
  failures: string[];
  /** One line per skipped group: `skipped: …`. */
  skips: string[];
}

const NO_REASON = 'no reason in the title; name it as "(skipped: …)" (src/testing/describeWithPrometheus.ts)';
const MAX_NAMED_FAILURES = 20;

function emptyTally(): Tally {
  return { passed: 0, failed: 0, skipped: 0, failures: [], skips: [] };
}

function add(into: Tally, from: Tally): Tally {
  into.passed += from.passed;
  into.failed += from.failed;
  into.skipped += from.skipped;
  into.failures.push(...from.failures);
  into.skips.push(...from.skips);
  return into;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

/** Counts skipped items per group, keeping the order groups were first seen. */
class SkipGroups {
  private readonly groups = new Map<string, { count: number; line: (count: number) => string }>();

  add(key: string, line: (count: number) => string): void {
    const group = this.groups.get(key) ?? { count: 0, line };
    group.count++;
    this.groups.set(key, group);
  }

  lines(): string[] {
    return [...this.groups.values()].map((g) => `skipped: ${g.line(g.count)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// jest --json

interface JestAssertion {
  ancestorTitles: string[];
  title: string;
  status: string;
}

interface JestFileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults: JestAssertion[];
}

export interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  testResults: JestFileResult[];
}

const JEST_SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);

/** `rootDir` makes file names relative in the lines. */
export function jestTally(report: JestReport, rootDir = ''): Tally {
  const tally = emptyTally();
  tally.passed = report.numPassedTests;
  tally.failed = report.numFailedTests;
  tally.skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  const skips = new SkipGroups();
  for (const file of report.testResults) {
    const fileName = rootDir ? relative(rootDir, file.name) : file.name;
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      // The suite failed to run (an import threw, a syntax error): no test reported it.
      tally.failed++;
      tally.failures.push(`failed: ${fileName}: the suite did not run: ${firstLine(file.message)}`);
    }
    for (const test of file.assertionResults) {
      if (test.status === 'failed') {
        tally.failures.push(`failed: ${fileName} › ${[...test.ancestorTitles, test.title].join(' › ')}`);
      } else if (JEST_SKIPPED.has(test.status)) {
        addSkip(skips, fileName, test);
      }
    }
  }
  tally.skips = skips.lines();
  return tally;
}

function addSkip(skips: SkipGroups, fileName: string, test: JestAssertion): void {
  if (test.status === 'todo') {
    skips.add(`${fileName}\0todo`, (n) => `${plural(n, 'test')} in ${fileName}: todo`);
    return;
  }
  // The innermost title that names a reason: a skipped describe names it for all its tests.
  const titles = [...test.ancestorTitles, test.title];
  for (let i = titles.length - 1; i >= 0; i--) {
    const parsed = skipReasonOf(titles[i]);
    if (parsed) {
      skips.add(`${fileName}\0${titles[i]}`, (n) => `${plural(n, 'test')} in "${parsed.name}": ${parsed.reason}`);
      return;
    }
  }
  skips.add(`${fileName}\0`, (n) => `${plural(n, 'test')} in ${fileName}: ${NO_REASON}`);
}

// ---------------------------------------------------------------------------------------------
// node:test TAP (the demo package)

function tapCount(tap: string, key: string): number | undefined {
  const match = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap);
  return match ? Number(match[1]) : undefined;
}

/**
 * node:test counts tests, not suites: a skipped suite's tests are never counted. Such a suite
 * counts as one skipped item, named with its reason.
 */
export function tapTally(tap: string): Tally | undefined {
  const pass = tapCount(tap, 'pass');
  const fail = tapCount(tap, 'fail');
  if (pass === undefined || fail === undefined) {
    return undefined;
  }
  const tally = emptyTally();
  tally.passed = pass;
  tally.failed = fail + (tapCount(tap, 'cancelled') ?? 0);
  const skippedTests = tapCount(tap, 'skipped') ?? 0;
  const todo = tapCount(tap, 'todo') ?? 0;
  const skips = new SkipGroups();
  const lines = tap.split('\n');
  let explainedTests = 0;
  let suites = 0;
  lines.forEach((line, index) => {
    const failed = /^\s*not ok \d+ - (.*?)(?: # .*)?$/.exec(line);
    if (failed && !isSuite(lines, index)) {
      tally.failures.push(`failed: demo › ${failed[1]}`);
    }
    const skipped = /^\s*ok \d+ - (.*?) # SKIP\s*(.*)$/i.exec(line);
    if (!skipped) {
      return;
    }
    const titled = skipReasonOf(skipped[1]);
    const name = titled?.name ?? skipped[1];
    const reason = skipped[2].trim() || titled?.reason || NO_REASON;
    if (isSuite(lines, index)) {
      suites++;
      skips.add(`suite\0${name}`, () => `suite "${name}" of the demo tests: ${reason}`);
    } else {
      explainedTests++;
      skips.add(`test\0${reason}`, (n) => `${plural(n, 'demo test')}: ${reason}`);
    }
  });
  if (skippedTests > explainedTests) {
    skips.add('unexplained', () => `${plural(skippedTests - explainedTests, 'demo test')}: ${NO_REASON}`);
  }
  if (todo > 0) {
    skips.add('todo', () => `${plural(todo, 'demo test')}: todo`);
  }
  tally.skipped = skippedTests + todo + suites;
  tally.skips = skips.lines();
  return tally;
}

/** Whether the TAP line at `index` reports a suite (its YAML block says `type: 'suite'`). */
function isSuite(lines: string[], index: number): boolean {
  for (let i = index + 1; i < lines.length && i < index + 8; i++) {
    if (/^\s*type: 'suite'$/.test(lines[i])) {
      return true;
    }
    if (/^\s*\.\.\.$/.test(lines[i])) {
      return false;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// e2e: Playwright's JSON report, or the skip line of scripts/e2e.sh

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
}

export function e2eTally(report: string): Tally | undefined {
  const skipLine = /^e2e: skipped: (\d+) (.*)$/m.exec(report);
  if (skipLine) {
    return { ...emptyTally(), skipped: Number(skipLine[1]), skips: [`skipped: ${skipLine[1]} ${skipLine[2]}`] };
  }
  let parsed: PlaywrightReport;
  try {
    parsed = JSON.parse(report) as PlaywrightReport;
  } catch {
    return undefined;
  }
  if (!parsed.stats) {
    return undefined;
  }
  const { expected, unexpected, flaky, skipped } = parsed.stats;
  const tally = emptyTally();
  tally.passed = expected + flaky;
  tally.failed = unexpected;
  tally.skipped = skipped;
  if (unexpected > 0) {
    tally.failures.push(`failed: ${plural(unexpected, 'e2e test')} (see the Playwright output above)`);
  }
  if (skipped > 0) {
    tally.skips.push(`skipped: ${plural(skipped, 'e2e test')}: skipped inside the specs (test.skip)`);
  }
  return tally;
}

// ---------------------------------------------------------------------------------------------

/** What one step adds to the totals. */
export function stepTally(step: Step, rootDir = ''): Tally {
  const failedStep = (why: string): Tally => ({
    ...emptyTally(),
    failed: 1,
    failures: [`failed: ${step.name} ${why}`],
  });
  if (step.kind === 'check') {
    return step.exitCode === 0 ? { ...emptyTally(), passed: 1 } : failedStep(`(exit ${step.exitCode})`);
  }
  let tally: Tally | undefined;
  try {
    if (step.kind === 'jest') {
      tally = step.report ? jestTally(JSON.parse(step.report) as JestReport, rootDir) : undefined;
    } else if (step.kind === 'tap') {
      tally = step.report ? tapTally(step.report) : undefined;
    } else {
      tally = step.report ? e2eTally(step.report) : undefined;
    }
  } catch {
    tally = undefined;
  }
  if (!tally) {
    return failedStep(`reported no results (exit ${step.exitCode}; see its output above)`);
  }
  if (step.exitCode !== 0 && tally.failed === 0) {
    // Every test passed but the runner still failed (a type error before the tests, an open
    // handle, a coverage threshold): that is a failure too.
    add(tally, failedStep(`exited ${step.exitCode} although no test failed (see its output above)`));
  }
  return tally;
}

/** The closing lines; the `N passed, N failed, N skipped` line is the last count printed. */
export function summaryLines(steps: Step[], rootDir = ''): { lines: string[]; failed: boolean } {
  const total = steps.reduce((sum, step) => add(sum, stepTally(step, rootDir)), emptyTally());
  const named = total.failures.slice(0, MAX_NAMED_FAILURES);
  if (total.failures.length > named.length) {
    named.push(`failed: … and ${total.failures.length - named.length} more (see above)`);
  }
  return {
    lines: [...named, `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`, ...total.skips],
    failed: total.failed > 0,
  };
}

/** Reads `<dir>/steps.tsv` and the reports it names. */
export function readSteps(dir: string): Step[] {
  const tsv = readFileSync(join(dir, 'steps.tsv'), 'utf8');
  return tsv
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [kind, name, exitCode, file] = line.split('\t');
      const path = file ? join(dir, file) : '';
      return {
        kind: kind as StepKind,
        name,
        exitCode: Number(exitCode),
        report: path && existsSync(path) ? readFileSync(path, 'utf8') : undefined,
      };
    });
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: tsx scripts/test-summary.ts <results dir>\n');
    process.exit(2);
  }
  const { lines, failed } = summaryLines(readSteps(dir), process.cwd());
  process.stdout.write(`\n${lines.join('\n')}\n`);
  process.exit(failed ? 1 : 0);
}
