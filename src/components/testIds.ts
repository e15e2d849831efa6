/** Test ids shared by unit tests and the Playwright specs. */
export const testIds = {
  appConfig: {
    container: 'data-testid pivot-config',
    save: 'data-testid pivot-config-save',
    check: 'data-testid pivot-config-check',
    saveError: 'data-testid pivot-config-save-error',
    resolution: (pillar: string) => `data-testid pivot-config-resolution-${pillar}`,
    checkResult: (pillar: string) => `data-testid pivot-config-check-${pillar}`,
    useDetected: (pillar: string) => `data-testid pivot-config-use-detected-${pillar}`,
  },
  states: {
    notAvailable: 'data-testid pivot-not-available',
    problem: 'data-testid pivot-problem',
    empty: 'data-testid pivot-empty',
  },
  embedding: {
    serviceHealth: 'data-testid pivot-service-health',
    traceSummary: 'data-testid pivot-trace-summary',
    investigate: 'data-testid pivot-investigate',
    addToDashboard: 'data-testid pivot-add-to-dashboard',
  },
  services: {
    table: 'data-testid pivot-services-table',
    row: (service: string) => `data-testid pivot-services-row ${service}`,
    search: 'data-testid pivot-services-search',
    sortBy: (key: string) => `data-testid pivot-services-sort ${key}`,
    metricFamily: 'data-testid pivot-metric-family',
  },
  service: {
    /** One section of the Service page (metrics, logs, traces, neighbours) in one state. */
    section: (name: string, state: string) => `data-testid pivot-service-${name} ${state}`,
    note: 'data-testid pivot-service-note',
    neighbour: (service: string) => `data-testid pivot-service-neighbour ${service}`,
  },
};
