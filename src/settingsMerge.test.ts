import fc from 'fast-check';
import { normalizeSettings, PivotJsonData } from './settings';
import { configFieldValues, LoadedSlo, mergeConfigChange, mergeSloChange } from './settingsMerge';
import type { SloDefinition } from './slo/definition';

const slo = (name: string, objective = 99.9): SloDefinition => ({
  name,
  service: name,
  sli: { type: 'availability' },
  objective,
  period: '30d',
});

const CHECKOUT = slo('checkout');
const PAYMENTS = slo('payments');
const CART = slo('cart');
/** Stored by hand (provisioning) and invalid: an objective of 100 leaves no budget. */
const LEGACY = { name: 'legacy', service: 'legacy', sli: { type: 'availability' }, objective: 100, period: '30d' };

const valid = (s: SloDefinition): LoadedSlo => ({ valid: true, slo: s });

/** What the page loaded, and the server now: another admin added payments since. */
const LOADED: PivotJsonData = { metrics: { family: 'http-semconv', serviceLabel: 'job' }, slos: [CHECKOUT] };
const SERVER = {
  ...LOADED,
  future: { kept: true },
  slos: [CHECKOUT, PAYMENTS, LEGACY],
} as unknown as PivotJsonData;

describe('mergeSloChange', () => {
  it("adds to the server's list: another admin's SLO and the invalid one stay (the issue's reproducer)", () => {
    expect(mergeSloChange(SERVER, { kind: 'add', slo: CART })).toEqual({
      ok: true,
      jsonData: { ...SERVER, slos: [CHECKOUT, PAYMENTS, LEGACY, CART] },
    });
  });

  it('two admins editing different SLOs: each replaces only its own', () => {
    const mine = { ...CHECKOUT, objective: 99.5 };
    const theirs = { ...PAYMENTS, description: 'edited by the other admin' };
    const server = { ...SERVER, slos: [CHECKOUT, theirs, LEGACY] } as PivotJsonData;
    expect(mergeSloChange(server, { kind: 'replace', loaded: valid(CHECKOUT), slo: mine })).toEqual({
      ok: true,
      jsonData: { ...server, slos: [mine, theirs, LEGACY] },
    });
  });

  it('two admins editing the same SLO: the second save stops and says so', () => {
    const server = { ...SERVER, slos: [{ ...CHECKOUT, objective: 99 }, PAYMENTS] };
    const result = mergeSloChange(server, {
      kind: 'replace',
      loaded: valid(CHECKOUT),
      slo: { ...CHECKOUT, objective: 99.5 },
    });
    expect(result).toEqual({
      ok: false,
      message:
        'The SLO checkout was changed by someone else since this page loaded. Nothing was saved: reload to see their change, then make your edit again.',
    });
  });

  it('does not delete an SLO someone changed since the page loaded', () => {
    const server = { ...SERVER, slos: [{ ...CHECKOUT, objective: 99 }] };
    expect(mergeSloChange(server, { kind: 'delete', loaded: valid(CHECKOUT) })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^The SLO checkout was changed by someone else .* Nothing was deleted/),
    });
  });

  it('stops an edit of an SLO someone deleted, and treats deleting it twice as done', () => {
    const server = { ...SERVER, slos: [PAYMENTS] };
    expect(mergeSloChange(server, { kind: 'replace', loaded: valid(CHECKOUT), slo: CHECKOUT })).toMatchObject({
      ok: false,
      message: expect.stringContaining('was deleted by someone else'),
    });
    expect(mergeSloChange(server, { kind: 'delete', loaded: valid(CHECKOUT) })).toEqual({
      ok: true,
      jsonData: server,
      unchanged: true,
    });
  });

  it('refuses a name another admin took since the page loaded, for a new or renamed SLO', () => {
    expect(mergeSloChange(SERVER, { kind: 'add', slo: PAYMENTS })).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'An SLO named payments exists already (it may have been added since this page loaded)'
      ),
    });
    expect(
      mergeSloChange(SERVER, { kind: 'replace', loaded: valid(CHECKOUT), slo: { ...CHECKOUT, name: 'payments' } })
    ).toMatchObject({ ok: false, message: expect.stringContaining('An SLO named payments exists already') });
  });

  it('deletes an invalid stored SLO by its stored form, and only when it is unchanged', () => {
    const [entry] = normalizeSettings(SERVER).invalidSlos;
    expect(entry).toMatchObject({ name: 'legacy', raw: LEGACY });
    expect(mergeSloChange(SERVER, { kind: 'delete', loaded: { valid: false, entry } })).toEqual({
      ok: true,
      jsonData: { ...SERVER, slos: [CHECKOUT, PAYMENTS] },
    });
    const fixed = { ...SERVER, slos: [CHECKOUT, { ...LEGACY, objective: 99 }] } as PivotJsonData;
    expect(mergeSloChange(fixed, { kind: 'delete', loaded: { valid: false, entry } })).toMatchObject({ ok: false });
  });

  it('deletes a nameless invalid entry by content', () => {
    const server = { slos: [CHECKOUT, { objective: 'high' }] } as unknown as PivotJsonData;
    const [entry] = normalizeSettings(server).invalidSlos;
    expect(entry.name).toBeUndefined();
    expect(mergeSloChange(server, { kind: 'delete', loaded: { valid: false, entry } })).toEqual({
      ok: true,
      jsonData: { slos: [CHECKOUT] },
    });
  });

  it('recognises the loaded SLO whatever order Grafana returns its keys in', () => {
    const reordered = {
      period: '30d',
      objective: 99.9,
      sli: { type: 'availability' },
      service: 'checkout',
      name: 'checkout',
    };
    const server = { slos: [reordered] } as unknown as PivotJsonData;
    expect(mergeSloChange(server, { kind: 'delete', loaded: valid(CHECKOUT) })).toEqual({
      ok: true,
      jsonData: { slos: [] },
    });
  });

  it('starts from empty settings when the server has none', () => {
    expect(mergeSloChange(undefined, { kind: 'add', slo: CART })).toEqual({ ok: true, jsonData: { slos: [CART] } });
  });

  it('keeps every other stored entry as it is, for any stored list (property)', () => {
    const entry = fc.oneof(
      fc.record({
        name: fc.stringMatching(/^[a-z]{1,6}$/),
        service: fc.constant('s'),
        sli: fc.constant({ type: 'availability' }),
        objective: fc.double({ min: 1, max: 99.99, noNaN: true }),
        period: fc.constant('30d'),
      }),
      fc.anything()
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (slos) => {
        const server = { slos } as unknown as PivotJsonData;
        // A name with '-' no generated entry has.
        expect(mergeSloChange(server, { kind: 'add', slo: slo('new-one') })).toEqual({
          ok: true,
          jsonData: { slos: [...slos, slo('new-one')] },
        });
        const settings = normalizeSettings(server);
        const [first] = settings.slos;
        if (first) {
          const at = slos.findIndex((raw) => {
            const [stored] = normalizeSettings({ slos: [raw] } as PivotJsonData).slos;
            return stored !== undefined && JSON.stringify(stored) === JSON.stringify(first);
          });
          expect(mergeSloChange(server, { kind: 'delete', loaded: valid(first) })).toEqual({
            ok: true,
            jsonData: { slos: slos.filter((_, i) => i !== at) },
          });
        }
      })
    );
  });
});

