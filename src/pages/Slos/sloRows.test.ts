import { FieldType, toDataFrame } from '@grafana/data';
import { expectValidPromQL } from '../../testing/grammar';
import type { SloDefinition } from '../../slo/definition';
import { AVAILABILITY_RATIOS } from './sloTestFixtures';
import {
  applyEdit,
  boundariesFromFrames,
  detailQueries,
  formatExhaustion,
  investigateRange,
  ratioRef,
  sloRows,
  statusQueries,
} from './sloRows';

const CONV = { family: 'http-semconv' as const, serviceLabel: 'job' };
const A: SloDefinition = {
  name: 'checkout-availability',
  service: 'checkout',
  sli: { type: 'availability' },
  objective: 99.9,
  period: '30d',
};
const L: SloDefinition = {
  name: 'checkout-latency',
  service: 'checkout',
  sli: { type: 'latency', thresholdSeconds: 0.5 },
  objective: 99,
  period: '28d',
};

/** An instant Prometheus frame as Grafana returns it: Time and Value, labels on Value. */
function instant(refId: string, value: number, labels: Record<string, string> = { job: 'checkout' }) {
  return toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: [1_700_000_000_000] },
      { name: 'Value', type: FieldType.number, values: [value], labels },
    ],
  });
}

describe('SLO page queries', () => {
  it('asks each SLO error ratio over its eight windows, all parsing', () => {
    const queries = statusQueries(CONV, [A, L]);
    expect(queries).toHaveLength(16);
    expect(queries.map((q) => q.refId).slice(0, 8)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => ratioRef(0, w))
    );
    expect(queries[15].refId).toBe('slo1_28d');
    queries.forEach((q) => {
      expectValidPromQL(q.expr);
      expect(q.instant).toBe(true);
    });
    expect(detailQueries(CONV, L).map((q) => q.refId)).toContain('boundaries');
    expect(detailQueries(CONV, A).map((q) => q.refId)).not.toContain('boundaries');
  });
});

describe('sloRows', () => {
  it('turns the frames into budget, fastest burn and firing state per SLO', () => {
    const frames = Object.entries(AVAILABILITY_RATIOS).map(([w, v]) => instant(ratioRef(0, w), v));
    frames.push(instant(ratioRef(1, '28d'), NaN));
    const [a, l] = sloRows(frames, [A, L]);
    expect(a.status.budgetRemaining).toBeCloseTo(0.75, 9);
    expect(a.status.fastest?.pair.longWindow).toBe('1h');
    expect(a.status.firing).toBe('critical');
    expect(l.status.budgetRemaining).toBeUndefined();
    expect(l.status.firing).toBeUndefined();
  });

  it('reads the boundary probe and opens the Service page over the fastest pair long window', () => {
    const frames = ['0.25', '0.5', '+Inf'].map((le) => instant('boundaries', 1, { le }));
    expect(boundariesFromFrames(frames)).toEqual(['0.25', '0.5', '+Inf']);
    const [row] = sloRows([instant(ratioRef(0, '6h'), 0.01), instant(ratioRef(0, '1h'), 0.002)], [A]);
    expect(investigateRange(row.status, 10_000_000_000)).toEqual({
      from: 10_000_000_000 - 6 * 3600 * 1000,
      to: 10_000_000_000,
    });
    expect(formatExhaustion(90000)).toBe('1.0d');
    expect(formatExhaustion(0)).toBe('exhausted');
  });
});

describe('applyEdit', () => {
  it('adds, replaces, renames and deletes, refusing a name in use', () => {
    expect(applyEdit([A], { kind: 'save', slo: L })).toEqual({ slos: [A, L] });
    expect(applyEdit([A, L], { kind: 'save', slo: { ...A, objective: 99.5 }, replacing: A.name })).toEqual({
      slos: [{ ...A, objective: 99.5 }, L],
    });
    expect(applyEdit([A, L], { kind: 'save', slo: { ...A, name: L.name }, replacing: A.name })).toEqual({
      error: 'An SLO named checkout-latency exists already: choose another name.',
    });
    expect(applyEdit([A], { kind: 'save', slo: A })).toHaveProperty('error');
    expect(applyEdit([A, L], { kind: 'delete', name: A.name })).toEqual({ slos: [L] });
  });
});
