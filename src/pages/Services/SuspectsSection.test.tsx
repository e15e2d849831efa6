import React from 'react';
import { screen, within } from '@testing-library/react';
import { EmbeddedScene, SceneFlexItem, SceneFlexLayout, SceneTimeRange } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { SUSPECT_REFS } from '../../analysis/suspectFrames';
import { failingSpansWith, SAMPLE_TRACES, SPANS_PER_TRACE, suspectSpans } from '../../datasources/suspectQueries';
import { expectValidTraceQL } from '../../testing/grammar';
import {
  Answer,
  installFakeGrafana,
  LOKI,
  pivotContext,
  PROMETHEUS,
  renderInGrafana,
  Responder,
  TEMPO,
} from '../../testing/fakeGrafana';
import { SpanRow, spansFrame } from '../../testing/tempoSpans';
import { tempoTracesFrame } from '../../testing/frames';
import { SUSPECTS_TEST_IDS, suspectQueries, suspectsSection } from './SuspectsSection';

const T = 1_764_644_000_000;
const FROM = T - 30 * 60_000;
const TO = T + 30 * 60_000;

/** Inventory spans: 1.4.0 until the 60th, then `version`; half of the new version's spans fail. */
function inventorySpans(version: string, route = '/reserve'): { failing: SpanRow[]; baseline: SpanRow[] } {
  const all = Array.from({ length: 120 }, (_, i) => ({
    traceId: `${(i + 1).toString(16)}aa`,
    spanId: `${(i + 1).toString(16)}bb`,
    timeMs: T + i * 1000,
    name: `POST ${route}`,
    attributes: { 'service.version': i < 60 ? '1.4.0' : version, 'http.route': route, 'service.name': 'inventory' },
  }));
  return {
    failing: all.filter((_, i) => i >= 60 && i % 2 === 0),
    baseline: all.filter((_, i) => i < 60 || i % 2 === 1),
  };
}

function tempoResponder(failing: Answer, baseline: Answer): Responder {
  return (ds, request) => {
    if (ds.type !== 'tempo') {
      return { frames: [] };
    }
    return request.targets[0]?.refId === SUSPECT_REFS.failing ? failing : baseline;
  };
}

function render(service: string, available = [PROMETHEUS, LOKI, TEMPO]) {
  const scene = new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: new Date(FROM).toISOString(), to: new Date(TO).toISOString() }),
    body: new SceneFlexLayout({
      children: [new SceneFlexItem({ body: suspectsSection(pivotContext({}, available), service) })],
    }),
  });
  renderInGrafana(<scene.Component model={scene} />);
}

/** The Explore pane a link opens: its data source and query. */
function explorePane(href: string | null): {
  datasource: string;
  queries: Array<Record<string, unknown>>;
  range: unknown;
} {
  const url = new URL(href ?? '', 'http://grafana.local');
  expect(url.pathname).toBe('/explore');
  return JSON.parse(url.searchParams.get('panes') ?? '{}').pivot;
}

