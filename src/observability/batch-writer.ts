/**
 * A line writer for the request path: lines are appended to a string and written to the stream
 * in one `write` per batch (all lines finished in one turn of the event loop, at most
 * `maxLines` at a time), so a busy proxy does not pay one syscall per request.
 */
import type { Writable } from 'node:stream';

/** Appends lines and writes them in batches; `close` flushes and ends an owned stream. */
export interface BatchWriter {
  /** Queues one complete line (with its trailing newline). Never blocks, never throws. */
  write(line: string): void;
  /** Writes everything queued now. */
  flush(): void;
  /** Flushes, then ends the stream when the writer owns it; resolves once the data is handed over. */
  close(): Promise<void>;
  /** Lines dropped because the stream stayed full past the buffer limit. */
  readonly dropped: number;
}

export interface BatchWriterOptions {
  /** Lines per write at most (Traefik's `bufferingSize`); 0 or less means one batch per turn. */
  readonly maxLines: number;
  /** True when `close` should end the stream (a file we opened), false for stdout. */
  readonly ownsStream: boolean;
  /**
   * Lines kept while the stream is full (it returned false and has not drained) before new
   * lines are dropped. Bounds memory when the disk or the pipe cannot keep up.
   */
  readonly maxPendingLines?: number;
}

/** Creates a batch writer over `out`. */
export function createBatchWriter(out: Writable, options: BatchWriterOptions): BatchWriter {
  const batchLines = options.maxLines > 0 ? options.maxLines : Infinity;
  const maxPending = options.maxPendingLines ?? 65_536;
  let pending = '';
  let pendingLines = 0;
  let scheduled: NodeJS.Immediate | null = null;
  let blocked = false;
  let closed = false;
  let dropped = 0;

  const onDrain = (): void => {
    blocked = false;
    flush();
  };

  function flush(): void {
    if (scheduled !== null) {
      clearImmediate(scheduled);
      scheduled = null;
    }
    if (pendingLines === 0 || blocked) return;
    const chunk = pending;
    pending = '';
    pendingLines = 0;
    if (!out.write(chunk)) {
      blocked = true;
      out.once('drain', onDrain);
    }
  }

  return {
    write(line: string): void {
      if (closed) return;
      if (pendingLines >= maxPending) {
        dropped++;
        return;
      }
      pending += line;
      pendingLines++;
      if (pendingLines >= batchLines) flush();
      else if (scheduled === null && !blocked) scheduled = setImmediate(flush);
    },
    flush,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (scheduled !== null) clearImmediate(scheduled);
      scheduled = null;
      out.off('drain', onDrain);
      const rest = pending;
      pending = '';
      pendingLines = 0;
      await new Promise<void>((resolve) => {
        // The write callback also fires with an error (a closed file): dispose must not hang.
        if (options.ownsStream) out.end(rest, () => resolve());
        else out.write(rest, () => resolve());
      });
    },
    get dropped(): number {
      return dropped;
    },
  };
}
