import fc from 'fast-check';
import { DataFrame, DataLink, Field } from '@grafana/data';
import { EdgeSpec, graphMetricFrames } from './fixtures/serviceGraphMetrics';
import { graphFromMetrics } from './serviceGraph';
import { EDGE_PIVOT_FIELDS, edgesFrame, GraphLinks } from './serviceGraphFrames';
import { choiceFromUrl, setCurrentDataSources } from '../utils/dataSourceChoice';
import {
  fromPathSegment,
  graphEdgeUrl,
  graphEdgeUrlTemplate,
  ROW_URL_PART,
  serviceRowUrlTemplate,
  serviceUrl,
} from '../utils/links';

/**
 * The node graph's edge menu: "Failing traces on this edge" opens Pivot's Graph page with the
 * edge's failing traces open, "Error logs of the answering service" its Service page, and the
 * raw queries are in Explore, labelled so. Grafana fills a data link's template per clicked row
 * (`${__value.raw:raw}`: the row's value of the link's field, as it is); `fill` does what it does.
 */

const RANGE = { from: 'now-1h', to: 'now' };
const PLUGIN = '/a/pivot-correlation-app';

function linksFor(focus?: string): GraphLinks {
  return {
    edgeUrl: graphEdgeUrlTemplate({ range: RANGE, focus }),
    logsServiceUrl: serviceRowUrlTemplate(RANGE),
    tempo: { uid: 'tempo-uid', name: 'Tempo' },
    loki: {
      uid: 'loki-uid',
      name: 'Loki',
      conventions: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
    },
  };
}

function fieldOf(frame: DataFrame, name: string): Field {
  const found = frame.fields.find((f) => f.name === name);
  if (!found) {
    throw new Error(`no field ${name}`);
  }
  return found;
}

/** Grafana's interpolation of a data link's URL for one row: the link's field value in place of `${__value.raw:raw}`. */
function fill(link: DataLink, value: unknown): string {
  return link.url.split(ROW_URL_PART).join(String(value));
}

/** The menu's links of the edge `client → server`, filled for its row, by title. */
function menuOf(frame: DataFrame, client: string, server: string): Record<string, DataLink & { href?: string }> {
  const row = (fieldOf(frame, 'source').values as string[]).findIndex(
    (c, i) => c === client && fieldOf(frame, 'target').values[i] === server
  );
  expect(row).toBeGreaterThanOrEqual(0);
  const menu: Record<string, DataLink & { href?: string }> = {};
  for (const f of frame.fields) {
    for (const link of f.config.links ?? []) {
      menu[link.title] = { ...link, href: link.internal ? undefined : fill(link, f.values[row]) };
    }
  }
  return menu;
}

function edgesOf(specs: EdgeSpec[], links: GraphLinks): DataFrame {
  return edgesFrame(graphFromMetrics(graphMetricFrames(specs)), { links });
}

/** Where a browser goes: the URL parsed against a Grafana host, as the router reads it. */
function opened(href: string) {
  const url = new URL(href, 'https://grafana.example.com');
  return { url, params: url.searchParams };
}

const HOSTILE = [
  `quote"d 'svc'`,
  'a&b=c#d',
  'pay/ments?x=1',
  'ünïcødé-服务-😀',
  'left → right',
  '..',
  '~.',
  '${__value.raw}',
  '100%',
  'plus+space here',
];

afterEach(() => setCurrentDataSources({}));

