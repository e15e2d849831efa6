/**
 * Structural rules for an OpenTelemetry Collector configuration, shared by the local stack's
 * and the Kubernetes tier's tests. Returns one line per violation.
 */
import { at, collectorPipelines, Yaml } from './yamlFiles';

/**
 * The traces pipeline's processors, in order, in the collector that samples traces (the local
 * stack's collector, the Kubernetes tier's gateway): memory first, PII scrubbed before
 * sampling, batch last.
 */
export const SAMPLED_TRACES_PROCESSORS = [
  'memory_limiter',
  'attributes/pii',
  'transform/pii',
  'redaction',
  'tail_sampling',
  'batch',
];

const isBatch = (p: string) => p === 'batch' || p.startsWith('batch/');
const isType = (p: string, type: string) => p === type || p.startsWith(`${type}/`);

export function collectorProblems(config: Yaml): string[] {
  const problems: string[] = [];
  const pipelines = collectorPipelines(config);
  const defined = (section: string) => Object.keys((config[section] as Yaml | undefined) ?? {});
  const receivers = defined('receivers');
  const processors = defined('processors');
  const exporters = defined('exporters');
  const connectors = defined('connectors');
  const used = new Set<string>();

  for (const [name, p] of Object.entries(pipelines)) {
    for (const r of p.receivers) {
      used.add(r);
      if (!receivers.includes(r) && !connectors.includes(r)) {
        problems.push(`${name}: receiver ${r} is not defined`);
      }
    }
    for (const e of p.exporters) {
      used.add(e);
      if (!exporters.includes(e) && !connectors.includes(e)) {
        problems.push(`${name}: exporter ${e} is not defined`);
      }
    }
    for (const proc of p.processors) {
      used.add(proc);
      if (!processors.includes(proc)) {
        problems.push(`${name}: processor ${proc} is not defined`);
      }
    }
    if (p.receivers.length === 0 || p.exporters.length === 0) {
      problems.push(`${name}: a pipeline needs receivers and exporters`);
    }
    // Memory limiter first: it must refuse data before anything else holds it.
    if (!isType(p.processors[0] ?? '', 'memory_limiter')) {
      problems.push(`${name}: memory_limiter must be the first processor, not ${p.processors[0] ?? 'none'}`);
    }
    // Batch last: after sampling and redaction, so it batches only what is kept.
    const batchAt = p.processors.findIndex(isBatch);
    if (batchAt < 0) {
      problems.push(`${name}: no batch processor`);
    } else if (batchAt !== p.processors.length - 1) {
      problems.push(`${name}: batch must be the last processor`);
    }
    const samplingAt = p.processors.findIndex((x) => isType(x, 'tail_sampling'));
    for (const scrub of ['attributes', 'transform', 'redaction']) {
      const scrubAt = p.processors.findIndex((x) => isType(x, scrub));
      if (samplingAt >= 0 && scrubAt > samplingAt) {
        problems.push(`${name}: ${scrub} must run before tail_sampling`);
      }
    }
  }

  for (const c of [...receivers, ...processors, ...exporters, ...connectors]) {
    if (!used.has(c)) {
      problems.push(`${c} is defined but no pipeline uses it`);
    }
  }
  for (const c of connectors) {
    const asExporter = Object.values(pipelines).some((p) => p.exporters.includes(c));
    const asReceiver = Object.values(pipelines).some((p) => p.receivers.includes(c));
    if (!asExporter || !asReceiver) {
      problems.push(`connector ${c} must be an exporter of one pipeline and a receiver of another`);
    }
  }

  for (const proc of processors.filter((x) => isType(x, 'memory_limiter'))) {
    const limit = at(config, 'processors', proc) as Yaml | undefined;
    if (!limit?.check_interval || !(limit.limit_mib || limit.limit_percentage)) {
      problems.push(`${proc} needs check_interval and limit_mib (or limit_percentage)`);
    }
  }
  return problems;
}

/** MiB in a Kubernetes or compose memory quantity: 512Mi, 1Gi, 512m (compose), 1G. */
export function memoryMiB(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|K|M|G|k|m|g|b)?$/.exec(String(quantity).trim());
  if (!m) {
    throw new Error(`not a memory quantity: ${quantity}`);
  }
  const n = Number(m[1]);
  const unit = m[2] ?? 'b';
  const bytes: Record<string, number> = {
    b: 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    K: 1e3,
    k: 1024,
    M: 1e6,
    G: 1e9,
    // compose (docker) reads m and g as binary units
    m: 1024 ** 2,
    g: 1024 ** 3,
  };
  return (n * bytes[unit]) / 1024 ** 2;
}
