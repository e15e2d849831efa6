import fc from 'fast-check';
import { DataLink, FieldType, toDataFrame } from '@grafana/data';
import { lokiLogsFrame } from '../testing/frames';
import { choiceFromUrl, DataSourceChoice, setCurrentDataSources } from './dataSourceChoice';
import * as links from './links';
import * as traceLinks from './traceLinks';

/**
 * Every link Pivot makes carries the data sources of the page it is made on (or the ones it is
 * given): whatever the uids, the service, trace or SLO names, the URL reads them back exactly.
 * The table names every link builder of links.ts and traceLinks.ts; a builder added without a
 * row here fails the first test.
 */

type Builder = (args: { name: string; ds?: DataSourceChoice }) => string[];

const RANGE = { from: 'now-1h', to: 'now' };

/** What Grafana does to a data-link template: its `${…}` variables replaced by values. */
function interpolated(url: string): string {
  return url
    .replace('${__value.raw:percentencode}', 'abc123')
    .replace('${__from}', '1700000000000')
    .replace('${__to}', '1700000600000');
}

function linkUrls(link: DataLink): string[] {
  const built = link.onBuildUrl?.({
    origin: {} as never,
    replaceVariables: (text: string) => (text === '${__value.time}' ? '1700000300000' : text),
  });
  return [link.url, ...(built === undefined ? [] : [built])];
}

const BUILDERS: Record<string, Builder> = {
  servicesUrl: ({ ds }) => [links.servicesUrl(RANGE, ds)],
  serviceUrl: ({ name, ds }) => [links.serviceUrl(name, RANGE, ds)],
  traceUrl: ({ name, ds }) => [links.traceUrl(name, { range: RANGE, spanId: 'b7ad6b7169203331', ds })],
  graphUrl: ({ name, ds }) => [links.graphUrl({ range: RANGE, focus: name, depth: 2, unhealthy: true, ds })],
  slosUrl: ({ ds }) => [links.slosUrl(RANGE, ds)],
  sloUrl: ({ name, ds }) => [links.sloUrl(name, RANGE, ds)],
  graphEdgeUrl: ({ name, ds }) => [
    links.graphEdgeUrl({ client: name, server: `${name}→` }, { range: RANGE, focus: name, depth: 2, ds }),
  ],
  // Filled in as Grafana fills it: the row's value (already encoded) in place of ROW_URL_PART.
  graphEdgeUrlTemplate: ({ name, ds }) => [
    links
      .graphEdgeUrlTemplate({ range: RANGE, focus: name, ds })
      .replace(links.ROW_URL_PART, () => links.graphEdgeRowValue({ client: name, server: name })),
  ],
  serviceRowUrlTemplate: ({ name, ds }) =>
    [links.serviceRowUrlTemplate(RANGE, ds), links.serviceRowUrlTemplate(RANGE, ds, 'logs')].map((url) =>
      url.replace(links.ROW_URL_PART, () => links.serviceRowValue(name))
    ),
  serviceSectionUrl: ({ name, ds }) => [links.serviceSectionUrl(name, 'logs', RANGE, ds)],
  // The data-link builders take the page's choice.
  traceLinkTemplate: () => [interpolated(traceLinks.traceLinkTemplate())],
  traceDataLink: () => linkUrls(traceLinks.traceDataLink()).map(interpolated),
  exemplarMomentLink: ({ name }) => linkUrls(traceLinks.exemplarMomentLink(name, 'Narrow')).map(interpolated),
  withTraceIdLinks: () => {
    const frame = traceLinks.withTraceIdLinks(
      lokiLogsFrame('A', [{ timeMs: 1, line: 'x', labels: { trace_id: 'abc123' } }]),
      'structured-metadata'
    );
    const field = frame.fields.find((f) => f.name === traceLinks.TRACE_ID_FIELD);
    return (field?.config.links ?? []).flatMap(linkUrls).map(interpolated);
  },
  // Filled on the span's row: its value of the link's field (the service's path segment) in place of ROW_URL_PART.
  withSpanServiceLinks: ({ name }) => {
    const frame = traceLinks.withSpanServiceLinks(
      toDataFrame({ fields: [{ name: traceLinks.SPAN_SERVICE_FIELD, type: FieldType.string, values: [name] }] }),
      RANGE,
      'Open the service in Pivot'
    );
    const field = frame.fields.find((f) => f.name === traceLinks.SPAN_SERVICE_LINK_FIELD);
    return (field?.config.links ?? [])
      .flatMap(linkUrls)
      .map((url) => url.replace(links.ROW_URL_PART, () => String(field?.values[0])));
  },
};

/** Builders of links that are not Pivot's pages: Explore names its data source in its own pane. */
const NOT_PIVOT_PAGES = ['exploreUrl'];
const PAGE_CHOICE_ONLY = [
  'traceLinkTemplate',
  'traceDataLink',
  'exemplarMomentLink',
  'withTraceIdLinks',
  'withSpanServiceLinks',
];

const uid = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s !== '');
const choiceArb = fc.record(
  { prometheus: uid, loki: uid, tempo: uid },
  { requiredKeys: [] }
) as fc.Arbitrary<DataSourceChoice>;
const nameArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('.', '..', '~.', '$x', '[[a]]'));

function carried(url: string): DataSourceChoice {
  return choiceFromUrl(url.split('?').slice(1).join('?'));
}

afterEach(() => setCurrentDataSources({}));

describe('every link Pivot makes carries the chosen data sources', () => {
  it('covers every link builder of links.ts and traceLinks.ts', () => {
    const exported = [...Object.entries(links), ...Object.entries(traceLinks)]
      .filter(([name, value]) => typeof value === 'function' && /(Url|UrlTemplate|LinkTemplate|Link|Links)$/.test(name))
      .map(([name]) => name);
    expect(exported.filter((n) => !NOT_PIVOT_PAGES.includes(n)).sort()).toEqual(Object.keys(BUILDERS).sort());
  });

  it.each(Object.keys(BUILDERS))('%s carries the page’s choice, whatever the uids and names', (builder) => {
    fc.assert(
      fc.property(choiceArb, nameArb, (choice, name) => {
        setCurrentDataSources(choice);
        const urls = BUILDERS[builder]({ name });
        expect(urls.length).toBeGreaterThan(0);
        for (const url of urls) {
          expect(url.startsWith('/a/pivot-correlation-app/')).toBe(true);
          expect(carried(url)).toEqual(choice);
        }
      }),
      { numRuns: 300 }
    );
  });

  it.each(Object.keys(BUILDERS).filter((b) => !PAGE_CHOICE_ONLY.includes(b)))(
    '%s carries the choice it is given instead of the page’s ({} for none)',
    (builder) => {
      fc.assert(
        fc.property(choiceArb, choiceArb, nameArb, (page, given, name) => {
          setCurrentDataSources(page);
          for (const url of BUILDERS[builder]({ name, ds: given })) {
            expect(carried(url)).toEqual(given);
          }
        }),
        { numRuns: 300 }
      );
    }
  );

  it('keeps the path of every builder the same, the choice only adding var- keys', () => {
    setCurrentDataSources({});
    const plain = links.serviceUrl('checkout', RANGE);
    setCurrentDataSources({ prometheus: 'p', loki: 'l', tempo: 't' });
    expect(links.serviceUrl('checkout', RANGE)).toBe(`${plain}&var-metrics=p&var-logs=l&var-traces=t`);
  });
});
