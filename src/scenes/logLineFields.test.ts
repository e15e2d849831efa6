import { PanelBuilders } from '@grafana/scenes';
import { withLineFields } from './logLineFields';

describe('withLineFields', () => {
  it('turns on the fields beside each line and the common ones above, keeping the other options', () => {
    const panel = withLineFields(PanelBuilders.logs().setOption('enableLogDetails', true)).build();
    expect(panel.state.options).toMatchObject({
      showLabels: true,
      showCommonLabels: true,
      showLogAttributes: true,
      enableLogDetails: true,
    });
    expect(PanelBuilders.logs().build().state.options.showLabels).not.toBe(true);
  });
});
