import { MAX_EPOCH_MS, numberOrNaN, TraceColumns } from './frame';
import { scratchUint8 } from './scratch';
import { SpanIdIndex } from './spanIdIndex';
import { STATUS_ERROR, TraceAnomalies } from './types';

/**
 * Step 1, the index: one slot per row. `alive`, `timed` and `failed` are working arrays
 * (./scratch.ts), valid until the next analysis. The first row of each span id is the span; later rows
 * repeating the id, and rows without one, are dropped (`alive` is 0) and counted.
 */
export interface SpanTable {
  n: number;
  ids: string[];
  /** 1 for the rows that are spans. */
  alive: Uint8Array;
  index: SpanIdIndex;
  /** Epoch ms; 0 for a span without a usable start. */
  start: Float64Array;
  end: Float64Array;
  /** 1 when the span's start is a usable time: only those make the trace's window. */
  timed: Uint8Array;
  /** 1 when the span has error status. */
  failed: Uint8Array;
}

/** Read in place of a column the frame lacks: every cell undefined. */
const NO_VALUES: unknown[] = [];

/** A time cell that is not a number, by `numberOrNaN`'s rule (NaN when absent). */
function timeOf(raw: unknown): number {
  return numberOrNaN([raw], 0);
}

export function indexSpans(columns: TraceColumns, n: number, anomalies: TraceAnomalies): SpanTable {
  const { spanId: spanIdCol, startTime: startCol, duration: durationCol, statusCode: statusCol } = columns;
  // The cells are read here rather than through frame.ts's `text`, `number` and `numberOrNaN`
  // (the same rules, written out): those are called from many places on many kinds of
  // column, and inlined into this loop with that mixed history they made the pass twice as
  // slow (100,000 spans). For the same reason imports are not used in the loop: where modules
  // run as CommonJS (tsx, which runs the benchmark; jest) each use of an imported name is a
  // getter call. Counters are locals until the end of the loop.
  const maxEpochMs = MAX_EPOCH_MS;
  const statusError = STATUS_ERROR;
  const spanIds = spanIdCol ?? NO_VALUES;
  const starts = startCol ?? NO_VALUES;
  const durations = durationCol ?? NO_VALUES;
  const statuses = statusCol ?? NO_VALUES;
  const ids: string[] = new Array(n);
  const alive = scratchUint8('alive', n, 0);
  const index = new SpanIdIndex(n, ids);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const timed = scratchUint8('timed', n, 0);
  const failed = scratchUint8('failed', n, 0);
  let missingSpanIds = 0;
  let duplicateSpanIds = 0;
  let missingTimes = 0;
  for (let i = 0; i < n; i++) {
    const rawId = spanIds[i];
    const id = typeof rawId === 'string' ? rawId : rawId === undefined || rawId === null ? '' : String(rawId);
    ids[i] = id;
    if (id === '') {
      missingSpanIds++;
      continue;
    }
    if (index.add(i) >= 0) {
      duplicateSpanIds++;
      continue;
    }
    alive[i] = 1;
    // One span at 0 or NaN would put the trace in 1970: unusable times stay out of the
    // window. Such a span keeps its place in the tree, at 0 with the duration it has.
    const rawStart = starts[i];
    const rawDuration = durations[i];
    const s = typeof rawStart === 'number' ? rawStart : timeOf(rawStart);
    const d = typeof rawDuration === 'number' ? rawDuration : timeOf(rawDuration);
    const startOk = s > 0 && s <= maxEpochMs;
    const durationOk = d >= 0 && d <= maxEpochMs && (!startOk || s + d <= maxEpochMs);
    if (!startOk || !durationOk) {
      missingTimes++;
    }
    timed[i] = startOk ? 1 : 0;
    start[i] = startOk ? s : 0;
    end[i] = start[i] + (durationOk ? d : 0);
    // `number`'s rule: a cell that is not a finite number reads as 0, never the error status.
    const rawStatus = statuses[i];
    failed[i] = (typeof rawStatus === 'number' ? rawStatus : Number(rawStatus)) === statusError ? 1 : 0;
  }
  anomalies.missingSpanIds += missingSpanIds;
  anomalies.duplicateSpanIds += duplicateSpanIds;
  anomalies.missingTimes += missingTimes;
  return { n, ids, alive, index, start, end, timed, failed };
}
