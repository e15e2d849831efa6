/**
 * `npm run bench:trace`: time of `analyzeTrace` on 10,000 and 100,000 spans, and its ratio
 * to the floor: one pass over the same spans that reads each span's id, parent, start and
 * duration and builds a Map from id to row, the least an analysis that finds parents by id
 * pays. Every run gets the frame's text afresh (string columns through JSON, as Grafana's
 * answer arrives), so no run finds hashes a previous run cached in the strings. Then the
 * critical path: its sections, the time of Pivot's critical-path step alone, and the time of
 * Jaeger UI's pipeline (trace transform and critical path, re-implemented below as a
 * reference) on the same trace, with the ratio. Median and spread (p25-p75) of several runs
 * after warm-up. Results go into docs/benchmarks.md by hand: a benchmark measures, it does
 * not assert. Not part of npm test.
 *
 * `npm run bench:trace -- --against <git revision>` first times the analysis as it was at that
 * revision (its `src/analysis/trace/`, taken with `git archive` into a temporary directory)
 * against the working tree's, interleaved in this process with the floor, on the same fresh
 * frames: a before/after that a change of load between two runs cannot skew.
 */
import type { DataFrame } from '@grafana/data';
import type { CriticalPathSection } from '../src/analysis/traceAnalysis';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSDOM } from 'jsdom';

const RUNS = 9;
const WARMUP = 3;

/** The floor: one pass reading id, parent, start and duration, and a Map from each id to its row. */
function mapFloor(frame: DataFrame): number {
  const get = (name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];
  const ids = get('spanID');
  const parents = get('parentSpanID');
  const starts = get('startTime');
  const durations = get('duration');
  const rows = new Map<string, number>();
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    rows.set(ids[i], i);
    sum += String(parents[i]).length + Number(starts[i]) + Number(durations[i]);
  }
  return sum + rows.size;
}

/** The frame with its text columns as JSON.parse makes them: new strings, no hash cached in them. */
function freshFrame(frame: DataFrame): DataFrame {
  return {
    ...frame,
    fields: frame.fields.map((f) => (f.type === 'string' ? { ...f, values: JSON.parse(JSON.stringify(f.values)) } : f)),
  };
}

/* ------------------------------------------------------------------------------------------
 * REFERENCE ONLY, NOT PIVOT'S CODE: Jaeger UI's critical-path pipeline, re-implemented from
 * reading jaegertracing/jaeger-ui (`packages/jaeger-ui/src/model/transform-trace-data.ts`;
 * `src/components/TracePage/CriticalPath/index.ts`, `utils/cpspan.ts`,
 * `utils/findLastFinishingChildSpan.ts`, `utils/sanitizeOverFlowingChildren.ts`), as the
 * yardstick for "at least 20x faster than Jaeger UI". The same steps with the same data
 * structures (span objects in Maps keyed by id, arrays of children, object copies when a
 * span is clipped, a scan of all children for each "last finishing child") and recursion
 * where theirs recurses, so it overflows the stack where theirs does. Left out, so the
 * reference is if anything faster than the real one: warnings, logs and events, process
 * tags and resources, the trace name and title, gen-AI classification, React.
 * ---------------------------------------------------------------------------------------- */

interface RefSpan {
  spanID: string;
  references: Array<{ refType: 'CHILD_OF'; spanID: string }>;
  startTime: number;
  duration: number;
  kind: string;
  serviceName: string;
  tags: Array<{ key: string; value: unknown }>;
  childSpans: RefSpan[];
  depth?: number;
  hasChildren?: boolean;
}

interface RefCPSpan {
  spanID: string;
  parentSpanID?: string;
  isBlocking: boolean;
  startTime: number;
  endTime: number;
  duration: number;
  childSpanIDs: string[];
}

interface RefSection {
  spanID: string;
  sectionStart: number;
  sectionEnd: number;
}

/** The response Jaeger UI starts from: one object per span, built from the frame's rows. */
function referenceSpansOf(frame: DataFrame): RefSpan[] {
  const get = (name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];
  const [ids, parents, starts, durations, kinds, services, tags] = [
    'spanID',
    'parentSpanID',
    'startTime',
    'duration',
    'kind',
    'serviceName',
    'tags',
  ].map(get);
  return Array.from({ length: frame.length }, (_, i) => ({
    spanID: String(ids[i]),
    references: parents[i] ? [{ refType: 'CHILD_OF' as const, spanID: String(parents[i]) }] : [],
    startTime: Number(starts[i]),
    duration: Number(durations[i]),
    kind: String(kinds[i] ?? ''),
    serviceName: String(services[i] ?? ''),
    tags: (tags[i] as RefSpan['tags']) ?? [],
    childSpans: [],
  }));
}

