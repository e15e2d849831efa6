/**
 * `npm run --silent slo-rules -- <slos.yaml | app provisioning file> [--grafana-url <url>]`:
 * prints the Prometheus rules file (recording rules and burn-rate alerts) generated from the SLO
 * definitions of a `slos.yaml` file, or of the Pivot app entry of a Grafana provisioning file
 * (`jsonData.slos`, as the SLO pages store them; scripts/sloSource.ts). An invalid file exits
 * with status 2 and says what to fix; validation warnings (an alert that can never fire) go to
 * stderr while the rules still print. docs/slos.md.
 */

import { generateRules, rulesYaml } from '../src/slo/rules';
import { fail, readFileOrFail } from './cliFile';
import { readSloSource, warningLines } from './sloSource';

const USAGE = 'usage: npm run --silent slo-rules -- <slos.yaml | provisioning/plugins/app.yaml> [--grafana-url <url>]';

function main(argv: string[]): void {
  let file: string | undefined;
  let grafanaUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--grafana-url') {
      grafanaUrl = argv[++i];
      if (!grafanaUrl) {
        fail(['--grafana-url needs a URL, e.g. https://grafana.example.com', USAGE]);
      }
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return;
    } else if (arg.startsWith('-') || file !== undefined) {
      fail([`unexpected argument ${JSON.stringify(arg)}`, USAGE]);
    } else {
      file = arg;
    }
  }
  if (!file) {
    fail(['no SLO file given', USAGE]);
  }
  const text = readFileOrFail(file);
  const parsed = readSloSource(text, file);
  if (!parsed.ok) {
    fail([`${file}: invalid SLO definitions:`, ...parsed.errors.map((e) => `  - ${e}`)]);
  }
  const { conventions, slos } = parsed.value;
  // The rules are still printed (stdout, exit 0): a warning is for the reader, not a failure.
  process.stderr.write(warningLines(parsed.warnings));
  process.stdout.write(
    rulesYaml(generateRules(conventions, slos, { grafanaUrl: grafanaUrl ?? parsed.value.grafanaUrl }))
  );
}

main(process.argv.slice(2));
