/**
 * `npm run --silent slo-rules -- <slos.yaml | app provisioning file> [--grafana-url <url>]`:
 * prints the Prometheus rules file (recording rules and burn-rate alerts) generated from the SLO
 * definitions of a `slos.yaml` file, or of the Pivot app entry of a Grafana provisioning file
 * (`jsonData.slos`, as the SLO pages store them; scripts/sloSource.ts). An invalid file exits
 * with status 2 and says what to fix; validation warnings (an alert that can never fire) go to
 * stderr while the rules still print. docs/slos.md.
 */

import { generateRules, rulesYaml } from '../src/slo/rules';
import { fail, fileArgument, readFileOrFail } from './cliFile';
import { readSloSource, warningLines } from './sloSource';

const USAGE = 'usage: npm run --silent slo-rules -- <slos.yaml | provisioning/plugins/app.yaml> [--grafana-url <url>]';

function main(argv: string[]): void {
  let grafanaUrl: string | undefined;
  const file = fileArgument(argv, USAGE, 'no SLO file given', (arg, next) => {
    if (arg !== '--grafana-url') {
      return false;
    }
    grafanaUrl = next();
    if (!grafanaUrl) {
      fail(['--grafana-url needs a URL, e.g. https://grafana.example.com', USAGE]);
    }
    return true;
  });
  if (file === undefined) {
    return;
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
