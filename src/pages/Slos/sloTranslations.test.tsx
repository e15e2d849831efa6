import React from 'react';
import i18n from 'i18next';
import { render, screen } from '@testing-library/react';
import { PLUGIN_ID } from '../../constants';
import enUS from '../../locales/en-US/pivot-correlation-app.json';
import type { SloDefinition } from '../../slo/definition';
import { InvalidSlos } from './InvalidSlos';
import { applyEdit, formatExhaustion } from './sloRows';
import { describeSli, severityText } from './slosScene';

// Grafana 12.1+ reads the text from the extracted en-US file, not from the defaults in the
// code: both must read the same, and a name goes in as written (no HTML escaping).
const LATENCY: SloDefinition = {
  name: 'a&b <checkout>',
  service: 'checkout',
  sli: { type: 'latency', thresholdSeconds: 0.5 },
  objective: 99,
  period: '28d',
};

function texts(): string[] {
  const clash = applyEdit([LATENCY], { kind: 'save', slo: LATENCY });
  return [
    describeSli(LATENCY),
    describeSli({ ...LATENCY, sli: { type: 'availability' } }),
    severityText('critical'),
    severityText('warning'),
    formatExhaustion(undefined),
    formatExhaustion(0),
    'error' in clash ? clash.error : 'no clash',
  ];
}

function invalidTitle(count: number): string {
  const entries = Array.from({ length: count }, (_, i) => ({ name: `slo-${i}`, errors: ['bad'], raw: {} }));
  const model = new InvalidSlos({ entries, canEdit: false });
  const { unmount } = render(<model.Component model={model} />);
  const title = screen.getByText(/stored SLOs? fails? validation/).textContent ?? '';
  unmount();
  return title;
}

describe('SLO pages text', () => {
  afterEach(() => i18n.removeResourceBundle('en-US', PLUGIN_ID));

  it('reads the same from the code and from the en-US file, names as written', () => {
    const fromCode = texts();
    expect(fromCode[0]).toBe('latency ≤ 0.5s');
    expect(fromCode[6]).toBe('An SLO named a&b <checkout> exists already: choose another name.');

    i18n.addResourceBundle('en-US', PLUGIN_ID, enUS, true, true);
    expect(texts()).toEqual(fromCode);
  });

  it('says how many stored SLOs fail validation, in the singular and the plural', () => {
    const fromCode = [1, 2].map(invalidTitle);
    expect(fromCode).toEqual(['A stored SLO fails validation', '2 stored SLOs fail validation']);

    i18n.addResourceBundle('en-US', PLUGIN_ID, enUS, true, true);
    expect([1, 2].map(invalidTitle)).toEqual(fromCode);
  });
});
