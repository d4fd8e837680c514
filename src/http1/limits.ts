/**
 * Size limits of the HTTP/1.1 codec. Every limit is a positive integer; exceeding one is a parse
 * error (the engine answers 431/400 and closes), never a silent truncation.
 */
export interface Http1Limits {
  /** Bytes of the whole head: start line, field lines and the empty line, CRLFs included. Applies to
   * a trailer section separately. Default 1 MiB, like Traefik's `maxHeaderBytes`. */
  readonly maxHeaderBytes: number;
  /** Field lines in one head (or one trailer section). Default 200. */
  readonly maxHeaderCount: number;
  /** Bytes of the request line or status line without its CRLF. Default 8 KiB. */
  readonly maxRequestLineBytes: number;
  /** Bytes of one chunk's extensions, from the first `;` to the CR. Default 4 KiB. */
  readonly maxChunkExtensionBytes: number;
}

/** The defaults the engines use when an entry point sets nothing. */
export const defaultHttp1Limits: Http1Limits = Object.freeze({
  maxHeaderBytes: 1024 * 1024,
  maxHeaderCount: 200,
  maxRequestLineBytes: 8 * 1024,
  maxChunkExtensionBytes: 4 * 1024,
});

/**
 * Completes partial limits with the defaults. A value that is not a positive safe integer is a
 * programming error of the caller (limits come from validated config), so it throws a RangeError.
 */
export function resolveHttp1Limits(limits: Partial<Http1Limits> = {}): Http1Limits {
  const resolved: Http1Limits = { ...defaultHttp1Limits, ...limits };
  for (const key of Object.keys(defaultHttp1Limits) as (keyof Http1Limits)[]) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Http1Limits.${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return resolved;
}
