/**
 * @jest-environment node
 */
import { describeWithPrometheus } from './describeWithPrometheus';
import { startPrometheus } from './prometheus';

const T0 = 1_700_000_000;

describeWithPrometheus('test Prometheus harness', () => {
  it('backfills OpenMetrics and answers instant and range queries', async () => {
    const lines = ['# TYPE demo_requests counter'];
    for (let i = 0; i <= 20; i++) {
      lines.push(`demo_requests_total{job="a"} ${i * 60} ${T0 + i * 60}`);
    }
    lines.push('# EOF', '');
    const prom = await startPrometheus({ openMetrics: lines.join('\n') });
    try {
      // 60 requests a minute is exactly 1 per second.
      const rate = await prom.instant('rate(demo_requests_total[5m])', T0 + 20 * 60);
      expect(rate).toHaveLength(1);
      expect(rate[0].metric.job).toBe('a');
      expect(rate[0].value).toBeCloseTo(1, 9);
      const scalar = await prom.instant('scalar(sum(demo_requests_total))', T0 + 600);
      expect(scalar[0].value).toBe(600);
      const series = await prom.range('demo_requests_total', T0, T0 + 120, 60);
      expect(series[0].values).toEqual([
        [T0, 0],
        [T0 + 60, 60],
        [T0 + 120, 120],
      ]);
    } finally {
      await prom.stop();
    }
  });

  it('fails at once with the output when prometheus exits before it is ready', async () => {
    await expect(startPrometheus({ flags: ['--no-such-flag'] })).rejects.toThrow(
      /exited \(1\) before it was ready: .*unknown long flag '--no-such-flag'/s
    );
  });

  it('waits for the first evaluation of every rule group, after which recorded series exist', async () => {
    const prom = await startPrometheus({
      rules: [
        'groups: [{name: a, rules: [{record: pivot_a, expr: vector(1)}]}, {name: b, rules: [{record: pivot_b, expr: vector(2)}]}]',
      ],
    });
    try {
      await prom.rulesEvaluated();
      const now = Date.now() / 1000;
      expect((await prom.instant('pivot_a', now)).map((s) => s.value)).toEqual([1]);
      expect((await prom.instant('pivot_b', now)).map((s) => s.value)).toEqual([2]);
    } finally {
      await prom.stop();
    }
  });
});
