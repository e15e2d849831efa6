import React from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { locationService } from '@grafana/runtime';
import { SceneApp, sceneGraph } from '@grafana/scenes';
import { buildSceneApp } from '../../app/App';
import { testIds } from '../../components/testIds';
import { serviceUrl, servicesUrl } from '../../utils/links';
import { GRAPH_REFS } from '../../datasources/serviceGraph';
import { SERVICE_STAT_REFS as R } from './serviceRows';
import { ServicesTable } from './ServicesTable';
import { installFakeGrafana, pivotContext, PROMETHEUS, RecordedRequest, renderAppAt } from '../../testing/fakeGrafana';
import { promSeries } from '../../testing/frames';

const T = 1_700_000_000_000;
const jsonData = { metrics: { family: 'tempo-spanmetrics' as const } };

function answerServices(): RecordedRequest[] {
  return installFakeGrafana((ds, request) => {
    if (ds.type !== 'prometheus' || request.targets.some((t) => t.refId === GRAPH_REFS.requests)) {
      return { frames: [] };
    }
    return {
      frames: ['checkout', 'cart', 'a b/c'].flatMap((service, i) => [
        promSeries(R.requestRate, { service }, [[T, i + 1]]),
        promSeries(R.errorRatio, { service }, [[T, 0.1 * i]]),
        promSeries(R.p95, { service }, [[T, 0.3 - 0.1 * i]]),
      ]),
    };
  });
}

/** Mounts the scene app as Grafana mounts Pivot, at a URL as pasted into a browser. */
function openUrl(url: string): SceneApp {
  const app = buildSceneApp(pivotContext(jsonData));
  renderAppAt(url, <app.Component model={app} />);
  return app;
}

function servicesTable(app: SceneApp): ServicesTable {
  const page = app.state.pages[0];
  const scene = page.state.initializedScene;
  const table = scene && sceneGraph.findObject(scene, (o) => o instanceof ServicesTable);
  if (!(table instanceof ServicesTable)) {
    throw new Error('the Services page has no table yet');
  }
  return table;
}

describe('URL state', () => {
  it('opens the Services page with the window, search and sort of a pasted link', async () => {
    const requests = answerServices();
    const url = `${servicesUrl({ from: String(T - 3_600_000), to: String(T) })}&search=A&sort=p95-asc`;
    const app = openUrl(url);
    await screen.findByTestId(testIds.services.table);
    const rows = screen.getAllByTestId(/pivot-services-row /).map((r) => r.getAttribute('data-testid'));
    // "A" matches two of the three, case-insensitively; fastest p95 first.
    expect(rows).toEqual([testIds.services.row('a b/c'), testIds.services.row('cart')]);
    expect(servicesTable(app).state).toMatchObject({ search: 'A', sort: 'p95-asc' });
    const sent = requests.filter((r) => r.uid === PROMETHEUS.uid);
    expect(sent[0].request.range.from.valueOf()).toBe(T - 3_600_000);
    expect(sent[0].request.range.to.valueOf()).toBe(T);
    // The sort of the link is asked for every service in the page's first request, and no list
    // request went out before with the default order's column.
    const refIds = (r: RecordedRequest) => r.request.targets.map((t) => t.refId);
    const lists = sent.filter((r) => refIds(r).includes(R.requestRate) && !refIds(r).includes(R.sparkline));
    expect(lists.map(refIds)).toEqual([[R.requestRate, R.p95, 'consumerRate', 'consumerErrors']]);
    // Then the error ratio and sparklines of the two rows shown.
    await waitFor(() =>
      expect(requests.filter((r) => r.uid === PROMETHEUS.uid && refIds(r).includes(R.sparkline)).map(refIds)).toEqual([
        [R.errorRatio, R.sparkline],
      ])
    );
  });

  it('writes search and sort changes back to the URL, so a reload opens the same view', async () => {
    answerServices();
    const app = openUrl(servicesUrl({ from: 'now-6h', to: 'now' }));
    await screen.findByTestId(testIds.services.table);
    act(() => {
      servicesTable(app).onSearch('check');
      servicesTable(app).onSort('service');
    });
    await waitFor(() =>
      expect(locationService.getSearchObject()).toMatchObject({
        search: 'check',
        sort: 'service-asc',
        from: 'now-6h',
        to: 'now',
      })
    );
  });

  it('opens a Service page from its URL, service name decoded, with the window of the link', async () => {
    const requests = answerServices();
    openUrl(serviceUrl('a b/c', { from: String(T - 600_000), to: String(T) }));
    await screen.findByTestId(testIds.service.section('logs', 'empty'));
    // The metric panels query once the metric family gate opens, which may be after the logs answered.
    const prom = () => requests.filter((r) => r.uid === PROMETHEUS.uid);
    await waitFor(() =>
      expect(
        prom().some((r) => r.request.targets.some((t) => 'expr' in t && String(t.expr).includes('service="a b/c"')))
      ).toBe(true)
    );
    for (const r of requests) {
      expect(r.request.range.from.valueOf()).toBe(T - 600_000);
    }
  });

  it.each(['.', '..', '~.'])(
    'opens the Service page of a service named %p (dot segments survive the browser)',
    async (service) => {
      const requests = answerServices();
      // As a browser opens a clicked link: its URL parser removes dot segments before the router sees the path.
      const link = new URL(
        serviceUrl(service, { from: String(T - 600_000), to: String(T) }),
        'https://grafana.example.com'
      );
      openUrl(`${link.pathname}${link.search}`);
      await screen.findByTestId(testIds.service.section('logs', 'empty'));
      // The metric panels query once the metric family gate opens, which may be after the logs answered.
      const exprs = () => requests.flatMap((r) => r.request.targets.map((t) => ('expr' in t ? String(t.expr) : '')));
      await waitFor(() => expect(exprs().some((e) => e.includes(`service=${JSON.stringify(service)}`))).toBe(true));
      expect(screen.queryByTestId(testIds.services.table)).toBeNull();
    }
  );
});
