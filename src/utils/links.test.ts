import fc from 'fast-check';

import {
  fromPathSegment,
  graphUrl,
  pathSegment,
  serviceUrl,
  servicesUrl,
  sloUrl,
  slosUrl,
  traceUrl,
  URL_KEYS,
} from './links';

const BASE = '/a/pivot-correlation-app';

function parse(url: string): { path: string; params: URLSearchParams } {
  const [path, query = ''] = url.split('?');
  return { path, params: new URLSearchParams(query) };
}

describe('page links', () => {
  it('builds plain page paths without a query string when nothing is set', () => {
    expect(servicesUrl()).toBe(`${BASE}/services`);
    expect(slosUrl()).toBe(`${BASE}/slos`);
    expect(graphUrl()).toBe(`${BASE}/graph`);
  });

  it('carries the time range as Grafana from/to', () => {
    const { params } = parse(servicesUrl({ from: 1700000000000, to: 'now' }));
    expect(params.get(URL_KEYS.from)).toBe('1700000000000');
    expect(params.get(URL_KEYS.to)).toBe('now');
  });

  it.each(['checkout', 'we"ird/name?x=1&y#z', 'päyment 🚀', '../../admin', '%2F'])(
    'keeps the service %p as one path segment that decodes back exactly',
    (service) => {
      const { path } = parse(serviceUrl(service, { from: 'now-1h', to: 'now' }));
      const segments = path.split('/');
      expect(segments.slice(0, 4).join('/')).toBe(`${BASE}/services`);
      expect(segments).toHaveLength(5);
      expect(decodeURIComponent(segments[4])).toBe(service);
    }
  );

  it('puts the focused span of a trace in the query and the id in the path', () => {
    const { path, params } = parse(traceUrl('4bf92f3577b34da6a3ce929d0e0e4736', { spanId: '00f067aa0ba902b7' }));
    expect(path).toBe(`${BASE}/trace/4bf92f3577b34da6a3ce929d0e0e4736`);
    expect(params.get(URL_KEYS.span)).toBe('00f067aa0ba902b7');
  });

  it('leaves false and empty graph options out of the URL', () => {
    expect(graphUrl({ focus: '', unhealthy: false })).toBe(`${BASE}/graph`);
    const { params } = parse(graphUrl({ focus: 'checkout', depth: 2, unhealthy: true }));
    expect(params.get(URL_KEYS.focus)).toBe('checkout');
    expect(params.get(URL_KEYS.depth)).toBe('2');
    expect(params.get(URL_KEYS.unhealthy)).toBe('true');
  });

  // What a browser does with a link: its URL parser resolves it against the page, removing dot segments.
  const asBrowserOpens = (url: string) => new URL(url, 'https://grafana.example.com/a/pivot-correlation-app/services');

  it('the browser removes . and .. even percent-encoded, so they cannot be written as %2E', () => {
    expect(asBrowserOpens(`${BASE}/services/%2E%2E`).pathname).toBe(`${BASE}/`);
    expect(asBrowserOpens(`${BASE}/services/%2e`).pathname).toBe(`${BASE}/services/`);
  });

  it.each(['.', '..', '~.', '~..', '~~.', '...', '~', '.~', 'a.', '~a.'])(
    'writes %p as a segment the browser keeps, which the route reads back exactly',
    (name) => {
      for (const [url, page] of [
        [serviceUrl(name, { from: 'now-1h', to: 'now' }), 'services'],
        [sloUrl(name), 'slos'],
        [traceUrl(name), 'trace'],
      ] as const) {
        const { pathname } = asBrowserOpens(url);
        const segments = pathname.split('/');
        expect(segments.slice(0, 4).join('/')).toBe(`${BASE}/${page}`);
        expect(segments).toHaveLength(5);
        // The router percent-decodes the parameter; the page then undoes the dot escape.
        expect(fromPathSegment(decodeURIComponent(segments[4]))).toBe(name);
      }
    }
  );

  it('writes . and .. with a ~ in front and leaves every other name as encodeURIComponent writes it', () => {
    expect([pathSegment('.'), pathSegment('..'), pathSegment('~.')]).toEqual(['~.', '~..', '~~.']);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('.', '~', '/', '%', 'a', '$', '['), maxLength: 8 }), (name) => {
        const segment = pathSegment(name);
        expect(fromPathSegment(decodeURIComponent(segment))).toBe(name);
        expect(asBrowserOpens(`${BASE}/services/${segment}`).pathname).toBe(`${BASE}/services/${segment}`);
        if (!/^~*\.{1,2}$/.test(name)) {
          expect(segment).toBe(encodeURIComponent(name));
        }
      }),
      { numRuns: 1000 }
    );
  });

  it('percent-encodes Grafana variable syntax, so a link Grafana interpolates keeps the value', () => {
    const { path, params } = parse(serviceUrl('$__interval[[x]]${__from}', { from: '$__from', to: 'now' }));
    expect(path).toBe(`${BASE}/services/%24__interval%5B%5Bx%5D%5D%24%7B__from%7D`);
    expect(params.get(URL_KEYS.from)).toBe('$__from');
    expect(graphUrl({ focus: '$x' })).toBe(`${BASE}/graph?focus=%24x`);
  });

  it('encodes SLO names in the path', () => {
    expect(sloUrl('checkout availability/99.9')).toBe(`${BASE}/slos/checkout%20availability%2F99.9`);
  });
});
