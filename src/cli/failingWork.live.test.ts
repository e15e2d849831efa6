/**
 * @jest-environment node
 *
 * `pivot investigate`'s failing trace and "What the failing requests share" for a queue consumer
 * on a real Tempo (issue 18): fulfilment writes consumer spans and no server spans; the command
 * searches its failed messages with the Service page's query (server and consumer spans) and
 * compares them with its other messages. The spans and the Tempo start are
 * src/testing/failingWork.ts's (the page's side: src/pages/Services/failingWork.live.test.ts).
 * Skipped with the reason where tempo is missing.
 */
import { describeWherePresent, TEMPO_HERE } from '../../stack/live/harness';
import { PROMETHEUS } from '../testing/describeWithPrometheus';
import { expectedTraces, FailingWorkTempo, MESSAGES, startFailingWorkTempo } from '../testing/failingWork';
import { normalizeSettings } from '../settings';
import { directBackends } from './backends';
import { investigate } from './investigation';
import { renderText } from './render';

jest.setTimeout(300000);

describeWherePresent(
  [PROMETHEUS, TEMPO_HERE],
  "pivot investigate of a queue consumer's failing work, on a real Tempo",
  () => {
    let live: FailingWorkTempo;

    beforeAll(async () => {
      live = await startFailingWorkTempo();
    });

    afterAll(async () => {
      await live?.stack.stop();
    });

    it('answers its trace and suspects sections from its failed messages', async () => {
      const result = await investigate({
        service: 'fulfilment',
        since: '10m',
        sinceMs: 10 * 60_000,
        untilMs: live.window.toMs,
        settings: normalizeSettings({}),
        backends: directBackends({ tempo: live.tempo, timeoutMs: 60000 }),
        lines: 20,
      });
      const { trace, suspects } = result.sections;
      expect(trace.status === 'error' ? trace.error : trace.status).toBe('ok');
      if (trace.status === 'ok') {
        expect(trace.query).toBe(
          '{ resource.service.name = "fulfilment" && status = error && (kind = server || kind = consumer) }'
        );
        expect(trace.candidates).toBe(MESSAGES / 4);
        expect(expectedTraces(live.traces, 'fulfilment', ['consumer'])).toContain(trace.traceId);
        // The failed message: its consumer span and the internal step where it failed.
        expect(trace.failingSpans).toBe(2);
        expect(trace.failureOrigin).toMatchObject({ service: 'fulfilment', operation: 'write shipment' });
      }
      expect(suspects.status === 'error' ? suspects.error : suspects.status).toBe('ok');
      if (suspects.status === 'ok') {
        expect([suspects.state, suspects.failing, suspects.baseline]).toEqual([
          'ranked',
          MESSAGES / 4,
          (MESSAGES * 3) / 4,
        ]);
        expect(suspects.suspects[0]).toMatchObject({
          attribute: 'span.messaging.destination.name',
          value: 'orders.priority',
        });
      }
      expect(renderText(result)).toContain(
        `  ${MESSAGES / 4} failing server or consumer spans against ${(MESSAGES * 3) / 4} others`
      );
    });
  }
);
