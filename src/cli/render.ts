/**
 * The text and JSON output of `pivot investigate`. Everything that comes from telemetry or
 * the command line (service names, operations, log lines, status messages) goes through
 * `printable`, so a newline, a terminal escape sequence or a bidirectional override in a name
 * cannot forge a line or recolour the terminal.
 */
import type { Health } from '../analysis/serviceGraph';
import { METRIC_FAMILIES } from '../datasources/conventions';
import {
  Investigation,
  LinksSection,
  LogsSection,
  MetricsSection,
  NeighboursSection,
  Outcome,
  PatternsSection,
  SectionId,
  SECTIONS,
  Statistics,
  SuspectsSection,
  TraceSection,
} from './investigation';

// C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional marks and overrides.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * `text` with every character a terminal would act on written as an escape (`\n`, `\u001b`),
 * and `\` as `\\`, so the printed form reads back to exactly the text (`unprintable`).
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The text `printable` wrote. */
export function unprintable(text: string): string {
  return text.replace(/\\(\\|n|r|t|u[0-9a-f]{4})/g, (_, e: string) =>
    e === '\\'
      ? '\\'
      : e === 'n'
        ? '\n'
        : e === 'r'
          ? '\r'
          : e === 't'
            ? '\t'
            : String.fromCharCode(parseInt(e.slice(1), 16))
  );
}

/** A log line shortened to `max` characters (code points), then made printable. */
export function shortLine(text: string, max = 160): string {
  const chars = Array.from(text);
  return printable(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}

export function percent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) {
    return '–';
  }
  const pct = ratio * 100;
  return `${pct >= 1 || pct === 0 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}

export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) {
    return '–';
  }
  if (seconds >= 1) {
    return `${seconds.toFixed(2)} s`;
  }
  const ms = seconds * 1000;
  return `${ms >= 10 ? Math.round(ms) : ms.toPrecision(2)} ms`;
}

export function rate(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) {
    return '–';
  }
  return `${perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toPrecision(2)}/s`;
}

/** Epoch ms as `2026-01-02 15:04:05Z`. */
export function time(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '–';
  }
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

const HEALTH_WORDS: Record<Health, string> = {
  ok: 'ok',
  warning: 'DEGRADED',
  critical: 'FAILING',
  idle: 'no traffic',
};

function pad(text: string, width: number): string {
  const length = Array.from(text).length;
  return length >= width ? text : text + ' '.repeat(width - length);
}

function outcomeLines<T>(title: string, outcome: Outcome<T>, body: (value: T) => string[]): string[] {
  if (outcome.status === 'error') {
    return [title, `  could not answer: ${printable(outcome.error)}`];
  }
  if (outcome.status === 'skipped') {
    return [title, `  ${printable(outcome.reason)}`];
  }
  return [title, ...body(outcome as T)];
}

function metricsLines(m: MetricsSection): string[] {
  const row = (name: string, f: (s: Statistics) => string) => `  ${pad(name, 14)}${pad(f(m.now), 14)}${f(m.before)}`;
  const how = m.familyHow === 'detected' ? 'detected' : 'configured';
  const none =
    m.now.requestRate === undefined
      ? [
          `  no requests of this service in the window under this family and label: check the name, or the service label (--metrics-service-label, or Pivot's Configuration)`,
        ]
      : [];
  return [
    `  ${HEALTH_WORDS[m.health]} now · metrics: ${METRIC_FAMILIES[m.family].title} (${how}), service label ${m.serviceLabel}`,
    ...none,
    `  ${pad('', 14)}${pad('now', 14)}before`,
    row('requests', (s) => rate(s.requestRate)),
    row('error ratio', (s) => percent(s.errorRatio)),
    row('p95 latency', (s) => duration(s.p95Seconds)),
  ];
}

