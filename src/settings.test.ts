import fc from 'fast-check';
import {
  labelNameProblem,
  metricConventionsFor,
  normalizeSettings,
  PivotJsonData,
  settingsProblems,
  suggestLabelName,
} from './settings';

describe('normalizeSettings', () => {
  it('fills every default for empty or missing jsonData', () => {
    const expected = {
      datasources: {},
      metrics: { family: 'auto', serviceLabel: '' },
      logs: { serviceLabel: 'service_name', traceId: 'structured-metadata' },
      slos: [],
      invalidSlos: [],
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
      invalidSlos: [],
    });
  });

  it('keeps the valid SLO definitions, and the invalid ones as stored with their errors', () => {
    const good = {
      name: 'a',
      service: 's',
      sli: { type: 'availability' as const },
      objective: 99.9,
      period: '30d' as const,
    };
    const bad = { ...good, name: 'b', objective: 101 };
    const settings = normalizeSettings({ slos: [good, bad, good, 'x'] } as unknown as PivotJsonData);
    expect(settings.slos).toEqual([good]);
    expect(settings.invalidSlos).toEqual([
      {
        name: 'b',
        raw: bad,
        errors: ['slos[1] (b).objective: a percentage above 0 and below 100, e.g. 99.9; got 101'],
      },
      { name: 'a', raw: good, errors: ['slos[2] (a).name: an earlier SLO has this name; rename or delete one'] },
      { name: undefined, raw: 'x', errors: [expect.stringMatching(/^slos\[3\]: expected a map/)] },
    ]);
  });

  it('reads values of the wrong type as unset instead of failing', () => {
    const settings = normalizeSettings({
      datasources: { prometheus: 7, loki: ' l ' },
      metrics: { serviceLabel: ['job'] },
      logs: 'service_name',
    } as unknown as PivotJsonData);
    expect(settings.datasources).toEqual({ loki: 'l' });
    expect(settings.metrics.serviceLabel).toBe('');
    expect(settings.logs.serviceLabel).toBe('service_name');
  });

  it('falls back to defaults for values a hand-edited provisioning file got wrong', () => {
    const settings = normalizeSettings({
      metrics: { family: 'spanmetrics' },
      logs: { serviceLabel: '   ', traceId: 'line' },
    } as unknown as PivotJsonData);
    expect(settings.metrics.family).toBe('auto');
    expect(settings.logs).toEqual({ serviceLabel: 'service_name', traceId: 'structured-metadata' });
  });

  it('keeps a known service-name mapping and reads anything else as auto (left out)', () => {
    expect(normalizeSettings({ metrics: { serviceNames: 'strip-namespace' } }).metrics.serviceNames).toBe(
      'strip-namespace'
    );
    for (const stored of ['strip', 7, null, ['as-is']]) {
      const metrics = normalizeSettings({ metrics: { serviceNames: stored } } as unknown as PivotJsonData).metrics;
      expect(metrics).toEqual({ family: 'auto', serviceLabel: '' });
    }
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

describe('settingsProblems', () => {
  it('names the setting, the rule and a fix for a service label that is not a label name', () => {
    expect(settingsProblems(normalizeSettings({ metrics: { serviceLabel: 'service.name' } }))).toEqual({
      prometheus:
        'The service label in metrics "service.name" is not a label name: Prometheus and Loki label names match [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and _, not starting with a digit). Use service_name. Fix it in Pivot\'s Configuration.',
    });
    expect(settingsProblems(normalizeSettings({ logs: { serviceLabel: '1st' } })).loki).toContain('Use _1st.');
  });

  it('has nothing to say of valid or default labels', () => {
    expect(settingsProblems(normalizeSettings({}))).toEqual({});
    expect(
      settingsProblems(normalizeSettings({ metrics: { serviceLabel: 'job' }, logs: { serviceLabel: 'app' } }))
    ).toEqual({});
  });

  it('accepts exactly the label name syntax (property)', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(labelNameProblem(value, 'x') === undefined).toBe(/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(value));
        expect(labelNameProblem(suggestLabelName(value), 'x')).toBeUndefined();
      })
    );
  });
});
