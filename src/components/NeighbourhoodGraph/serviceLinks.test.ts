import fc from 'fast-check';
import { applyFieldOverrides, createTheme, DataFrame, textUtil } from '@grafana/data';
import { EmbeddedScene, sceneGraph, SceneTimeRange } from '@grafana/scenes';
import { FIXTURE_START_MS, SpanSpec, tempoTraceFrame } from '../../analysis/fixtures/traceFrames';
import { EdgeSpec, graphMetricFrames } from '../../analysis/fixtures/serviceGraphMetrics';
import { graphFromMetrics } from '../../analysis/serviceGraph';
import { NODE_PIVOT_FIELDS, nodesFrame } from '../../analysis/serviceGraphFrames';
import { analyzeTrace } from '../../analysis/traceAnalysis';
import { NODE_FIELDS, traceGraphFrames } from '../../analysis/traceGraphFrames';
import { pivotContext } from '../../testing/fakeGrafana';
import { DataSourceChoice, setCurrentDataSources } from '../../utils/dataSourceChoice';
import { fromPathSegment, serviceRowUrlTemplate, serviceUrl, UrlTimeRange } from '../../utils/links';
import { SPAN_SERVICE_FIELD, SPAN_SERVICE_LINK_FIELD, withSpanServiceLinks } from '../../utils/traceLinks';
import { graphLinks } from './graphLinks';

/**
 * Every link Grafana fills to a Service page, for a node of the three node graphs (the Graph
 * page and the Service page's neighbourhood, both `graphLinks`; the Trace page's services
 * crossed) and for a span of the Trace page's waterfall, equals `serviceUrl` of that node's or
 * span's service, whatever the name: dot segments (`.`, `..`, `~.`), `/ ? # %`, variable syntax,
 * unicode. The links are filled as Grafana fills a panel's data links: field overrides with the
 * page's interpolation (Scenes), the row's value in place of `${__value.raw:raw}`, then the
 * link service's URL sanitising.
 */

const GRAPH_RANGE: UrlTimeRange = { from: 'now-1h', to: 'now' };
const TRACE_RANGE: UrlTimeRange = { from: FIXTURE_START_MS - 300_000, to: FIXTURE_START_MS + 300_120 };

const HOSTILE = [
  '.',
  '..',
  '~.',
  '~~..',
  '/',
  '?',
  '#',
  '%',
  '%2e%2e',
  '.%2e',
  'a/b?c#d',
  'ünïcødé-服务-😀',
  '${__value.raw}',
  '$__interval',
  '[[service]]',
  'plus+space here',
];

const scene = new EmbeddedScene({
  $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
  body: new EmbeddedScene({ body: undefined as never }),
});

/** Each row's menu as Grafana makes it: every link of every field, filled on that row. */
function menus(frame: DataFrame): Array<Array<{ title: string; href: string }>> {
  const [processed] = applyFieldOverrides({
    data: [frame],
    fieldConfig: { defaults: {}, overrides: [] },
    theme: createTheme(),
    timeZone: 'utc',
    replaceVariables: (text, vars, format) =>
      sceneGraph.interpolate(scene, text, vars, format as Parameters<typeof sceneGraph.interpolate>[3]),
  });
  return Array.from({ length: frame.length }, (_, row) =>
    processed.fields
      .filter((f) => f.config.links?.length)
      .flatMap((f) => f.getLinks?.({ valueRowIndex: row }) ?? [])
      .map((l) => ({ title: l.title, href: textUtil.sanitizeUrl(l.href) }))
  );
}

function valuesOf(frame: DataFrame, name: string): string[] {
  return (frame.fields.find((f) => f.name === name)?.values ?? []).map(String);
}

/** What the app's route reads from the link: the Service page and the service's name. */
function expectOpens(href: string, service: string) {
  const segments = new URL(href, 'https://grafana.example.com').pathname.split('/');
  expect(segments.slice(0, 4)).toEqual(['', 'a', 'pivot-correlation-app', 'services']);
  expect(segments).toHaveLength(5);
  expect(fromPathSegment(decodeURIComponent(segments[4]))).toBe(service);
}

/** The service graph of `names`, in a ring (each calls the next). */
function serviceGraphNodes(names: string[]): DataFrame {
  const specs: EdgeSpec[] = names.map((client, i) => ({ client, server: names[(i + 1) % names.length], rate: 1 }));
  return nodesFrame(graphFromMetrics(graphMetricFrames(specs)), { links: graphLinks(pivotContext(), GRAPH_RANGE) });
}

