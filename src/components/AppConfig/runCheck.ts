/**
 * "Check" for one pillar: find its data source from the draft settings, probe it through
 * Grafana, and turn the answers into a report. A data source that cannot be found is itself
 * the report, so the other pillars are still checked.
 */
import { LOG_SERVICE_LABEL_CANDIDATES, LogConventions } from '../../datasources/conventions';
import {
  detectLogs,
  detectMetrics,
  detectTraces,
  MetricsDetection,
  PillarReport,
  withFindings,
} from '../../datasources/detect';
import {
  derivedFieldFindings,
  exemplarDestinationFindings,
  exemplarStorageFindings,
  probeDataSourceSettings,
  probeExemplars,
  pivotTraceLinkFindings,
  tempoLinkFindings,
} from '../../datasources/linkChecks';
import { DataSourceSummary, resolveDataSource } from '../../datasources/lookup';
import { probeLoki, probePrometheus, probeTempo, ProbeClient } from '../../datasources/probes';
import type { Pillar } from '../../settings';
import type { ConfigDraft } from './configForm';

export interface CheckReports {
  prometheus: PillarReport<MetricsDetection>;
  loki: PillarReport<LogConventions>;
  tempo: PillarReport<never>;
}

export async function checkPillar<P extends Pillar>(
  pillar: P,
  draft: ConfigDraft,
  available: DataSourceSummary[],
  client: ProbeClient,
  nowMs: number
): Promise<CheckReports[P]> {
  const resolution = resolveDataSource(pillar, draft.datasources[pillar], available);
  if (!resolution.ok) {
    const report: PillarReport<never> = {
      pillar,
      level: 'error',
      findings: [{ level: 'error', text: resolution.message }],
    };
    return report;
  }
  const { ds } = resolution;
  // The other pillars' data sources, for the links between them (undefined: that pillar's own card says why).
  const other = (p: Pillar) => {
    const r = resolveDataSource(p, draft.datasources[p], available);
    return r.ok ? r.ds : undefined;
  };
  const settings = probeDataSourceSettings(client, ds);
  // Each branch returns the report type of its own pillar; TypeScript cannot narrow `P` here.
  switch (pillar) {
    case 'prometheus': {
      const report = detectMetrics(await probePrometheus(client, ds, nowMs), draft.metrics);
      const family = report.detected?.family ?? (draft.metrics.family === 'auto' ? undefined : draft.metrics.family);
      const exemplars = family ? exemplarStorageFindings(await probeExemplars(client, ds, family, nowMs), family) : [];
      return withFindings(report, [
        ...exemplars,
        ...exemplarDestinationFindings(await settings, ds, other('tempo')),
      ]) as CheckReports[P];
    }
    case 'loki': {
      const report = detectLogs(
        await probeLoki(client, ds, draft.logs, LOG_SERVICE_LABEL_CANDIDATES, nowMs),
        draft.logs
      );
      // Links are checked for where trace_id was found, or where the form says it is.
      const where = report.detected?.traceId ?? draft.logs.traceId;
      const linkSettings = await settings;
      return withFindings(report, [
        ...derivedFieldFindings(linkSettings, ds, other('tempo'), where),
        ...pivotTraceLinkFindings(linkSettings, ds, where),
      ]) as CheckReports[P];
    }
    default: {
      const report = detectTraces(await probeTempo(client, ds, nowMs));
      const serviceLabel = draft.logs.serviceLabel;
      return withFindings(
        report,
        tempoLinkFindings(await settings, ds, other('loki'), other('prometheus'), serviceLabel)
      ) as CheckReports[P];
    }
  }
}
