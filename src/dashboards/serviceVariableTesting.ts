/**
 * The shipped dashboards' `service` variable as Grafana fills it, for tests: service names
 * that break a `"$service"` literal or would match other services as a regex, and the real
 * Scenes interpolation of a query for one of them.
 */
import { CustomVariable, EmbeddedScene, SceneFlexLayout, sceneGraph, SceneVariableSet } from '@grafana/scenes';

/** Service names that break a `"$service"` literal, or would match other services as a regex. */
export const HOSTILE_SERVICES = [
  'checkout',
  'we"ird',
  'back\\slash\\',
  'new\nline',
  'a.b',
  '(x)|y*',
  '$__interval',
  '${__from}',
  '"} or vector(1) # ${x}',
  "it's [fine]? {1,2} ^$ /path/",
  'healthy 😀',
];

/**
 * `expr` as Grafana sends it for a dashboard whose `service` variable holds `service`: the real
 * Scenes interpolation. A multi-value variable, like the dashboard's query variable, hands out
 * its value as it is (a ConstantVariable would interpolate its own value first).
 */
export function interpolateForService(expr: string, service: string): string {
  const variable = new CustomVariable({ name: 'service', query: '', value: service, text: service });
  const scene = new EmbeddedScene({
    $variables: new SceneVariableSet({ variables: [variable] }),
    body: new SceneFlexLayout({ children: [] }),
  });
  return sceneGraph.interpolate(scene, expr);
}
