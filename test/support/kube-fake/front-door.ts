/**
 * The way every request comes in, before the API proper: the body is read (bounded), the request
 * logged (tests assert on and wait for it), held while paused, failed while an injected failure
 * is armed, checked for the bearer token, then handed to the API handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { reasonForCode, statusBody } from './api-errors.ts';
import { sendJson } from './resource-requests.ts';

/** One request as received (logged on arrival, before pause/failNext). */
export interface RecordedRequest {
  readonly method: string;
  /** The URL path, e.g. `/apis/networking.k8s.io/v1/namespaces/default/ingresses/web/status`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  /** The body, parsed as JSON or YAML when it is; the raw text otherwise; undefined when empty. */
  readonly body: unknown;
  /** The answer's HTTP status once its headers are sent (a watch: 200 as soon as it opens); undefined before. */
  readonly status: number | undefined;
}

/** Serves one request that went through the front door. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string) => void;

export interface FrontDoor {
  /** The node:http request listener. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The live log (cleared in place). */
  readonly requests: RecordedRequest[];
  waitForRequest(match: (request: RecordedRequest) => boolean): Promise<RecordedRequest>;
  failNext(n: number, status: number, match: (request: RecordedRequest) => boolean): void;
  pause(): void;
  resume(): void;
  /** Forgets held requests (their connections are dropped by the server's close). */
  dropHeld(): void;
}

const maxBody = 16 * 1024 * 1024;

function parseRecordedBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  try {
    return /yaml/i.test(contentType ?? '') ? parseYaml(raw) : JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function createFrontDoor(handler: ApiHandler, token: string | undefined): FrontDoor {
  const requests: RecordedRequest[] = [];
  const waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  const held: (() => void)[] = [];
  const failures: { remaining: number; status: number; match: (r: RecordedRequest) => boolean }[] = [];
  let paused = false;

  const serve = (req: IncomingMessage, res: ServerResponse, url: URL, raw: string, entry: RecordedRequest): void => {
    const failure = failures.find((f) => f.remaining > 0 && f.match(entry));
    if (failure !== undefined) {
      failure.remaining--;
      if (failure.status === 429) res.setHeader('Retry-After', '1');
      sendJson(res, failure.status, statusBody(failure.status, reasonForCode(failure.status), `injected failure (${failure.status})`));
    } else if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      sendJson(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    } else {
      handler(req, res, url, raw);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBody) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBody) {
        sendJson(res, 413, statusBody(413, 'Unknown', `request body larger than ${maxBody} bytes`));
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const contentType = req.headers['content-type'];
      const entry: { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] } = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType,
        body: parseRecordedBody(raw, contentType),
        status: undefined,
      };
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
      res.writeHead = ((...args: unknown[]) => {
        entry.status = args[0] as number;
        return writeHead(...args);
      }) as typeof res.writeHead;
      requests.push(entry);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i]!;
        if (waiter.match(entry)) {
          waiters.splice(i, 1);
          waiter.resolve(entry);
        }
      }
      if (paused) held.push(() => serve(req, res, url, raw, entry));
      else serve(req, res, url, raw, entry);
    });
  };

  return {
    listener,
    requests,
    waitForRequest(match) {
      const found = requests.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    failNext(n, status, match) {
      failures.push({ remaining: n, status, match });
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const run of held.splice(0)) run();
    },
    dropHeld() {
      paused = false;
      held.length = 0;
    },
  };
}
