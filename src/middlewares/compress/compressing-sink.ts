/**
 * The response sink `compress` puts in front of the client's: it holds the head and up to
 * `minBytes` of body until it knows whether the response is worth compressing, then either
 * passes everything through or encodes it chunk by chunk through a zlib stream.
 *
 * Backpressure: `write()` returns false while the zlib stream's input is full; the zlib
 * stream's output pauses while the client's sink is full, so memory stays bounded by the zlib
 * buffers plus at most `minBytes` held before the decision. `flush()` (SSE) flushes the encoder
 * (a sync flush) and then the client's sink; written bytes are also flushed `flushDelayMs`
 * after they were written.
 */
import { constants, createBrotliCompress, createGzip, createZstdCompress, type BrotliCompress, type Gzip, type ZstdCompress } from 'node:zlib';
import { deleteHeader, getHeader, getHeaderValues, writeHeadThroughHooks, type Exchange, type ResponseSink } from '../../lib/exchange.ts';
import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { CompressEncoding } from './accept-encoding.ts';

/**
 * The proxy relays each chunk as it arrives and never asks for a flush, while an encoder (and
 * the wait for `minBytes`) holds bytes back. Like Traefik's response forwarding, which flushes
 * at least every 100 ms, what was written is flushed at most this long after it was written,
 * so streams (SSE, long polls) keep moving.
 */
const flushDelayMs = 100;

type Encoder = Gzip | BrotliCompress | ZstdCompress;

/** Whether a response head may be compressed at all (content type and the like), decided by the middleware. */
export type HeadFilter = (status: number, headers: readonly string[]) => boolean;

