/**
 * Peeking at the first bytes of an accepted connection without taking them away from whoever
 * handles it next: read until a decision function has seen enough, then put the bytes back with
 * `socket.unshift()` so that a node:http or node:http2 server, a `tls.TLSSocket` or a TCP pipe
 * reads the stream as if nobody had touched it. Traefik does the same with a `bufio.Reader` and
 * `Peek(n)` (its TCP router's clientHelloInfo, go-proxyproto's `Read`); Node has no peek on a
 * socket, so we read and unshift.
 *
 * How to use it (one accepted socket, no encoding set, nothing else reading from it yet):
 *
 * ```ts
 * const peeked = await peekSocket(socket, decideProxyHeader,
 *   { maxBytes: PROXY_HEADER_MAX_BYTES, timeoutMs: 5000, clock });
 * if (peeked.kind !== 'decided' || peeked.value.kind === 'error') { socket.destroy(); return; }
 * // A PROXY header (if any) is gone; everything after it is back in the socket.
 * const hello = await peekSocket(socket, decideClientHello,
 *   { maxBytes: CLIENT_HELLO_MAX_BYTES, timeoutMs: 5000, clock });   // peeks chain
 * httpServer.emit('connection', socket);          // or new tls.TLSSocket(socket, ...), or pipe
 * ```
 *
 * - `decide(bytes)` sees every byte read so far (a view that is only valid during the call). It
 *   answers `{done: false, atLeast?}` for "need more" (`atLeast`: do not call again before this
 *   many bytes) or `{done: true, value, consume?}`: the first `consume` bytes (default 0) are
 *   dropped, the rest are put back. That is how a PROXY header is removed and a ClientHello kept.
 * - The peek ends at the first of: a decision, `maxBytes` read without one ('limit'), the
 *   injected clock reaching `timeoutMs` after the call ('timeout'), the signal aborting
 *   ('aborted'), the peer ending its side ('ended'), or the socket failing or closing ('closed').
 * - Bytes are put back on 'decided' (minus `consume`), 'limit', 'timeout' and 'aborted'. They
 *   cannot be on 'ended' and 'closed': Node refuses to unshift once the stream has emitted
 *   'end', so the bytes read are returned in the result instead (in practice a header cut short
 *   by the peer, and the caller closes the connection).
 * - While deciding the socket is not flowing: the peek drains it in paused mode (a 'readable'
 *   listener and `read()`), so no other listener sees a byte. Afterwards every listener the peek
 *   added is removed and the stream is left neither flowing nor explicitly paused, so that the
 *   next consumer's `on('data')`, `pipe()` or `read()` starts it exactly as on a fresh socket.
 *   (An explicit `pause()` would leave `readableFlowing === false`: a consumer that only adds a
 *   'data' listener, as a TCP relay does, would then never receive a byte.)
 * - The result is delivered after Node has processed the listener removal (one `nextTick`), so
 *   the consumer may attach its listeners as soon as the promise resolves.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../lib/clock.ts';

/** What a decision function answers for the bytes read so far. */
export type PeekVerdict<T> =
  | { readonly done: false; readonly atLeast?: number }
  | { readonly done: true; readonly value: T; readonly consume?: number };

/** Decides from the bytes read so far; the buffer is a view valid only during the call. */
export type PeekDecide<T> = (bytes: Buffer) => PeekVerdict<T>;

export interface PeekOptions {
  /** Give up ('limit') once this many bytes are read without a decision. */
  readonly maxBytes: number;
  /** Give up ('timeout') after this many milliseconds of the injected clock. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Give up ('aborted') when this signal aborts. */
  readonly signal?: AbortSignal;
}

/** How a peek ended. */
export type PeekResult<T> =
  /** `decide` answered; `consumed` bytes were dropped and the rest put back. */
  | { readonly kind: 'decided'; readonly value: T; readonly consumed: number }
  /** No decision; every byte read (`bytes`) is back in the socket. */
  | { readonly kind: 'limit' | 'timeout' | 'aborted'; readonly bytes: Buffer }
  /** The peer ended its side before a decision; `bytes` could not be put back. */
  | { readonly kind: 'ended'; readonly bytes: Buffer }
  /** The socket errored or was closed; `bytes` could not be put back. */
  | { readonly kind: 'closed'; readonly error: Error | null; readonly bytes: Buffer };

