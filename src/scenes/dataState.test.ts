import { getDefaultTimeRange, LoadingState, PanelData } from '@grafana/data';
import { failedRefIds, sectionDataState } from './dataState';
import { promSeries } from '../testing/frames';

const panelData = (state: LoadingState, rows: number, errors?: PanelData['errors']): PanelData => ({
  state,
  series:
    rows > 0
      ? [
          promSeries(
            'A',
            { service: 'a' },
            Array.from({ length: rows }, (_, i) => [i, i])
          ),
        ]
      : [],
  timeRange: getDefaultTimeRange(),
  errors,
});

describe('sectionDataState', () => {
  it('is loading before the first answer, and keeps data shown while refreshing', () => {
    expect(sectionDataState(undefined)).toEqual({ kind: 'loading' });
    expect(sectionDataState(panelData(LoadingState.NotStarted, 0))).toEqual({ kind: 'loading' });
    expect(sectionDataState(panelData(LoadingState.Loading, 0))).toEqual({ kind: 'loading' });
    expect(sectionDataState(panelData(LoadingState.Loading, 2))).toEqual({ kind: 'data' });
  });

  it('is empty when no frame has a row', () => {
    expect(sectionDataState(panelData(LoadingState.Done, 0))).toEqual({ kind: 'empty' });
    expect(sectionDataState({ ...panelData(LoadingState.Done, 0), series: [promSeries('A', {}, [])] })).toEqual({
      kind: 'empty',
    });
  });

  it("gives the data source's messages on error, once each", () => {
    const state = sectionDataState(
      panelData(LoadingState.Error, 0, [
        { message: 'bad_data: parse error', refId: 'A' },
        { message: 'bad_data: parse error', refId: 'B' },
        { message: 'timeout', refId: 'C' },
      ])
    );
    expect(state).toEqual({ kind: 'error', message: 'bad_data: parse error; timeout' });
    expect(sectionDataState(panelData(LoadingState.Error, 0, []))).toEqual({
      kind: 'error',
      message: 'The query failed without a message.',
    });
  });

  it('shows what answered, with the failures as a warning', () => {
    expect(sectionDataState(panelData(LoadingState.Error, 1, [{ message: 'timeout', refId: 'p95' }]))).toEqual({
      kind: 'data',
      warning: 'timeout',
    });
    expect(
      failedRefIds(panelData(LoadingState.Error, 1, [{ message: 'timeout', refId: 'p95' }, { message: 'x' }]))
    ).toEqual(['p95']);
  });
});
