import React from 'react';
import { fireEvent, screen, within } from '@testing-library/react';
import { sceneGraph } from '@grafana/scenes';
import { customerEmail, customerId } from '../../analysis/fixtures/hygieneEvidence';
import { hygieneTestIds } from '../../components/Hygiene/hygieneTestIds';
import { HygieneScene } from '../../scenes/HygieneScene';
import { pageScene } from '../../scenes/pageControls';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../../testing/fakeGrafana';
import { demoAnswers, fakeHygieneClient } from '../../testing/hygieneAnswers';
import { hygieneSection } from './HygieneSection';
import { buildServiceScene } from './serviceScene';

describe('Service page: telemetry hygiene section', () => {
  it('is on the Service page, for that service, asked on demand', () => {
    const scene = buildServiceScene(pivotContext(), 'storefront');
    const section = sceneGraph.findObject(scene, (o) => o instanceof HygieneScene);
    expect(section).toBeInstanceOf(HygieneScene);
    expect((section as HygieneScene).state).toMatchObject({ service: 'storefront', onDemand: true });
  });

  it('asks nothing until its button is pressed, then reports the service only, masked, without the service column', async () => {
    installFakeGrafana(() => ({ frames: [] }));
    const client = fakeHygieneClient(demoAnswers());
    const scene = pageScene([hygieneSection(pivotContext(), 'storefront', client)]);
    const { container } = renderInGrafana(<scene.Component model={scene} />);
    const button = within(await screen.findByTestId(hygieneTestIds.onDemand)).getByRole('button', {
      name: 'Check storefront for labels with ids and personal data',
    });
    expect(client.requests).toEqual([]);
    fireEvent.click(button);
    const report = await screen.findByTestId(hygieneTestIds.report('storefront'), undefined, { timeout: 5000 });
    // Every request names the service (a resource path's match[] / q / stream selector, or the LogQL).
    for (const req of client.requests) {
      expect(decodeURIComponent(req.url) + JSON.stringify(req.data ?? '')).toContain('storefront');
    }
    const rows = within(report).getAllByTestId(/pivot-hygiene-finding /);
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(['Loki', 'Prometheus', 'Tempo', 'Tempo']);
    expect(container.innerHTML).not.toContain(customerId(7));
    expect(container.innerHTML).not.toContain(customerEmail(1));
    expect(within(report).queryByTestId(hygieneTestIds.seriesByService)).toBeNull();
  });
});
