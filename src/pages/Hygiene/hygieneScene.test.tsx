import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EmbeddedScene } from '@grafana/scenes';
import { customerEmail, customerId, DEMO_CUSTOMERS } from '../../analysis/fixtures/hygieneEvidence';
import { hygieneTestIds } from '../../components/Hygiene/hygieneTestIds';
import { installFakeGrafana, LOKI, pivotContext, PROMETHEUS, renderInGrafana } from '../../testing/fakeGrafana';
import { demoAnswers, fakeHygieneClient } from '../../testing/hygieneAnswers';
import { buildHygieneScene } from './hygienePage';

function render(scene: EmbeddedScene) {
  installFakeGrafana(() => ({ frames: [] }));
  return renderInGrafana(<scene.Component model={scene} />);
}

async function report(): Promise<HTMLElement> {
  return screen.findByTestId(hygieneTestIds.report('*'), undefined, { timeout: 5000 });
}

function noRawValues(container: HTMLElement) {
  const html = container.innerHTML;
  for (let i = 1; i <= DEMO_CUSTOMERS; i++) {
    expect(html).not.toContain(customerId(i));
    expect(html).not.toContain(customerEmail(i));
  }
  expect(html).not.toContain('12345');
}

describe('Hygiene page', () => {
  it('names the storefront, its user_id label, user.id attribute, span names and the email in its logs, masked, with links and fixes', async () => {
    const client = fakeHygieneClient(demoAnswers());
    const { container } = render(buildHygieneScene(pivotContext(), client));
    await report();
    const rows = screen.getAllByTestId(/pivot-hygiene-finding /);
    const text = rows.map((r) => r.textContent);
    expect(text).toEqual([
      expect.stringMatching(/^storefrontLokilog linePersonal data: email3‹email:•+› Open the linesRedact it$/),
      expect.stringMatching(
        /^storefrontPrometheususer_idMetric label with ids.*: numbered50‹numbered:•+› Open the seriesDrop it$/
      ),
      expect.stringMatching(
        /^storefrontTempospan nameSpan names with ids.*: url-id2GET \/orders\/\{id\} Open the spansNormalise the route$/
      ),
      expect.stringMatching(/^storefrontTempouser\.idSpan attribute with ids.*: numbered50‹numbered:•+› Open the spansLimit span-metrics dimensions$/),
    ]);
    noRawValues(container);

    // Links: the service page, and Explore on the finding's data source with a query naming no value.
    const lines = within(rows[0]).getByText('Open the lines').closest('a');
    const pane = JSON.parse(new URL(`http://x${lines?.getAttribute('href')}`).searchParams.get('panes') ?? '{}').pivot;
    expect(pane.datasource).toBe(LOKI.uid);
    expect(pane.queries[0].expr).toMatch(/^\{service_name="storefront"\} \|~ "/);
    const series = within(rows[1]).getByText('Open the series').closest('a');
    expect(series?.getAttribute('href')).toContain(encodeURIComponent(PROMETHEUS.uid));
    expect(within(rows[0]).getByText('storefront').closest('a')?.getAttribute('href')).toMatch(
      /^\/a\/pivot-correlation-app\/services\/storefront\?from=\d+&to=\d+$/
    );

    // The fix of a finding opens under it, with its snippet.
    fireEvent.click(within(rows[1]).getByRole('button', { name: 'Drop it' }));
    const fix = screen.getByTestId(hygieneTestIds.fix(1));
    expect(fix.textContent).toContain('transform/hygiene_metrics in the metrics pipeline');
    expect(fix.textContent).toContain(`delete_matching_keys(attributes, "^user[._]id$$")`);
    expect(screen.getByTestId(hygieneTestIds.seriesByService).textContent).toContain('storefront52');
    expect(screen.getByTestId(hygieneTestIds.cost).textContent).toMatch(
      /^Built from \d+ bounded requests in \d+\.\d s\.$/
    );
    noRawValues(container);
  });

  it('says so when there is nothing to report', async () => {
    render(buildHygieneScene(pivotContext(), fakeHygieneClient(demoAnswers(true))));
    const shown = await report();
    expect(within(shown).getByTestId('data-testid pivot-empty').textContent).toContain(
      'No labels with ids, span names with ids or personal data in this window'
    );
    expect(screen.queryAllByTestId(/pivot-hygiene-problem/)).toEqual([]);
  });

  it('an API that fails or cannot be reached is a problem of that pillar, not a finding; the others still report', async () => {
    const client = fakeHygieneClient(demoAnswers(), (req) => {
      if (req.url.includes('/api/v1/')) {
        return {
          status: 502,
          statusText: 'Bad Gateway',
          data: { message: 'Prometheus is unreachable: connection refused' },
        };
      }
      if (req.url.includes('/api/v2/')) {
        return new TypeError('Failed to fetch');
      }
      return undefined;
    });
    render(buildHygieneScene(pivotContext(), client));
    await report();
    expect(screen.getByTestId(hygieneTestIds.pillarProblem('prometheus')).textContent).toBe(
      'Prometheus was not checked: this is not a findingPrometheus is unreachable: connection refused'
    );
    expect(screen.getByTestId(hygieneTestIds.pillarProblem('tempo')).textContent).toContain('Failed to fetch');
    const rows = screen.getAllByTestId(/pivot-hygiene-finding /);
    expect(rows.map((r) => r.textContent?.slice(0, 'storefrontLoki'.length))).toEqual(['storefrontLoki']);
  });

  it('a missing data source says what to configure', async () => {
    const ctx = pivotContext({}, [PROMETHEUS]);
    render(buildHygieneScene(ctx, fakeHygieneClient(demoAnswers())));
    await report();
    expect(screen.getByTestId(hygieneTestIds.pillarProblem('loki')).textContent).toContain('Loki was not checked');
    expect(
      within(screen.getByTestId(hygieneTestIds.pillarProblem('loki'))).getByText('Open Pivot configuration')
    ).toBeTruthy();
    expect(screen.getAllByTestId(/pivot-hygiene-finding /)).toHaveLength(1);
  });

  it('asks again when the time range changes, and shows only the newest answer', async () => {
    const client = fakeHygieneClient(demoAnswers());
    const scene = buildHygieneScene(pivotContext(), client);
    render(scene);
    await report();
    const before = client.requests.length;
    scene.state.$timeRange?.setState({ from: 'now-6h', to: 'now' });
    scene.state.$timeRange?.onRefresh();
    await waitFor(() => expect(client.requests.length).toBe(before * 2));
    await waitFor(() => expect(screen.getAllByTestId(/pivot-hygiene-finding /)).toHaveLength(4));
  });
});
