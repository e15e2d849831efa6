/**
 * `npm run server` without Docker (scripts/server.sh starts this): the local stack as native
 * processes on 127.0.0.1 from what is on this machine (stack/native/nativeStack.ts), with the
 * demo services and their load generator. Says which parts run, which are missing and how to
 * get each, and where to open Grafana; stops everything on Ctrl-C.
 */
import {
  DEMO_SERVICES,
  demoInstalled,
  findBinaries,
  HOW_TO_GET,
  NativeStack,
  Part,
  PARTS,
  startNativeStack,
} from '../stack/native/nativeStack';

export const PART_TITLES: Record<Part, string> = {
  prometheus: 'Prometheus',
  loki: 'Loki',
  tempo: 'Tempo',
  collector: "Pivot's OpenTelemetry Collector",
  grafana: 'Grafana',
};

/** The lines saying what will run and what is missing (with how to get it). */
export function partsReport(found: Partial<Record<Part, string>>, demo: boolean): string[] {
  const lines = ['npm run server (native processes on 127.0.0.1):'];
  for (const part of PARTS) {
    lines.push(
      found[part]
        ? `  runs:    ${PART_TITLES[part]} (${found[part]})`
        : `  missing: ${PART_TITLES[part]}: ${HOW_TO_GET[part]}`
    );
  }
  if (!found.collector) {
    lines.push('  missing: the demo services (they send telemetry to the Collector)');
  } else if (!demo) {
    lines.push('  missing: the demo services: install their dependencies with npm ci --prefix demo');
  } else {
    lines.push(`  runs:    the demo services (${DEMO_SERVICES.join(', ')}) and the load generator`);
  }
  return lines;
}

/** The closing lines once the stack is up: where to open Grafana, or what to use without it. */
export function readyReport(stack: NativeStack): string[] {
  const lines: string[] = [];
  if (stack.urls.grafana) {
    lines.push(
      `Open Grafana at ${stack.urls.grafana}/a/pivot-correlation-app (anonymous Viewer; admin/admin to sign in)`
    );
  } else {
    lines.push('Grafana is not running, so there is no UI to open; the data sources answer directly:');
  }
  lines.push(`  Prometheus ${stack.urls.prometheus}`);
  if (stack.urls.loki) {
    lines.push(`  Loki       ${stack.urls.loki}`);
  }
  if (stack.urls.tempo) {
    lines.push(`  Tempo      ${stack.urls.tempo}`);
  }
  if (stack.urls.otlpHttp) {
    lines.push(`  OTLP       ${stack.urls.otlpHttp} (HTTP), ${stack.urls.otlpGrpc} (gRPC)`);
  }
  if (stack.demo.storefront) {
    lines.push(
      `  Demo shop  ${stack.demo.storefront} (faults: PUT ${stack.demo.payment}/faults -d '{"errorRatio":0.3}')`
    );
  }
  lines.push(`Logs of every process: ${stack.dir}/logs/. Ctrl-C stops everything.`);
  return lines;
}

async function main(): Promise<void> {
  const found = findBinaries();
  const demo = demoInstalled();
  for (const line of partsReport(found, demo)) {
    console.log(line);
  }
  if (!found.prometheus) {
    console.error(`npm run server: Prometheus is required: ${HOW_TO_GET.prometheus}`);
    process.exit(1);
  }
  let stack: NativeStack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log('\nStopping every process (SIGTERM, then SIGKILL after 10 s)…');
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  stack = await startNativeStack({
    binaries: found,
    demo: demo && !!found.collector,
    loadgen: true,
    log: (line) => console.log(`started: ${line}`),
  });
  for (const line of readyReport(stack)) {
    console.log(line);
  }
  // A process that dies is reported; the rest keep running until Ctrl-C.
  for (const proc of stack.processes) {
    void proc.exited.then(({ code, signal }) => {
      if (!stopping) {
        console.error(`${proc.name} exited (${code ?? signal}); its log: ${proc.logFile}\n${proc.tail().slice(-2000)}`);
      }
    });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`npm run server: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
