import { SceneTimeRangeState, SceneTimeRangeTransformerBase } from '@grafana/scenes';
import { absoluteRange } from './traceState';

interface TraceWindowState extends SceneTimeRangeState {
  fromMs: number;
  toMs: number;
}

/**
 * A fixed time range (the trace's own window) for the objects under it, whatever the page's
 * time picker says. Unlike a nested SceneTimeRange it writes nothing to the URL (the page's
 * `from`/`to` stay the picker's), and a refresh of the page re-runs the queries under it.
 */
export class TraceWindowTimeRange extends SceneTimeRangeTransformerBase<TraceWindowState> {
  constructor({ fromMs, toMs }: { fromMs: number; toMs: number }) {
    super({
      fromMs,
      toMs,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      value: absoluteRange(fromMs, toMs),
    });
  }

  protected ancestorTimeRangeChanged(): void {
    // A new value object, same window: the queries below see a change and run again.
    this.setState({ value: absoluteRange(this.state.fromMs, this.state.toMs) });
  }
}