describe('mergeConfigChange', () => {
  const loaded = normalizeSettings(LOADED);

  it("writes the fields this admin changed, keeps the server's value of the others; slos and unknown keys stay", () => {
    const draft = { ...loaded, logs: { ...loaded.logs, serviceLabel: 'app' } };
    const server = {
      ...SERVER,
      datasources: { tempo: 'other-tempo' },
      logs: { traceId: 'json', extra: 1 },
    } as PivotJsonData;
    expect(mergeConfigChange(server, loaded, draft)).toEqual({
      ok: true,
      jsonData: { ...server, logs: { traceId: 'json', extra: 1, serviceLabel: 'app' } },
    });
  });

  it('saves while SLOs change: the other admin’s SLOs are kept', () => {
    const draft = { ...loaded, datasources: { prometheus: 'prom-2' } };
    const result = mergeConfigChange(SERVER, loaded, draft);
    expect(result).toEqual({
      ok: true,
      jsonData: { ...SERVER, datasources: { prometheus: 'prom-2' }, logs: normalizeSettings(SERVER).logs },
    });
  });

  it('writes the service-name mapping when changed, and leaves it out when set back to auto', () => {
    const server: PivotJsonData = { metrics: { family: 'http-semconv', serviceLabel: '' } };
    const before = normalizeSettings(server);
    const asIs = mergeConfigChange(server, before, {
      ...before,
      metrics: { ...before.metrics, serviceNames: 'as-is' },
    });
    expect(asIs.ok && asIs.jsonData.metrics).toEqual({
      family: 'http-semconv',
      serviceLabel: '',
      serviceNames: 'as-is',
    });
    const stored = asIs.ok ? asIs.jsonData : {};
    const back = normalizeSettings(stored);
    expect(back.metrics.serviceNames).toBe('as-is');
    const auto = mergeConfigChange(stored, back, { ...back, metrics: { ...back.metrics, serviceNames: 'auto' } });
    expect(auto.ok && auto.jsonData.metrics).toEqual({ family: 'http-semconv', serviceLabel: '' });
  });

  it('removes a cleared data source so the default applies', () => {
    const server: PivotJsonData = { datasources: { loki: 'l', tempo: 't' } };
    const before = normalizeSettings(server);
    const draft = { ...before, datasources: { tempo: 't' } };
    expect(mergeConfigChange(server, before, draft)).toMatchObject({
      ok: true,
      jsonData: { datasources: { tempo: 't' } },
    });
  });

  it('stops when someone else changed the same field to something else', () => {
    const draft = { ...loaded, logs: { ...loaded.logs, serviceLabel: 'app' } };
    const server = { ...SERVER, logs: { serviceLabel: 'service' } } as PivotJsonData;
    expect(mergeConfigChange(server, loaded, draft)).toEqual({
      ok: false,
      message:
        'Someone else changed the service label in logs (now "service") since this page loaded. Nothing was saved: reload to see their change, then make yours again.',
    });
    // The same change on both sides is no conflict.
    expect(mergeConfigChange({ logs: { serviceLabel: 'app' } }, loaded, draft)).toMatchObject({ ok: true });
  });

  it("keeps another admin's change to a field this admin did not touch", () => {
    const draft = { ...loaded, metrics: { ...loaded.metrics, family: 'otel-spanmetrics' as const } };
    const server = { ...LOADED, logs: { serviceLabel: 'app', traceId: 'json' } } as PivotJsonData;
    expect(mergeConfigChange(server, loaded, draft)).toMatchObject({
      ok: true,
      jsonData: {
        metrics: { family: 'otel-spanmetrics', serviceLabel: 'job' },
        logs: { serviceLabel: 'app', traceId: 'json' },
      },
    });
  });

  it('reads every form field as it would be saved', () => {
    expect(configFieldValues(loaded)).toEqual({
      'datasources.prometheus': '',
      'datasources.loki': '',
      'datasources.tempo': '',
      'metrics.family': 'http-semconv',
      'metrics.serviceLabel': 'job',
      'metrics.serviceNames': 'auto',
      'logs.serviceLabel': 'service_name',
      'logs.traceId': 'structured-metadata',
    });
  });
});
