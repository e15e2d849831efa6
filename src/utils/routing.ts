import { PLUGIN_BASE_URL } from '../constants';

/** The app URL of a page path, e.g. `services` → `/a/pivot-correlation-app/services`. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