/** transformTraceData: unique ids, tags deduplicated and ordered, children linked, a recursive depth-first walk. */
function referenceTransform(spansIn: RefSpan[]): { spans: RefSpan[]; rootSpans: RefSpan[] } {
  const spanIdCounts = new Map<string, number>();
  const spanMap = new Map<string, RefSpan>();
  for (const span of spansIn) {
    const count = spanIdCounts.get(span.spanID);
    if (count !== undefined) {
      spanIdCounts.set(span.spanID, count + 1);
      span.spanID = `${span.spanID}_${count}`;
    } else {
      spanIdCounts.set(span.spanID, 1);
    }
    const unique = span.tags.reduce<RefSpan['tags']>((kept, tag) => {
      if (!kept.some((t) => t.key === tag.key && t.value === tag.value)) {
        kept.push(tag);
      }
      return kept;
    }, []);
    span.tags = unique.slice().sort((a, b) => (a.key > b.key ? 1 : a.key < b.key ? -1 : 0));
    span.childSpans = [];
    spanMap.set(span.spanID, span);
  }
  const rootSpans: RefSpan[] = [];
  for (const span of spanMap.values()) {
    const parent = span.references.length > 0 ? spanMap.get(span.references[0].spanID) : undefined;
    (parent ? parent.childSpans : rootSpans).push(span);
  }
  const spans: RefSpan[] = [];
  const svcCounts: Record<string, number> = {};
  const processSpan = (span: RefSpan, depth: number) => {
    span.depth = depth;
    span.hasChildren = span.childSpans.length > 0;
    svcCounts[span.serviceName] = (svcCounts[span.serviceName] || 0) + 1;
    spans.push(span);
    span.childSpans.sort((a, b) => a.startTime - b.startTime);
    span.childSpans.forEach((child) => processSpan(child, depth + 1));
  };
  rootSpans.sort((a, b) => a.startTime - b.startTime);
  rootSpans.forEach((root) => processSpan(root, 0));
  return { spans, rootSpans };
}

/** The span as the critical path reads it: OtelSpanFacade over the transformed span. */
interface RefOtelSpan {
  spanID: string;
  parentSpanID?: string;
  kind: string;
  startTime: number;
  duration: number;
  attributes: Array<{ key: string; value: unknown }>;
  links: Array<{ spanID: string }>;
  childSpans: RefOtelSpan[];
  parentSpan?: RefOtelSpan;
  legacy: RefSpan;
}

/**
 * `trace.asOtelTrace()` (OtelTraceFacade, OtelSpanFacade): one facade per span (kind and
 * attributes from its tags, its parent from its references), a Map by id, roots and
 * children wired through it. The critical path takes this, not the transformed trace.
 */
function referenceOtelTrace(spans: RefSpan[], roots: RefSpan[]): RefOtelSpan[] {
  const facades = spans.map((legacy): RefOtelSpan => {
    const kindTag = legacy.tags.find((t) => t.key === 'span.kind');
    const parentRef = legacy.references.find((r) => r.refType === 'CHILD_OF');
    return {
      spanID: legacy.spanID,
      parentSpanID: parentRef?.spanID,
      kind: kindTag ? String(kindTag.value) : legacy.kind,
      startTime: legacy.startTime,
      duration: legacy.duration,
      attributes: legacy.tags.filter((t) => t.value !== null && t.value !== undefined).map((t) => ({ ...t })),
      links: legacy.references.filter((r) => r !== parentRef).map((r) => ({ spanID: r.spanID })),
      childSpans: [],
      legacy,
    };
  });
  const spanMap = new Map<string, RefOtelSpan>();
  facades.forEach((f) => spanMap.set(f.spanID, f));
  facades.forEach((f) => {
    if (f.parentSpanID) {
      f.parentSpan = spanMap.get(f.parentSpanID);
    }
    f.childSpans = f.legacy.childSpans.map((c) => spanMap.get(c.spanID)!).filter(Boolean);
  });
  return roots.map((r) => spanMap.get(r.spanID)!);
}

