/**
 * JSON over HTTP for `pivot investigate`, with errors that name the URL and the cause:
 * connection refused, a name that does not resolve, a timeout, 401/403, another status, or a
 * body that is not JSON. The query string is left out of messages (it holds the query, which
 * the section already shows); the path is kept.
 */

/** A backend that could not answer: the section says so and the exit status is 3. */
export class BackendError extends Error {}

export interface JsonRequest {
  /** Which backend, for messages: `Prometheus`, `Loki`, `Tempo`, `Grafana`. */
  backend: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A JSON body (POST). */
  body?: unknown;
  /** A form body (POST, `application/x-www-form-urlencoded`): a long query does not go in the URL. */
  form?: Record<string, string>;
  timeoutMs: number;
}

/** Errors are read by shape, not `instanceof`: fetch's come from Node's own realm, not jest's. */
interface ErrorLike {
  name?: string;
  message: string;
  code?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

function errorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string'
    ? (value as ErrorLike)
    : undefined;
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (DNS lookup failed)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed before an answer',
};

/** Why fetch failed, in words, from Node's error (its `cause` holds the system error). */
export function fetchFailureCause(error: unknown, timeoutMs: number): string {
  const failure = errorLike(error);
  if (failure?.name === 'TimeoutError' || failure?.name === 'AbortError') {
    return `no answer within ${timeoutMs / 1000} s (timeout)`;
  }
  const cause = errorLike(failure?.cause);
  const nested = Array.isArray(cause?.errors) ? cause.errors.map(errorLike) : [];
  const code = [cause?.code, ...nested.map((e) => e?.code)].find((c) => typeof c === 'string');
  if (cause?.message === 'bad port') {
    return 'the port is one fetch refuses to connect to (a "bad port" such as 1, 25 or 6000): use another port';
  }
  if (typeof code === 'string') {
    return `${CAUSES[code] ?? cause?.message ?? code} (${code})`;
  }
  return cause?.message || failure?.message || String(error);
}

/** The URL without its query string, for messages. */
export function shownUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The start of a body, on one line, for a message. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line || '(empty body)';
}

const STATUS_HINTS: Record<number, string> = {
  401: 'the credentials were refused: check the token',
  403: 'the token lacks permission: a Viewer service account can query data sources',
  404: 'not found: is this the root URL of the right server?',
};

/**
 * The answer's JSON. `okStatuses` are statuses whose body is still read (Grafana answers
 * 400 with per-query errors in its usual body); any other non-2xx status is an error.
 */
export async function getJson(req: JsonRequest, okStatuses: number[] = []): Promise<{ status: number; body: unknown }> {
  const where = `${req.backend} at ${shownUrl(req.url)}`;
  let response: Response;
  let text: string;
  try {
    const form = req.form === undefined ? undefined : new URLSearchParams(req.form).toString();
    response = await fetch(req.url, {
      method: req.method ?? (form === undefined ? 'GET' : 'POST'),
      headers: {
        Accept: 'application/json',
        ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(form === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
        ...req.headers,
      },
      body: form ?? (req.body === undefined ? undefined : JSON.stringify(req.body)),
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: 'manual',
    });
    text = await response.text();
  } catch (error) {
    throw new BackendError(`cannot reach ${where}: ${fetchFailureCause(error, req.timeoutMs)}`);
  }
  const ok = (response.status >= 200 && response.status < 300) || okStatuses.includes(response.status);
  if (!ok) {
    const hint = STATUS_HINTS[response.status];
    const redirect = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    throw new BackendError(
      `${where} answered ${response.status} ${response.statusText}` +
        (hint ? `: ${hint}` : '') +
        (redirect ? `: redirects to ${shownUrl(redirect)} (a login page? use the root URL and a token)` : '') +
        ` (body: ${excerpt(text)})`
    );
  }
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new BackendError(
      `${where} answered ${response.status} with something that is not JSON (is it ${req.backend}'s root URL?): ${excerpt(text)}`
    );
  }
}
