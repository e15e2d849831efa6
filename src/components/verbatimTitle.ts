import { SceneVariableSet, TextBoxVariable, VizPanel } from '@grafana/scenes';
import { VariableHide } from '@grafana/schema';

/**
 * Panel titles that hold a value (a service name) shown exactly as written.
 *
 * Scenes interpolates a panel's title (`VizPanelRenderer` runs it through
 * `sceneGraph.interpolate`), and Grafana's template syntax has no escape: a service named
 * `$__interval` would be titled `15s`, `${__from}` an epoch, `[[x]]` whatever `x` holds
 * (docs/conventions.md, Grafana variables in query text). So such a title is the reference
 * `${pivotTitle}` to a hidden variable of the panel holding the text. Interpolation replaces a
 * variable reference by the variable's value once and does not scan that value again, and a
 * `TextBoxVariable`'s value is its state as set (a `ConstantVariable` would interpolate its
 * value: it is not used for that reason).
 */

export const TITLE_VARIABLE = 'pivotTitle';

/** `panel` with the title `text`, shown verbatim whatever it holds. */
export function withVerbatimTitle<P extends VizPanel>(panel: P, text: string): P {
  panel.setState({
    title: `\${${TITLE_VARIABLE}}`,
    $variables: new SceneVariableSet({
      variables: [
        new TextBoxVariable({ name: TITLE_VARIABLE, value: text, skipUrlSync: true, hide: VariableHide.hideVariable }),
      ],
    }),
  });
  return panel;
}
