/** Test ids shared by unit tests and the Playwright specs. */
export const testIds = {
  appConfig: {
    container: 'data-testid pivot-config',
    save: 'data-testid pivot-config-save',
    check: 'data-testid pivot-config-check',
    serviceNames: 'data-testid pivot-config-service-names',
    saveError: 'data-testid pivot-config-save-error',
    resolution: (pillar: string) => `data-testid pivot-config-resolution-${pillar}`,
    checkResult: (pillar: string) => `data-testid pivot-config-check-${pillar}`,
    useDetected: (pillar: string) => `data-testid pivot-config-use-detected-${pillar}`,
  },
  states: {
    problem: 'data-testid pivot-problem',
    empty: 'data-testid pivot-empty',
  },
  /** A page's data sources (src/scenes/dataSourcePage.tsx). */
  dataSources: {
    unknown: 'data-testid pivot-datasource-unknown',
    fromPanel: 'data-testid pivot-datasource-from-panel',
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
    slo: (service: string) => `data-testid pivot-services-slo ${service}`,
    search: 'data-testid pivot-services-search',
    sortBy: (key: string) => `data-testid pivot-services-sort ${key}`,
    metricFamily: 'data-testid pivot-metric-family',
    /** The queue-consumers section in one state: data, error, unknown (a family without span kinds). */
    consumers: (state: string) => `data-testid pivot-services-consumers ${state}`,
    consumerRow: (service: string) => `data-testid pivot-services-consumer ${service}`,
  },
  graph: {
    /** The Graph page in one state: loading, error, missing, sampled, data, problem. */
    page: (state: string) => `data-testid pivot-graph ${state}`,
    message: 'data-testid pivot-graph-message',
    quantileNote: 'data-testid pivot-graph-quantile-note',
    focus: 'data-testid pivot-graph-focus',
    depth: 'data-testid pivot-graph-depth',
    unhealthy: 'data-testid pivot-graph-unhealthy',
    buildSampled: 'data-testid pivot-graph-build-sampled',
    sampledLabel: 'data-testid pivot-graph-sampled-label',
    edgeRow: (id: string) => `data-testid pivot-graph-edge ${id}`,
    nodeLink: (service: string) => `data-testid pivot-graph-node ${service}`,
    /** The Service page's neighbourhood graph in one state. */
    neighbourhood: (state: string) => `data-testid pivot-neighbourhood ${state}`,
  },
  slos: {
    table: 'data-testid pivot-slos-table',
    row: (slo: string) => `data-testid pivot-slos-row ${slo}`,
    add: 'data-testid pivot-slos-add',
    editor: 'data-testid pivot-slo-editor',
    save: 'data-testid pivot-slo-save',
    pairs: 'data-testid pivot-slo-pairs',
    rules: 'data-testid pivot-slo-rules',
    investigate: 'data-testid pivot-slo-investigate',
    threshold: 'data-testid pivot-slo-threshold',
    /** Burn-rate alerts of the SLO that can never fire (objective too low). */
    unreachable: 'data-testid pivot-slo-unreachable',
    /** Stored definitions that fail validation, and one of them (by name, or `#<index>` without one). */
    invalidList: 'data-testid pivot-slos-invalid',
    invalid: (name: string) => `data-testid pivot-slos-invalid ${name}`,
  },
  service: {
    /** One section of the Service page (error-ratio, latency, logs, traces) in one state. */
    section: (name: string, state: string) => `data-testid pivot-service-${name} ${state}`,
    note: 'data-testid pivot-service-note',
    /** One caller or callee in the list beside the neighbourhood graph. */
    neighbour: (service: string) => `data-testid pivot-service-neighbour ${service}`,
  },
  trace: {
    /** The trace part of the Trace page in one state: loading, data, not-found, error, invalid-id, no-tempo. */
    state: (kind: string) => `data-testid pivot-trace-state ${kind}`,
    summary: 'data-testid pivot-trace-summary',
    failureOrigin: 'data-testid pivot-trace-failure-origin',
    criticalPath: 'data-testid pivot-trace-critical-path',
    serviceLink: (service: string) => `data-testid pivot-trace-service-link ${service}`,
    focusSpan: (spanId: string) => `data-testid pivot-trace-focus ${spanId}`,
    openInput: 'data-testid pivot-trace-open-input',
    openSubmit: 'data-testid pivot-trace-open-submit',
    /** The sentence saying which window the trace's logs were read in. */
    logsWindow: 'data-testid pivot-trace-logs-window',
    /** Names of the Trace page's sections, for `service.section(name, state)`. */
    sections: { logs: 'trace-logs', graph: 'trace-graph' },
  },
};
