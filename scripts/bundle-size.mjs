// Reports the gzip size of dist/module.js and of what the Services page (Pivot's first page)
// downloads, and fails when either outgrows its budget.
// - module.js is loaded on every Grafana page because the app registers extensions: it stays tiny.
// - The first page: module.js, then the chunks of the imports that opening the Services page runs
//   (FIRST_PAGE_IMPORTS). Which chunks those are comes from the build's chunk graph, written by
//   webpack.config.ts (node_modules/.cache/pivot/chunk-graph.json), so it stays true as code moves.
// Usage: node scripts/bundle-size.mjs [--stats <chunk graph or webpack --json stats>] [--dist <dir>]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const MODULE_BUDGET_GZIP_BYTES = 20 * 1024;
const FIRST_PAGE_BUDGET_GZIP_BYTES = 200 * 1024;

/**
 * The imports opening the Services page runs, in order: the app and its translations
 * (src/module.tsx), Scenes' English strings, then the page's own code (src/pages/Services/servicesPage.ts).
 * `from` is the end of the importing module's name, `request` the import's specifier.
 */
export const FIRST_PAGE_IMPORTS = [
  { from: 'module.tsx', request: './app/App' },
  { from: 'module.tsx', request: './i18n' },
  { from: 'utils/loadResources.js', request: '../locales/en-US/grafana-scenes.json.js' },
  { from: 'pages/Services/servicesPage.ts', request: './servicesScene' },
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The files the first page loads: the `module` entry point's chunks and every chunk loaded for
 * one of `imports` (a chunk shared by several imports lists each of them among its origins).
 * Throws when an import is in no chunk: the page's imports changed, and so must the list.
 */
export function firstPageFiles(graph, imports = FIRST_PAGE_IMPORTS) {
  const entry = new Set((graph.entrypoints?.module?.chunks ?? []).map(String));
  const chunks = new Set();
  for (const chunk of graph.chunks) {
    if (entry.has(String(chunk.id))) {
      chunks.add(chunk);
    }
  }
  for (const edge of imports) {
    const found = graph.chunks.filter((chunk) =>
      (chunk.origins ?? []).some((o) => o.request === edge.request && String(o.moduleName ?? '').endsWith(edge.from))
    );
    if (found.length === 0) {
      throw new Error(`no chunk is loaded for import('${edge.request}') in ${edge.from}: update FIRST_PAGE_IMPORTS`);
    }
    found.forEach((chunk) => chunks.add(chunk));
  }
  const files = [...chunks].flatMap((chunk) =>
    chunk.files.map((f) => f.split('?')[0]).filter((f) => f.endsWith('.js'))
  );
  return [...new Set(files)].sort();
}

function sizes(dist, file) {
  const source = readFileSync(path.join(dist, file));
  return { raw: source.length, gzip: gzipSync(source, { level: 9 }).length };
}

function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : fallback;
  };
  const dist = option('--dist', path.join(root, 'dist'));
  const statsFile = option('--stats', path.join(root, 'node_modules/.cache/pivot/chunk-graph.json'));
  let failed = false;

  const module = sizes(dist, 'module.js');
  console.log(
    `dist/module.js: ${module.raw} bytes raw, ${module.gzip} bytes gzip (budget ${MODULE_BUDGET_GZIP_BYTES} gzip)`
  );
  if (module.gzip > MODULE_BUDGET_GZIP_BYTES) {
    console.error('dist/module.js is over its gzip budget: move the new imports behind a lazy import().');
    failed = true;
  }

  if (!existsSync(statsFile)) {
    console.error(`${statsFile} is missing: build with npm run build (webpack.config.ts writes it).`);
    process.exit(1);
  }
  const files = firstPageFiles(JSON.parse(readFileSync(statsFile, 'utf8')));
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const s = sizes(dist, file);
    raw += s.raw;
    gzip += s.gzip;
    console.log(`  ${file}: ${s.raw} bytes raw, ${s.gzip} bytes gzip`);
  }
  console.log(
    `Services page, first load (${files.length} files): ${raw} bytes raw, ${gzip} bytes gzip (budget ${FIRST_PAGE_BUDGET_GZIP_BYTES} gzip)`
  );
  if (gzip > FIRST_PAGE_BUDGET_GZIP_BYTES) {
    console.error(
      'The Services page loads more than its gzip budget: load what only some pages need in those pages (scenes/lazyPage.tsx).'
    );
    failed = true;
  }
  if (failed) {
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
