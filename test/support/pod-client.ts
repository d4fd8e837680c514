/**
 * Test support: the client of the Kubernetes end-to-end tests. One GET to an entry point on
 * 127.0.0.1 over a fresh connection, optionally from another loopback source address (for
 * client-IP affinity), with a Host and a Cookie header; the answer says which pod (test/support/
 * pods.ts) served it and what Set-Cookie came back.
 *
 * `createCookieClient` is a browser with a one-cookie jar: it sends the cookie it holds and keeps
 * whatever the proxy sets, so a test can follow one client through a rollout.
 */
import { request, type Agent } from 'node:http';

export interface PodVisit {
  /** Default `/`. */
  readonly path?: string;
  readonly host: string;
  /** A `Cookie` header value, e.g. `lvl1=default-myapp2-80`. */
  readonly cookie?: string | undefined;
  /** Source address to bind (e.g. 127.0.0.101); default: the system's choice (127.0.0.1). */
  readonly localAddress?: string;
  /**
   * Default: none, a fresh connection. A keep-alive agent with `maxSockets: 1` (see
   * `oneConnection`) keeps successive visits on one connection, hence on one worker.
   */
  readonly agent?: Agent | undefined;
}

export interface PodAnswer {
  readonly status: number;
  /** The pod that answered (`pod` of the echo body); '' when the body is not a pod's. */
  readonly pod: string;
  /** The Set-Cookie header values. */
  readonly setCookies: readonly string[];
  readonly body: string;
}

/** GET through the entry point at 127.0.0.1:`port`; rejects on connection errors and cut responses. */
export function visit(port: number | undefined, v: PodVisit): Promise<PodAnswer> {
  return new Promise((resolve, reject) => {
    if (port === undefined) {
      reject(new Error('no port: the entry point is not listening'));
      return;
    }
    const headers: Record<string, string> = { host: v.host };
    if (v.cookie !== undefined) headers['cookie'] = v.cookie;
    const req = request({
      host: '127.0.0.1', port, path: v.path ?? '/', headers, agent: v.agent ?? false,
      ...(v.localAddress === undefined ? {} : { localAddress: v.localAddress }),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('error', reject);
      res.on('end', () => {
        let pod = '';
        try {
          const parsed = JSON.parse(body) as { pod?: unknown };
          if (typeof parsed.pod === 'string') pod = parsed.pod;
        } catch {
          // not a pod's answer (an error page): pod stays ''
        }
        resolve({ status: res.statusCode ?? 0, pod, setCookies: res.headers['set-cookie'] ?? [], body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `name=value` pair of the Set-Cookie header for cookie `name`, or undefined. */
export function cookiePair(setCookies: readonly string[], name: string): string | undefined {
  for (const header of setCookies) {
    const pair = header.split(';')[0]!.trim();
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

/** The value of attribute `attribute` (case-insensitive) of the Set-Cookie header for `name`, or undefined. */
export function cookieAttribute(setCookies: readonly string[], name: string, attribute: string): string | undefined {
  const header = setCookies.find((h) => h.trim().startsWith(`${name}=`));
  if (header === undefined) return undefined;
  for (const part of header.split(';').slice(1)) {
    const [key = '', ...value] = part.split('=');
    if (key.trim().toLowerCase() === attribute.toLowerCase()) return value.join('=').trim();
  }
  return undefined;
}

/** A client that keeps the one sticky cookie `cookieName` it is given. */
export interface CookieClient {
  /** The `name=value` pair held, or undefined before the first Set-Cookie. */
  readonly cookie: string | undefined;
  /**
   * GETs `path` on `host` through the entry point at `port` with the held cookie; keeps a new one.
   * On a fresh connection, or over `agent`'s (see `PodVisit.agent`).
   */
  get(port: number | undefined, agent?: Agent): Promise<PodAnswer>;
}

/** A client of `host` (requests to `path`, default `/`) keeping the sticky cookie `cookieName`. */
export function createCookieClient(host: string, cookieName: string, path = '/'): CookieClient {
  let cookie: string | undefined;
  return {
    get cookie() {
      return cookie;
    },
    async get(port, agent) {
      const answer = await visit(port, { host, path, cookie, agent });
      cookie = cookiePair(answer.setCookies, cookieName) ?? cookie;
      return answer;
    },
  };
}
