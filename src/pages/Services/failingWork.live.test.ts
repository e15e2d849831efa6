/**
 * A service's failing work on a real Tempo (issue 18): the Service page's failing traces search
 * and its suspect samples find a queue consumer's failed messages (fulfilment: consumer spans,
 * no server spans), a server's failed requests (payment) and both for a service with both kinds
 * (notifier), and nothing else: not a failing internal step inside a message that succeeded,
 * nor a failing call (client span) inside a request that succeeded. Tempo is started by the
 * native stack module from the stack's own stack/tempo/tempo.yaml (loopback, free ports, temp
 * storage; the stack's Prometheus beside it); the spans are src/testing/failingWork.ts's.
 * `pivot investigate`'s sections: src/cli/failingWork.live.test.ts. Skipped with the reason
 * where tempo is missing.
 */
import { describeWherePresent, TEMPO_HERE } from '../../../stack/live/harness';
import { suspectsView } from '../../analysis/suspectFrames';
import { PROMETHEUS } from '../../testing/describeWithPrometheus';
import {
  BOTH,
  expectedTraces,
  FailingWorkTempo,
  MESSAGES,
  REQUESTS,
  startFailingWorkTempo,
  tempoSearch,
  traceIds,
} from '../../testing/failingWork';
import { grafanaSpansFrame } from '../../testing/tempoSpans';
import { failingTracesQuery } from './serviceScene';
import { suspectQueries } from './SuspectsSection';

jest.setTimeout(300000);

describeWherePresent([PROMETHEUS, TEMPO_HERE], "a service's failing work on the Service page, on a real Tempo", () => {
  let live: FailingWorkTempo;
  const search = (query: { query: string; limit: number; spss?: number }) =>
    tempoSearch(live.tempo, query, live.window.fromMs, live.window.toMs);

  beforeAll(async () => {
    live = await startFailingWorkTempo();
  });

  afterAll(async () => {
    await live?.stack.stop();
  });

  it('finds a queue consumer’s failed messages with the query the page sends, and no other trace', async () => {
    const query = failingTracesQuery('fulfilment');
    expect(query.query).toBe(
      '{ resource.service.name = "fulfilment" && status = error && (kind = server || kind = consumer) }'
    );
    const want = expectedTraces(live.traces, 'fulfilment', ['consumer']);
    expect(want).toHaveLength(MESSAGES / 4);
    expect(traceIds(await search(query))).toEqual(want);
    // What the page searched before: server spans only, of which a queue consumer has none.
    const serverOnly = '{ resource.service.name = "fulfilment" && status = error && kind = server }';
    expect(await search({ ...query, query: serverOnly })).toEqual([]);
  });

  it('finds a server’s failed requests, not its failing calls inside requests that succeeded', async () => {
    const want = expectedTraces(live.traces, 'payment', ['server']);
    expect(want).toHaveLength((REQUESTS * 2) / 5);
    expect(traceIds(await search(failingTracesQuery('payment')))).toEqual(want);
  });

  it('finds both the failed requests and the failed messages of a service with both kinds', async () => {
    const want = expectedTraces(live.traces, 'notifier', ['server', 'consumer']);
    expect(want).toHaveLength(BOTH);
    expect(traceIds(await search(failingTracesQuery('notifier')))).toEqual(want);
  });

  it('compares a consumer’s failed messages with its other messages: the priority queue stands out', async () => {
    const queries = suspectQueries('fulfilment');
    const failing = grafanaSpansFrame(await search(queries.failing));
    const baseline = grafanaSpansFrame(await search(queries.baseline));
    // One span per trace: the consumer span (its internal steps are not a kind of work).
    expect([failing.length, baseline.length]).toEqual([MESSAGES / 4, (MESSAGES * 3) / 4]);
    const view = suspectsView([failing], [baseline]);
    expect(view.kind).toBe('ranked');
    expect(view.kind === 'ranked' && view.suspects[0]).toMatchObject({
      attribute: 'span.messaging.destination.name',
      value: 'orders.priority',
      failingShare: 1,
      baselineShare: 0,
    });
  });
});
