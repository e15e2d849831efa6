import { DataSourceSummary, resolveDataSource } from './lookup';

const prom = (uid: string, name = uid): DataSourceSummary => ({ uid, name, type: 'prometheus' });
const LOKI: DataSourceSummary = { uid: 'logs', name: 'Logs', type: 'loki' };
const TEMPO: DataSourceSummary = { uid: 'traces', name: 'Traces', type: 'tempo' };

describe('resolveDataSource', () => {
  it('uses the configured uid', () => {
    const res = resolveDataSource('prometheus', 'mine', [prom('pivot-prometheus'), prom('mine', 'Mine')]);
    expect(res).toEqual({ ok: true, pillar: 'prometheus', ds: prom('mine', 'Mine'), how: 'configured' });
  });

  it('says a configured uid that does not exist is missing, and what to do', () => {
    const res = resolveDataSource('loki', 'gone', [LOKI]);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toBe('missing');
    expect(!res.ok && res.message).toBe(
      `The Loki data source "gone" set in Pivot's settings does not exist (or you cannot see it). Choose a Loki data source in Pivot's Configuration.`
    );
  });

  it('says a configured data source of another type is the wrong type, and does not fall back', () => {
    const res = resolveDataSource('tempo', 'logs', [LOKI, TEMPO]);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toBe('wrong-type');
    expect(!res.ok && res.message).toContain('"Logs" set for Tempo is of type "loki", not "tempo"');
  });

  it('uses the provisioned uid when nothing is configured, even among several candidates', () => {
    const res = resolveDataSource('prometheus', undefined, [prom('a'), prom('pivot-prometheus'), prom('b')]);
    expect(res).toMatchObject({ ok: true, how: 'provisioned', ds: { uid: 'pivot-prometheus' } });
  });

  it('does not take a provisioned uid of the wrong type', () => {
    const impostor: DataSourceSummary = { uid: 'pivot-loki', name: 'Impostor', type: 'prometheus' };
    const res = resolveDataSource('loki', undefined, [impostor, LOKI]);
    expect(res).toMatchObject({ ok: true, how: 'only-candidate', ds: LOKI });
  });

  it('uses the only data source of the type', () => {
    const res = resolveDataSource('tempo', undefined, [LOKI, TEMPO, prom('p')]);
    expect(res).toEqual({ ok: true, pillar: 'tempo', ds: TEMPO, how: 'only-candidate' });
  });

  it('treats an empty configured uid as not configured', () => {
    expect(resolveDataSource('tempo', '', [TEMPO])).toMatchObject({ ok: true, how: 'only-candidate' });
  });

  it('says when there is no data source of the type', () => {
    const res = resolveDataSource('tempo', undefined, [LOKI, prom('p')]);
    expect(res).toMatchObject({ ok: false, reason: 'none' });
    expect(!res.ok && res.message).toContain('No Tempo data source exists');
  });

  it('names the candidates when several exist and none is chosen', () => {
    const res = resolveDataSource('prometheus', undefined, [prom('a', 'Alpha'), prom('b', 'Beta'), LOKI]);
    expect(res).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(!res.ok && res.message).toBe(
      `There are 2 Prometheus data sources (Alpha, Beta) and none is chosen. Choose a Prometheus data source in Pivot's Configuration.`
    );
  });
});
