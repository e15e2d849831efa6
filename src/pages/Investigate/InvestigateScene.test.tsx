import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import { buildPivotContext } from '../../pivotContext';
import { testIds } from '../../components/testIds';
import { configureInvestigateLink } from '../../extensions/investigateLink';
import { InvestigateScene } from './InvestigateScene';

const ctx = buildPivotContext({ metrics: { family: 'otel-spanmetrics' } }, []);
const deps = { interpolate: (text: string) => text, dataSourceType: () => undefined };

/** The path "Investigate in Pivot" builds for these Prometheus queries over the last hour. */
function linkFor(...exprs: string[]): string {
  const link = configureInvestigateLink(
    {
      targets: exprs.map((expr, i) => ({ refId: String(i), datasource: { type: 'prometheus', uid: 'p' }, expr })),
      timeRange: { from: 'now-1h', to: 'now' },
    },
    deps
  );
  return link!.path;
}

async function landOn(path: string): Promise<InvestigateScene> {
  locationService.push(path);
  const scene = new InvestigateScene({ settings: ctx.settings });
  scene.activate();
  return scene;
}

describe('the investigate route', () => {
  it('replaces itself with the Service page of the one service the queries select', async () => {
    await landOn(linkFor('sum(rate(traces_span_metrics_calls_total{service_name="checkout"}[5m]))'));
    await waitFor(() =>
      expect(locationService.getLocation().pathname).toBe('/a/pivot-correlation-app/services/checkout')
    );
    expect(locationService.getLocation().search).toBe('?from=now-1h&to=now&var-metrics=p&from-panel=prometheus');
  });

  it('opens the Services page when the queries select several services', async () => {
    await landOn(linkFor('x{service_name="a"}', 'x{service_name="b"}'));
    await waitFor(() => expect(locationService.getLocation().pathname).toBe('/a/pivot-correlation-app/services'));
  });

  it('says what is wrong when the URL carries no query', async () => {
    const scene = await landOn('/a/pivot-correlation-app/investigate?from=now-1h&to=now');
    render(<scene.Component model={scene} />);
    expect(await screen.findByTestId(testIds.states.problem)).toHaveTextContent('no Prometheus, Loki or Tempo query');
    expect(screen.getByTestId(testIds.embedding.investigate)).toBeInTheDocument();
    expect(locationService.getLocation().pathname).toBe('/a/pivot-correlation-app/investigate');
  });
});
