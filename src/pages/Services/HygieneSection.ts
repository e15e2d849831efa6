import { grafanaProbeClient } from '../../components/AppConfig/grafanaProbeClient';
import type { ProbeClient } from '../../datasources/probes';
import type { PivotContext } from '../../pivotContext';
import { HygieneScene } from '../../scenes/HygieneScene';

/**
 * The Service page's telemetry-hygiene section (docs/hygiene.md): the service's labels with
 * ids and personal data, with their Collector fixes, asked when the user presses its button.
 */
export function hygieneSection(
  ctx: PivotContext,
  service: string,
  client: ProbeClient = grafanaProbeClient()
): HygieneScene {
  return new HygieneScene({ ctx, client, service, onDemand: true });
}
