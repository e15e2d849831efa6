/**
 * Working arrays that do not outlive one analysis, kept from one call to the next. A
 * 100,000-span trace needs a dozen of them (several MB): made fresh on every call they are
 * memory the engine maps, zeroes and later collects. Each use has its own name, so two arrays
 * in use at once never share memory; `analyzeTrace` is synchronous, so one call ends before
 * the next begins. Nothing `analyzeTrace` returns may hold one of these arrays (its `getSpan`
 * keeps only arrays made fresh). The memory of the largest trace analysed stays held.
 */

type Uint8Name = 'alive' | 'timed' | 'failed' | 'trueRoot' | 'visited' | 'failingBelow';
type Int32Name =
  | 'childStart'
  | 'childList'
  | 'childFill'
  | 'order'
  | 'subtree'
  | 'serviceOf'
  | 'byEnd'
  | 'cursor'
  | 'keptEnd'
  | 'pathRows';
type Float64Name = 'selfTime' | 'clipFrom' | 'clipTo' | 'pathStarts' | 'pathEnds';

const uint8s = new Map<Uint8Name, Uint8Array>();
const int32s = new Map<Int32Name, Int32Array>();
const float64s = new Map<Float64Name, Float64Array>();

/**
 * `length` elements of the array kept under `name`, each set to `fill`; with no `fill`, the
 * elements hold whatever the last call left (for arrays written before they are read).
 */
function take<T extends Uint8Array | Int32Array | Float64Array>(
  pool: Map<string, T>,
  make: (length: number) => T,
  name: string,
  length: number,
  fill: number | undefined
): T {
  const kept = pool.get(name);
  if (kept === undefined || kept.length < length) {
    const made = make(length);
    pool.set(name, made);
    if (fill !== undefined && fill !== 0) {
      made.fill(fill);
    }
    return made;
  }
  const view = kept.length === length ? kept : (kept.subarray(0, length) as T);
  if (fill !== undefined) {
    view.fill(fill);
  }
  return view;
}

export function scratchUint8(name: Uint8Name, length: number, fill?: number): Uint8Array {
  return take(uint8s, (l) => new Uint8Array(l), name, length, fill);
}

export function scratchInt32(name: Int32Name, length: number, fill?: number): Int32Array {
  return take(int32s, (l) => new Int32Array(l), name, length, fill);
}

export function scratchFloat64(name: Float64Name, length: number, fill?: number): Float64Array {
  return take(float64s, (l) => new Float64Array(l), name, length, fill);
}
