// Test support shared by the codec's tests (not imported by production code): records parser
// events as plain data so tables can compare them, and feeds inputs in arbitrary pieces.
import { createRequestParser, type RequestParser } from './request-parser.ts';
import { createResponseParser, type ResponseParser } from './response-parser.ts';
import type { Http1Limits } from './limits.ts';
import { LINE_CHECK_DISAGREES } from './line-check.ts';

/** A parser event as plain data; consecutive body pieces are merged so any fragmentation compares equal. */
export type RecordedEvent =
  | { readonly type: 'head'; readonly head: Record<string, unknown> }
  | { readonly type: 'informational'; readonly status: number; readonly headers: string[] }
  | { readonly type: 'body'; readonly data: string }
  | { readonly type: 'trailers'; readonly pairs: string[] }
  | { readonly type: 'complete' }
  | { readonly type: 'error'; readonly code: string };

/** Collects events; `push` merges adjacent body pieces. */
export class EventLog {
  readonly events: RecordedEvent[] = [];

  push(event: RecordedEvent): void {
    const last = this.events.at(-1);
    if (event.type === 'body' && last?.type === 'body') {
      this.events[this.events.length - 1] = { type: 'body', data: last.data + event.data };
    } else {
      this.events.push(event);
    }
  }

  /** Records a refusal; a refusal where the fast path and LineCheck disagree is a bug, so it throws. */
  refuse(code: string, message: string): void {
    if (message.startsWith(LINE_CHECK_DISAGREES)) throw new Error(`${code}: ${message}`);
    this.push({ type: 'error', code });
  }

  /** The error code reported, if any. */
  get error(): string | undefined {
    const last = this.events.at(-1);
    return last?.type === 'error' ? last.code : undefined;
  }

  heads(): Record<string, unknown>[] {
    return this.events.flatMap((e) => (e.type === 'head' ? [e.head] : []));
  }
}

/** A request parser wired to an EventLog; head fields become plain data, rawHead a latin1 string. */
export function recordingRequestParser(limits?: Partial<Http1Limits>): { parser: RequestParser; log: EventLog } {
  const log = new EventLog();
  const parser = createRequestParser({
    onHead: (head) => log.push({ type: 'head', head: { ...head, headers: [...head.headers], rawHead: head.rawHead.toString('latin1') } }),
    onBody: (chunk) => log.push({ type: 'body', data: chunk.toString('latin1') }),
    onTrailers: (pairs) => log.push({ type: 'trailers', pairs }),
    onMessageComplete: () => log.push({ type: 'complete' }),
    onError: (code, message) => log.refuse(code, message),
  }, limits);
  return { parser, log };
}

/** A response parser wired to an EventLog, like `recordingRequestParser`. */
export function recordingResponseParser(limits?: Partial<Http1Limits>): { parser: ResponseParser; log: EventLog } {
  const log = new EventLog();
  const parser = createResponseParser({
    onInformational: (status, headers) => log.push({ type: 'informational', status, headers }),
    onHead: (head) => log.push({ type: 'head', head: { ...head, headers: [...head.headers], rawHead: head.rawHead.toString('latin1') } }),
    onBody: (chunk) => log.push({ type: 'body', data: chunk.toString('latin1') }),
    onTrailers: (pairs) => log.push({ type: 'trailers', pairs }),
    onMessageComplete: () => log.push({ type: 'complete' }),
    onError: (code, message) => log.refuse(code, message),
  }, limits);
  return { parser, log };
}

/** Anything with `execute`: feeds `pieces` in order, stopping when the parser stops consuming. Returns bytes consumed. */
export function feed(parser: { execute(chunk: Buffer): number }, pieces: readonly Buffer[]): number {
  let consumed = 0;
  for (const piece of pieces) {
    const n = parser.execute(piece);
    consumed += n;
    if (n < piece.length) break;
  }
  return consumed;
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** The input split into single bytes. */
export function byteByByte(input: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i++) out.push(input.subarray(i, i + 1));
  return out;
}
