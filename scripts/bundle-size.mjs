// Reports dist/module.js size (raw and gzip) and fails when the preloaded module outgrows its budget.
// The module is loaded on every Grafana page because the app registers extensions, so it stays tiny.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP_BYTES = 20 * 1024;

const source = readFileSync(new URL('../dist/module.js', import.meta.url));
const gzip = gzipSync(source, { level: 9 }).length;
console.log(`dist/module.js: ${source.length} bytes raw, ${gzip} bytes gzip (budget ${BUDGET_GZIP_BYTES} gzip)`);
if (gzip > BUDGET_GZIP_BYTES) {
  console.error('dist/module.js is over its gzip budget: move the new imports behind a lazy import().');
  process.exit(1);
}
