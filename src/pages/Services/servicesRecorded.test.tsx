import React from 'react';
import { screen, waitFor } from '@testing-library/react';
import { EmbeddedScene } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { metricConventionsFor, normalizeSettings } from '../../settings';
import { redSeriesNames } from '../../datasources/redSeries';
import { familyProbe } from '../../scenes/familyProbe';
import { expectValidPromQL } from '../../testing/grammar';
import { SERVICE_STAT_REFS as R } from './serviceRows';
import { buildServicesScene, servicesQueries } from './servicesScene';
import { sparklineQuery } from './sparklines';
import { installFakeGrafana, renderInGrafana, pivotContext, PROMETHEUS, Responder } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';

const T = 1_700_000_000_000;
const SETTINGS = { metrics: { family: 'otel-spanmetrics' as const } };
const CONV = metricConventionsFor(normalizeSettings(SETTINGS), 'otel-spanmetrics');

/** The probe answers `recordedServices` for the family's recorded series; the page's queries one service each. */
function answers(recordedServices: number): Responder {
  return (_ds, request) =>
    request.targets.some((t) => t.refId === 'otel-spanmetrics:recorded')
      ? { frames: recordedServices > 0 ? [promSeries('otel-spanmetrics:recorded', {}, [[T, recordedServices]])] : [] }
      : {
          frames: [
            promSeries(R.requestRate, { service_name: 'checkout' }, [[T, 10]]),
            promSeries(R.errorRatio, { service_name: 'checkout' }, [[T, 0.1]]),
          ],
        };
}

async function renderScene(scene: EmbeddedScene) {
  renderInGrafana(<scene.Component model={scene} />);
}

function pageExprs(requests: ReturnType<typeof installFakeGrafana>): string[][] {
  return requests
    .filter((r) => r.uid === PROMETHEUS.uid && !r.request.requestId.startsWith('pivot-family'))
    .map((r) => r.request.targets.map((t) => ('expr' in t ? String(t.expr) : '')));
}

describe('Services page on recorded RED series', () => {
  it('reads the recorded series when the app’s probe found them, and asks the probe once per app load', async () => {
    const requests = installFakeGrafana(answers(3));
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    // What the app does as it loads (src/app/App.tsx).
    await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
    await renderScene(buildServicesScene(ctx));
    await screen.findByTestId(testIds.services.table);
    expect(screen.getByTestId(testIds.services.metricFamily)).toHaveTextContent("read from Pivot's recording rules");
    const stats = servicesQueries(CONV, false, true).map((q) => q.expr);
    const sparkline = sparklineQuery(CONV, true, ['checkout']).expr;
    await waitFor(() => expect(pageExprs(requests)).toEqual([stats, [sparkline]]));
    const names = redSeriesNames(CONV);
    for (const expr of [...stats, sparkline]) {
      expectValidPromQL(expr);
      // No raw series: every statistic, the sparkline included, reads a recorded one.
      expect(expr).not.toContain('traces_span_metrics_calls_total');
      expect(expr).not.toContain('traces_span_metrics_duration_milliseconds_bucket{');
    }
    expect(sparkline).toBe(`sum by (service_name) (${names.requests}{service_name=~"checkout"})`);

    // A second page load in the same app: no probe, straight to the recorded queries.
    await renderScene(buildServicesScene(ctx));
    const probes = requests.filter((r) => r.request.requestId.startsWith('pivot-family'));
    expect(probes).toHaveLength(1);
    expect(probes[0].request.targets.map((t) => t.refId)).toEqual(['otel-spanmetrics:recorded']);
    await waitFor(() => expect(pageExprs(requests)).toEqual([stats, [sparkline], stats, [sparkline]]));
  });

  it('reads the raw series when the recording rules do not run there', async () => {
    const requests = installFakeGrafana(answers(0));
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    await familyProbe(ctx.settings, ctx.datasources.prometheus.ds);
    await renderScene(buildServicesScene(ctx));
    await screen.findByTestId(testIds.services.table);
    await waitFor(() =>
      expect(pageExprs(requests)).toEqual([
        servicesQueries(CONV).map((q) => q.expr),
        [sparklineQuery(CONV, false, ['checkout']).expr],
      ])
    );
    expect(screen.getByTestId(testIds.services.metricFamily)).not.toHaveTextContent('recording rules');
  });

  it('reads the raw series when the probe failed, without showing an error (the rules are an optimisation)', async () => {
    const requests = installFakeGrafana((_ds, request) =>
      request.requestId.startsWith('pivot-family') ? { error: 'timeout' } : answers(0)(_ds, request)
    );
    const ctx = pivotContext(SETTINGS);
    if (!ctx.datasources.prometheus.ok) {
      throw new Error('no Prometheus in the fake');
    }
    await expect(familyProbe(ctx.settings, ctx.datasources.prometheus.ds)).rejects.toThrow('timeout');
    // The failed probe was forgotten: a configured family then goes raw at once, asking nothing more.
    await renderScene(buildServicesScene(ctx));
    await screen.findByTestId(testIds.services.table);
    await waitFor(() =>
      expect(pageExprs(requests)).toEqual([
        servicesQueries(CONV).map((q) => q.expr),
        [sparklineQuery(CONV, false, ['checkout']).expr],
      ])
    );
    expect(requests.filter((r) => r.request.requestId.startsWith('pivot-family'))).toHaveLength(1);
    expect(screen.queryByTestId(testIds.states.problem)).toBeNull();
  });
});
