/**
 * "Check" for one pillar: find its data source from the draft settings, probe it through
 * Grafana, and turn the answers into a report. A data source that cannot be found is itself
 * the report, so the other pillars are still checked.
 */
import { LOG_SERVICE_LABEL_CANDIDATES, LogConventions } from '../../datasources/conventions';
import { detectLogs, detectMetrics, detectTraces, MetricsDetection, PillarReport } from '../../datasources/detect';
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
  // Each branch returns the report type of its own pillar; TypeScript cannot narrow `P` here.
  switch (pillar) {
    case 'prometheus':
      return detectMetrics(await probePrometheus(client, ds, nowMs), draft.metrics) as CheckReports[P];
    case 'loki':
      return detectLogs(
        await probeLoki(client, ds, draft.logs, LOG_SERVICE_LABEL_CANDIDATES, nowMs),
        draft.logs
      ) as CheckReports[P];
    default:
      return detectTraces(await probeTempo(client, ds, nowMs)) as CheckReports[P];
  }
}
