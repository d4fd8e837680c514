/**
 * Errors as the Kubernetes API server reports them: a `metav1.Status` body with the HTTP code,
 * a machine-readable `reason` (NotFound, AlreadyExists, Conflict, Expired, Invalid, ...) and
 * `details` naming the object, so clients (client-node's ApiException, kubectl) react as they
 * do against a real cluster.
 */

/** The `reason` values clients branch on. */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Unknown';

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
}

/** A failed request; `toStatus()` is the body the server sends. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  /** Extra `metadata` of the Status (an inconsistent-continue token on 410 Expired). */
  readonly statusMetadata: Record<string, string>;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails, statusMetadata: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.statusMetadata = statusMetadata;
  }

  toStatus(): Record<string, unknown> {
    return statusBody(this.code, this.reason, this.message, this.details, this.statusMetadata);
  }
}

/** A `metav1.Status` failure body. */
export function statusBody(code: number, reason: StatusReason, message: string, details?: StatusDetails, metadata: Record<string, string> = {}): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata,
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** The reason the real server gives for a bare HTTP code (used by failNext). */
export function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 500: return 'InternalError';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return 'Unknown';
  }
}

/** `ingresses.networking.k8s.io "web" not found`: how the server names a resource in messages. */
export function qualifiedResource(plural: string, group: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export function notFound(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, { name, group, kind: plural });
}

export function alreadyExists(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, { name, group, kind: plural });
}

export function conflict(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural });
}

export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

export function invalid(kind: string, group: string, name: string, message: string): KubeApiError {
  return new KubeApiError(422, 'Invalid', `${kind}${group === '' ? '' : `.${group}`} "${name}" is invalid: ${message}`, { name, group, kind });
}

/** The watch/list answer for a resourceVersion older than the compaction floor. */
export function tooOld(rv: number, current: number): KubeApiError {
  return new KubeApiError(410, 'Expired', `too old resource version: ${rv} (${current})`);
}
