import { defineConfig } from 'i18next-cli';
import pluginJson from './src/plugin.json';

// create-plugin's i18n setup, with one addition: I18N_LOCALES_DIR sends the extraction
// elsewhere, so `npm run i18n:check` can compare a fresh extraction with src/locales
// without writing into the working tree (scripts/i18n.sh).
const localesDir = process.env.I18N_LOCALES_DIR ?? 'src/locales';

export default defineConfig({
  locales: pluginJson.languages,
  extract: {
    input: ['src/**/*.{tsx,ts}'],
    ignore: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    output: `${localesDir}/{{language}}/{{namespace}}.json`,
    defaultNS: pluginJson.id,
    functions: ['t', '*.t'],
    transComponents: ['Trans'],
  },
});
