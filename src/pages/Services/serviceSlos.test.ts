import fc from 'fast-check';
import type { SloDefinition } from '../../slo/definition';
import { promSeries } from '../../testing/frames';
import { serviceSloStatuses, sloBadness, SLO_STATUS_REF, sloStates } from './serviceSlos';

const T = 1_700_000_000_000;

function slo(name: string, service: string, objective = 99.9): SloDefinition {
  return { name, service, sli: { type: 'availability' }, objective, period: '30d' };
}

const budget = (name: string, value: number) =>
  promSeries(SLO_STATUS_REF, { __name__: 'pivot_slo:error_budget:remaining', slo: name }, [[T, value]]);
const alert = (name: string, severity: string, alertstate = 'firing') =>
  promSeries(SLO_STATUS_REF, { alertname: 'PivotSLOBurnRate', alertstate, slo: name, severity }, [[T, 1]]);

describe('serviceSloStatuses', () => {
  it('reads budget and the most severe firing alert per SLO, ignoring other refIds and undefined SLOs', () => {
    const states = sloStates(
      [
        budget('a', 0.5),
        alert('a', 'warning'),
        alert('a', 'critical'),
        alert('a', 'warning'),
        alert('b', 'critical', 'pending'),
        budget('b', 0.2),
        // The same SLO recorded by two rule files: the lower budget counts.
        budget('b', 0.1),
        budget('zzz', -1),
        promSeries('requestRate', { slo: 'a' }, [[T, -9]]),
      ],
      [slo('a', 'checkout'), slo('b', 'checkout'), slo('c', 'cart')]
    );
    expect(
      [...states.values()].map(({ slo: { name }, budgetRemaining, firing }) => ({ name, budgetRemaining, firing }))
    ).toEqual([
      { name: 'a', budgetRemaining: 0.5, firing: 'critical' },
      { name: 'b', budgetRemaining: 0.1, firing: undefined },
      { name: 'c', budgetRemaining: undefined, firing: undefined },
    ]);
  });

  it('picks the worst SLO of each service: firing before budget, known before unknown', () => {
    const statuses = serviceSloStatuses(
      [budget('a', 0.5), alert('a', 'warning'), budget('b', -2), budget('d', 0.9)],
      [slo('a', 'checkout'), slo('b', 'checkout'), slo('c', 'cart'), slo('d', 'cart')]
    );
    expect(statuses.get('checkout')).toMatchObject({ worst: { slo: { name: 'a' } }, count: 2 });
    expect(statuses.get('cart')).toMatchObject({ worst: { slo: { name: 'd' } }, count: 2 });
    expect(statuses.get('search')).toBeUndefined();
  });

  it('orders badness: critical > warning > any budget, less budget worse, nothing known undefined', () => {
    const s = slo('a', 'x');
    expect(sloBadness(undefined)).toBeUndefined();
    expect(sloBadness({ slo: s })).toBeUndefined();
    expect(sloBadness({ slo: s, budgetRemaining: 1 })).toBe(0);
    expect(sloBadness({ slo: s, budgetRemaining: -1e12 })!).toBeLessThan(sloBadness({ slo: s, firing: 'warning' })!);
    expect(sloBadness({ slo: s, firing: 'warning', budgetRemaining: -1e12 })!).toBeLessThan(
      sloBadness({ slo: s, firing: 'critical', budgetRemaining: 1 })!
    );
  });

  it('property: the worst SLO is at least as bad as every SLO of its service, and every SLO is counted', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name, service: fc.string({ maxLength: 6 }) }), { selector: (r) => r.name }),
        fc.array(
          fc.oneof(
            fc.record({ name, budget: fc.double({ min: -1e6, max: 1, noNaN: true }) }),
            fc.record({
              name,
              severity: fc.constantFrom('critical', 'warning', 'page'),
              state: fc.constantFrom('firing', 'pending'),
            })
          )
        ),
        (defs, series) => {
          const slos = defs.map((d) => slo(d.name, d.service));
          const frames = series.map((s) =>
            'budget' in s ? budget(s.name, s.budget) : alert(s.name, s.severity, s.state)
          );
          const states = sloStates(frames, slos);
          const statuses = serviceSloStatuses(frames, slos);
          for (const d of slos) {
            const status = statuses.get(d.service)!;
            expect(status.count).toBe(slos.filter((o) => o.service === d.service).length);
            const mine = sloBadness(states.get(d.name));
            const worst = sloBadness(status.worst);
            if (mine !== undefined) {
              expect(worst).toBeDefined();
              expect(worst!).toBeGreaterThanOrEqual(mine);
            }
          }
        }
      )
    );
  });
});
