import { MAX_EPOCH_MS, number, numberOrNaN, text, TraceColumns } from './frame';
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

export function indexSpans(columns: TraceColumns, n: number, anomalies: TraceAnomalies): SpanTable {
  const { spanId: spanIdCol, startTime: startCol, duration: durationCol, statusCode: statusCol } = columns;
  // Imports used in the loop are read into locals first: where modules run as CommonJS (tsx,
  // which runs the benchmark; jest) each use of an imported name is a getter call, which
  // costs a 100,000-span loop as much as the work itself. Bundled, as the plugin ships, it is free.
  const readText = text;
  const readNumber = number;
  const readTime = numberOrNaN;
  const maxEpochMs = MAX_EPOCH_MS;
  const statusError = STATUS_ERROR;
  const ids: string[] = new Array(n);
  const alive = scratchUint8('alive', n, 0);
  const index = new SpanIdIndex(n, ids);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const timed = scratchUint8('timed', n, 0);
  const failed = scratchUint8('failed', n, 0);
  for (let i = 0; i < n; i++) {
    const id = readText(spanIdCol, i);
    ids[i] = id;
    if (id === '') {
      anomalies.missingSpanIds++;
      continue;
    }
    if (index.add(i) >= 0) {
      anomalies.duplicateSpanIds++;
      continue;
    }
    alive[i] = 1;
    // One span at 0 or NaN would put the trace in 1970: unusable times stay out of the
    // window. Such a span keeps its place in the tree, at 0 with the duration it has.
    const s = readTime(startCol, i);
    const d = readTime(durationCol, i);
    const startOk = s > 0 && s <= maxEpochMs;
    const durationOk = d >= 0 && d <= maxEpochMs && (!startOk || s + d <= maxEpochMs);
    if (!startOk || !durationOk) {
      anomalies.missingTimes++;
    }
    timed[i] = startOk ? 1 : 0;
    start[i] = startOk ? s : 0;
    end[i] = start[i] + (durationOk ? d : 0);
    failed[i] = readNumber(statusCol, i) === statusError ? 1 : 0;
  }
  return { n, ids, alive, index, start, end, timed, failed };
}