/** createCPSpanMap: a root's tree as CPSpans, producer → consumer children left out as not blocking. */
function referenceCPSpanMap(root: RefOtelSpan): Map<string, RefCPSpan> {
  const map = new Map<string, RefCPSpan>();
  const blocking = (child: RefOtelSpan, parent?: RefOtelSpan) =>
    !(parent?.kind === 'producer' && child.kind === 'consumer');
  const traverse = (span: RefOtelSpan) => {
    const cp: RefCPSpan = {
      spanID: span.spanID,
      parentSpanID: span.parentSpanID,
      isBlocking: blocking(span, span.parentSpan),
      startTime: span.startTime,
      endTime: span.startTime + span.duration,
      duration: span.duration,
      childSpanIDs: [],
    };
    map.set(span.spanID, cp);
    span.childSpans.forEach((child) => {
      if (blocking(child, span)) {
        cp.childSpanIDs.push(child.spanID);
        traverse(child);
      }
    });
  };
  traverse(root);
  return map;
}

/** sanitizeOverFlowingChildren: children cut to their parent, or dropped when wholly outside it. */
function referenceSanitize(spanMap: Map<string, RefCPSpan>): Map<string, RefCPSpan> {
  [...spanMap.keys()].forEach((spanId) => {
    const span = spanMap.get(spanId)!;
    if (!span.parentSpanID) {
      return;
    }
    const parent = spanMap.get(span.parentSpanID);
    if (!parent) {
      spanMap.delete(span.spanID);
      return;
    }
    const drop = () => {
      spanMap.delete(span.spanID);
      parent.childSpanIDs = parent.childSpanIDs.filter((id) => id !== span.spanID);
    };
    if (span.startTime >= parent.startTime) {
      if (span.startTime >= parent.endTime) {
        drop();
      } else if (span.endTime > parent.endTime) {
        spanMap.set(span.spanID, { ...span, duration: parent.endTime - span.startTime, endTime: parent.endTime });
      }
    } else if (span.endTime <= parent.startTime) {
      drop();
    } else if (span.endTime <= parent.endTime) {
      spanMap.set(span.spanID, { ...span, startTime: parent.startTime, duration: span.endTime - parent.startTime });
    } else {
      spanMap.set(span.spanID, {
        ...span,
        startTime: parent.startTime,
        duration: parent.endTime - parent.startTime,
        endTime: parent.endTime,
      });
    }
  });
  return spanMap;
}

function referenceLastFinishingChild(
  spanMap: Map<string, RefCPSpan>,
  span: RefCPSpan,
  returningChildStartTime?: number
): RefCPSpan | undefined {
  let last: RefCPSpan | undefined;
  let maxEnd = -1;
  span.childSpanIDs.forEach((id) => {
    const child = spanMap.get(id);
    if (child && (!returningChildStartTime || child.endTime < returningChildStartTime) && child.endTime > maxEnd) {
      maxEnd = child.endTime;
      last = child;
    }
  });
  return last;
}

/** computeCriticalPath: recursive, down the last finishing child, back up at each span's start. */
function referenceComputePath(
  spanMap: Map<string, RefCPSpan>,
  spanId: string,
  path: RefSection[],
  returningChildStartTime?: number
): RefSection[] {
  const span = spanMap.get(spanId);
  if (!span) {
    return path;
  }
  const last = referenceLastFinishingChild(spanMap, span, returningChildStartTime);
  const sectionEnd = returningChildStartTime || span.endTime;
  const sectionStart = last ? last.endTime : span.startTime;
  if (sectionStart !== sectionEnd) {
    path.push({ spanID: span.spanID, sectionStart, sectionEnd });
  }
  if (last) {
    referenceComputePath(spanMap, last.spanID, path);
  } else if (span.parentSpanID) {
    referenceComputePath(spanMap, span.parentSpanID, path, span.startTime);
  }
  return path;
}

/** Jaeger UI's whole pipeline on a frame: sections from the end backwards, as theirs returns them. */
function jaegerReference(frame: DataFrame): RefSection[] {
  const trace = referenceTransform(referenceSpansOf(frame));
  let sections: RefSection[] = [];
  for (const root of referenceOtelTrace(trace.spans, trace.rootSpans)) {
    sections = referenceComputePath(referenceSanitize(referenceCPSpanMap(root)), root.spanID, sections);
  }
  return sections;
}

/* ---------------------------------- end of the reference ---------------------------------- */

/**
 * "yes" when Pivot's sections (time order) are the reference's (end first), span and times
 * alike; else how many of Pivot's the reference does not have. Pivot differs on purpose where
 * a child ends exactly as the next one starts (docs/trace-page.md#critical-path).
 */
