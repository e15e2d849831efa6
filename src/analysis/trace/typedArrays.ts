/** `source` copied into the start of `target` (a larger array of the same kind): how the growable tables grow. */
export function copyInto<T extends Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
