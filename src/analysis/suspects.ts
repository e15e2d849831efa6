/**
 * What the failing requests share: attribute values over-represented among a service's failing
 * spans compared with its other spans in the same window (docs/suspects.md).
 *
 * Pure: the spans come in as attribute maps (`resource.service.version`, `span.http.route`: the
 * scope prefix kept), one per span.
 */

/** One span's attributes, resource and span attributes flattened with their scope prefix. */
export type SpanAttributes = Record<string, string>;

export interface Suspect {
  attribute: string;
  /** The value; '' with `missing: true` when it stands for spans without the attribute. */
  value: string;
  /** Failing spans with this value. */
  failing: number;
  /** Baseline spans with this value. */
  baseline: number;
  /** failing / number of failing spans. */
  failingShare: number;
  /** baseline / number of baseline spans. */
  baselineShare: number;
  /** The two-proportion z statistic of failingShare against baselineShare (docs/suspects.md). */
  score: number;
  /** The spans counted here lack the attribute. */
  missing: boolean;
}

export interface RankOptions {
  /** Values on fewer failing spans are left out (default 5). */
  minFailing?: number;
  /** Scores below this are left out (default 3, about p < 0.0015 one-sided). */
  minScore?: number;
  /** At most this many suspects (default all). */
  limit?: number;
}

export const DEFAULT_MIN_FAILING = 5;
export const DEFAULT_MIN_SCORE = 3;

/**
 * An attribute with at least this share of distinct values among the spans that carry it, and more
 * than HIGH_CARDINALITY_MIN_DISTINCT of them, is an id or a timestamp, not a cause.
 */
export const HIGH_CARDINALITY_SHARE = 0.5;
export const HIGH_CARDINALITY_MIN_DISTINCT = 10;
/**
 * An attribute with more distinct values than this is high-cardinality whatever the sample:
 * its values stop being counted once it passes, which keeps ids from costing a map entry per span.
 */
export const MAX_DISTINCT = 1000;

/**
 * Values shaped like ids or timestamps: UUIDs, span and trace ids (16 or 32 hex digits; not 40,
 * a git commit, which versions often are), 10+ digit numbers (epoch seconds and finer), ISO
 * date-times.
 */
const ID_OR_TIME =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16}|[0-9a-f]{32}|\d{10,}(?:\.\d+)?|\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)$/i;

interface Counts {
  /** value → its index in `tally`; emptied once the attribute has more than MAX_DISTINCT values */
  values: Map<string, number>;
  /** failing and baseline spans of each value: [failing of value 0, baseline of value 0, …] */
  tally: number[];
  failingPresent: number;
  baselinePresent: number;
  wide: boolean;
}

/** Counts every attribute's values over both sets, in one pass over each. */
function countAll(failing: SpanAttributes[], baseline: SpanAttributes[]): Map<string, Counts> {
  const all = new Map<string, Counts>();
  // Spans mostly list the same attributes in the same order: the attribute at each position
  // of the last span is tried before the map.
  const lastNames: string[] = [];
  const lastCounts: Counts[] = [];
  const add = (spans: SpanAttributes[], side: 0 | 1) => {
    for (const span of spans) {
      if (span === null || typeof span !== 'object') {
        continue;
      }
      const names = Object.keys(span);
      for (let position = 0; position < names.length; position++) {
        const attribute = names[position];
        const value = span[attribute];
        if (typeof value !== 'string') {
          continue;
        }
        let counts: Counts | undefined;
        if (lastNames[position] === attribute) {
          counts = lastCounts[position];
        } else {
          counts = all.get(attribute);
          if (counts === undefined) {
            counts = { values: new Map(), tally: [], failingPresent: 0, baselinePresent: 0, wide: false };
            all.set(attribute, counts);
          }
          lastNames[position] = attribute;
          lastCounts[position] = counts;
        }
        if (side === 0) {
          counts.failingPresent += 1;
        } else {
          counts.baselinePresent += 1;
        }
        if (counts.wide) {
          continue;
        }
        const index = counts.values.get(value);
        if (index !== undefined) {
          counts.tally[index + side] += 1;
        } else if (counts.values.size < MAX_DISTINCT) {
          counts.values.set(value, counts.tally.length);
          counts.tally.push(1 - side, side);
        } else {
          counts.wide = true;
          counts.values.clear();
          counts.tally = [];
        }
      }
    }
  };
  add(failing, 0);
  add(baseline, 1);
  return all;
}

