import React from 'react';
import i18n from 'i18next';
import { render } from '@testing-library/react';
import { MissingMetrics } from '../pages/Graph/MissingMetrics';
import { anomalyNotes } from '../pages/Trace/traceSummary';
import { PLUGIN_ID } from '../constants';
import enUS from '../locales/en-US/pivot-correlation-app.json';

// Grafana 12.1+ loads the plugin's locale file itself, en-US included: the text then comes from
// the extracted file, not from the defaults in the code. The two must read the same, plural
// forms and <Trans> markup included.
const anomalies = (count: number) => ({
  orphans: count,
  cycles: count,
  duplicateSpanIds: count,
  missingSpanIds: count,
  clockSkew: count,
  missingTimes: count,
});

function missingMetricsText(): string {
  const { container, unmount } = render(<MissingMetrics onBuildSampled={() => {}} />);
  const html = container.innerHTML;
  unmount();
  return html;
}

describe('the extracted en-US file', () => {
  afterEach(() => i18n.removeResourceBundle('en-US', PLUGIN_ID));

  it('gives the same sentences as the code, in the singular and the plural', () => {
    const fromCode = [1, 2, 1234].map((n) => anomalyNotes(anomalies(n)));
    expect(fromCode[1][0]).toBe(
      '2 spans have no parent in this trace (not sampled or not yet ingested): shown as extra roots.'
    );

    i18n.addResourceBundle('en-US', PLUGIN_ID, enUS, true, true);
    expect([1, 2, 1234].map((n) => anomalyNotes(anomalies(n)))).toEqual(fromCode);
  });

  it('gives the same <Trans> markup as the code', () => {
    const fromCode = missingMetricsText();
    expect(fromCode).toContain('<code>traces_service_graph_request_total</code>');

    i18n.addResourceBundle('en-US', PLUGIN_ID, enUS, true, true);
    expect(missingMetricsText()).toBe(fromCode);
  });
});
