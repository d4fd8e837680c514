/**
 * Splits the client's request body between the primary request and the mirrors without letting
 * the mirrors set the pace.
 *
 * The primary reads `tee.main`; each read pulls from the client's body, and every chunk pulled
 * is also handed to each branch (a mirror) that still wants the body. Branches never push back:
 * a branch that cannot keep up aborts itself (bounded buffer), so the primary's pace is the
 * client's and its server's, never a mirror's. When the primary stops reading before the body
 * ended (its server answered early or failed), the tee keeps reading for the branches that
 * still want the body, and lets the rest of the body drain once none do.
 */
import { Readable } from 'node:stream';

/** One receiver of the body besides the primary (a mirror request). */
export interface BodyBranch {
  /** False once the branch ended, aborted or no longer needs the body. */
  readonly wantsBody: boolean;
  /** The next chunk (shared with the primary: do not mutate). */
  feed(chunk: Buffer): void;
  /** The body is complete. */
  end(): void;
  /** The body cannot be delivered complete: the branch must be reset, never ended. */
  abort(reason: string): void;
}

export interface BodyTeeOptions {
  /** Branches are aborted once the body grows beyond this many bytes; -1: no limit. */
  readonly maxBytes: number;
  /** The request's Content-Length, or -1 when it has none (chunked). */
  readonly expectedBytes: number;
}

/** See the module comment. */
export class BodyTee {
  /** The body stream the primary request reads. */
  readonly main: Readable;
  readonly #source: Readable;
  readonly #branches: readonly BodyBranch[];
  readonly #maxBytes: number;
  readonly #expectedBytes: number;
  #bytes = 0;
  /** The primary's stream asked for more and was not full at the last push. */
  #mainWants = false;
  /** False once the primary stopped reading (its stream was destroyed or its response ended). */
  #mainAttached = true;
  /** The source ended, failed, or was let go. */
  #done = false;

  constructor(source: Readable, branches: readonly BodyBranch[], options: BodyTeeOptions) {
    this.#source = source;
    this.#branches = branches;
    this.#maxBytes = options.maxBytes;
    this.#expectedBytes = options.expectedBytes;
    this.main = new Readable({
      read: () => {
        this.#mainWants = true;
        this.#pump();
      },
      destroy: (err, callback) => {
        this.#detachMain();
        callback(err);
      },
    });
    // The primary may never read its body (answered without it); failing it then must not
    // become an uncaught error. A consumer that reads it adds its own listener.
    this.main.on('error', ignoreError);
    // 'readable' (pull) mode: nothing is read from the client unless the primary or a mirror
    // needs it, and a listener of this kind survives the engine's attempt to dump an unread
    // body after the response (which would drop 'data' listeners and lose chunks).
    source.on('readable', this.#onReadable);
    source.on('end', this.#onEnd);
    source.on('error', this.#onError);
    source.on('close', this.#onClose);
  }

  /** The primary's response is over; whatever it did not read is not its business any more. */
  mainFinished(): void {
    if (this.#done) return;
    this.main.destroy();
  }

  readonly #onReadable = (): void => {
    this.#pump();
  };

  readonly #onEnd = (): void => {
    if (this.#done) return;
    this.#finish();
    // The engine reports a body cut short as an error; this catches any engine that does not.
    if (this.#expectedBytes >= 0 && this.#bytes !== this.#expectedBytes) {
      this.#abortBranches('request body shorter than its Content-Length');
    } else {
      for (const b of this.#branches) if (b.wantsBody) b.end();
    }
    if (this.#mainAttached) this.main.push(null);
  };

  readonly #onError = (err: Error): void => {
    if (this.#done) return;
    this.#finish();
    this.#abortBranches('client request body failed');
    if (this.#mainAttached) this.main.destroy(err);
  };

  readonly #onClose = (): void => {
    // 'end' comes before 'close' for a complete body; a close without it is a body cut short.
    if (this.#done) return;
    this.#onError(new Error('client request body closed before its end'));
  };

  #pump(): void {
    const source = this.#source;
    while (!this.#done && (this.#mainWants || !this.#mainAttached)) {
      const read: unknown = source.read();
      if (read === null) return;
      const chunk = typeof read === 'string' ? Buffer.from(read) : (read as Buffer);
      this.#bytes += chunk.length;
      if (this.#maxBytes >= 0 && this.#bytes > this.#maxBytes) this.#abortBranches('request body larger than maxBodySize');
      for (const b of this.#branches) if (b.wantsBody) b.feed(chunk);
      if (this.#mainAttached) this.#mainWants = this.main.push(chunk);
      else if (!this.#anyBranchWants()) this.#letGo();
    }
  }

  #detachMain(): void {
    if (!this.#mainAttached) return;
    this.#mainAttached = false;
    this.#mainWants = false;
    if (this.#done) return;
    if (this.#anyBranchWants()) this.#pump();
    else this.#letGo();
  }

  #anyBranchWants(): boolean {
    for (const b of this.#branches) if (b.wantsBody) return true;
    return false;
  }

  #abortBranches(reason: string): void {
    for (const b of this.#branches) if (b.wantsBody) b.abort(reason);
  }

  /** Nobody needs the rest of the body: stop listening and let it drain. */
  #letGo(): void {
    this.#finish();
    // Draining keeps the client connection usable, as the engine does for an unread body.
    this.#source.resume();
  }

  #finish(): void {
    this.#done = true;
    const source = this.#source;
    source.off('readable', this.#onReadable);
    source.off('end', this.#onEnd);
    source.off('error', this.#onError);
    source.off('close', this.#onClose);
    // Nobody else may be listening any more (the primary reads `main`, not the source): an
    // error after this point must not become an uncaught exception.
    source.on('error', ignoreError);
  }
}

function ignoreError(): void {}
