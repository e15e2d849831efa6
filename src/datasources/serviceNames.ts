/**
 * The service name as logs and traces know it, from the name the metrics' service label
 * holds. OpenTelemetry's Prometheus exporters and the Collector write `job` as
 * `<service.namespace>/<service.name>` when the service has a namespace, while Loki
 * (`service_name`) and Tempo (`resource.service.name`) keep `service.name` alone: passed
 * unchanged, `job="shop/checkout"` matches no log stream and no span. Every place where a
 * service name crosses from metrics to logs or traces (queries and links) maps it here; the
 * query builders then escape the result for their language.
 */
import { METRIC_FAMILIES, MetricFamily } from './conventions';

/**
 * `auto`: strip the namespace when the metrics service label is `job` (or not known from the
 * settings: family Auto with no label set); `strip-namespace`: always; `as-is`: never.
 */
export type ServiceNameMapping = 'auto' | 'strip-namespace' | 'as-is';

export const SERVICE_NAME_MAPPINGS: ServiceNameMapping[] = ['auto', 'strip-namespace', 'as-is'];

export function isServiceNameMapping(value: unknown): value is ServiceNameMapping {
  return typeof value === 'string' && (SERVICE_NAME_MAPPINGS as string[]).includes(value);
}

export interface ServiceNameSettings {
  family: MetricFamily | 'auto';
  serviceLabel: string;
  /** Absent: `auto`. */
  serviceNames?: ServiceNameMapping;
}

/** `ns/name` → `name`: everything after the first `/`, when both sides are non-empty. */
export function stripNamespace(service: string): string {
  const slash = service.indexOf('/');
  return slash > 0 && slash < service.length - 1 ? service.slice(slash + 1) : service;
}

/** The metrics service label the settings name (the family's default when none is set), if they tell. */
function labelInUse(metrics: ServiceNameSettings): string | undefined {
  if (metrics.serviceLabel) {
    return metrics.serviceLabel;
  }
  return metrics.family === 'auto' ? undefined : METRIC_FAMILIES[metrics.family].defaultServiceLabel;
}

/** Whether names from the metrics lose their namespace on the way to logs and traces. */
export function stripsNamespace(metrics: ServiceNameSettings): boolean {
  switch (metrics.serviceNames ?? 'auto') {
    case 'as-is':
      return false;
    case 'strip-namespace':
      return true;
    case 'auto': {
      const label = labelInUse(metrics);
      return label === undefined || label === 'job';
    }
  }
}

/** The name logs and traces use for the service the metrics call `service`. */
export function logsAndTracesName(metrics: ServiceNameSettings, service: string): string {
  return stripsNamespace(metrics) ? stripNamespace(service) : service;
}
