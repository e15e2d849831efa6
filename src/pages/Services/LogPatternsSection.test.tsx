import React from 'react';
import { act, screen, within } from '@testing-library/react';
import { EmbeddedScene, SceneFlexItem, SceneFlexLayout, SceneTimeRange } from '@grafana/scenes';
import { testIds } from '../../components/testIds';
import { patternLogs } from '../../datasources/suspectQueries';
import { normalizeSettings } from '../../settings';
import { expectValidLogQL } from '../../testing/grammar';
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
import { LogLine, lokiLogsFrame } from '../../testing/frames';
import { logPatternsSection, PATTERN_REFS, patternQueries, PATTERNS_TEST_IDS } from './LogPatternsSection';

const T = 1_764_644_000_000;
const FROM = T - 30 * 60_000;
const TO = T + 30 * 60_000;
const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CONV = normalizeSettings({}).logs;

function lines(
  count: number,
  text: (i: number) => string,
  traceId = (i: number) => `${ID.slice(0, 28)}${1000 + i}`
): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({
    timeMs: T + i * 1000,
    line: text(i),
    labels: { service_name: 'inventory', trace_id: traceId(i) },
    labelTypes: { service_name: 'I', trace_id: 'S' },
  }));
}

function lokiResponder(current: Answer, previous: Answer): Responder {
  return (ds, request) => {
    if (ds.type !== 'loki') {
      return { frames: [] };
    }
    return request.targets[0]?.refId === PATTERN_REFS.previous ? previous : current;
  };
}

function render(service: string, available = [PROMETHEUS, LOKI, TEMPO]) {
  const scene = new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: new Date(FROM).toISOString(), to: new Date(TO).toISOString() }),
    body: new SceneFlexLayout({
      children: [new SceneFlexItem({ body: logPatternsSection(pivotContext({}, available), service) })],
    }),
  });
  renderInGrafana(<scene.Component model={scene} />);
}

const current = [
  ...lines(6, (i) => `stock service 1.5.0: reservation lock timed out after ${i}ms`),
  ...lines(8, (i) => `db timeout order=${i}`),
  ...lines(2, () => 'cache miss'),
];
const previous = [...lines(2, (i) => `db timeout order=${i}`), ...lines(3, () => 'cache miss')];

describe('Error-log patterns', () => {
  it('reads the same error lines for this window and the one before it, of the same length', async () => {
    const requests = installFakeGrafana(
      lokiResponder({ frames: [lokiLogsFrame('A', current)] }, { frames: [lokiLogsFrame('B', previous)] })
    );
    render('inventory');
    await screen.findByTestId(PATTERNS_TEST_IDS.list);
    expect(
      requests.map((r) => [r.request.targets, r.request.range.from.valueOf(), r.request.range.to.valueOf()])
    ).toEqual([
      [[expect.objectContaining(patternQueries(CONV, 'inventory'))], FROM, TO],
      [
        [expect.objectContaining({ ...patternQueries(CONV, 'inventory'), refId: PATTERN_REFS.previous })],
        FROM - (TO - FROM),
        FROM,
      ],
    ]);
  });

  it('lists new and grown patterns first, each opening its lines with their trace links', async () => {
    installFakeGrafana(
      lokiResponder({ frames: [lokiLogsFrame('A', current)] }, { frames: [lokiLogsFrame('B', previous)] })
    );
    render('inventory');
    const list = await screen.findByTestId(PATTERNS_TEST_IDS.list);
    const rows = within(list)
      .getAllByRole('row')
      .slice(1)
      .filter((r) => r.getAttribute('data-testid')?.startsWith('data-testid pivot-log-pattern '));
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .slice(0, 4)
          .map((c) => c.textContent)
      )
    ).toEqual([
      ['New', 'stock service <_>: reservation lock timed out after <_>', '6', '0'],
      ['Grown ×4.0', 'db timeout order=<_>', '8', '2'],
      ['Fewer', 'cache miss', '2', '3'],
    ]);
    const pattern = 'stock service <_>: reservation lock timed out after <_>';
    const row = screen.getByTestId(PATTERNS_TEST_IDS.row(pattern));
    const explore = new URL(
      within(row).getByText('All its lines in Explore').closest('a')!.getAttribute('href')!,
      'http://g.local'
    );
    const pane = JSON.parse(explore.searchParams.get('panes') ?? '{}').pivot;
    expect(pane.queries[0]).toMatchObject({ expr: patternLogs(CONV, 'inventory', pattern), queryType: 'range' });
    expectValidLogQL(pane.queries[0].expr);
    act(() => within(row).getByText('Show lines').click());
    const shown = screen.getByTestId(PATTERNS_TEST_IDS.lines(pattern));
    const links = within(shown).getAllByRole('link');
    expect(links).toHaveLength(5);
    expect(links[0]).toHaveTextContent(`Trace ${ID.slice(0, 28)}1005`);
    expect(links[0].getAttribute('href')).toMatch(new RegExp(`/trace/${ID.slice(0, 28)}1005\\?from=${FROM}&to=${TO}`));
    expect(shown).toHaveTextContent('stock service 1.5.0: reservation lock timed out after 5ms');
  });

  it('keeps a hostile service in its LogQL literal', async () => {
    const service = 'inv"entory $__interval [[x]] } |= "';
    const requests = installFakeGrafana(lokiResponder({ frames: [lokiLogsFrame('A', current)] }, { frames: [] }));
    render(service);
    const list = await screen.findByTestId(PATTERNS_TEST_IDS.list);
    for (const r of requests) {
      const expr = (r.request.targets[0] as { expr?: string }).expr ?? '';
      expectValidLogQL(expr);
      expect(expr).not.toMatch(/\$|\[\[/);
    }
    const href = within(list).getAllByText('All its lines in Explore')[0].closest('a')!.getAttribute('href')!;
    const expr = JSON.parse(new URL(href, 'http://g.local').searchParams.get('panes') ?? '{}').pivot.queries[0].expr;
    expectValidLogQL(expr);
    expect(expr).not.toMatch(/\$|\[\[/);
  });

  describe('states', () => {
    it('says when the window has no error logs', async () => {
      installFakeGrafana(lokiResponder({ frames: [lokiLogsFrame('A', [])] }, { frames: [] }));
      render('payment');
      expect(await screen.findByTestId(testIds.service.section('log-patterns', 'empty'))).toHaveTextContent(
        'No error logs of payment in this window (Loki, label service_name): no patterns to compare.'
      );
    });

    it('says when nothing is new or grown', async () => {
      installFakeGrafana(
        lokiResponder({ frames: [lokiLogsFrame('A', previous)] }, { frames: [lokiLogsFrame('B', previous)] })
      );
      render('payment');
      expect(await screen.findByText(/No new or grown pattern/)).toBeInTheDocument();
    });

    it("shows Loki's message when the window before fails", async () => {
      installFakeGrafana(
        lokiResponder({ frames: [lokiLogsFrame('A', current)] }, { error: 'max entries limit exceeded' })
      );
      render('payment');
      expect(await screen.findByText('Loki could not load the error logs of the window before')).toBeInTheDocument();
      expect(screen.getByText('max entries limit exceeded')).toBeInTheDocument();
    });

    it('shows a missing Loki as a problem and sends nothing', async () => {
      const requests = installFakeGrafana(lokiResponder({ frames: [] }, { frames: [] }), [PROMETHEUS, TEMPO]);
      render('payment', [PROMETHEUS, TEMPO]);
      expect(await screen.findByTestId(testIds.service.section('log-patterns', 'problem'))).toBeInTheDocument();
      expect(requests).toEqual([]);
    });
  });
});