describe('edge menu of the node graph', () => {
  it('links each edge to its failing traces in Pivot, whatever the names', () => {
    const specs: EdgeSpec[] = HOSTILE.flatMap((client, i) => [
      { client, server: HOSTILE[(i + 1) % HOSTILE.length], rate: 1 + i, failedRate: 0.5 },
    ]);
    const frame = edgesOf(specs, linksFor('left → right'));
    for (const { client, server } of specs) {
      const menu = menuOf(frame, client, server);
      const href = menu['Pivot/Failing traces on this edge'].href ?? '';
      expect(href).toBe(graphEdgeUrl({ client, server }, { range: RANGE, focus: 'left → right' }));
      const { url, params } = opened(href);
      expect(url.pathname).toBe(`${PLUGIN}/graph`);
      expect(url.hash).toBe('');
      expect(params.get('client')).toBe(client);
      expect(params.get('server')).toBe(server);
      expect(params.get('focus')).toBe('left → right');
      expect(params.get('from')).toBe('now-1h');
      expect(params.getAll('client')).toHaveLength(1);
    }
  });

  it("links the answering service's error logs to its Service page (server, or the client of a database)", () => {
    const specs: EdgeSpec[] = [
      { client: 'a&b=c#d', server: 'pay/ments?x=1', rate: 2, failedRate: 1 },
      { client: '..', server: 'left → right', rate: 1 },
      { client: 'ünïcødé-服务-😀', server: 'postgres', connectionType: 'database', rate: 1 },
    ];
    const frame = edgesOf(specs, linksFor());
    const answering = [
      ['a&b=c#d', 'pay/ments?x=1', 'pay/ments?x=1'],
      ['..', 'left → right', 'left → right'],
      ['ünïcødé-服务-😀', 'postgres', 'ünïcødé-服务-😀'],
    ];
    for (const [client, server, service] of answering) {
      const href = menuOf(frame, client, server)['Pivot/Error logs of the answering service'].href ?? '';
      expect(href).toBe(serviceUrl(service, RANGE));
      const { url } = opened(href);
      const segment = url.pathname.slice(`${PLUGIN}/services/`.length);
      expect(segment).not.toContain('/');
      expect(fromPathSegment(decodeURIComponent(segment))).toBe(service);
      expect(url.hash).toBe('');
    }
  });

  it('keeps the raw queries in Explore, labelled as such, after Pivot’s pages', () => {
    const frame = edgesOf([{ client: 'front"end', server: 'check&out', rate: 1, failedRate: 1 }], linksFor());
    const titles = frame.fields.flatMap((f) => (f.config.links ?? []).map((l) => l.title));
    expect(titles).toEqual([
      'Pivot/Failing traces on this edge',
      'Pivot/Error logs of the answering service',
      'Explore/Failing traces query (TraceQL) in Explore',
      'Explore/Error logs query (LogQL) in Explore',
    ]);
    const menu = menuOf(frame, 'front"end', 'check&out');
    expect(menu['Pivot/Failing traces on this edge'].targetBlank).toBe(false);
    expect(menu['Explore/Failing traces query (TraceQL) in Explore'].internal?.datasourceUid).toBe('tempo-uid');
    expect(fieldOf(frame, EDGE_PIVOT_FIELDS.traceql).values[0]).toContain('"front\\"end"');
    expect(menu['Explore/Error logs query (LogQL) in Explore'].internal?.datasourceUid).toBe('loki-uid');
  });

  it('leaves out the Pivot links whose data source is missing', () => {
    const specs: EdgeSpec[] = [{ client: 'a', server: 'b', rate: 1 }];
    const names = (links: GraphLinks) => edgesOf(specs, links).fields.map((f) => f.name);
    const { tempo, loki, ...pages } = linksFor();
    expect(names({ ...pages, loki })).not.toContain(EDGE_PIVOT_FIELDS.pivotEdge);
    expect(names({ ...pages, loki })).toContain(EDGE_PIVOT_FIELDS.pivotLogsService);
    expect(names({ ...pages, tempo })).toContain(EDGE_PIVOT_FIELDS.pivotEdge);
    expect(names({ ...pages, tempo })).not.toContain(EDGE_PIVOT_FIELDS.pivotLogsService);
    expect(names(pages)).not.toContain(EDGE_PIVOT_FIELDS.pivotEdge);
  });

  it('carries the page’s data sources in both Pivot links', () => {
    setCurrentDataSources({ prometheus: 'prom&2', loki: 'loki#2', tempo: 'tempo 2' });
    const frame = edgesOf([{ client: 'a', server: 'b', rate: 1 }], linksFor());
    const menu = menuOf(frame, 'a', 'b');
    for (const title of ['Pivot/Failing traces on this edge', 'Pivot/Error logs of the answering service']) {
      expect(choiceFromUrl(opened(menu[title].href ?? '').params)).toEqual({
        prometheus: 'prom&2',
        loki: 'loki#2',
        tempo: 'tempo 2',
      });
    }
  });

  it('fills to the builders’ URLs for any two names (property)', () => {
    const name = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.constantFrom(...HOSTILE));
    fc.assert(
      fc.property(name, name, (client, server) => {
        fc.pre(client !== server);
        const frame = edgesOf([{ client, server, rate: 1, failedRate: 1 }], linksFor(client));
        const menu = menuOf(frame, client, server);
        const href = menu['Pivot/Failing traces on this edge'].href ?? '';
        expect(href).toBe(graphEdgeUrl({ client, server }, { range: RANGE, focus: client }));
        const { params } = opened(href);
        expect([params.get('client'), params.get('server')]).toEqual([client, server]);
        const logs = menu['Pivot/Error logs of the answering service'].href ?? '';
        expect(logs).toBe(serviceUrl(server, RANGE));
      }),
      { numRuns: 300 }
    );
  });
});