/** One span per name: the first the root, the others its children. */
function traceOf(names: string[]): DataFrame {
  const spans: SpanSpec[] = names.map((serviceName, i) => ({
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId: i === 0 ? '' : '0000000000000001',
    serviceName,
    startTime: FIXTURE_START_MS + i,
    duration: 100 - i,
  }));
  return tempoTraceFrame(spans);
}

const traceGraphNodes = (names: string[]) =>
  traceGraphFrames(analyzeTrace(traceOf(names)), { serviceUrl: serviceRowUrlTemplate(TRACE_RANGE) })[0];

const spanFrame = (names: string[]) => withSpanServiceLinks(traceOf(names), TRACE_RANGE, 'Open the service in Pivot');

/** Each node's (or span's) menu is one link: its service's page, as `serviceUrl` writes it. */
function expectServiceLinks(
  frame: DataFrame,
  nameField: string,
  title: string,
  range: UrlTimeRange,
  ds: DataSourceChoice
) {
  const names = valuesOf(frame, nameField);
  menus(frame).forEach((menu, row) => {
    expect(menu).toEqual([{ title, href: serviceUrl(names[row], range, ds) }]);
    expectOpens(menu[0].href, names[row]);
  });
}

const CASES = [
  {
    what: 'the service graph’s nodes (Graph and Service pages)',
    frame: serviceGraphNodes,
    nameField: NODE_FIELDS.id,
    title: 'Pivot/Open the service page',
    range: GRAPH_RANGE,
  },
  {
    what: 'the Trace page’s services-crossed nodes',
    frame: traceGraphNodes,
    nameField: NODE_FIELDS.id,
    title: 'Pivot/Open the service page',
    range: TRACE_RANGE,
  },
  {
    what: 'the waterfall’s spans',
    frame: spanFrame,
    nameField: SPAN_SERVICE_FIELD,
    title: 'Open the service in Pivot',
    range: TRACE_RANGE,
  },
];

const uid = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s);
const choiceArb = fc.record(
  { prometheus: uid, loki: uid, tempo: uid },
  { requiredKeys: [] }
) as fc.Arbitrary<DataSourceChoice>;
const nameArb = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.constantFrom(...HOSTILE));

afterEach(() => setCurrentDataSources({}));

describe('node and span links to a Service page keep every service name', () => {
  it.each(CASES)('$what: each hostile name opens its own Service page', ({ frame, nameField, title, range }) => {
    const built = frame(HOSTILE);
    expect(new Set(valuesOf(built, nameField))).toEqual(new Set(HOSTILE));
    expectServiceLinks(built, nameField, title, range, {});
  });

  it.each(CASES)(
    '$what: filled link equals serviceUrl for any names and data sources (property)',
    ({ frame, nameField, title, range }) => {
      fc.assert(
        fc.property(fc.uniqueArray(nameArb, { minLength: 2, maxLength: 6 }), choiceArb, (names, choice) => {
          setCurrentDataSources(choice);
          const built = frame(names);
          expect(new Set(valuesOf(built, nameField))).toEqual(new Set(names));
          expectServiceLinks(built, nameField, title, range, choice);
        }),
        { numRuns: 150 }
      );
    }
  );

  it('keeps the link off the fields the panels show: the node graph’s and the trace’s own fields are unchanged', () => {
    const nodes = serviceGraphNodes(HOSTILE);
    expect(nodes.fields.filter((f) => f.config.links?.length).map((f) => f.name)).toEqual([
      NODE_PIVOT_FIELDS.pivotService,
    ]);
    expect(NODE_PIVOT_FIELDS.pivotService).not.toMatch(/^(detail__|arc__)/);
    const trace = traceOf(HOSTILE);
    const linked = spanFrame(HOSTILE);
    expect(linked.fields.slice(0, trace.fields.length)).toEqual(trace.fields);
    expect(linked.fields.map((f) => f.name)).toEqual([...trace.fields.map((f) => f.name), SPAN_SERVICE_LINK_FIELD]);
    // Applied twice (a transformation run again), the frame still has one link field.
    const again = withSpanServiceLinks(linked, TRACE_RANGE, 'Open the service in Pivot');
    expect(again.fields.filter((f) => f.name === SPAN_SERVICE_LINK_FIELD)).toHaveLength(1);
  });
});
