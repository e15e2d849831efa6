import fc from 'fast-check';
import { parse } from 'yaml';
import { applyFieldOverrides, createTheme, dateTime, FieldType, toDataFrame } from '@grafana/data';
import { EmbeddedScene, SceneFlexLayout, sceneGraph, SceneTimeRange } from '@grafana/scenes';
import { PLUGIN_BASE_URL } from '../constants';
import { fromPathSegment } from '../utils/links';
import type { TraceIdLocation } from './conventions';
import type { Finding } from './detect';
import {
  countExemplars,
  dataSourceSettingsUrl,
  derivedFieldFindings,
  exemplarDestinationFindings,
  exemplarStorageFindings,
  exemplarsUrl,
  pivotTraceLinkFindings,
  probeDataSourceSettings,
  probeExemplars,
  SettingsProbe,
  tempoLinkFindings,
} from './linkChecks';
import type { DataSourceSummary } from './lookup';
import type { ProbeClient, ProbeRequest } from './probes';

const NOW = 1_700_000_000_000;
const PROM: DataSourceSummary = { uid: 'pivot-prometheus', name: 'Prometheus', type: 'prometheus' };
const LOKI: DataSourceSummary = { uid: 'pivot-loki', name: 'Loki', type: 'loki' };
const TEMPO: DataSourceSummary = { uid: 'pivot-tempo', name: 'Tempo', type: 'tempo' };
const UNREAD: SettingsProbe = { ok: false, error: 'Permission denied' };

function client(handler: (req: ProbeRequest) => unknown): ProbeClient & { requests: ProbeRequest[] } {
  const requests: ProbeRequest[] = [];
  return {
    requests,
    request: async (req) => {
      requests.push(req);
      return handler(req);
    },
  };
}

const settings = (jsonData: Record<string, unknown>): SettingsProbe => ({ ok: true, jsonData });