/** Ids and timestamps: too many distinct values, or values shaped like them (docs/suspects.md). */
export function isHighCardinality(distinct: number, present: number, sample: Iterable<string>): boolean {
  if (distinct > HIGH_CARDINALITY_MIN_DISTINCT && distinct >= HIGH_CARDINALITY_SHARE * present) {
    return true;
  }
  let looked = 0;
  let shaped = 0;
  for (const value of sample) {
    looked += 1;
    if (ID_OR_TIME.test(value)) {
      shaped += 1;
    }
    if (looked === 20) {
      break;
    }
  }
  return looked > 0 && shaped * 10 >= looked * 9;
}

/**
 * The two-proportion z statistic (pooled) of x1/n1 against x2/n2: the difference in shares in
 * units of its standard error, so the same difference counts more the more spans show it.
 */
export function zScore(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) {
    return 0;
  }
  const p = (x1 + x2) / (n1 + n2);
  const variance = p * (1 - p) * (1 / n1 + 1 / n2);
  if (variance <= 0) {
    return 0;
  }
  return (x1 / n1 - x2 / n2) / Math.sqrt(variance);
}

function compareSuspects(a: Suspect, b: Suspect): number {
  if (a.score !== b.score) {
    return b.score - a.score;
  }
  if (a.failing !== b.failing) {
    return b.failing - a.failing;
  }
  if (a.attribute !== b.attribute) {
    return a.attribute < b.attribute ? -1 : 1;
  }
  if (a.missing !== b.missing) {
    return a.missing ? 1 : -1;
  }
  return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
}

/**
 * The attribute values over-represented among `failing` spans compared with `baseline` spans,
 * most suspicious first (highest z score; ties by more failing spans, then attribute and value
 * in code-unit order, so the order never depends on the input's). Spans without an attribute
 * that others carry count as its own value (`missing`). Values on fewer than `minFailing`
 * failing spans, with a score under `minScore`, and attributes that are ids or timestamps are
 * left out.
 */
export function rankSuspects(
  failing: SpanAttributes[],
  baseline: SpanAttributes[],
  options: RankOptions = {}
): Suspect[] {
  const minFailing = Math.max(1, options.minFailing ?? DEFAULT_MIN_FAILING);
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  const nf = failing.length;
  const nb = baseline.length;
  if (nf === 0 || nb === 0 || nf < minFailing) {
    return [];
  }
  const out: Suspect[] = [];
  const consider = (attribute: string, value: string, missing: boolean, f: number, b: number) => {
    if (f < minFailing || f * nb <= b * nf) {
      return;
    }
    const score = zScore(f, nf, b, nb);
    if (score < minScore) {
      return;
    }
    out.push({
      attribute,
      value,
      failing: f,
      baseline: b,
      failingShare: f / nf,
      baselineShare: b / nb,
      score,
      missing,
    });
  };
  for (const [attribute, counts] of countAll(failing, baseline)) {
    const present = counts.failingPresent + counts.baselinePresent;
    if (counts.wide || isHighCardinality(counts.values.size, present, counts.values.keys())) {
      continue;
    }
    for (const [value, index] of counts.values) {
      consider(attribute, value, false, counts.tally[index], counts.tally[index + 1]);
    }
    consider(attribute, '', true, nf - counts.failingPresent, nb - counts.baselinePresent);
  }
  out.sort(compareSuspects);
  return options.limit === undefined ? out : out.slice(0, Math.max(0, options.limit));
}
