import { SceneTimeRangeState, SceneTimeRangeTransformerBase } from '@grafana/scenes';
import { absoluteRange, boundedLogWindow, LogWindow, LogWindowSource } from './traceState';

export interface LogWindowTimeRangeState extends SceneTimeRangeState {
  fromMs: number;
  toMs: number;
  source: LogWindowSource;
}

function windowState({ fromMs, toMs, source }: LogWindow): Omit<LogWindowTimeRangeState, 'timeZone'> {
  return {
    fromMs,
    toMs,
    source,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    value: absoluteRange(fromMs, toMs),
  };
}

/**
 * A fixed time range (the trace's own window) for the objects under it, whatever the page's
 * time picker says. Unlike a nested SceneTimeRange it writes nothing to the URL (the page's
 * `from`/`to` stay the picker's), and a refresh of the page re-runs the queries under it.
 */
export class TraceWindowTimeRange extends SceneTimeRangeTransformerBase<LogWindowTimeRangeState> {
  constructor({ fromMs, toMs }: { fromMs: number; toMs: number }) {
    super(windowState({ fromMs, toMs, source: 'trace' }));
  }

  protected ancestorTimeRangeChanged(): void {
    // A new value object, same window: the queries below see a change and run again.
    this.setState({ value: absoluteRange(this.state.fromMs, this.state.toMs) });
  }
}

/**
 * The page's time range cut to its last hour (`boundedLogWindow`), for the logs of a trace
 * whose own time is unknown. It follows the picker and refreshes: each change of the page's
 * range is bounded again.
 */
export class BoundedPageTimeRange extends SceneTimeRangeTransformerBase<LogWindowTimeRangeState> {
  constructor() {
    // Placeholder until activation reads the page's range (before any query below runs).
    super(windowState({ fromMs: 0, toMs: 0, source: 'page' }));
  }

  protected ancestorTimeRangeChanged(ancestor: SceneTimeRangeState): void {
    this.setState(windowState(boundedLogWindow(ancestor.value.from.valueOf(), ancestor.value.to.valueOf())));
  }
}
