/**
 * Test support: the parser-independent record of what an HTTP/1.1 parser made of a byte stream.
 * Both oracles (llhttp in-process, a real node:http server) and the Switchyard parser adapter
 * produce this shape, so the differential test compares like with like.
 */

/** One message as the parser delivered it, in order. */
export interface ObservedMessage {
  /** Request method, or '' for a response. */
  readonly method: string;
  /** Request target, or '' for a response. */
  readonly target: string;
  /** Response status (0 for a request). */
  readonly status: number;
  /** `1.1`, `1.0`, … as the start line said. */
  readonly version: string;
  /** Raw header pairs [name, value, …]: names as received, values trimmed of OWS. */
  readonly headers: readonly string[];
  /** Body bytes delivered for this message (concatenated across callbacks). */
  readonly body: Buffer;
  /** Raw trailer pairs of a chunked body (empty when none). */
  readonly trailers: readonly string[];
  /** Whether the parser reported the message complete (false: cut off by an error or EOF). */
  readonly complete: boolean;
  readonly keepAlive: boolean;
  /** The head hands the connection over to another protocol (bytes after it are not HTTP). */
  readonly upgrade: boolean;
}

/**
 * How the stream ended:
 * - `clean`: every message complete and nothing pending at EOF;
 * - `truncated`: EOF in the middle of a message (a head or a body);
 * - `rejected`: the parser refused the bytes (`code` is the parser's own error name);
 * - `upgraded`: the last message upgraded; `rest` is every byte after its head.
 */
export type ObservedEnd =
  | { readonly kind: 'clean' }
  | { readonly kind: 'truncated'; readonly code: string }
  | { readonly kind: 'rejected'; readonly code: string; /** Offset of the refused byte, when the parser says. */ readonly offset?: number }
  | { readonly kind: 'upgraded'; readonly rest: Buffer };

/** Everything a parser made of one connection's bytes. */
export interface Http1Observation {
  readonly messages: readonly ObservedMessage[];
  readonly end: ObservedEnd;
}

/** A mutable message under construction (the oracles and adapters build these). */
export interface MessageDraft {
  method: string;
  target: string;
  status: number;
  version: string;
  headers: string[];
  bodyParts: Buffer[];
  trailers: string[];
  complete: boolean;
  keepAlive: boolean;
  upgrade: boolean;
}

/** Freezes drafts into observed messages. */
export function finishMessages(drafts: readonly MessageDraft[]): ObservedMessage[] {
  return drafts.map((d) => ({
    method: d.method,
    target: d.target,
    status: d.status,
    version: d.version,
    headers: d.headers,
    body: Buffer.concat(d.bodyParts),
    trailers: d.trailers,
    complete: d.complete,
    keepAlive: d.keepAlive,
    upgrade: d.upgrade,
  }));
}

/** A readable one-line-per-fact rendering (used in assertion messages and reports). */
export function describeObservation(o: Http1Observation): string {
  const lines = o.messages.map((m, i) => {
    const start = m.status === 0 ? `${m.method} ${m.target} HTTP/${m.version}` : `HTTP/${m.version} ${m.status}`;
    return `#${i} ${start} headers=${JSON.stringify(m.headers)} body=${JSON.stringify(m.body.toString('latin1'))}` +
      `${m.trailers.length > 0 ? ` trailers=${JSON.stringify(m.trailers)}` : ''} complete=${m.complete}` +
      ` keepAlive=${m.keepAlive} upgrade=${m.upgrade}`;
  });
  const end = o.end;
  switch (end.kind) {
    case 'clean': lines.push('end: clean'); break;
    case 'truncated': lines.push(`end: truncated (${end.code})`); break;
    case 'rejected': lines.push(`end: rejected (${end.code})`); break;
    case 'upgraded': lines.push(`end: upgraded rest=${JSON.stringify(end.rest.toString('latin1'))}`); break;
    default: {
      const never: never = end;
      throw new Error(`unknown end ${String(never)}`);
    }
  }
  return lines.join('\n');
}
