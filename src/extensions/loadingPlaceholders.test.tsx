import React from 'react';
import { render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { EXPOSED } from './ids';
import { plugin } from '../module';
import pluginJson from '../plugin.json';

// The components behind the placeholders: what matters here is when they render.
jest.mock('./exposed/ServiceHealth', () => ({ __esModule: true, default: () => <p>service health</p> }));
jest.mock('./exposed/TraceSummary', () => ({ __esModule: true, default: () => <p>trace summary</p> }));

function exposed(id: string): React.ComponentType<Record<string, unknown>> {
  const config = plugin.exposedComponentConfigs.find((c) => c.id === id);
  if (!config) {
    throw new Error(`${id} is not exposed`);
  }
  return config.component as React.ComponentType<Record<string, unknown>>;
}

describe("the preloaded module's loading placeholders", () => {
  it('say what is loading, then give way to the component once translations are set up', async () => {
    const TraceSummary = exposed(EXPOSED.traceSummary.id);
    render(<TraceSummary traceId="abc" />);
    expect(screen.getByText('Loading trace summary…')).toBeInTheDocument();
    expect(await screen.findByText('trace summary')).toBeInTheDocument();
  });

  it("read their text from Pivot's translations", async () => {
    const key = { pivot: { exposed: { 'service-health': { 'loading-component': 'Chargement…' } } } };
    i18next.addResourceBundle(i18next.language, pluginJson.id, key, true, true);
    try {
      const ServiceHealth = exposed(EXPOSED.serviceHealth.id);
      render(<ServiceHealth service="checkout" />);
      expect(screen.getByText('Chargement…')).toBeInTheDocument();
      expect(await screen.findByText('service health')).toBeInTheDocument();
    } finally {
      i18next.removeResourceBundle(i18next.language, pluginJson.id);
    }
  });
});
