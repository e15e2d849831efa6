/**
 * `pivot investigate` (`npm run --silent investigate -- --service <name> …`, or the `pivot`
 * bin): the investigation of one service in a terminal, with the app's own modules. Usage,
 * output and exit codes: `--help` and docs/investigate-cli.md.
 */
import type { HygieneTargets } from '../datasources/hygieneQueries';
import type { ProbeClient } from '../datasources/probes';
import { normalizeSettings, PivotSettings } from '../settings';
import { EXIT, HELP, Options, parseArgs, USAGE, UsageError } from './args';
import { Backends, directBackends, grafanaBackends, pivotSettings } from './backends';
import {
  directProbeClient,
  grafanaProbeClient,
  hygieneExitCode,
  hygieneTargetsFor,
  renderHygieneJson,
  renderHygieneText,
  runHygiene,
} from './hygiene';
import { BackendError } from './http';
import { exitCodeOf, investigate } from './investigation';
import { renderJson, renderText } from './render';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The saved settings with the command's convention options laid over them. */
export function withOverrides(settings: PivotSettings, options: Options): PivotSettings {
  return {
    ...settings,
    metrics: {
      ...settings.metrics,
      family: options.family ?? settings.metrics.family,
      serviceLabel: options.metricsServiceLabel ?? settings.metrics.serviceLabel,
    },
    logs: {
      serviceLabel: options.logsServiceLabel ?? settings.logs.serviceLabel,
      traceId: options.traceIdIn ?? settings.logs.traceId,
    },
  };
}

async function connect(
  options: Options,
  env: Record<string, string | undefined>
): Promise<{ settings: PivotSettings; backends: Backends; hygiene: () => ProbeClient; targets: HygieneTargets }> {
  if (options.grafana) {
    const grafana = { url: options.grafana, token: env[options.tokenEnv] ?? '', timeoutMs: options.timeoutMs };
    const settings = withOverrides(await pivotSettings(grafana), options);
    return {
      settings,
      backends: grafanaBackends(grafana, settings),
      hygiene: () => grafanaProbeClient(grafana),
      targets: hygieneTargetsFor(settings, { grafana: true }),
    };
  }
  const urls = { ...options, timeoutMs: options.timeoutMs };
  const settings = withOverrides(normalizeSettings({}), options);
  return {
    settings,
    backends: directBackends(urls),
    hygiene: () => directProbeClient(urls),
    targets: hygieneTargetsFor(settings, { grafana: false, urls }),
  };
}

export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: Output,
  nowMs: () => number = Date.now
): Promise<number> {
  let options: Options;
  try {
    const parsed = parseArgs(argv, env);
    if (parsed.help) {
      out.stdout(`${HELP}\n`);
      return EXIT.ok;
    }
    options = parsed.options;
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`pivot investigate: ${error.message}\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  let connection: Awaited<ReturnType<typeof connect>>;
  try {
    connection = await connect(options, env);
  } catch (error) {
    if (error instanceof BackendError) {
      out.stderr(`pivot investigate: ${error.message}\n`);
      return EXIT.backend;
    }
    throw error;
  }
  if (options.hygiene) {
    const run = await runHygiene({
      client: connection.hygiene(),
      targets: connection.targets,
      service: options.service === '' ? undefined : options.service,
      since: options.sinceText,
      sinceMs: options.sinceMs,
      untilMs: options.untilMs ?? nowMs(),
      sources: connection.backends.sources,
    });
    const code = hygieneExitCode(run.report);
    out.stdout(options.json ? renderHygieneJson(run, code) : renderHygieneText(run));
    return code;
  }
  const investigation = await investigate({
    service: options.service,
    since: options.sinceText,
    sinceMs: options.sinceMs,
    untilMs: options.untilMs ?? nowMs(),
    settings: connection.settings,
    backends: connection.backends,
    lines: options.lines,
    linkBase: options.links,
  });
  const code = exitCodeOf(investigation);
  out.stdout(options.json ? renderJson(investigation, code) : renderText(investigation));
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(
        `pivot investigate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
      );
      process.exitCode = 3;
    }
  );
}