function compareSections(pivot: CriticalPathSection[], reference: RefSection[]): string {
  const key = (spanId: string, from: number, to: number) => `${spanId} ${from} ${to}`;
  const theirs = new Set(reference.map((r) => key(r.spanID, r.sectionStart, r.sectionEnd)));
  const differ = pivot.filter((s) => !theirs.has(key(s.spanId, s.startMs, s.endMs))).length;
  return differ === 0 && pivot.length === reference.length ? 'yes' : `no: ${differ} of ${pivot.length} differ`;
}

/** Why the reference cannot run on this frame (its recursion overflows on deep traces), if it cannot. */
function referenceFails(frame: DataFrame): string | undefined {
  try {
    jaegerReference(frame);
    return undefined;
  } catch (error) {
    return error instanceof RangeError ? 'stack overflow' : String(error);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Timing {
  wall: number;
  cpu: number;
  /** CPU ms, 25th and 75th percentiles. */
  cpuP25: number;
  cpuP75: number;
}

/**
 * Median wall time and median CPU time (user + system of this process) in ms, with the CPU
 * time's quartiles. On a machine shared with other jobs the wall time includes waiting for a
 * core; the CPU time does not. `input` makes each run's argument, untimed.
 */
function time<T>(fn: (input: T) => unknown, input: () => T = () => undefined as T): Timing {
  for (let i = 0; i < WARMUP; i++) {
    fn(input());
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const arg = input();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(arg);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), cpuP25: quantile(cpu, 0.25), cpuP75: quantile(cpu, 0.75) };
}

/**
 * The same as `time` for several functions at once, interleaved: each round runs every one
 * (in a rotating order) on its own fresh input, so a change in the machine's load between
 * rounds weighs on all of them alike and their ratio holds.
 */
function timeTogether<T>(fns: Array<(input: T) => unknown>, input: () => T): Timing[] {
  for (let i = 0; i < WARMUP; i++) {
    fns.forEach((fn) => fn(input()));
  }
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (let j = 0; j < fns.length; j++) {
      const f = (round + j) % fns.length;
      const arg = input();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fns[f](arg);
      wall[f].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[f].push((c.user + c.system) / 1000);
    }
  }
  return fns.map((_, f) => ({
    wall: median(wall[f]),
    cpu: median(cpu[f]),
    cpuP25: quantile(cpu[f], 0.25),
    cpuP75: quantile(cpu[f], 0.75),
  }));
}

const spreadOf = (t: Timing) => `${t.cpu.toFixed(1)} (${t.cpuP25.toFixed(1)}-${t.cpuP75.toFixed(1)})`;

/** `@grafana/data` (the fixtures' field types) reads browser globals when loaded: give it jsdom's. */
function installDom(): void {
  const { window } = new JSDOM('', { url: 'http://localhost/' });
  Object.assign(globalThis, { window, document: window.document });
}

type Analyze = (frame: DataFrame) => unknown;

/** The revision given with `--against`, if any. */
function againstRevision(): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf('--against');
  if (at >= 0 && !args[at + 1]) {
    throw new Error('--against needs a git revision, e.g. --against HEAD~3');
  }
  return at >= 0 ? args[at + 1] : undefined;
}

/** `analyzeTrace` as it was at `revision`, from its `src/analysis/trace/` copied to a temporary directory. */
async function analyzeTraceAt(revision: string, dir: string): Promise<Analyze> {
  const tar = path.join(dir, 'trace.tar');
  execFileSync('git', ['archive', `--output=${tar}`, revision, 'src/analysis/trace'], { stdio: 'inherit' });
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  const entry = path.join(dir, 'src/analysis/trace/analyzeTrace.ts');
  if (!fs.existsSync(entry)) {
    throw new Error(`${revision} has no src/analysis/trace/analyzeTrace.ts to compare with`);
  }
  const module: { analyzeTrace: Analyze } = await import(pathToFileURL(entry).href);
  return module.analyzeTrace;
}

