/**
 * Lints snippets of code as if each were the file at its path, with the repository's ESLint
 * config (eslint.config.mjs), and prints each one's errors as JSON: lets a test prove a lint
 * rule fires without writing files into src/.
 * Usage: node scripts/eslint/lintSnippet.mjs < [{"filePath": "src/…", "code": "…"}, …]
 * Type-aware rules are switched off: a snippet's path is not in the TypeScript program.
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';

const snippets = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({
  overrideConfig: {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: null } },
    rules: { '@typescript-eslint/no-deprecated': 'off' },
  },
});
const results = [];
for (const { filePath, code } of snippets) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(
    result.messages.filter((m) => m.severity === 2).map(({ ruleId, message, line }) => ({ ruleId, message, line }))
  );
}
// A deprecated plugin in the base config prints a notice on stdout: the answer is the last line.
process.stdout.write(`\n${JSON.stringify(results)}\n`);
