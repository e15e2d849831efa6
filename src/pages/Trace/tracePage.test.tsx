import React from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import { SceneApp } from '@grafana/scenes';
import { checkoutFailureFrame } from '../../analysis/fixtures/traceFrames';
import { buildSceneApp } from '../../app/App';
import { testIds } from '../../components/testIds';
import { PLUGIN_BASE_URL } from '../../constants';
import { traceUrl } from '../../utils/links';
import { installFakeGrafana, pivotContext, renderAppAt } from '../../testing/fakeGrafana';
import { openTraceTarget } from './OpenTraceForm';

const ID = '0af7651916cd43dd8448eb211c80319c';
const RANGE = { from: 1714560000000, to: 1714567200000 };

/** Mounts the app as Grafana does (docs/conventions.md#mounting-the-app) at `path`. */
function renderAt(path: string): SceneApp {
  installFakeGrafana((ds) => (ds.type === 'tempo' ? { frames: [checkoutFailureFrame()] } : { frames: [] }));
  const app = buildSceneApp(pivotContext({}));
  renderAppAt(path, <app.Component model={app} />);
  return app;
}

describe('Trace page routes', () => {
  it('opens a pasted trace link with its focused span and time range, and keeps both in the URL', async () => {
    renderAt(traceUrl(ID, { spanId: '000000000000000e', range: RANGE }));
    await screen.findByTestId(testIds.trace.failureOrigin);
    const search = () => new URLSearchParams(locationService.getLocation().search);
    await waitFor(() => expect(search().get('span')).toBe('000000000000000e'));
    // Scenes writes absolute times back as ISO dates: the same instants.
    expect(Date.parse(search().get('from') ?? '')).toBe(RANGE.from);
    expect(Date.parse(search().get('to') ?? '')).toBe(RANGE.to);

    fireEvent.click(screen.getByTestId(testIds.trace.focusSpan('0000000000000010')));
    await waitFor(() => expect(search().get('span')).toBe('0000000000000010'));
    expect(locationService.getLocation().pathname).toBe(`${PLUGIN_BASE_URL}/trace/${ID}`);
  });

  it('says an id in the URL is not a trace id', async () => {
    renderAt(`${PLUGIN_BASE_URL}/trace/xyz`);
    expect(await screen.findByTestId(testIds.trace.state('invalid-id'))).toHaveTextContent('Invalid trace id');
  });

  it.each([
    ['f'.repeat(10_000), 'longer than 128 bits'],
    ['g'.repeat(10_000), 'a trace id is 1 to 32 hexadecimal digits'],
  ])('echoes at most 40 characters of a 10,000-character id, and says it is not a trace id', async (id, why) => {
    renderAt(`${PLUGIN_BASE_URL}/trace/${id}`);
    const state = await screen.findByTestId(testIds.trace.state('invalid-id'));
    expect(state).toHaveTextContent(`Invalid trace id "${id.slice(0, 40)}"… (10000 characters): ${why}`);
    expect(document.body.textContent).not.toContain(id.slice(0, 41));
  });

  it('asks for a trace id at the bare trace route and opens what is pasted', async () => {
    renderAt(`${PLUGIN_BASE_URL}/trace?from=now-6h&to=now`);
    const input = await screen.findByTestId(testIds.trace.openInput);
    fireEvent.change(input, { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId(testIds.trace.openSubmit));
    expect(await screen.findByText('A trace id is 1 to 32 hexadecimal digits.')).toBeInTheDocument();

    fireEvent.change(input, { target: { value: ` ${ID.toUpperCase()} ` } });
    act(() => {
      fireEvent.click(screen.getByTestId(testIds.trace.openSubmit));
    });
    await waitFor(() => expect(locationService.getLocation().pathname).toBe(`${PLUGIN_BASE_URL}/trace/${ID.slice(1)}`));
  });
});

describe('openTraceTarget', () => {
  it('keeps the time range of the page and normalises the id', () => {
    expect(openTraceTarget('00AB', new URLSearchParams('from=now-6h&to=now'))).toEqual({
      url: traceUrl('ab', { range: { from: 'now-6h', to: 'now' } }),
    });
    expect(openTraceTarget('ab', new URLSearchParams(''))).toEqual({ url: traceUrl('ab') });
    expect(openTraceTarget('"} or {', new URLSearchParams(''))).toEqual({
      error: 'A trace id is 1 to 32 hexadecimal digits.',
    });
  });
});