function suspectLines(s: SuspectsSection): string[] {
  const spans = (n: number) => `${n} ${n === 1 ? 'span' : 'spans'}`;
  switch (s.state) {
    case 'too-few-failing':
      return [
        `  too few failing spans to compare: ${s.failing} failing server or consumer ${s.failing === 1 ? 'span' : 'spans'} of this service in the window, at least ${s.minFailing} needed (widen --since)`,
      ];
    case 'no-select':
      return s.refusal
        ? [
            `  Tempo refused the sample's TraceQL select() (${printable(s.refusal)}): comparing attributes needs Tempo 2.2 or newer`,
          ]
        : [
            '  Tempo answered without the selected attributes: comparing them needs TraceQL select() (Tempo 2.2 or newer) and spans that carry resource and span attributes such as service.version and http.route',
          ];
    case 'no-baseline':
      return [
        `  every sampled server or consumer span of this service in the window failed (${spans(s.failing)}): there are no succeeding spans to compare with`,
      ];
    case 'none':
      return [
        `  nothing stands out: no attribute value is clearly more common among the ${spans(s.failing)} that failed than among the ${spans(s.baseline ?? 0)} that did not (the cause may be outside the selected attributes: see the logs and the trace)`,
      ];
  }
  const labels = s.suspects.map((x) =>
    x.missing ? `${printable(x.name)} not set` : `${printable(x.name)}=${shortLine(x.value, 60)}`
  );
  const width = Math.min(60, Math.max(20, ...labels.map((l) => Array.from(l).length))) + 2;
  const lines = [
    `  ${s.failing} failing server or consumer spans against ${s.baseline ?? 0} others (sampled; values more common among the failing first)`,
    `  ${pad('attribute=value', width)}${pad('failing', 10)}others`,
    ...s.suspects.map(
      (x, i) => `  ${pad(labels[i], width)}${pad(percent(x.failingShare), 10)}${percent(x.baselineShare)}`
    ),
  ];
  const v = s.version;
  if (v) {
    const version = shortLine(v.version, 60);
    lines.push(
      v.afterOthers
        ? `  note: a deploy may be the cause: service.version ${version} first shows at ${time(v.firstSeenMs)} among the sampled spans, after spans of other versions: it was rolled out in this window, at or shortly before that time`
        : `  note: a deploy may be the cause: service.version ${version} runs from the first sampled span (${time(v.firstSeenMs)}): it may have been deployed before this window (widen --since to see the rollout)`
    );
  }
  return lines;
}

function patternLines(p: PatternsSection): string[] {
  const full = (n: number) => (n >= p.sample ? ' (the sample is full: older lines not read)' : '');
  if (p.lines.now === 0) {
    return [`  no error log lines in the window (${printable(p.query)})`];
  }
  const read = `  ${p.lines.now} error ${p.lines.now === 1 ? 'line' : 'lines'} read now${full(p.lines.now)}, ${p.lines.before} before${full(p.lines.before)} (at most ${p.sample} each, newest first)`;
  if (p.patterns.length === 0) {
    return [
      read,
      `  no new or grown pattern: the window's lines fall in ${p.steady} ${p.steady === 1 ? 'pattern' : 'patterns'} seen before at a similar or lower rate`,
    ];
  }
  return [
    read,
    `  ${pad('', 7)}${pad('now', 7)}${pad('before', 8)}${pad('example trace', 34)}pattern (<_> varies)`,
    ...p.patterns.map(
      (x) =>
        `  ${pad(x.status === 'new' ? 'NEW' : 'GROWN', 7)}${pad(String(x.now), 7)}${pad(String(x.before), 8)}${pad(x.traceId ? printable(x.traceId) : '-', 34)}${shortLine(x.pattern)}`
    ),
    ...(p.more > 0 ? [`  and ${p.more} more new or grown ${p.more === 1 ? 'pattern' : 'patterns'}`] : []),
  ];
}

function logsLines(l: LogsSection): string[] {
  if (l.lines.length === 0) {
    return [`  no error log lines in the window (${printable(l.query)})`];
  }
  return l.lines.map(
    (line) =>
      `  ${time(line.timeMs)}  ${pad(line.traceId ? printable(line.traceId) : '-', 32)}  ${shortLine(line.line)}`
  );
}

