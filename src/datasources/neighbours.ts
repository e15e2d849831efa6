/**
 * Names of the service-graph metrics (Tempo metrics-generator or the OTel Collector
 * `servicegraph` connector; CONTRACTS.md section 2). The queries over them, including a
 * service's neighbours (`edgeRequestRate` / `edgeFailedRate` with `service`), are built in
 * serviceGraph.ts.
 */
export const SERVICE_GRAPH_REQUESTS = 'traces_service_graph_request_total';
export const SERVICE_GRAPH_FAILED = 'traces_service_graph_request_failed_total';
