/**
 * @jest-environment node
 *
 * `npm run lint` enforces the import rule of src/README.md ("Layout and imports"): each case
 * is linted with the repository's own config, as the file at its path would be.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface LintError {
  ruleId: string | null;
  message: string;
}

interface Case {
  /** Where the snippet would live. */
  filePath: string;
  /** The import it makes. */
  from: string;
  /** Whether the import rule must reject it. */
  rejected: boolean;
}

const CASES: Case[] = [
  // A page imports no other page, by any spelling of the path.
  { filePath: 'src/pages/Graph/graphPage.ts', from: '../Trace/traceScene', rejected: true },
  { filePath: 'src/pages/Slos/sloScene.tsx', from: '../../pages/Services/serviceRows', rejected: true },
  { filePath: 'src/pages/Trace/TraceView.tsx', from: '../Trace/../Graph/graphModel', rejected: true },
  { filePath: 'src/pages/Graph/graphPage.ts', from: './graphModel', rejected: false },
  { filePath: 'src/pages/Graph/graphPage.ts', from: '../../scenes/pageControls', rejected: false },
  // Shared folders import no page.
  {
    filePath: 'src/components/NeighbourhoodGraph/NeighbourhoodGraph.tsx',
    from: '../../pages/Graph/graphModel',
    rejected: true,
  },
  { filePath: 'src/scenes/PillarSection.tsx', from: '../pages/Services/serviceRows', rejected: true },
  { filePath: 'src/scenes/PillarSection.tsx', from: '../components/states/PivotStates', rejected: false },
  // Pure folders hold no UI.
  { filePath: 'src/datasources/promql.ts', from: '../scenes/dataState', rejected: true },
  { filePath: 'src/analysis/slo.ts', from: '../components/testIds', rejected: true },
  { filePath: 'src/analysis/slo.ts', from: '../datasources', rejected: false },
  { filePath: 'src/utils/links.ts', from: '../settings', rejected: false },
  // Only tests use the fakes, and only tests and the entry point reach the app.
  { filePath: 'src/pages/Graph/graphPage.ts', from: '../../testing/fakeGrafana', rejected: true },
  { filePath: 'src/pages/Graph/graphScene.test.tsx', from: '../../testing/fakeGrafana', rejected: false },
  { filePath: 'src/pages/Graph/graphPage.ts', from: '../../app/App', rejected: true },
  // jest.mock and import() name modules too.
  { filePath: 'src/pages/Slos/slosPage.ts', from: 'import:../Trace/tracePage', rejected: true },
];

function snippet(from: string): string {
  return from.startsWith('import:')
    ? `export const load = () => import('${from.slice('import:'.length)}');\n`
    : `import * as m from '${from}';\n\nexport const x = m;\n`;
}

function lint(cases: Case[]): LintError[][] {
  const input = JSON.stringify(cases.map((c) => ({ filePath: join(ROOT, c.filePath), code: snippet(c.from) })));
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts/eslint/lintSnippet.mjs')], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '');
}

describe('the import rule (eslint.config.mjs, pivot/import-boundaries)', () => {
  // One ESLint process for every case: loading the config is most of the cost.
  const results = lint(CASES);

  it.each(CASES.map((c, i) => [c.filePath, c.from, c.rejected, i] as const))(
    '%s importing %s: rejected %s',
    (_file, _from, rejected, i) => {
      const boundary = results[i].filter((e) => e.ruleId === 'pivot/import-boundaries');
      expect(boundary.length > 0).toBe(rejected);
    }
  );

  it('says why', () => {
    const [errors] = lint([CASES[0]]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('a page imports no other page')]);
  });
});
