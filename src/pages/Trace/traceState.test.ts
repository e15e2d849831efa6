import { getDefaultTimeRange, LoadingState, PanelData } from '@grafana/data';
import { analyzeTrace } from '../../analysis/traceAnalysis';
import { chainSpans, checkoutFailureFrame, tempoTraceFrame } from '../../analysis/fixtures/traceFrames';
import { anomalyNotes, CRITICAL_PATH_SHOWN, criticalPathSteps, formatDuration } from './traceSummary';
import { pickTraceFrame, traceLogWindow } from '../../datasources/tempoAnswers';
import { boundedLogWindow, logWindowNote, traceLoadState, UNKNOWN_TRACE_LOG_WINDOW_MS } from './traceState';

const data = (state: LoadingState, series = [checkoutFailureFrame()], message?: string): PanelData => ({
  state,
  series,
  timeRange: getDefaultTimeRange(),
  errors: message ? [{ message }] : undefined,
});

describe('traceLoadState', () => {
  it('is loading before an answer and while the first answer is pending', () => {
    expect(traceLoadState(undefined)).toEqual({ kind: 'loading' });
    expect(traceLoadState(data(LoadingState.NotStarted))).toEqual({ kind: 'loading' });
    expect(traceLoadState(data(LoadingState.Loading, []))).toEqual({ kind: 'loading' });
  });

  it('finds the trace frame among node-graph frames', () => {
    const frame = checkoutFailureFrame();
    const nodes = { name: 'nodes', length: 1, fields: [] };
    expect(traceLoadState(data(LoadingState.Done, [nodes, frame]))).toEqual({ kind: 'data', frame });
    expect(pickTraceFrame([nodes])).toBeUndefined();
  });

  it('tells not found from other errors', () => {
    expect(
      traceLoadState(data(LoadingState.Error, [], 'failed to get trace with id: ab Status: 404 Not Found'))
    ).toEqual({
      kind: 'not-found',
    });
    expect(traceLoadState(data(LoadingState.Done, [tempoTraceFrame([])]))).toEqual({ kind: 'not-found' });
    expect(traceLoadState(data(LoadingState.Error, [], 'connection refused'))).toEqual({
      kind: 'error',
      message: 'connection refused',
    });
    expect(traceLoadState(data(LoadingState.Error, []))).toEqual({
      kind: 'error',
      message: 'Tempo failed without a message.',
    });
  });

  it('shows a trace that arrived even when part of the request failed', () => {
    expect(traceLoadState(data(LoadingState.Error, [checkoutFailureFrame()], 'partial')).kind).toBe('data');
  });

  it('widens the trace by five minutes each side for its logs', () => {
    expect(traceLogWindow(1000.4, 2000.2)).toEqual({ fromMs: 1000 - 300000, toMs: 2001 + 300000 });
  });

  it('keeps a page range of an hour or less for a trace of unknown time, and cuts a longer one to its last hour', () => {
    const to = 1_714_564_800_000;
    expect(boundedLogWindow(to - 15 * 60_000, to)).toEqual({ fromMs: to - 15 * 60_000, toMs: to, source: 'page' });
    expect(boundedLogWindow(to - UNKNOWN_TRACE_LOG_WINDOW_MS, to)).toMatchObject({ source: 'page' });
    expect(boundedLogWindow(to - 7 * 24 * 3_600_000, to)).toEqual({
      fromMs: to - UNKNOWN_TRACE_LOG_WINDOW_MS,
      toMs: to,
      source: 'page-cut',
    });
  });

  it('says which window the logs were searched in, and why', () => {
    const format = (ms: number) => `t${ms}`;
    expect(logWindowNote({ fromMs: 1, toMs: 2, source: 'trace' }, format)).toBe(
      "Logs searched from t1 to t2: the trace's time, 5 minutes either side."
    );
    expect(logWindowNote({ fromMs: 1, toMs: 2, source: 'page' }, format)).toBe(
      "Logs searched from t1 to t2, the selected time range: the trace's own time is unknown."
    );
    expect(logWindowNote({ fromMs: 1, toMs: 2, source: 'page-cut' }, format)).toMatch(
      /^Logs searched from t1 to t2, the last hour of the selected time range: .* Narrow the time range/
    );
  });
});

describe('summary helpers', () => {
  it('shows the longest sections of a long critical path, in time order, counting the shorter ones between', () => {
    // A chain of 100: down to the leaf and back up, 199 sections; the leaf's is the longest.
    const steps = criticalPathSteps(analyzeTrace(tempoTraceFrame(chainSpans(100))));
    const sections = steps.filter((s) => s.kind === 'section');
    expect(sections).toHaveLength(CRITICAL_PATH_SHOWN);
    const skipped = steps.reduce((sum, s) => sum + (s.kind === 'skipped' ? s.count : 0), 0);
    expect(skipped).toBe(199 - CRITICAL_PATH_SHOWN);
    expect(sections).toContainEqual(
      expect.objectContaining({ serviceName: 'svc-0', operationName: 'op-99', failed: true })
    );
  });

  it('keeps a short critical path whole, a span before and after the child it waited on', () => {
    const steps = criticalPathSteps(analyzeTrace(checkoutFailureFrame()));
    expect(steps.every((s) => s.kind === 'section')).toBe(true);
    expect(steps.map((s) => s.kind === 'section' && `${s.operationName} ${s.durationMs}`)).toEqual([
      'GET /checkout 5',
      'POST checkout 5',
      'POST /checkout 5',
      'GET fraud 2',
      'GET /score 3',
      'score.compute 80',
      'GET /score 3',
      'GET fraud 2',
      'POST /checkout 5',
      'POST checkout 5',
      'GET /checkout 5',
    ]);
  });

  it('says what was irregular, in words', () => {
    const none = { orphans: 0, cycles: 0, duplicateSpanIds: 0, missingSpanIds: 0, clockSkew: 0, missingTimes: 0 };
    expect(anomalyNotes(none)).toEqual([]);
    expect(
      anomalyNotes({ orphans: 2, cycles: 1, duplicateSpanIds: 1, missingSpanIds: 3, clockSkew: 1, missingTimes: 4 })
    ).toEqual([
      '2 spans have no parent in this trace (not sampled or not yet ingested): shown as extra roots.',
      '1 parent cycle was broken at the earliest span of each.',
      '1 row repeats a span id: the first row of each id is used.',
      '3 rows have no span id and were left out.',
      "4 spans have no usable start time or duration (missing, zero or not a number): left out of the trace's time window and duration.",
      '1 span starts or ends outside its parent: clocks of the services disagree.',
    ]);
  });

  it('formats durations', () => {
    expect(formatDuration(0.25)).toBe('250 µs');
    expect(formatDuration(28)).toBe('28 ms');
    expect(formatDuration(1234.5)).toBe('1.23 s');
  });
});