function createEncoder(encoding: CompressEncoding): Encoder {
  switch (encoding) {
    case 'gzip':
      return createGzip();
    case 'br':
      return createBrotliCompress();
    case 'zstd':
      return createZstdCompress();
    default: {
      const never: never = encoding;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

function flushEncoder(encoder: Encoder, encoding: CompressEncoding, done: () => void): void {
  switch (encoding) {
    case 'gzip':
      (encoder as Gzip).flush(constants.Z_SYNC_FLUSH, done);
      return;
    case 'br':
      (encoder as BrotliCompress).flush(constants.BROTLI_OPERATION_FLUSH, done);
      return;
    case 'zstd':
      (encoder as ZstdCompress).flush(constants.ZSTD_e_flush, done);
      return;
    default: {
      const never: never = encoding;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

type Mode = 'head' | 'deciding' | 'passthrough' | 'compressing' | 'done';

/** A ResponseSink that compresses what it is given with `encoding` when the response qualifies. */
export class CompressingSink implements ResponseSink {
  readonly #parent: Exchange;
  readonly #encoding: CompressEncoding;
  readonly #minBytes: number;
  readonly #accepts: HeadFilter;
  readonly #clock: Clock;
  #flushTimer: TimerHandle | null = null;
  readonly #flushLater = (): void => {
    this.#flushTimer = null;
    this.flush();
  };
  #mode: Mode = 'head';
  #status = 0;
  #headers: string[] = [];
  #held: Buffer[] = [];
  #heldBytes = 0;
  #encoder: Encoder | null = null;
  #trailers: string[] | undefined;

  constructor(parent: Exchange, encoding: CompressEncoding, minBytes: number, accepts: HeadFilter, clock: Clock) {
    this.#parent = parent;
    this.#clock = clock;
    this.#encoding = encoding;
    this.#minBytes = minBytes;
    this.#accepts = accepts;
  }

  get headSent(): boolean {
    return this.#mode !== 'head' || this.#parent.response.headSent;
  }

  writeHead(status: number, headers: string[]): void {
    this.#status = status;
    this.#headers = headers;
    // Whatever is decided below, the answer depended on Accept-Encoding (Traefik adds it too).
    addVary(headers);
    if (!this.#accepts(status, headers)) {
      this.#mode = 'passthrough';
      writeHeadThroughHooks(this.#parent, status, headers);
      return;
    }
    this.#mode = 'deciding';
  }

  write(chunk: Buffer): boolean {
    switch (this.#mode) {
      case 'passthrough':
        return this.#parent.response.write(chunk);
      case 'deciding':
        this.#held.push(chunk);
        this.#heldBytes += chunk.length;
        if (this.#heldBytes >= this.#minBytes) return this.#startCompressing();
        this.#scheduleFlush();
        return true;
      case 'compressing':
        this.#scheduleFlush();
        return this.#encoder!.write(chunk);
      case 'head':
      case 'done':
        return true;
      default: {
        const never: never = this.#mode;
        throw new Error(`unknown mode ${String(never)}`);
      }
    }
  }

  onDrain(listener: () => void): void {
    if (this.#mode === 'compressing') this.#encoder!.once('drain', listener);
    else if (this.#mode === 'passthrough') this.#parent.response.onDrain(listener);
    else queueMicrotask(listener);
  }

  end(trailers?: string[]): void {
    this.#cancelFlush();
    switch (this.#mode) {
      case 'deciding':
        // The whole body is smaller than minResponseBodyBytes: it goes out as it came.
        this.#mode = 'passthrough';
        writeHeadThroughHooks(this.#parent, this.#status, this.#headers);
        for (const chunk of this.#held) this.#parent.response.write(chunk);
        this.#held = [];
        this.#parent.response.end(trailers);
        return;
      case 'compressing':
        this.#trailers = trailers;
        this.#encoder!.end();
        return;
      case 'passthrough':
      case 'head':
        this.#parent.response.end(trailers);
        return;
      case 'done':
        return;
      default: {
        const never: never = this.#mode;
        throw new Error(`unknown mode ${String(never)}`);
      }
    }
  }

  destroy(err?: Error): void {
    this.#cancelFlush();
    this.#mode = 'done';
    this.#held = [];
    this.#encoder?.destroy();
    this.#parent.response.destroy(err);
  }

  flush(): void {
    this.#cancelFlush();
    switch (this.#mode) {
      case 'deciding':
        // A stream that flushes (SSE) is compressed from here on, whatever it has sent so far.
        this.#startCompressing();
        this.flush();
        return;
      case 'compressing':
        flushEncoder(this.#encoder!, this.#encoding, () => {
          if (this.#mode === 'compressing') this.#parent.response.flush();
        });
        return;
      case 'passthrough':
        this.#parent.response.flush();
        return;
      case 'head':
      case 'done':
        return;
      default: {
        const never: never = this.#mode;
        throw new Error(`unknown mode ${String(never)}`);
      }
    }
  }

  #scheduleFlush(): void {
    if (this.#flushTimer === null) this.#flushTimer = this.#clock.setTimeout(this.#flushLater, flushDelayMs);
  }

  #cancelFlush(): void {
    if (this.#flushTimer === null) return;
    this.#clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  /** Sends the head as an encoded response and feeds what was held to the encoder. */
  #startCompressing(): boolean {
    this.#mode = 'compressing';
    const headers = this.#headers;
    deleteHeader(headers, 'content-length');
    // Byte ranges of the encoded body would not match the ones the server advertised.
    deleteHeader(headers, 'accept-ranges');
    headers.push('Content-Encoding', this.#encoding);
    writeHeadThroughHooks(this.#parent, this.#status, headers);

    const encoder = createEncoder(this.#encoding);
    this.#encoder = encoder;
    const client = this.#parent.response;
    encoder.on('data', (out: Buffer) => {
      if (!client.write(out)) {
        encoder.pause();
        client.onDrain(() => encoder.resume());
      }
    });
    encoder.on('end', () => {
      if (this.#mode !== 'compressing') return;
      this.#mode = 'done';
      client.end(this.#trailers);
    });
    encoder.on('error', (err: Error) => {
      if (this.#mode === 'done') return;
      this.#mode = 'done';
      client.destroy(err);
    });
    let ok = true;
    for (const chunk of this.#held) ok = encoder.write(chunk);
    this.#held = [];
    this.#heldBytes = 0;
    return ok;
  }
}

/** Adds `Accept-Encoding` to Vary unless it (or `*`) is already there. */
function addVary(headers: string[]): void {
  for (const value of getHeaderValues(headers, 'vary')) {
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t === 'accept-encoding' || t === '*') return;
    }
  }
  if (getHeader(headers, 'vary') === undefined) headers.push('Vary', 'Accept-Encoding');
  else {
    const merged = getHeaderValues(headers, 'vary').join(', ');
    deleteHeader(headers, 'vary');
    headers.push('Vary', `${merged}, Accept-Encoding`);
  }
}
