import React from 'react';
import { t } from '@grafana/i18n';
import { EmbeddedScene, SceneQueryRunner, SceneReactObject, SceneTimeRange } from '@grafana/scenes';
import type { PivotContext } from '../../pivotContext';
import { Problem } from '../../components/states/PivotStates';
import { testIds } from '../../components/testIds';
import { normalizeTraceId } from '../../datasources';
import { dsRef } from '../../datasources/lookup';
import { DEFAULT_RANGE, pageControls } from '../../scenes/pageControls';
import { textValues } from '../../utils/i18nValues';
import { OpenTraceForm } from './OpenTraceForm';
import { traceQuery } from './traceQueries';
import { TraceView } from './TraceView';
import { errorMessage } from '../../utils/errors';

/** The trace id as typed or linked, normalised; or why it is not a trace id. */
export function parseTraceId(raw: string): { ok: true; traceId: string } | { ok: false; message: string } {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded text: validate it as it is.
  }
  try {
    return { ok: true, traceId: normalizeTraceId(decoded) };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

/**
 * The Trace page for one id: Tempo's trace (waterfall, where it failed, critical path), the
 * trace's logs from Loki, and the services it crossed. Tempo is asked in the picker's range;
 * the logs in the trace's own window.
 */
export function buildTraceScene(ctx: PivotContext, rawTraceId: string): EmbeddedScene {
  const parsed = parseTraceId(rawTraceId);
  if (!parsed.ok) {
    return new EmbeddedScene({
      body: new SceneReactObject({
        component: () => (
          <div data-testid={testIds.trace.state('invalid-id')}>
            <Problem
              severity="warning"
              title={t('pivot.trace.invalid-id.title', 'Invalid trace id')}
              message={t(
                'pivot.trace.invalid-id.message',
                '{{problem}}. Paste the trace_id of a log line or a span, for example {{example}}.',
                textValues({ problem: parsed.message, example: '4bf92f3577b34da6a3ce929d0e0e4736' })
              )}
            />
            <OpenTraceForm />
          </div>
        ),
      }),
    });
  }
  const tempo = ctx.datasources.tempo;
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange(DEFAULT_RANGE),
    controls: pageControls(),
    body: new TraceView({
      ctx,
      traceId: parsed.traceId,
      tempoProblem: tempo.ok ? undefined : tempo.message,
      $data: tempo.ok
        ? new SceneQueryRunner({ datasource: dsRef(tempo.ds), queries: [traceQuery(parsed.traceId)] })
        : undefined,
    }),
  });
}
