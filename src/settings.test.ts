import { metricConventionsFor, normalizeSettings, PivotJsonData } from './settings';

describe('normalizeSettings', () => {
  it('fills every default for empty or missing jsonData', () => {
    const expected = {
      datasources: {},
      metrics: { family: 'auto', serviceLabel: '' },
      logs: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
      slos: [],
    };
    expect(normalizeSettings(undefined)).toEqual(expected);
    expect(normalizeSettings(null)).toEqual(expected);
    expect(normalizeSettings({})).toEqual(expected);
  });

  it('keeps valid values and trims labels', () => {
    const settings = normalizeSettings({
      datasources: { prometheus: 'p', tempo: 't' },
      metrics: { family: 'otel-spanmetrics', serviceLabel: ' service_name ' },
      logs: { serviceLabel: ' app ', traceId: 'json' },
    });
    expect(settings).toEqual({
      datasources: { prometheus: 'p', tempo: 't' },
      metrics: { family: 'otel-spanmetrics', serviceLabel: 'service_name' },
      logs: { serviceLabel: 'app', traceId: 'json' },
      slos: [],
    });
  });

  it('keeps the valid SLO definitions and leaves out invalid ones', () => {
    const good = { name: 'a', service: 's', sli: { type: 'availability' as const }, objective: 99.9, period: '30d' as const };
    const settings = normalizeSettings({ slos: [good, { ...good, name: 'b', objective: 101 }] });
    expect(settings.slos).toEqual([good]);
  });

  it('falls back to defaults for values a hand-edited provisioning file got wrong', () => {
    const settings = normalizeSettings({
      metrics: { family: 'spanmetrics' },
      logs: { serviceLabel: '   ', traceId: 'line' },
    } as unknown as PivotJsonData);
    expect(settings.metrics.family).toBe('auto');
    expect(settings.logs).toEqual({ serviceLabel: 'service_name', traceId: 'structured-metadata' });
  });

  it('does not share the datasources object with jsonData', () => {
    const jsonData: PivotJsonData = { datasources: { loki: 'l' } };
    normalizeSettings(jsonData).datasources.loki = 'changed';
    expect(jsonData.datasources?.loki).toBe('l');
  });
});

describe('metricConventionsFor', () => {
  it("uses the family's default service label when none is set", () => {
    const settings = normalizeSettings({});
    expect(metricConventionsFor(settings, 'tempo-spanmetrics')).toEqual({
      family: 'tempo-spanmetrics',
      serviceLabel: 'service',
    });
    expect(metricConventionsFor(settings, 'otel-spanmetrics').serviceLabel).toBe('service_name');
    expect(metricConventionsFor(settings, 'http-semconv').serviceLabel).toBe('job');
  });

  it('uses the configured service label over the default', () => {
    const settings = normalizeSettings({ metrics: { serviceLabel: 'service_name' } });
    expect(metricConventionsFor(settings, 'http-semconv-old')).toEqual({
      family: 'http-semconv-old',
      serviceLabel: 'service_name',
    });
  });
});
