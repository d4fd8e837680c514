/**
 * A ResponseSink that keeps a whole response (head and body) in memory instead of sending it,
 * so the buffering middleware can send it with a Content-Length, answer 500 when it is over the
 * limit, or throw it away and try again.
 */
import type { ResponseSink } from '../../lib/exchange.ts';

/** How a buffered response ended. */
export type BufferedEnd =
  | { readonly kind: 'ended'; readonly status: number; readonly headers: string[]; readonly body: Buffer; readonly tooLarge: boolean }
  | { readonly kind: 'destroyed'; readonly error: Error | undefined };

/** The sink plus a promise of how it ended. */
export interface BufferedResponse extends ResponseSink {
  readonly ended: Promise<BufferedEnd>;
}

/** Buffers a response; `maxBytes` 0 means no limit (bytes past the limit are dropped). */
export function createBufferedResponse(maxBytes: number): BufferedResponse {
  let status = 0;
  let headers: string[] = [];
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let headSent = false;
  let finished = false;
  let settle!: (end: BufferedEnd) => void;
  const ended = new Promise<BufferedEnd>((resolve) => {
    settle = resolve;
  });
  const finish = (end: BufferedEnd): void => {
    if (finished) return;
    finished = true;
    settle(end);
  };
  return {
    ended,
    get headSent() {
      return headSent;
    },
    writeHead(s, h) {
      if (headSent) return;
      headSent = true;
      status = s;
      headers = h;
    },
    write(chunk) {
      if (tooLarge || finished) return true;
      size += chunk.length;
      if (maxBytes > 0 && size > maxBytes) {
        // Keep nothing more: the client will get a 500 instead of this body.
        tooLarge = true;
        chunks.length = 0;
        return true;
      }
      chunks.push(chunk);
      return true;
    },
    onDrain() {
      // write() never asks for a pause: memory is the buffer.
    },
    end() {
      // Trailers are dropped: a response with a Content-Length has nowhere to put them.
      finish({ kind: 'ended', status, headers, body: Buffer.concat(chunks, tooLarge ? 0 : size), tooLarge });
    },
    destroy(error) {
      finish({ kind: 'destroyed', error });
    },
    flush() {
      // Nothing goes out before the whole response is here.
    },
  };
}
