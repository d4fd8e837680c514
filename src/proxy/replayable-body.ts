/**
 * Request bodies that must be sent more than once (status-based failover, retry): read into
 * memory up to a limit, then replayed as a fresh stream per attempt.
 *
 * Shared by the failover service and the retry middleware.
 */
import { Readable } from 'node:stream';
import { getHeader } from '../lib/exchange.ts';

/** What reading a body for replay gave. */
export type ReplayableBody =
  /** The whole body, in memory. */
  | { readonly kind: 'buffered'; readonly bytes: Buffer }
  /**
   * Larger than the limit: `body` is the whole body again (what was read, then the rest), to be
   * sent once.
   */
  | { readonly kind: 'too-large'; readonly body: Readable }
  /** Reading failed (the client went away or sent a broken body). */
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * Reads `body` into memory unless it is larger than `maxBytes` (negative: no limit). A
 * Content-Length above the limit answers 'too-large' without reading anything.
 */
export async function readReplayableBody(body: Readable, headers: readonly string[], maxBytes: number): Promise<ReplayableBody> {
  if (maxBytes >= 0) {
    const declared = Number(getHeader(headers, 'content-length') ?? Number.NaN);
    if (declared > maxBytes) return { kind: 'too-large', body };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // The iterator, not `for await`: leaving a `for await` early would destroy the stream, and a
  // body over the limit must still be sent on.
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  try {
    for (;;) {
      const next = await it.next();
      if (next.done === true) return { kind: 'buffered', bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      chunks.push(chunk);
      size += chunk.length;
      if (maxBytes >= 0 && size > maxBytes) return { kind: 'too-large', body: Readable.from(readAgain(chunks, it), { objectMode: false }) };
    }
  } catch (err) {
    return { kind: 'failed', error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** The chunks already read, then the rest of the body. */
async function* readAgain(read: readonly Buffer[], it: AsyncIterator<Buffer | string>): AsyncGenerator<Buffer | string> {
  let done = false;
  try {
    yield* read;
    for (;;) {
      const next = await it.next();
      if (next.done === true) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // The consumer stopped early (the server failed): release the client's body too.
    if (!done) await it.return?.();
  }
}

/** A fresh stream of `bytes` for one attempt. */
export function replayBody(bytes: Buffer): Readable {
  return Readable.from(bytes.length > 0 ? [bytes] : [], { objectMode: false });
}
