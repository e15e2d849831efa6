/**
 * Pivot's import rule (src/README.md, "Layout and imports"), as an ESLint rule that resolves
 * each relative import to the folder it lands in, so a page cannot reach another page by any
 * spelling of the path.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Folders holding no UI: they may import only each other (and src/*.ts beside them). */
const PURE = new Set(['analysis', 'datasources', 'slo', 'utils', 'dashboards', 'root']);
/** Folders shared by pages: they may import pure folders and each other, never a page. */
const SHARED = new Set(['components', 'scenes', 'extensions']);
/** Files that may import anything: the plugin's entry point and the app that routes to pages. */
const ANYTHING = new Set(['module.tsx']);

/** Tests and what only tests use: they may also import src/testing/ and src/app/. */
function isTestCode(relative) {
  return /\.test\.[tj]sx?$|(^|\/)testing\/|(^|\/)fixtures\/|TestFixtures\.[tj]s$/.test(relative);
}

/** The area a file under src/ belongs to: 'pages/Trace', 'pages' (its own files), 'scenes', … */
export function areaOf(relative) {
  const parts = relative.split('/');
  if (parts.length === 1) {
    return 'root';
  }
  if (parts[0] === 'pages') {
    return parts.length > 2 ? `pages/${parts[1]}` : 'pages';
  }
  return parts[0];
}

/** Why `from` may not import `to` (both areas), or undefined when it may. */
export function violation(from, to, testCode) {
  if (from === to) {
    return undefined;
  }
  if (to === 'testing') {
    return testCode ? undefined : 'only tests import src/testing/';
  }
  if (to === 'app') {
    return testCode || from === 'app' ? undefined : 'src/app/ routes to the pages: nothing but module.tsx imports it';
  }
  const toPage = to.startsWith('pages');
  if (PURE.has(from)) {
    return PURE.has(to)
      ? undefined
      : `${from}/ holds no UI: it imports only analysis, datasources, slo, utils and src/*.ts`;
  }
  if (SHARED.has(from) && toPage) {
    return `${from}/ is shared by the pages: it imports no page (move what both need to src/scenes/ or src/components/)`;
  }
  if (from.startsWith('pages/') && toPage) {
    return 'a page imports no other page: move what both need to src/scenes/, src/components/ or a pure folder';
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Which folder of src/ may import which (src/README.md, "Layout and imports")' },
    schema: [],
    messages: { boundary: "'{{source}}' crosses an import boundary: {{why}}." },
  },
  create(context) {
    const file = path.relative(SRC, context.filename).split(path.sep).join('/');
    if (file.startsWith('..') || ANYTHING.has(file)) {
      return {};
    }
    const from = areaOf(file);
    const testCode = isTestCode(file);
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) {
        return;
      }
      const resolved = path.resolve(path.dirname(context.filename), source);
      // A folder import ('../datasources') lands in the folder's index file.
      const isFolder = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory();
      const target = path
        .relative(SRC, isFolder ? path.join(resolved, 'index') : resolved)
        .split(path.sep)
        .join('/');
      if (target.startsWith('..')) {
        return;
      }
      const why = violation(from, areaOf(target), testCode);
      if (why) {
        context.report({ node, messageId: 'boundary', data: { source, why } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression(node) {
        // jest.mock('../x') and jest.requireActual('../x') import too.
        const callee = node.callee;
        if (
          callee.type === 'MemberExpression' &&
          callee.object.type === 'Identifier' &&
          callee.object.name === 'jest' &&
          node.arguments[0]?.type === 'Literal'
        ) {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};

export const importBoundariesPlugin = { rules: { 'import-boundaries': rule } };

/** The config block: every source file under src/ follows the rule. */
export const importBoundaries = {
  name: 'pivot/import-boundaries',
  files: ['src/**/*.{ts,tsx}'],
  plugins: { pivot: importBoundariesPlugin },
  rules: { 'pivot/import-boundaries': 'error' },
};
