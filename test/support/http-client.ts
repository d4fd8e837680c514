/**
 * Test support: the HTTP/1.1 client of the end-to-end tests. It sends one request to 127.0.0.1
 * on a fresh connection (no agent, so no connection is reused between requests) and resolves
 * once the whole response arrived. A test that must act while a response is still open (read
 * an event from a stream, destroy a request in flight) uses node:http itself.
 */
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface OutgoingRequest {
  /** Default `GET`. */
  readonly method?: string | undefined;
  /** The request target, query included. Default `/`. */
  readonly path?: string | undefined;
  /**
   * Sent exactly as given, `host` and `connection` included: node:http only adds what is
   * missing (Host: 127.0.0.1:port, Connection: close).
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * A string or buffer is sent with a Content-Length. An array is written chunk by chunk,
   * which node:http sends with Transfer-Encoding: chunked and no Content-Length.
   */
  readonly body?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /**
   * Default: none, a fresh connection. A keep-alive agent with `maxSockets: 1` (see
   * `oneConnection`) sends successive requests over one connection, so they all reach the same
   * worker when Switchyard runs several.
   */
  readonly agent?: Agent | undefined;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Names and values in the order they came, names as the server spelled them. */
  readonly rawHeaders: readonly string[];
  /** The trailer fields of a chunked response (empty without any). */
  readonly trailers: NodeJS.Dict<string>;
  /** The body as received, encoded or binary bytes untouched. */
  readonly body: Buffer;
  /** The body decoded as UTF-8. */
  text(): string;
}

/**
 * Sends `req` to 127.0.0.1:`port`. Rejects on a connection error and on a response cut off
 * before its end, so a test fails instead of waiting forever. `port` may come straight from an
 * entry point's port map: an entry point that is not listening (undefined) rejects rather than
 * letting node:http fall back to port 80.
 */
export function send(port: number | undefined, req: OutgoingRequest = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (port === undefined) {
      reject(new Error('no port: the entry point is not listening'));
      return;
    }
    const { method = 'GET', path = '/' } = req;
    const outgoing = request({
      host: '127.0.0.1',
      port,
      method,
      path,
      headers: req.headers ?? {},
      agent: req.agent ?? false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error(`the response to ${method} ${path} was cut off`));
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          trailers: res.trailers,
          body,
          text: () => body.toString('utf8'),
        });
      });
    });
    outgoing.on('error', reject);
    const sent = req.body;
    if (sent === undefined || typeof sent === 'string' || Buffer.isBuffer(sent)) {
      outgoing.end(sent);
    } else {
      for (const chunk of sent) outgoing.write(chunk);
      outgoing.end();
    }
  });
}
