import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import type { ProbeClient } from '../../datasources/probes';

/** The probe client of the running app: Grafana's backend service, without its error toasts. */
export function grafanaProbeClient(): ProbeClient {
  return {
    request: async ({ method, url, data }) => {
      const response = await lastValueFrom(
        getBackendSrv().fetch<unknown>({ method, url, data, showErrorAlert: false, showSuccessAlert: false })
      );
      return response.data;
    },
  };
}
