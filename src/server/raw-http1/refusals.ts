/**
 * What the raw engine answers on its own, without routing: a request the parser refused, a head
 * that took too long, and the interim `100 Continue`. The refusals end the connection.
 */
import type { ParseErrorCode } from '../../http1/parse-error-code.ts';

/** The statuses the engine refuses with. */
export type RefusalStatus = 400 | 408 | 431;

const statusByCode: Readonly<Record<ParseErrorCode | 'TRUNCATED', RefusalStatus>> = {
  BAD_REQUEST_LINE: 400, BAD_STATUS_LINE: 400, BAD_VERSION: 400, BAD_HEADER_NAME: 400, BAD_HEADER_VALUE: 400,
  OBS_FOLD: 400, BARE_LF: 400, WHITESPACE_BEFORE_COLON: 400,
  // Go's net/http (Traefik) answers 431 when the head passes maxHeaderBytes, request line included.
  HEAD_TOO_LARGE: 431, TOO_MANY_HEADERS: 431, REQUEST_LINE_TOO_LONG: 431,
  BAD_CONTENT_LENGTH: 400, DUPLICATE_CONTENT_LENGTH: 400, CONTENT_LENGTH_WITH_TRANSFER_ENCODING: 400,
  UNSUPPORTED_TRANSFER_ENCODING: 400, BAD_CHUNK_SIZE: 400, CHUNK_SIZE_OVERFLOW: 400, BAD_CHUNK_EXTENSION: 400,
  BAD_CHUNK_TERMINATOR: 400, BAD_TRAILER: 400, MISSING_HOST: 400, DUPLICATE_HOST: 400, NUL_OR_CONTROL_BYTE: 400,
  UNEXPECTED_RESPONSE: 400, DATA_AFTER_CLOSE: 400, TRUNCATED: 400,
};

const heads: Readonly<Record<RefusalStatus, string>> = {
  // The node engine's clientError answer, byte for byte.
  400: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
  408: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
  431: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
};

/** The status that answers a parse failure. */
export function refusalStatus(code: ParseErrorCode | 'TRUNCATED'): RefusalStatus {
  return statusByCode[code];
}

/** The whole response (head, no body) of a refusal. */
export function refusalResponse(status: RefusalStatus): string {
  return heads[status];
}

/** The interim response that lets an `Expect: 100-continue` client send its body. */
export const continueResponse = 'HTTP/1.1 100 Continue\r\n\r\n';

/** An error with a `code`, as node:http reports aborted, broken and timed-out bodies. */
export function codedError(message: string, code: string): Error {
  const err = new Error(message);
  (err as Error & { code: string }).code = code;
  return err;
}
