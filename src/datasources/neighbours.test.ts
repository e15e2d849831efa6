import { expectValidPromQL } from '../testing/grammar';
import { neighbourRates } from './neighbours';

describe('neighbourRates', () => {
  it('selects the edges where the service is server or client, by client and server', () => {
    expect(neighbourRates({ service: 'checkout', window: '$__range' })).toBe(
      'sum by (client, server) (rate(traces_service_graph_request_total{server="checkout"}[$__range])) or ' +
        'sum by (client, server) (rate(traces_service_graph_request_total{client="checkout"}[$__range]))'
    );
  });

  it('counts failed requests from the failed counter', () => {
    expect(neighbourRates({ service: 'a', window: '5m', failed: true })).toContain('traces_service_graph_request_failed_total{server="a"}[5m]');
  });

  it('parses, and quotes any service name so it cannot add a matcher', () => {
    for (const service of ['checkout', 'a"b', 'x"} or vector(1) #', 'back\\slash', 'new\nline', '']) {
      const query = neighbourRates({ service, window: '$__range' });
      expectValidPromQL(query);
      expect(query.match(/\{/g)).toHaveLength(2);
    }
  });

  it('refuses a window that is not a duration or a Grafana variable', () => {
    expect(() => neighbourRates({ service: 'a', window: '5m] or vector(1)' })).toThrow(/Invalid PromQL window/);
  });
});