function traceLines(t: TraceSection): string[] {
  const root = [t.rootService, t.rootName].filter(Boolean).map(printable).join(': ');
  const lines = [
    `  trace ${printable(t.traceId)}: ${t.failingSpans} failing span${t.failingSpans === 1 ? '' : 's'}, ${duration(t.durationMs / 1000)}${root ? `, root ${root}` : ''} (worst of ${t.candidates} failing trace${t.candidates === 1 ? '' : 's'})`,
  ];
  const o = t.failureOrigin;
  lines.push(
    o
      ? `  failure origin: ${printable(o.service)} · ${printable(o.operation)}${o.message ? ` — ${shortLine(o.message)}` : ''} (${duration(o.durationMs / 1000)})`
      : '  failure origin: no span of the trace has error status'
  );
  if (t.criticalPath.length > 0) {
    lines.push('  critical path (time each span held the request up, longest first):');
    for (const step of t.criticalPath) {
      lines.push(
        `    ${pad(duration(step.ms / 1000), 10)}${pad(percent(step.share), 7)}${printable(step.service)} · ${printable(step.operation)}`
      );
    }
  }
  return lines;
}

function neighbourLines(n: NeighboursSection): string[] {
  const list = (rows: NeighboursSection['upstream']) =>
    rows.length === 0
      ? ['    none in the service graph']
      : rows.map(
          (r) =>
            `    ${pad(HEALTH_WORDS[r.health], 11)}${pad(rate(r.requestRate), 10)}${pad(percent(r.errorRatio), 8)}${printable(r.service)}${r.kind === 'service' ? '' : ` (${r.kind})`}`
        );
  return ['  upstream (callers):', ...list(n.upstream), '  downstream (callees):', ...list(n.downstream)];
}

function linkLines(l: LinksSection): string[] {
  return [`  service: ${l.service}`, ...(l.trace ? [`  trace:   ${l.trace}`] : []), `  graph:   ${l.graph}`];
}

/** Each section's title and text; a new section adds its entry here and in SECTIONS. */
const RENDERERS: { [K in SectionId]: (i: Investigation) => string[] } = {
  metrics: (i) => outcomeLines('Error ratio and p95 latency', i.sections.metrics, metricsLines),
  suspects: (i) => outcomeLines('What the failing requests share', i.sections.suspects, suspectLines),
  logs: (i) => outcomeLines('Error logs (newest first, with trace ids)', i.sections.logs, logsLines),
  patterns: (i) =>
    outcomeLines(
      'New and grown error-log patterns (this window against the one before)',
      i.sections.patterns,
      patternLines
    ),
  trace: (i) => outcomeLines('Worst failing trace', i.sections.trace, traceLines),
  neighbours: (i) => outcomeLines('Neighbours (service graph)', i.sections.neighbours, neighbourLines),
  links: (i) => outcomeLines('Pivot', i.sections.links, linkLines),
};

export function renderText(i: Investigation): string {
  const header = [
    `Service ${printable(i.service)}: ${i.window.since} from ${time(i.window.fromMs)} to ${time(i.window.toMs)} (before: from ${time(i.before.fromMs)})`,
  ];
  const blocks = SECTIONS.map((id) => RENDERERS[id](i).join('\n'));
  return `${[header.join('\n'), ...blocks].join('\n\n')}\n`;
}

// What JSON.stringify leaves raw that a terminal acts on: DEL, C1 controls, line and paragraph separators, bidi marks.
const JSON_RAW_UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text with the characters a terminal would act on that JSON.stringify leaves raw written
 * as `\uXXXX` escapes (only strings can hold them, so the document parses to the same value).
 */
export function terminalJson(json: string): string {
  return json.replace(JSON_RAW_UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The JSON document of `--json`: the investigation as gathered, with the exit status. */
export function renderJson(i: Investigation, exitCode: number): string {
  return `${terminalJson(JSON.stringify({ ...i, exitCode }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2))}\n`;
}