/** Before (at `revision`) against after (the working tree), with the floor, interleaved. */
async function beforeAndAfter(
  revision: string,
  after: Analyze,
  shapes: Array<{ name: string; build: (n: number) => DataFrame }>
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-trace-'));
  try {
    const before = await analyzeTraceAt(revision, dir);
    console.log(`Before (${revision}) and after (working tree), CPU ms, median (p25-p75), interleaved with the floor`);
    console.log('| shape | spans | before | after | floor | after / before | before / floor | after / floor |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const shape of shapes) {
      for (const n of [10_000, 100_000]) {
        const frame = shape.build(n);
        const [b, a, floor] = timeTogether([before, after, mapFloor], () => freshFrame(frame));
        const ratio = (x: Timing, y: Timing) => `${(x.cpu / y.cpu).toFixed(2)}x`;
        const row = [shape.name, n.toLocaleString('en'), spreadOf(b), spreadOf(a), spreadOf(floor)];
        console.log(`| ${[...row, ratio(a, b), ratio(b, floor), ratio(a, floor)].join(' | ')} |`);
      }
    }
    console.log('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  installDom();
  const revision = againstRevision();
  const { analyzeTrace } = await import('../src/analysis/traceAnalysis');
  const { chainSpans, randomTreeSpans, tempoTraceFrame } = await import('../src/analysis/fixtures/traceFrames');

  const shapes: Array<{ name: string; build: (n: number) => DataFrame }> = [
    { name: 'random tree, rows shuffled', build: (n) => tempoTraceFrame(randomTreeSpans(n, 7)) },
    { name: 'chain (depth = spans)', build: (n) => tempoTraceFrame(chainSpans(n)) },
  ];

  console.log(
    `node ${process.version}, ${RUNS} runs after ${WARMUP} warm-up, median; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`
  );
  if (revision) {
    await beforeAndAfter(revision, (f) => analyzeTrace(f), shapes);
  }
  console.log('CPU ms, median (p25-p75); each run on a fresh copy of the frame');
  console.log(
    '| shape | spans | analyzeTrace | floor: one pass, Map of ids | analyzeTrace / floor | wall ms, analyzeTrace / floor |'
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const shape of shapes) {
    for (const n of [10_000, 100_000]) {
      const frame = shape.build(n);
      const fresh = () => freshFrame(frame);
      const [analysis, floor] = timeTogether([(f: DataFrame) => analyzeTrace(f), mapFloor], fresh);
      const row = [
        shape.name,
        n.toLocaleString('en'),
        spreadOf(analysis),
        spreadOf(floor),
        `${(analysis.cpu / floor.cpu).toFixed(1)}x`,
        `${analysis.wall.toFixed(1)} / ${floor.wall.toFixed(1)}`,
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
  }

  const { traceColumns } = await import('../src/analysis/trace/frame');
  const { indexSpans } = await import('../src/analysis/trace/spanTable');
  const { buildTree } = await import('../src/analysis/trace/tree');
  const { criticalPathOf } = await import('../src/analysis/trace/criticalPath');
  /** The critical-path step alone, on a table and tree built once. */
  const criticalPathStep = (frame: DataFrame) => {
    const anomalies = { orphans: 0, cycles: 0, duplicateSpanIds: 0, missingSpanIds: 0, clockSkew: 0, missingTimes: 0 };
    const columns = traceColumns(frame);
    const table = indexSpans(columns, frame.length, anomalies);
    const tree = buildTree(table, columns.parentSpanId, anomalies);
    return () => criticalPathOf(table, tree);
  };

  console.log('');
  console.log("Critical path: Pivot against Jaeger UI's pipeline (reference re-implementation in this script), CPU ms");
  console.log(
    '| shape | spans | sections | same as Jaeger | analyzeTrace | critical-path step | Jaeger UI pipeline | Jaeger / analyzeTrace |'
  );
  console.log('|---|---:|---:|---|---:|---:|---:|---:|');
  for (const shape of shapes) {
    for (const n of [1_000, 10_000, 100_000]) {
      const frame = shape.build(n);
      const path = analyzeTrace(frame).criticalPath;
      const step = time(criticalPathStep(frame));
      // The reference mutates the spans it is given, so each run builds them afresh from the frame, as theirs does.
      const failed = referenceFails(frame);
      const [analysis, jaeger] = timeTogether(
        [(f: DataFrame) => analyzeTrace(f), ...(failed ? [] : [(f: DataFrame) => jaegerReference(f)])],
        () => freshFrame(frame)
      );
      const reference = failed ? { failed } : jaeger;
      const same = failed ? 'n/a' : compareSections(path, jaegerReference(frame));
      const row = [
        shape.name,
        n.toLocaleString('en'),
        path.length.toLocaleString('en'),
        same,
        spreadOf(analysis),
        step.cpu.toFixed(2),
        'failed' in reference ? reference.failed : spreadOf(reference),
        'failed' in reference ? 'n/a' : `${(reference.cpu / analysis.cpu).toFixed(1)}x`,
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