describe('What the failing requests share', () => {
  it('asks Tempo for the two samples, each its own request, with the attributes selected', async () => {
    const { failing, baseline } = inventorySpans('1.5.0');
    const requests = installFakeGrafana(
      tempoResponder({ frames: [spansFrame(failing)] }, { frames: [spansFrame(baseline)] })
    );
    render('inventory');
    await screen.findByTestId(SUSPECTS_TEST_IDS.view('ranked'));
    expect(requests.map((r) => r.request.targets)).toEqual([
      [expect.objectContaining(suspectQueries('inventory').failing)],
      [expect.objectContaining(suspectQueries('inventory').baseline)],
    ]);
    expect(suspectQueries('inventory').failing).toEqual({
      refId: SUSPECT_REFS.failing,
      queryType: 'traceql',
      query: suspectSpans('inventory', 'failing'),
      limit: SAMPLE_TRACES,
      spss: SPANS_PER_TRACE,
      tableType: 'spans',
    });
    for (const r of requests) {
      expect(r.request.range.from.valueOf()).toBe(FROM);
      expect(r.request.range.to.valueOf()).toBe(TO);
    }
  });

  it('shows the suspect version with its shares, a pivot to its failing traces and the deploy note', async () => {
    const { failing, baseline } = inventorySpans('1.5.0');
    installFakeGrafana(tempoResponder({ frames: [spansFrame(failing)] }, { frames: [spansFrame(baseline)] }));
    render('inventory');
    const view = await screen.findByTestId(SUSPECTS_TEST_IDS.view('ranked'));
    expect(view).toHaveTextContent(
      'Compared 30 failing server or consumer spans of inventory with 90 others in this window'
    );
    const row = within(view).getByTestId(SUSPECTS_TEST_IDS.row('resource.service.version', '1.5.0'));
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent)
    ).toEqual([
      'resource.service.version',
      '1.5.0',
      '100% (30)',
      '33.3% (30)',
      'Failing traces with this valueGraph around inventory',
    ]);
    const pane = explorePane(
      within(row).getByText('Failing traces with this value').closest('a')!.getAttribute('href')
    );
    expect(pane.datasource).toBe(TEMPO.uid);
    expect(pane.queries[0]).toMatchObject({
      queryType: 'traceql',
      query: failingSpansWith('inventory', 'resource.service.version', '1.5.0'),
      tableType: 'traces',
    });
    expect(pane.range).toEqual({ from: String(FROM), to: String(TO) });
    const deploy = screen.getByTestId(SUSPECTS_TEST_IDS.deploy);
    expect(deploy).toHaveTextContent('A deploy may be the cause: inventory version 1.5.0');
    expect(deploy).toHaveTextContent('after spans of other versions: it was rolled out in this window');
  });

  it('keeps hostile services and values in their literals and URLs', async () => {
    const service = 'inv"entory $__interval [[x]] } || { true';
    const version = '1.5.0"} | {$x[[y]]';
    const { failing, baseline } = inventorySpans(version);
    const requests = installFakeGrafana(
      tempoResponder({ frames: [spansFrame(failing)] }, { frames: [spansFrame(baseline)] })
    );
    render(service);
    const row = await screen.findByTestId(SUSPECTS_TEST_IDS.row('resource.service.version', version));
    for (const r of requests) {
      const query = String(r.request.targets[0] && (r.request.targets[0] as { query?: string }).query);
      expectValidTraceQL(query);
      expect(query).not.toMatch(/\$|\[\[/);
    }
    const href = within(row).getByText('Failing traces with this value').closest('a')!.getAttribute('href');
    const query = String(explorePane(href).queries[0].query);
    expect(query).toBe(failingSpansWith(service, 'resource.service.version', version));
    expectValidTraceQL(query);
    expect(query).not.toMatch(/\$|\[\[/);
    expect(within(row).getAllByRole('cell')[1]).toHaveTextContent(version);
  });

  it('links a peer service to its Service page and the graph around it', async () => {
    const peers = (n: number, peer: (i: number) => string): SpanRow[] =>
      Array.from({ length: n }, (_, i) => ({
        traceId: `${i + 1}c`,
        spanId: `${i + 1}d`,
        timeMs: T + i,
        attributes: { 'peer.service': peer(i) },
      }));
    installFakeGrafana(
      tempoResponder(
        { frames: [spansFrame(peers(20, () => 'pay/ments'))] },
        { frames: [spansFrame(peers(40, (i) => (i < 4 ? 'pay/ments' : 'stock')))] }
      )
    );
    render('checkout');
    const row = await screen.findByTestId(SUSPECTS_TEST_IDS.row('span.peer.service', 'pay/ments'));
    const href = (text: string) => within(row).getByText(text).closest('a')!.getAttribute('href') ?? '';
    expect(href('Open pay/ments')).toMatch(/\/services\/pay%2Fments\?from=/);
    expect(new URL(href('Graph around pay/ments'), 'http://g.local').searchParams.get('focus')).toBe('pay/ments');
  });

  describe('states', () => {
    const route = (n: number): SpanRow[] =>
      Array.from({ length: n }, (_, i) => ({
        traceId: `${i + 1}e`,
        spanId: `${i + 1}f`,
        timeMs: T + i,
        attributes: { 'http.route': i % 2 ? '/a' : '/b' },
      }));

    it('says when there are too few failing spans in the window', async () => {
      installFakeGrafana(tempoResponder({ frames: [spansFrame(route(4))] }, { frames: [spansFrame(route(40))] }));
      render('payment');
      expect(await screen.findByTestId(SUSPECTS_TEST_IDS.view('not-enough'))).toHaveTextContent(
        'Not enough failing spans to compare: 4 failing server or consumer spans of payment in this window, Pivot needs at least 10.'
      );
    });

    it('says when Tempo answers without the selected attributes', async () => {
      const bare = (n: number) => spansFrame(route(n).map((r) => ({ ...r, attributes: {} })));
      installFakeGrafana(tempoResponder({ frames: [bare(20)] }, { frames: [bare(20)] }));
      render('payment');
      expect(await screen.findByTestId(SUSPECTS_TEST_IDS.view('no-selection'))).toHaveTextContent(
        'Tempo answered without the selected attributes'
      );
    });

    it('says when Tempo answers with trace rows only (no span table)', async () => {
      const traces = tempoTracesFrame('traces', [
        { traceID: 'ab', startTimeMs: T, service: 'x', name: 'y', durationMs: 1 },
      ]);
      installFakeGrafana(tempoResponder({ frames: [traces] }, { frames: [traces] }));
      render('payment');
      expect(await screen.findByTestId(SUSPECTS_TEST_IDS.view('not-enough'))).toHaveTextContent(
        '0 failing server or consumer spans'
      );
    });

    it('says when nothing stands out', async () => {
      installFakeGrafana(tempoResponder({ frames: [spansFrame(route(20))] }, { frames: [spansFrame(route(40))] }));
      render('payment');
      expect(await screen.findByTestId(SUSPECTS_TEST_IDS.view('none'))).toHaveTextContent('Nothing stands out');
    });

    it('says when every sampled span failed', async () => {
      installFakeGrafana(tempoResponder({ frames: [spansFrame(route(20))] }, { frames: [spansFrame([])] }));
      render('payment');
      expect(await screen.findByTestId(SUSPECTS_TEST_IDS.view('no-baseline'))).toHaveTextContent(
        'Every sampled server or consumer span of payment in this window failed (20)'
      );
    });

    it('says when the window has no failing spans', async () => {
      installFakeGrafana(tempoResponder({ frames: [spansFrame([])] }, { frames: [spansFrame(route(40))] }));
      render('payment');
      expect(await screen.findByTestId(testIds.service.section('suspects', 'empty'))).toHaveTextContent(
        'No failing server or consumer spans of payment in this window (Tempo): nothing to compare.'
      );
    });

    it("shows Tempo's message when a sample fails", async () => {
      installFakeGrafana(tempoResponder({ error: 'parse error: unexpected select' }, { frames: [] }));
      render('payment');
      expect(await screen.findByTestId(testIds.service.section('suspects', 'error'))).toHaveTextContent(
        'parse error: unexpected select'
      );
      installFakeGrafana(tempoResponder({ frames: [spansFrame(route(20))] }, { error: 'too many requests' }));
      render('checkout');
      expect(await screen.findByText('Tempo could not load the other spans of checkout')).toBeInTheDocument();
      expect(screen.getByText('too many requests')).toBeInTheDocument();
    });

    it('shows a missing Tempo as a problem and sends nothing', async () => {
      const requests = installFakeGrafana(tempoResponder({ frames: [] }, { frames: [] }), [PROMETHEUS, LOKI]);
      render('payment', [PROMETHEUS, LOKI]);
      expect(await screen.findByTestId(testIds.service.section('suspects', 'problem'))).toBeInTheDocument();
      expect(requests).toEqual([]);
    });
  });
});
