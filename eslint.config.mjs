import { defineConfig } from 'eslint/config';
import grafanaI18nPlugin from '@grafana/i18n/eslint-plugin';
import baseConfig from './.config/eslint.config.mjs';
import { importBoundaries } from './scripts/eslint/importBoundaries.mjs';

// Query builders hold no user-facing text, but the rule reads their PromQL matchers'
// `label: 'server'` properties as UI labels: they are left out of it, and only they.
const queryBuildersWithLabelProps = ['src/datasources/serviceGraph.ts', 'src/datasources/sloQueries.ts'];

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
    ],
  },
  ...baseConfig,
  // Which folder of src/ may import which (src/README.md, "Layout and imports").
  importBoundaries,
  // The scripts and the Playwright specs are TypeScript too: the base config's TypeScript
  // blocks cover src/ only (its './tests/**/*' pattern matches nothing in a flat config).
  { name: 'pivot/scripts-and-e2e', files: ['scripts/**/*.{ts,tsx}', 'tests/**/*.ts'] },
  // create-plugin's i18n rules: text shown to people goes through t() / <Trans>, and t() runs
  // at render time, never at module load (the language is not known yet then).
  {
    name: 'grafana/i18n-rules',
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}', 'src/testing/**', ...queryBuildersWithLabelProps],
    plugins: { '@grafana/i18n': grafanaI18nPlugin },
    rules: {
      '@grafana/i18n/no-untranslated-strings': ['error', { calleesToIgnore: ['^css$', 'use[A-Z].*'] }],
      '@grafana/i18n/no-translation-top-level': 'error',
    },
  },
]);
