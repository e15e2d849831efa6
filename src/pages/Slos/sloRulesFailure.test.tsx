import React from 'react';
import { screen, within } from '@testing-library/react';
import { config } from '@grafana/runtime';
import { testIds } from '../../components/testIds';
import { generateRules } from '../../slo/rules';
import { installFakeGrafana, pivotContext, renderInGrafana } from '../../testing/fakeGrafana';
import { buildSloScene } from './sloScene';
import { AVAILABILITY, AVAILABILITY_RATIOS, byRefId, jsonData, ratioFrames } from './sloTestFixtures';

// The real generator, replaceable per test at the module boundary the page imports it through.
jest.mock('../../slo/rules', () => {
  const actual = jest.requireActual('../../slo/rules');
  return { ...actual, generateRules: jest.fn(actual.generateRules) };
});

const appUrlBefore = config.appUrl;
afterEach(() => {
  config.appUrl = appUrlBefore;
  jest.mocked(generateRules).mockImplementation(jest.requireActual('../../slo/rules').generateRules);
});

/**
 * The SLO page writes the rules text while it renders: a throw there blanked the whole page.
 * Now the rules section says why and the rest of the page (budget, burn rates) stays.
 */
async function renderSloPage() {
  installFakeGrafana(byRefId(ratioFrames(0, AVAILABILITY_RATIOS)));
  const scene = buildSloScene(pivotContext(jsonData([AVAILABILITY])), AVAILABILITY.name);
  renderInGrafana(<scene.Component model={scene} />);
  return screen.findByTestId(testIds.slos.rules);
}

it('a stored SLO the generator refuses: the rules section says why, the burn rates still show', async () => {
  jest.mocked(generateRules).mockImplementation(() => {
    throw new Error('checkout-availability: no rule can be written for this SLO');
  });
  const rules = await renderSloPage();
  expect(within(rules).getByText('Pivot could not write the Prometheus rules of this SLO')).toBeInTheDocument();
  expect(rules).toHaveTextContent('checkout-availability: no rule can be written for this SLO');
  expect(within(rules).queryByRole('button', { name: 'Copy' })).toBeNull();
  expect(screen.getByTestId(testIds.slos.pairs)).toHaveTextContent('1h / 5m');
});

it('a Grafana URL no rule file can hold (a lone surrogate after a {): the same, from the real generator', async () => {
  config.appUrl = 'https://grafana.example.com/{\ud800/';
  const rules = await renderSloPage();
  expect(rules).toHaveTextContent(/Pivot could not write the Prometheus rules of this SLO.*lone UTF-16 surrogate/);
  expect(screen.getByTestId(testIds.slos.pairs)).toBeInTheDocument();
});