/** The jsonData a finding's provisioning snippet sets, read as Grafana reads the file (`$$` is `$`). */
function provisioned(finding: Finding): Record<string, unknown> {
  const [, ...lines] = (finding.fix ?? '').split('\n');
  const file = parse(lines.join('\n').replaceAll('$$', '$')) as {
    apiVersion: number;
    datasources: Array<{ jsonData: Record<string, unknown> }>;
  };
  expect(file.apiVersion).toBe(1);
  return file.datasources[0].jsonData;
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe('data source settings probe', () => {
  it("reads a data source's jsonData through Grafana's API", async () => {
    const c = client(() => ({ uid: 'pivot-loki', jsonData: { derivedFields: [] } }));
    expect(await probeDataSourceSettings(c, LOKI)).toEqual({ ok: true, jsonData: { derivedFields: [] } });
    expect(c.requests).toEqual([{ method: 'GET', url: '/api/datasources/uid/pivot-loki' }]);
    expect(dataSourceSettingsUrl({ ...LOKI, uid: 'a/b?c' })).toBe('/api/datasources/uid/a%2Fb%3Fc');
  });

  it("keeps Grafana's message when the request fails", async () => {
    const c = client(() => {
      throw { status: 403, data: { message: 'Permission denied' } };
    });
    expect(await probeDataSourceSettings(c, LOKI)).toEqual({ ok: false, error: 'Permission denied' });
  });
});

describe('unreadable settings are unanswered, never wrong', () => {
  it.each([
    ['Prometheus', exemplarDestinationFindings(UNREAD, PROM, TEMPO)],
    ['Loki', derivedFieldFindings(UNREAD, LOKI, TEMPO, 'structured-metadata')],
    ['Tempo', tempoLinkFindings(UNREAD, TEMPO, LOKI, PROM, 'service_name')],
  ])('%s', (name, findings) => {
    const finding = only(findings);
    expect(finding.level).toBe('warning');
    expect(finding.text).toMatch(
      new RegExp(
        `^Grafana did not answer the request for the settings of ${name} \\(Permission denied\\), so .* could not be checked\\.$`
      )
    );
    expect(finding.text).not.toMatch(/has no|names no|points at/);
    expect(finding.fix).toContain('organisation admin');
  });
});

describe('Prometheus exemplar destinations', () => {
  const both = [
    { name: 'trace_id', datasourceUid: 'pivot-tempo' },
    { name: 'traceID', datasourceUid: 'pivot-tempo' },
  ];

  it('is fine when trace_id and traceID both link to the Tempo data source', () => {
    expect(only(exemplarDestinationFindings(settings({ exemplarTraceIdDestinations: both }), PROM, TEMPO))).toEqual({
      level: 'ok',
      text: 'Exemplars link to traces in Tempo (trace_id and traceID).',
    });
  });

  it('names the missing label and the pivot that breaks, with a snippet that fixes it', () => {
    const finding = only(
      exemplarDestinationFindings(
        settings({ exemplarTraceIdDestinations: [both[0], { name: 'traceID', datasourceUid: 'old-tempo' }] }),
        PROM,
        TEMPO
      )
    );
    expect(finding.level).toBe('warning');
    expect(finding.text).toBe(
      "Exemplars carrying `traceID` open no trace from Grafana's own panels and Explore (exemplar → trace): Prometheus has no exemplarTraceIdDestinations entry for it pointing at Tempo (`traceID` points at `old-tempo`). Pivot's Service page links its exemplars itself."
    );
    const fixed = provisioned(finding);
    expect(only(exemplarDestinationFindings(settings(fixed), PROM, TEMPO)).level).toBe('ok');
  });

  it('says nothing without a Tempo data source (its own card says why)', () => {
    expect(exemplarDestinationFindings(settings({}), PROM, undefined)).toEqual([]);
  });
});

describe('Prometheus exemplar storage', () => {
  it('asks the exemplars API for the family latency histogram over the last hour', async () => {
    const c = client(() => ({
      status: 'success',
      data: [
        { seriesLabels: { service: 'a' }, exemplars: [{ labels: { trace_id: 'x' }, value: '1', timestamp: 1 }] },
        { seriesLabels: { service: 'b' }, exemplars: [{}, {}] },
      ],
    }));
    expect(await probeExemplars(c, PROM, 'tempo-spanmetrics', NOW)).toEqual({ ok: true, exemplars: 3 });
    expect(c.requests[0].url).toBe(exemplarsUrl(PROM, 'traces_spanmetrics_latency_bucket', NOW));
    expect(c.requests[0].url).toBe(
      '/api/datasources/uid/pivot-prometheus/resources/api/v1/query_exemplars?query=traces_spanmetrics_latency_bucket&start=1699996400&end=1700000000'
    );
    expect(countExemplars({ status: 'success', data: [] })).toBe(0);
    expect(countExemplars('nonsense')).toBe(0);
  });

  it('reports none as the metrics → trace pivot breaking, with the flag and the senders to fix it', () => {
    const finding = only(exemplarStorageFindings({ ok: true, exemplars: 0 }, 'otel-spanmetrics'));
    expect(finding.level).toBe('warning');
    expect(finding.text).toContain(
      'No exemplars on `traces_span_metrics_duration_milliseconds_bucket` in the last hour'
    );
    expect(finding.text).toContain('(metrics → trace)');
    expect(finding.fix).toContain('--enable-feature=exemplar-storage');
    expect(only(exemplarStorageFindings({ ok: true, exemplars: 4 }, 'otel-spanmetrics')).level).toBe('ok');
  });

  it('reports a failed or refused request as unanswered, not as storage off', async () => {
    const refused = client(() => {
      throw { status: 502, data: { message: 'Bad Gateway' } };
    });
    const erroring = client(() => ({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query"' }));
    for (const [c, message] of [
      [refused, 'Bad Gateway'],
      [erroring, 'invalid parameter "query"'],
    ] as const) {
      const probe = await probeExemplars(c, PROM, 'http-semconv', NOW);
      expect(probe).toEqual({ ok: false, error: message });
      const finding = only(exemplarStorageFindings(probe, 'http-semconv'));
      expect(finding.text).toContain(`Prometheus did not answer the exemplars request (\`api/v1/query_exemplars\``);
      expect(finding.text).toContain(message);
      expect(`${finding.text} ${finding.fix}`).not.toContain('exemplar-storage');
    }
  });
});

describe('Loki derived fields', () => {
  const WHERE: TraceIdLocation[] = ['structured-metadata', 'logfmt', 'json'];

  it.each(WHERE)('for trace_id in %s: missing says which pivot breaks; the snippet fixes it', (where) => {
    const finding = only(derivedFieldFindings(settings({}), LOKI, TEMPO, where));
    expect(finding.level).toBe('warning');
    expect(finding.text).toContain(
      "Log lines open no trace in Explore and in dashboards' logs panels (log line → trace)"
    );
    const fixed = provisioned(finding);
    expect(fixed.derivedFields).toEqual([
      expect.objectContaining({ datasourceUid: 'pivot-tempo', url: '${__value.raw}' }),
    ]);
    expect(only(derivedFieldFindings(settings(fixed), LOKI, TEMPO, where)).level).toBe('ok');
    // A field for another place, or to another data source, does not count.
    for (const other of WHERE.filter((w) => w !== where)) {
      expect(only(derivedFieldFindings(settings(fixed), LOKI, TEMPO, other)).level).toBe('warning');
    }
    const elsewhere = { derivedFields: (fixed.derivedFields as object[]).map((f) => ({ ...f, datasourceUid: 'x' })) };
    expect(only(derivedFieldFindings(settings(elsewhere), LOKI, TEMPO, where)).level).toBe('warning');
  });

  it('accepts the provisioned fields of the local stack, and survives an invalid regex', () => {
    const stack = {
      derivedFields: [
        { name: 'trace_id', matcherType: 'label', matcherRegex: '^trace_id$', datasourceUid: 'pivot-tempo' },
        { name: 'in_line', matcherType: 'regex', matcherRegex: 'trace_id=(\\w+)', datasourceUid: 'pivot-tempo' },
        { name: 'broken', matcherType: 'regex', matcherRegex: '(', datasourceUid: 'pivot-tempo' },
      ],
    };
    expect(only(derivedFieldFindings(settings(stack), LOKI, TEMPO, 'structured-metadata')).level).toBe('ok');
    expect(only(derivedFieldFindings(settings(stack), LOKI, TEMPO, 'logfmt')).level).toBe('ok');
    expect(only(derivedFieldFindings(settings(stack), LOKI, TEMPO, 'json')).level).toBe('warning');
  });
});

describe("Loki's link to Pivot's Trace page, for dashboards' logs panels", () => {
  const WHERE: TraceIdLocation[] = ['structured-metadata', 'logfmt', 'json'];
  const FROM = dateTime('2026-01-01T00:00:00Z');
  const TO = dateTime('2026-01-01T01:00:00Z');

  /** The href Grafana builds from a derived field's URL for a line whose trace id is `id`. */
  function href(url: string, id: string): string {
    const frame = toDataFrame({
      fields: [
        { name: 'trace_id_in_pivot', type: FieldType.string, values: [id], config: { links: [{ title: 't', url }] } },
      ],
    });
    const scene = new EmbeddedScene({
      $timeRange: new SceneTimeRange({ from: FROM.toISOString(), to: TO.toISOString() }),
      body: new SceneFlexLayout({ children: [] }),
    });
    const [processed] = applyFieldOverrides({
      data: [frame],
      fieldConfig: { defaults: {}, overrides: [] },
      theme: createTheme(),
      timeZone: 'utc',
      replaceVariables: (text, vars, format) =>
        sceneGraph.interpolate(scene, text, vars, format as Parameters<typeof sceneGraph.interpolate>[3]),
    });
    const links = processed.fields[0].getLinks?.({ valueRowIndex: 0 }) ?? [];
    expect(links).toHaveLength(1);
    return links[0].href;
  }

  it.each(WHERE)('trace_id in %s: missing says which panels lose the pivot; the snippet fixes it', (where) => {
    const finding = only(pivotTraceLinkFindings(settings({}), LOKI, where));
    expect(finding.level).toBe('warning');
    expect(finding.text).toContain(
      "Logs panels in dashboards, the one Pivot adds included, do not open a line's trace in Pivot"
    );
    const fixed = provisioned(finding);
    expect(only(pivotTraceLinkFindings(settings(fixed), LOKI, where)).level).toBe('ok');
    // The Explore link to Tempo is another link: it does not count.
    expect(
      only(
        pivotTraceLinkFindings(
          settings({ derivedFields: [{ ...(fixed.derivedFields as object[])[0], datasourceUid: 'pivot-tempo' }] }),
          LOKI,
          where
        )
      ).level
    ).toBe('warning');
    for (const other of WHERE.filter((w) => w !== where)) {
      expect(only(pivotTraceLinkFindings(settings(fixed), LOKI, other)).level).toBe('warning');
    }
  });

  it.each(['4bf92f3577b34da6a3ce929d0e0e4736', '../../admin?x=${__from}#y', 'a b%2F'])(
    "the provisioned link opens Pivot's Trace page of %j at the panel's time range, through Grafana's link interpolation",
    (id) => {
      const fixed = provisioned(only(pivotTraceLinkFindings(settings({}), LOKI, 'structured-metadata')));
      const [field] = fixed.derivedFields as Array<{ url: string; urlDisplayLabel: string }>;
      expect(field.urlDisplayLabel).toBe('Open trace in Pivot');
      const url = new URL(href(field.url, id), 'https://grafana.example.com');
      const segments = url.pathname.split('/');
      expect(segments.slice(0, 4).join('/')).toBe(`${PLUGIN_BASE_URL}/trace`);
      expect(segments).toHaveLength(5);
      expect(fromPathSegment(decodeURIComponent(segments[4]))).toBe(id);
      expect(url.searchParams.get('from')).toBe(String(FROM.valueOf()));
      expect(url.searchParams.get('to')).toBe(String(TO.valueOf()));
    }
  );

  it('says nothing more when the settings could not be read (the derived-field check already said so)', () => {
    expect(pivotTraceLinkFindings(UNREAD, LOKI, 'logfmt')).toEqual([]);
  });
});

describe('Tempo links', () => {
  it('checks trace → logs and the service map, each naming its pivot and fix', () => {
    const findings = tempoLinkFindings(
      settings({ tracesToLogsV2: { datasourceUid: 'old-loki' } }),
      TEMPO,
      LOKI,
      PROM,
      'service_name'
    );
    expect(findings.map((f) => f.level)).toEqual(['warning', 'warning']);
    expect(findings[0].text).toContain("(trace → logs): Tempo's tracesToLogsV2 points at `old-loki`, not at Loki.");
    expect(findings[1].text).toContain("(trace → service graph): Tempo's serviceMap names no Prometheus data source.");
    const fixed = { ...provisioned(findings[0]), ...provisioned(findings[1]) };
    expect(fixed.tracesToLogsV2).toMatchObject({
      datasourceUid: 'pivot-loki',
      tags: [{ key: 'service.name', value: 'service_name' }],
      filterByTraceID: true,
    });
    expect(tempoLinkFindings(settings(fixed), TEMPO, LOKI, PROM, 'service_name').map((f) => f.level)).toEqual([
      'ok',
      'ok',
    ]);
    expect(tempoLinkFindings(settings({}), TEMPO, undefined, undefined, 'service_name')).toEqual([]);
  });
});

describe('provisioning snippets', () => {
  it('property: any data source name and uid round-trip through the YAML, $ included', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (name, uid, label) => {
        const tempo = { uid, name, type: 'tempo' };
        const finding = tempoLinkFindings(settings({}), tempo, { ...LOKI, uid: `${uid}-l` }, undefined, label)[0];
        const [, ...lines] = (finding.fix ?? '').split('\n');
        const file = parse(lines.join('\n').replaceAll('$$', '$')) as {
          datasources: Array<{ name: string; uid: string; jsonData: { tracesToLogsV2: Record<string, unknown> } }>;
        };
        expect(file.datasources[0].name).toBe(name);
        expect(file.datasources[0].uid).toBe(uid);
        expect(file.datasources[0].jsonData.tracesToLogsV2.datasourceUid).toBe(`${uid}-l`);
        expect(file.datasources[0].jsonData.tracesToLogsV2.tags).toEqual([{ key: 'service.name', value: label }]);
      })
    );
  });
});