/** A growable byte store: amortised copying whatever the chunk sizes (even one byte each). */
class ByteStore {
  private buffer = Buffer.allocUnsafe(0);
  length = 0;
  append(chunk: Buffer): void {
    const needed = this.length + chunk.length;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2, 256));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length = needed;
  }
  view(from = 0): Buffer {
    return this.buffer.subarray(from, this.length);
  }
  copy(): Buffer {
    return Buffer.from(this.view());
  }
}

/**
 * Reads from `socket` until `decide` has enough, then puts back what the next consumer
 * must see (see the header comment for the exact contract). Never rejects for anything the peer
 * does; rejects only if `decide` throws or answers an impossible `consume` (bugs).
 */
export function peekSocket<T>(socket: Socket, decide: PeekDecide<T>, options: PeekOptions): Promise<PeekResult<T>> {
  const { maxBytes, timeoutMs, clock, signal } = options;
  if (socket.destroyed) return Promise.resolve({ kind: 'closed', error: socket.errored ?? null, bytes: Buffer.alloc(0) });
  if (socket.readableEnded) return Promise.resolve({ kind: 'ended', bytes: Buffer.alloc(0) });

  return new Promise((resolve, reject) => {
    const store = new ByteStore();
    let atLeast = 1;
    let finished = false;

    function cleanup(): void {
      finished = true;
      clock.clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    }

    // Resolving one tick later lets the stream process the removal of the 'readable' listener
    // (Node does that in a nextTick) before the consumer attaches its own listeners.
    function settle(result: PeekResult<T>): void {
      process.nextTick(resolve, result);
    }

    function putBack(from: number): void {
      if (from < store.length) socket.unshift(store.view(from));
    }

    function giveUp(kind: 'limit' | 'timeout' | 'aborted'): void {
      if (finished) return;
      cleanup();
      const bytes = store.copy();
      putBack(0);
      settle({ kind, bytes });
    }

    function tryDecide(): void {
      if (store.length < atLeast) {
        if (store.length >= maxBytes) giveUp('limit');
        return;
      }
      let verdict: PeekVerdict<T>;
      try {
        verdict = decide(store.view());
      } catch (error) {
        cleanup();
        putBack(0);
        reject(error);
        return;
      }
      if (verdict.done) {
        const consume = verdict.consume ?? 0;
        cleanup();
        if (!Number.isInteger(consume) || consume < 0 || consume > store.length) {
          putBack(0);
          reject(new RangeError(`peek: decide consumed ${consume} of ${store.length} bytes`));
          return;
        }
        putBack(consume);
        settle({ kind: 'decided', value: verdict.value, consumed: consume });
        return;
      }
      atLeast = Math.max(store.length + 1, verdict.atLeast ?? 0);
      if (store.length >= maxBytes) giveUp('limit');
    }

    function onReadable(): void {
      // Bounded: each read() takes a chunk out of the stream's buffer, which only the network
      // refills; once a decision or the limit is reached we stop reading.
      for (let chunk: Buffer | null = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        store.append(chunk);
        if (store.length >= maxBytes) break;
      }
      if (!finished) tryDecide();
    }

    function onEnd(): void {
      if (finished) return;
      cleanup();
      settle({ kind: 'ended', bytes: store.copy() });
    }

    function onError(error: Error): void {
      if (finished) return;
      cleanup();
      settle({ kind: 'closed', error, bytes: store.copy() });
    }

    function onClose(): void {
      if (finished) return;
      cleanup();
      settle({ kind: 'closed', error: socket.errored ?? null, bytes: store.copy() });
    }

    function onAbort(): void {
      giveUp('aborted');
    }

    const timer = clock.setTimeout(() => giveUp('timeout'), timeoutMs);
    if (signal?.aborted === true) {
      giveUp('aborted');
      return;
    }
    signal?.addEventListener('abort', onAbort);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('readable', onReadable);
  });
}
