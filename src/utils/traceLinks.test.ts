import { FieldType, toDataFrame } from '@grafana/data';
import { PLUGIN_BASE_URL } from '../constants';
import {
  countTraceIds,
  lineTraceId,
  TRACE_ID_FIELD,
  TRACE_LINK_TITLE,
  traceLinkTemplate,
  withTraceIdLinks,
} from './traceLinks';
import { LogLine, lokiDataplaneFrame, lokiLogsFrame } from '../testing/frames';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const T = 1_700_000_000_000;

/** Fills a template the way Grafana fills a data link for one value and the panel's range (the real one: interpolation.test.ts). */
function fill(template: string, value: string, from: number, to: number): string {
  return template
    .replace('${__value.raw:percentencode}', encodeURIComponent(value))
    .replace('${__from}', String(from))
    .replace('${__to}', String(to));
}

describe('traceLinkTemplate', () => {
  it('is the Trace page URL with Grafana variables for the trace id and time range', () => {
    expect(traceLinkTemplate()).toBe(
      `${PLUGIN_BASE_URL}/trace/\${__value.raw:percentencode}?from=\${__from}&to=\${__to}`
    );
  });

  it('fills to the same URL the link builder makes for that trace', () => {
    const url = new URL(fill(traceLinkTemplate(), ID, T, T + 60_000), 'http://grafana');
    expect(url.pathname).toBe(`${PLUGIN_BASE_URL}/trace/${ID}`);
    expect(url.searchParams.get('from')).toBe(String(T));
    expect(url.searchParams.get('to')).toBe(String(T + 60_000));
  });
});

describe('lineTraceId', () => {
  it('reads the trace_id label first (structured metadata or a parsed label), whatever the location', () => {
    for (const location of ['structured-metadata', 'logfmt', 'json'] as const) {
      expect(lineTraceId({ service_name: 'checkout', trace_id: ID }, 'level=error msg=boom', location)).toBe(ID);
    }
  });

  it('parses logfmt lines, quoted or not, and not a longer key that ends in trace_id', () => {
    expect(lineTraceId({}, `level=error trace_id=${ID} msg="payment failed"`, 'logfmt')).toBe(ID);
    expect(lineTraceId({}, `level=error trace_id="${ID}"`, 'logfmt')).toBe(ID);
    expect(lineTraceId({}, `parent_trace_id=${ID} level=error`, 'logfmt')).toBe('');
    expect(lineTraceId({}, 'level=error msg=boom', 'logfmt')).toBe('');
  });

  it('parses JSON lines and tolerates lines that are not JSON', () => {
    expect(lineTraceId({}, JSON.stringify({ level: 'error', trace_id: ID }), 'json')).toBe(ID);
    expect(lineTraceId({}, JSON.stringify({ traceId: ID }), 'json')).toBe(ID);
    expect(lineTraceId({}, 'not json', 'json')).toBe('');
    expect(lineTraceId({}, 'null', 'json')).toBe('');
  });

  it('does not read the line when trace_id lives in structured metadata', () => {
    expect(lineTraceId({ service_name: 'x' }, `trace_id=${ID}`, 'structured-metadata')).toBe('');
  });
});

describe('withTraceIdLinks', () => {
  const lines: LogLine[] = [
    {
      timeMs: T,
      line: 'level=error msg="charge failed"',
      labels: { service_name: 'checkout', trace_id: ID },
      labelTypes: { service_name: 'I', trace_id: 'S' },
    },
    { timeMs: T + 1, line: 'level=error msg="no trace"', labels: { service_name: 'checkout' } },
  ];

  it('adds a trace_id field linking each line to the Trace page (structured metadata)', () => {
    const frame = withTraceIdLinks(lokiLogsFrame('A', lines), 'structured-metadata');
    const ids = frame.fields.find((f) => f.name === TRACE_ID_FIELD);
    expect(ids?.type).toBe(FieldType.string);
    expect(ids?.values).toEqual([ID, '']);
    expect(ids?.config.links).toEqual([{ title: TRACE_LINK_TITLE, url: traceLinkTemplate() }]);
    // The logs frame keeps its own fields, in order, so the logs panel reads it as before.
    expect(frame.fields.map((f) => f.name)).toEqual(['labels', 'Time', 'Line', 'tsNs', 'labelTypes', 'id', 'trace_id']);
  });

  it('parses the id from the line for the logfmt and JSON conventions, in the dataplane shape too', () => {
    const logfmt = withTraceIdLinks(
      lokiDataplaneFrame('A', [{ timeMs: T, line: `level=error trace_id=${ID}`, labels: { service_name: 'x' } }]),
      'logfmt'
    );
    expect(logfmt.fields.find((f) => f.name === TRACE_ID_FIELD)?.values).toEqual([ID]);
    const json = withTraceIdLinks(
      lokiLogsFrame('A', [
        { timeMs: T, line: JSON.stringify({ msg: 'x', trace_id: ID }), labels: { service_name: 'x' } },
      ]),
      'json'
    );
    expect(countTraceIds([json])).toBe(1);
  });

  it('adds the link to an existing trace_id derived field instead of duplicating it, once', () => {
    const base = lokiLogsFrame('A', lines);
    const derived = {
      ...base,
      fields: [
        ...base.fields,
        {
          name: 'trace_id',
          type: FieldType.string,
          config: {
            links: [
              {
                title: 'Tempo',
                url: '',
                internal: { datasourceUid: 'pivot-tempo', datasourceName: 'Tempo', query: { query: '${__value.raw}' } },
              },
            ],
          },
          values: [ID, ''],
        },
      ],
    };
    const once = withTraceIdLinks(derived, 'structured-metadata');
    const twice = withTraceIdLinks(once, 'structured-metadata');
    const fields = twice.fields.filter((f) => f.name === TRACE_ID_FIELD);
    expect(fields).toHaveLength(1);
    expect(fields[0].config.links?.map((l) => l.title)).toEqual(['Tempo', TRACE_LINK_TITLE]);
  });

  it('leaves frames that are not logs alone', () => {
    const other = toDataFrame({ fields: [{ name: 'Value', type: FieldType.number, values: [1] }] });
    expect(withTraceIdLinks(other, 'logfmt')).toBe(other);
  });

  it('gives one trace id value per line, so Grafana fills the link per row', () => {
    const frame = withTraceIdLinks(lokiLogsFrame('A', lines), 'structured-metadata');
    const ids = frame.fields.find((f) => f.name === TRACE_ID_FIELD);
    expect(ids?.values).toHaveLength(frame.length);
    expect(fill(ids?.config.links?.[0].url ?? '', ids?.values[0], T, T + 1)).toBe(
      `${PLUGIN_BASE_URL}/trace/${ID}?from=${T}&to=${T + 1}`
    );
  });
});
