import { excerpt, fetchFailureCause, shownUrl } from './http';

/** The system error Node's fetch puts in `cause`, as it is built there. */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('fetchFailureCause', () => {
  it('names the system error of a refused connection', () => {
    const cause = systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9090');
    expect(fetchFailureCause(new TypeError('fetch failed', { cause }), 60000)).toBe(
      'connection refused (nothing listens there) (ECONNREFUSED)'
    );
  });

  it('reads the code of a name that resolves to several addresses, each refused', () => {
    const cause = Object.assign(
      new AggregateError([
        systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:9090'),
        systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9090'),
      ]),
      { code: undefined }
    );
    expect(fetchFailureCause(new TypeError('fetch failed', { cause }), 60000)).toBe(
      'connection refused (nothing listens there) (ECONNREFUSED)'
    );
  });

  it('says how long it waited on a timeout', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(fetchFailureCause(timeout, 60000)).toBe('no answer within 60 s (timeout)');
  });

  it('keeps the message of a code it has no words for', () => {
    const cause = systemError('EPROTO', 'write EPROTO wrong version number');
    expect(fetchFailureCause(new TypeError('fetch failed', { cause }), 1000)).toBe(
      'write EPROTO wrong version number (EPROTO)'
    );
  });

  it('explains the ports fetch refuses', () => {
    expect(fetchFailureCause(new TypeError('fetch failed', { cause: new Error('bad port') }), 1000)).toMatch(
      /^the port is one fetch refuses/
    );
  });
});

describe('shownUrl and excerpt', () => {
  it('leaves the query string (the query) out of messages', () => {
    expect(shownUrl('http://p:9090/api/v1/query?query=up')).toBe('http://p:9090/api/v1/query');
    expect(shownUrl('http://p:9090/')).toBe('http://p:9090/');
  });

  it('puts a body on one short line', () => {
    expect(excerpt('a\n  b\tc')).toBe('a b c');
    expect(excerpt('')).toBe('(empty body)');
    expect(excerpt('x'.repeat(200))).toBe(`${'x'.repeat(160)}…`);
  });
});
