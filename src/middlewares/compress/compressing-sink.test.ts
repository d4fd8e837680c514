/**
 * The compressing sink against a client sink that pushes back or flushes: bodies still decode
 * to the original, writers are told to wait, and a flush delivers everything written so far.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, constants, gunzipSync, zstdDecompressSync } from 'node:zlib';
import type { Exchange, ResponseSink } from '../../lib/exchange.ts';
import { createManualClock } from '../../lib/manual-clock.ts';
import { fakeExchange } from '../testing/fake-exchange.ts';
import type { CompressEncoding } from './accept-encoding.ts';
import { CompressingSink } from './compressing-sink.ts';

/** A client sink that is full after every write and drains on the next turn. */
class SlowSink implements ResponseSink {
  headSent = false;
  status = 0;
  headers: string[] = [];
  readonly chunks: Buffer[] = [];
  flushes = 0;
  #drain: (() => void)[] = [];
  onFlush: (() => void) | null = null;
  readonly ended: Promise<void>;
  #end!: () => void;
  constructor() {
    this.ended = new Promise((resolve) => { this.#end = resolve; });
  }
  writeHead(status: number, headers: string[]): void {
    this.headSent = true;
    this.status = status;
    this.headers = [...headers];
  }
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    setImmediate(() => {
      const listeners = this.#drain;
      this.#drain = [];
      for (const l of listeners) l();
    });
    return false;
  }
  onDrain(listener: () => void): void {
    this.#drain.push(listener);
  }
  end(): void {
    this.#end();
  }
  destroy(): void {
    this.#end();
  }
  flush(): void {
    this.flushes++;
    this.onFlush?.();
  }
}

const clock = createManualClock(1_000);

function exchangeWith(sink: ResponseSink): Exchange {
  return { ...fakeExchange(), response: sink };
}

test('tells the writer to wait while the client is full, and loses nothing', async () => {
  const client = new SlowSink();
  const sink = new CompressingSink(exchangeWith(client), 'zstd', 1024, () => true, clock);
  sink.writeHead(200, ['Content-Type', 'application/octet-stream']);
  // Incompressible, so the encoder's output outruns the slow client.
  const body = randomBytes(2 * 1024 * 1024);
  let waits = 0;
  for (let i = 0; i < body.length; i += 16 * 1024) {
    if (!sink.write(body.subarray(i, i + 16 * 1024))) {
      waits++;
      await new Promise<void>((resolve) => sink.onDrain(resolve));
    }
  }
  sink.end();
  await client.ended;
  assert.ok(waits > 0, 'the writer was asked to wait');
  assert.deepEqual(zstdDecompressSync(Buffer.concat(client.chunks)), body);
});

const decoders: Record<CompressEncoding, { partial: (b: Buffer) => Buffer; full: (b: Buffer) => Buffer }> = {
  gzip: { partial: (b) => gunzipSync(b, { finishFlush: constants.Z_SYNC_FLUSH }), full: (b) => gunzipSync(b) },
  br: { partial: (b) => brotliDecompressSync(b, { finishFlush: constants.BROTLI_OPERATION_FLUSH }), full: (b) => brotliDecompressSync(b) },
  zstd: { partial: (b) => zstdDecompressSync(b, { finishFlush: constants.ZSTD_e_flush }), full: (b) => zstdDecompressSync(b) },
};

for (const encoding of ['gzip', 'br', 'zstd'] as const) {
  test(`a flush sends what was written so far with ${encoding}, then flushes the client`, async () => {
    const client = new SlowSink();
    const sink = new CompressingSink(exchangeWith(client), encoding, 1024, () => true, clock);
    sink.writeHead(200, ['Content-Type', 'text/event-stream']);
    sink.write(Buffer.from('data: hello\n\n'));
    assert.equal(client.headSent, false, 'the head waits for the decision');
    const flushed = new Promise<void>((resolve) => { client.onFlush = resolve; });
    sink.flush();
    await flushed;
    assert.equal(client.status, 200);
    assert.equal(client.headers[client.headers.indexOf('Content-Encoding') + 1], encoding);
    assert.equal(decoders[encoding].partial(Buffer.concat(client.chunks)).toString(), 'data: hello\n\n');
    sink.write(Buffer.from('data: again\n\n'));
    sink.end();
    await client.ended;
    assert.equal(decoders[encoding].full(Buffer.concat(client.chunks)).toString(), 'data: hello\n\ndata: again\n\n');
  });
}

test('a body that ends under the threshold goes out as it came', async () => {
  const client = new SlowSink();
  const sink = new CompressingSink(exchangeWith(client), 'gzip', 1024, () => true, clock);
  sink.writeHead(200, ['Content-Type', 'text/plain']);
  sink.write(Buffer.from('short'));
  sink.end();
  await client.ended;
  assert.equal(client.headers.includes('Content-Encoding'), false);
  assert.equal(Buffer.concat(client.chunks).toString(), 'short');
});

test('what was written is flushed 100 ms later without a flush from the writer', async () => {
  const client = new SlowSink();
  const sink = new CompressingSink(exchangeWith(client), 'gzip', 1024, () => true, clock);
  sink.writeHead(200, ['Content-Type', 'text/event-stream']);
  sink.write(Buffer.from('data: tick\n\n'));
  const flushed = new Promise<void>((resolve) => { client.onFlush = resolve; });
  clock.advance(99);
  assert.equal(client.headSent, false);
  clock.advance(1);
  await flushed;
  assert.equal(gunzipSync(Buffer.concat(client.chunks), { finishFlush: constants.Z_SYNC_FLUSH }).toString(), 'data: tick\n\n');
  sink.end();
  await client.ended;
  assert.equal(clock.pending(), 0, 'no timer left behind');
});
